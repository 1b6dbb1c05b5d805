/**
 * DDPM (Ho et al. 2020): the training objective L_DDPM of the seed's §4.3 and the ancestral sampler
 * p_theta(x_{t-1} | x_t) of §4.2, on top of an {@link EpsilonNetwork} and a {@link NoiseSchedule}.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpsilonNetwork } from './epsilon-network';
import { scheduleTables } from './forward-process';
import type { Rng } from './random';
import type { NoiseSchedule } from './schedules';

/** Adam whose learning rate can change without losing its moment estimates. */
class TunableAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

/** Optimisation settings. */
export interface TrainingSpec {
  /** Adam step size, in (0, 1]. Default 1e-3. */
  readonly learningRate: number;
  /** Rows per training batch, integer in [1, 65536]. Default 512. */
  readonly batchSize: number;
  /**
   * Decay of the exponential moving average of the weights used for sampling, in [0, 1); 0 samples with
   * the raw weights. Ho et al. 2020 use 0.9999 over 800k steps; live training wants ~0.99. Default 0.
   */
  readonly emaDecay?: number;
}

export const DEFAULT_TRAINING: TrainingSpec = { learningRate: 1e-3, batchSize: 512, emaDecay: 0 };

/**
 * Exponential moving average (Polyak averaging) of a network's weights: avg <- d avg + (1 - d) w after
 * every step, with the warm-up d_n = min(decay, (1 + n) / (10 + n)) so early averages are not stuck at the
 * random initialisation. Ho et al. 2020 (§4) sample with such an average. Owns a copy of the network.
 */
export class WeightAverage {
  /** The averaged network (use it for sampling). */
  readonly net: EpsilonNetwork;
  private updates = 0;

