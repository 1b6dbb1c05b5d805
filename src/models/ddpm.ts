/**
 * DDPM (Ho et al. 2020): the training objective L_DDPM of the seed's §4.3 and the ancestral sampler
 * p_theta(x_{t-1} | x_t) of §4.2, on top of an {@link FieldNetwork} and a {@link NoiseSchedule}.
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldModel } from './field';
import type { FieldNetwork } from './field-network';
import { scheduleTables } from './forward-process';
import { DEFAULT_TRAINING, LiveTrainer, regressionLoss, type RegressionBatch, type TrainingSpec } from './live-trainer';
import type { Rng } from './random';
import type { NoiseSchedule } from './schedules';
import { ancestralJump, type PosteriorVariance } from './strided-chain';

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
  net: FieldNetwork,
  T: number,
  tables: ScheduleTables,
  x0: tf.Tensor2D,
  t: tf.Tensor1D,
  epsilon: tf.Tensor2D,
): tf.Scalar {
  return regressionLoss(net, ddpmBatch(T, tables, x0, t, epsilon));
}

/**
 * The regression batch of L_DDPM: inputs x_t = sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) epsilon at
 * tau = t / T, target epsilon. Arguments as {@link ddpmLoss}. Not tidied.
 */
export function ddpmBatch(T: number, tables: ScheduleTables, x0: tf.Tensor2D, t: tf.Tensor1D, epsilon: tf.Tensor2D): RegressionBatch {
  const s = tf.gather(tables.signal, t).reshape([-1, 1]);
  const n = tf.gather(tables.noise, t).reshape([-1, 1]);
  const xt = tf.add(tf.mul(x0, s), tf.mul(epsilon, n)) as tf.Tensor2D;
  const tau = tf.div(tf.cast(t, 'float32'), T) as tf.Tensor1D;
  return { x: xt, tau, target: epsilon };
}

/**
 * Trains an epsilon-network on a fixed data set with L_DDPM and Adam (Ho et al. 2020, Algorithm 1):
 * x_0 from the data, t ~ U{1..T}, epsilon ~ N(0, I). Owns the schedule lookup tables besides what
 * {@link LiveTrainer} owns.
 */
export class DdpmTrainer extends LiveTrainer {
  private readonly tables: ScheduleTables;

  /**
   * @param net the epsilon-network to train (not owned).
   * @param schedule the noise schedule (t is drawn uniformly from 1..T).
   * @param data training points, row-major [M, D] with M >= 1.
   * @param rng seeded source of batch indices, t and epsilon.
   * @throws RangeError on invalid settings or data of the wrong size.
   */
  constructor(net: FieldNetwork, readonly schedule: NoiseSchedule, data: Float32Array, rng: Rng, spec: TrainingSpec = DEFAULT_TRAINING) {
    super(net, data, rng, spec);
    this.tables = scheduleTables(schedule);
  }

  protected batchTargets(x0: tf.Tensor2D, seeds: readonly number[]): RegressionBatch {
    const b = x0.shape[0];
    const t = tf.randomUniform([b], 1, this.schedule.T + 1, 'int32', seeds[0]) as tf.Tensor1D;
    const eps = tf.randomNormal([b, this.net.dim], 0, 1, 'float32', seeds[1]) as tf.Tensor2D;
    return ddpmBatch(this.schedule.T, this.tables, x0, t, eps);
  }

  override dispose(): void {
    super.dispose();
    this.tables.signal.dispose();
    this.tables.noise.dispose();
  }
}

export type { PosteriorVariance };

/**
 * One ancestral step x_{t-1} ~ p_theta(x_{t-1} | x_t) (Ho et al. 2020, Algorithm 2; seed §4.2, representation 2):
 * x_{t-1} = 1 / sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alphaBar_t) epsilon_theta(x_t, t)) + sigma_t z,
 * with sigma_t^2 = beta_t or betaTilde_t and no noise at t = 1: the jump t -> t - 1 of the strided chain
 * (strided-chain.ancestralJump).
 * @param x x_t, shape [N, D]. @param t step in [1, T]. @param z standard normal noise [N, D] (ignored at t = 1).
 * @returns x_{t-1}, shape [N, D], owned by the caller.
 * @throws RangeError if t is out of range.
 */
export function ancestralStep(
  net: FieldModel,
  x: tf.Tensor2D,
  t: number,
  schedule: NoiseSchedule,
  variance: PosteriorVariance,
  z: tf.Tensor2D | null,
): tf.Tensor2D {
  if (!Number.isInteger(t) || t < 1 || t > schedule.T) throw new RangeError(`t must be an integer in [1, ${schedule.T}], got ${t}`);
  return ancestralJump(net, x, t, t - 1, schedule, variance, z);
}
