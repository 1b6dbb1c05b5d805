/**
 * What every live-trained model shares: Adam whose learning rate can change mid-training, an optional
 * exponential moving average of the weights for sampling, a fixed data tensor sampled in batches, and
 * seeded draws. A model supplies only its batch loss ({@link LiveTrainer.batchLoss}).
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldNetwork } from './field-network';
import { FlatAdam } from './flat-optimizers';
import type { Rng } from './random';

/** Adam whose learning rate can change without losing its moment estimates. */
export class TunableAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

/**
 * One batch of the regression every live trainer solves: fit net(x, tau) to target in mean squared
 * error, L = (1/N) sum_i ||net(x_i, tau_i) - target_i||^2 (DDPM: target epsilon; the score model: -z;
 * flow matching: x_1 - x_0).
 */
export interface RegressionBatch {
  /** Network inputs [N, D]. */
  readonly x: tf.Tensor2D;
  /** Relative times [N] in [0, 1]. */
  readonly tau: tf.Tensor1D;
  /** What the network should output, [N, D]. */
  readonly target: tf.Tensor2D;
}

/** The plain (autograd) form of the regression loss of a {@link RegressionBatch}. Not tidied. */
export function regressionLoss(net: FieldNetwork, batch: RegressionBatch): tf.Scalar {
  return tf.mean(tf.sum(tf.square(tf.sub(net.predict(batch.x, batch.tau), batch.target)), 1)) as tf.Scalar;
}

/** Optimisation settings. */
export interface TrainingSpec {
  /** Adam step size, in (0, 100] (the GUI offers at most 0.05; larger ones diverge, see DivergenceGuard). Default 1e-3. */
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
  readonly net: FieldNetwork;
  /** Updates folded in so far (sets the warm-up; restored with saved weights). */
  updates = 0;

  /** @param decay in [0, 1). @throws RangeError otherwise. */
  constructor(source: FieldNetwork, public decay: number) {
    if (!(decay >= 0 && decay < 1)) throw new RangeError(`emaDecay must be in [0, 1), got ${decay}`);
    this.net = source.clone();
  }

  /** Folds the current weights of `source` into the average. */
  update(source: FieldNetwork): void {
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
  if (!(spec.learningRate > 0 && spec.learningRate <= 100)) p.push(`learningRate must be in (0, 100], got ${spec.learningRate}`);
  if (!Number.isInteger(spec.batchSize) || spec.batchSize < 1 || spec.batchSize > 65536) p.push(`batchSize must be an integer in [1, 65536], got ${spec.batchSize}`);
  const ema = spec.emaDecay ?? 0;
  if (!(ema >= 0 && ema < 1)) p.push(`emaDecay must be in [0, 1), got ${ema}`);
  return p;
}

/**
 * Base of the live trainers (DDPM, flow matching, ...). Owns the data tensor, the optimizer and the
 * weight average (not the network): call dispose().
 */
export abstract class LiveTrainer {
  protected readonly data: tf.Tensor2D;
  /** Adam over the network's variables as one flat vector (flat-optimizers.ts: the same update as tf.train.adam, in fewer kernels). */
  private optimizer: FlatAdam;
  private spec: TrainingSpec;
  private average: WeightAverage | null = null;
  /** Training steps taken so far. */
  steps = 0;

  /** @throws RangeError on invalid settings or data that is not a non-empty multiple of D. */
  constructor(readonly net: FieldNetwork, data: Float32Array, private readonly rng: Rng, spec: TrainingSpec) {
    const problems = trainingProblems(spec);
    if (data.length === 0 || data.length % net.dim !== 0) problems.push(`data length ${data.length} is not a positive multiple of D = ${net.dim}`);
    if (problems.length > 0) throw new RangeError(`invalid training: ${problems.join('; ')}`);
    this.spec = spec;
    this.data = tf.tensor2d(data, [data.length / net.dim, net.dim]);
    this.optimizer = new FlatAdam(spec.learningRate, 0.9, 0.999, 1e-8);
    this.setAverage(spec.emaDecay ?? 0);
  }

  /** The settings in force. */
  get training(): TrainingSpec {
    return this.spec;
  }

  /** The network to sample with: the weight average when emaDecay > 0, else the trained network itself. */
  get samplingNet(): FieldNetwork {
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

  /**
   * Sets the step count after saved weights were loaded (session/saved-weights), so that the EMA's
   * warm-up continues where the saved run stopped instead of restarting at d = 0.1.
   * @param steps integer >= 0.
   */
  restoreSteps(steps: number): void {
    this.steps = steps;
    if (this.average !== null) this.average.updates = steps;
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
   * Forgets Adam's moment estimates and restarts the weight average from the current weights: after
   * the weights were rolled back (see DivergenceGuard), moments and average may hold NaN.
   */
  restartOptimizer(): void {
    this.optimizer.dispose();
    this.optimizer = new FlatAdam(this.spec.learningRate, 0.9, 0.999, 1e-8);
    const decay = this.spec.emaDecay ?? 0;
    this.setAverage(0);
    this.setAverage(decay);
  }

  /**
   * The model's regression batch built from data rows (see {@link RegressionBatch}).
   * @param x0 [B, D] data rows drawn uniformly with replacement. @param seeds fresh seeds for the model's own draws.
   */
  protected abstract batchTargets(x0: tf.Tensor2D, seeds: readonly number[]): RegressionBatch;

  /**
   * Whether steps take the network's hand-written gradients ({@link FieldNetwork.regressionGradients},
   * about 5x faster on wasm) or tfjs autograd over {@link regressionLoss} (the reference; same loss and
   * gradients to float rounding). Default true.
   */
  fastGradients = true;

  /**
   * One Adam step on a fresh batch (then one EMA update).
   * @returns the batch loss as a scalar tensor that the caller owns (read it asynchronously, then dispose).
   */
  step(): tf.Scalar {
    const { batchSize } = this.spec;
    const m = this.data.shape[0];
    const seeds = [this.rng.nextSeed(), this.rng.nextSeed(), this.rng.nextSeed(), this.rng.nextSeed()];
    return this.optimise(() => {
      const idx = tf.randomUniform([batchSize], 0, m, 'int32', seeds[0]) as tf.Tensor1D;
      return this.batchTargets(tf.gather(this.data, idx) as tf.Tensor2D, seeds.slice(1));
    });
  }

  /** Rows per batch now in force. */
  protected get batchSize(): number {
    return this.spec.batchSize;
  }

  /**
   * One Adam step on the regression batch that `batch` builds (inside a tidy, or under the gradient tape
   * when {@link fastGradients} is off), then one EMA update. Returns the loss (caller owns it).
   */
  protected optimise(batch: () => RegressionBatch): tf.Scalar {
    let value: tf.Scalar;
    if (this.fastGradients) {
      value = tf.tidy(() => {
        const b = batch();
        const { loss, grads } = this.net.regressionGradients(b.x, b.tau, b.target);
        this.optimizer.applyGradients(this.net.variables, grads);
        return loss;
      });
    } else {
      value = tf.tidy(() => {
        const { value: loss, grads } = tf.variableGrads(() => regressionLoss(this.net, batch()), this.net.variables);
        this.optimizer.applyGradients(this.net.variables, this.net.variables.map((v) => grads[v.name]));
        return loss;
      });
    }
    this.steps++;
    this.average?.update(this.net);
    return value;
  }

  dispose(): void {
    this.data.dispose();
    this.optimizer.dispose();
    this.average?.dispose();
  }
}