  /** @param decay in [0, 1). @throws RangeError otherwise. */
  constructor(source: EpsilonNetwork, public decay: number) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`emaDecay must be in [0, 1), got ${decay}`);
    this.net = source.clone();
  }

  /** Folds the current weights of `source` into the average. */
  update(source: EpsilonNetwork): void {
    const n = this.updates++;
    const d = Math.min(this.decay, (1 + n) / (10 + n));
    tf.tidy(() => {
      this.net.variables.forEach((avg, i) => avg.assign(tf.add(tf.mul(avg, d), tf.mul(source.variables[i], 1 - d))));
    });
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** Checks training settings; returns human-readable problems (empty when valid). */
export function trainingProblems(spec: TrainingSpec): string[] {
  const p: string[] = [];
  if (!(spec.learningRate > 0 && spec.learningRate <= 1)) p.push(`learningRate must be in (0, 1], got ${spec.learningRate}`);
  if (!Number.isInteger(spec.batchSize) || spec.batchSize < 1 || spec.batchSize > 65536) p.push(`batchSize must be an integer in [1, 65536], got ${spec.batchSize}`);
  const ema = spec.emaDecay ?? 0;
  if (!(ema >= 0 && ema < 1)) p.push(`emaDecay must be in [0, 1), got ${ema}`);
  return p;
}

/** Lookup tables sqrt(alphaBar_t), sqrt(1 - alphaBar_t), each [T + 1]; see {@link scheduleTables}. */
export type ScheduleTables = { signal: tf.Tensor1D; noise: tf.Tensor1D };

/**
 * L_DDPM = E_{x_0, t ~ U{1..T}, epsilon} ||epsilon - epsilon_theta(sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) epsilon, t)||^2
 * (seed §4.3), estimated on one batch.
 * @param tables from {@link scheduleTables} of the schedule with T steps.
 * @param x0 data batch [B, D]; @param t steps [B] (int32, in [1, T]); @param epsilon noise [B, D].
 * @returns scalar: the batch mean over rows of the squared norm over D. Not tidied (use inside tidy/minimize).
 */
export function ddpmLoss(
  net: EpsilonNetwork,
  T: number,
  tables: ScheduleTables,
  x0: tf.Tensor2D,
  t: tf.Tensor1D,
  epsilon: tf.Tensor2D,
): tf.Scalar {
  const s = tf.gather(tables.signal, t).reshape([-1, 1]);
  const n = tf.gather(tables.noise, t).reshape([-1, 1]);
  const xt = tf.add(tf.mul(x0, s), tf.mul(epsilon, n)) as tf.Tensor2D;
  const tau = tf.div(tf.cast(t, 'float32'), T) as tf.Tensor1D;
  return tf.mean(tf.sum(tf.square(tf.sub(epsilon, net.predict(xt, tau))), 1)) as tf.Scalar;
}

/**
 * Trains an epsilon-network on a fixed data set with L_DDPM and Adam (Ho et al. 2020, Algorithm 1).
 * Owns the data tensor, the schedule lookup tables and the optimizer (not the network): call dispose().
 */
export class DdpmTrainer {
  private readonly data: tf.Tensor2D;
  private readonly tables: ScheduleTables;
  private readonly optimizer: TunableAdam;
  private spec: TrainingSpec;
  private average: WeightAverage | null = null;
  /** Training steps taken so far. */
  steps = 0;

  /**
   * @param net the epsilon-network to train (not owned).
   * @param schedule the noise schedule (t is drawn uniformly from 1..T).
   * @param data training points, row-major [M, D] with M >= 1.
   * @param rng seeded source of batch indices, t and epsilon.
   * @throws RangeError on invalid settings or data of the wrong size.
   */
  constructor(
    readonly net: EpsilonNetwork,
    readonly schedule: NoiseSchedule,
    data: Float32Array,
    private readonly rng: Rng,
    spec: TrainingSpec = DEFAULT_TRAINING,
  ) {
    const problems = trainingProblems(spec);
    if (data.length === 0 || data.length % net.dim !== 0) problems.push(`data length ${data.length} is not a positive multiple of D = ${net.dim}`);
    if (problems.length > 0) throw new RangeError(`invalid training: ${problems.join('; ')}`);
    this.spec = spec;
    this.data = tf.tensor2d(data, [data.length / net.dim, net.dim]);
    this.tables = scheduleTables(schedule);
    this.optimizer = new TunableAdam(spec.learningRate, 0.9, 0.999, 1e-8);
    this.setAverage(spec.emaDecay ?? 0);
  }

  /** The network to sample with: the weight average when emaDecay > 0, else the trained network itself. */
  get samplingNet(): EpsilonNetwork {
    return this.average?.net ?? this.net;
  }

  private setAverage(decay: number): void {
    if (decay === 0) {
      this.average?.dispose();
      this.average = null;
    } else if (this.average === null) {
      this.average = new WeightAverage(this.net, decay);
    } else {
      this.average.decay = decay;
    }
  }

  /** Changes learning rate, batch size and EMA decay in place (Adam's moments are kept). @throws RangeError if invalid. */
  setTraining(spec: TrainingSpec): void {
    const problems = trainingProblems(spec);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    this.spec = spec;
    this.optimizer.setLearningRate(spec.learningRate);
    this.setAverage(spec.emaDecay ?? 0);
  }

  /**
   * One Adam step on a fresh batch: x_0 from the data, t ~ U{1..T}, epsilon ~ N(0, I).
   * @returns the batch loss as a scalar tensor that the caller owns (read it asynchronously, then dispose).
   */
  step(): tf.Scalar {
    const { batchSize } = this.spec;
    const m = this.data.shape[0];
    const seeds = [this.rng.nextSeed(), this.rng.nextSeed(), this.rng.nextSeed()];
    const loss = this.optimizer.minimize(
      () => {
        const idx = tf.randomUniform([batchSize], 0, m, 'int32', seeds[0]) as tf.Tensor1D;
        const t = tf.randomUniform([batchSize], 1, this.schedule.T + 1, 'int32', seeds[1]) as tf.Tensor1D;
        const eps = tf.randomNormal([batchSize, this.net.dim], 0, 1, 'float32', seeds[2]) as tf.Tensor2D;
        const x0 = tf.gather(this.data, idx) as tf.Tensor2D;
        return ddpmLoss(this.net, this.schedule.T, this.tables, x0, t, eps);
      },
      true,
      this.net.variables,
    );
    this.steps++;
    this.average?.update(this.net);
    return loss as tf.Scalar;
  }

  dispose(): void {
    this.data.dispose();
    this.tables.signal.dispose();
    this.tables.noise.dispose();
    this.optimizer.dispose();
    this.average?.dispose();
  }
}

/** Reverse-process variance choice of Ho et al. 2020 §3.2: sigma_t^2 = beta_t or betaTilde_t. */
export type PosteriorVariance = 'beta' | 'betaTilde';

/**
 * One ancestral step x_{t-1} ~ p_theta(x_{t-1} | x_t) (Ho et al. 2020, Algorithm 2; seed §4.2, representation 2):
 * x_{t-1} = 1 / sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alphaBar_t) epsilon_theta(x_t, t)) + sigma_t z,
 * with sigma_t^2 = beta_t or betaTilde_t and no noise at t = 1.
 * @param x x_t, shape [N, D]. @param t step in [1, T]. @param z standard normal noise [N, D] (ignored at t = 1).
 * @returns x_{t-1}, shape [N, D], owned by the caller.
 * @throws RangeError if t is out of range.
 */
export function ancestralStep(
  net: EpsilonNetwork,
  x: tf.Tensor2D,
  t: number,
  schedule: NoiseSchedule,
  variance: PosteriorVariance,
  z: tf.Tensor2D | null,
): tf.Tensor2D {
  if (!Number.isInteger(t) || t < 1 || t > schedule.T) throw new RangeError(`t must be an integer in [1, ${schedule.T}], got ${t}`);
  const beta = schedule.beta[t];
  const sigma = Math.sqrt(variance === 'beta' ? beta : schedule.betaTilde[t]);
  const epsCoef = beta / Math.sqrt(1 - schedule.alphaBar[t]);
  const inv = 1 / Math.sqrt(schedule.alpha[t]);
  return tf.tidy(() => {
    const eps = net.predict(x, t / schedule.T);
    const mean = tf.mul(tf.sub(x, tf.mul(eps, epsCoef)), inv) as tf.Tensor2D;
    if (t === 1 || z === null || sigma === 0) return mean;
    return tf.add(mean, tf.mul(z, sigma)) as tf.Tensor2D;
  });
}
