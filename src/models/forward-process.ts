/**
 * The forward (noising) process of DDPM and the posterior q(x_{t-1} | x_t, x_0), seed §4.1–4.2.
 * All functions take and return tfjs tensors of shape [N, D] and are pure: callers own the results.
 */
import * as tf from '@tensorflow/tfjs';
import type { NoiseSchedule } from './schedules';

function checkStep(schedule: NoiseSchedule, t: number): void {
  if (!Number.isInteger(t) || t < 1 || t > schedule.T) throw new RangeError(`t must be an integer in [1, ${schedule.T}], got ${t}`);
}

/**
 * One forward step x_t ~ q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I) (seed §4.1):
 * x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) epsilon.
 * @param x x_{t-1}, shape [N, D]. @param t step in [1, T]. @param epsilon standard normal noise, shape [N, D].
 * @throws RangeError if t is out of range.
 */
export function forwardStep(x: tf.Tensor2D, t: number, schedule: NoiseSchedule, epsilon: tf.Tensor2D): tf.Tensor2D {
  checkStep(schedule, t);
  const b = schedule.beta[t];
  return tf.tidy(() => tf.add(tf.mul(x, Math.sqrt(1 - b)), tf.mul(epsilon, Math.sqrt(b))) as tf.Tensor2D);
}

/**
 * The closed form x_t ~ q(x_t | x_0) = N(sqrt(alphaBar_t) x_0, (1 - alphaBar_t) I) (seed §4.1, reparametrisation):
 * x_t = sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) epsilon.
 * @param x0 data, shape [N, D].
 * @param t one step in [0, T] shared by all rows (0 returns x_0), or an int32/float tensor of shape [N] of steps.
 * @param epsilon standard normal noise, shape [N, D].
 */
export function noiseToStep(x0: tf.Tensor2D, t: number | tf.Tensor1D, schedule: NoiseSchedule, epsilon: tf.Tensor2D): tf.Tensor2D {
  if (typeof t === 'number') {
    if (t !== 0) checkStep(schedule, t);
    const ab = schedule.alphaBar[t];
    return tf.tidy(() => tf.add(tf.mul(x0, Math.sqrt(ab)), tf.mul(epsilon, Math.sqrt(1 - ab))) as tf.Tensor2D);
  }
  return tf.tidy(() => {
    const { signal, noise } = scheduleTables(schedule);
    const idx = tf.cast(t, 'int32');
    const s = tf.gather(signal, idx).reshape([-1, 1]);
    const n = tf.gather(noise, idx).reshape([-1, 1]);
    signal.dispose();
    noise.dispose();
    return tf.add(tf.mul(x0, s), tf.mul(epsilon, n)) as tf.Tensor2D;
  });
}

/**
 * Lookup tensors sqrt(alphaBar_t) and sqrt(1 - alphaBar_t), each of shape [T + 1] (float32), for
 * per-row t in training. The caller owns (and disposes) them.
 */
export function scheduleTables(schedule: NoiseSchedule): { signal: tf.Tensor1D; noise: tf.Tensor1D } {
  const signal = new Float32Array(schedule.T + 1);
  const noise = new Float32Array(schedule.T + 1);
  for (let t = 0; t <= schedule.T; t++) {
    signal[t] = Math.sqrt(schedule.alphaBar[t]);
    noise[t] = Math.sqrt(1 - schedule.alphaBar[t]);
  }
  return { signal: tf.tensor1d(signal), noise: tf.tensor1d(noise) };
}

/**
 * Posterior mean written with x_0 (seed §4.2, representation 1):
 * muTilde(x_t, x_0) = sqrt(alpha_t)(1 - alphaBar_{t-1}) / (1 - alphaBar_t) x_t + sqrt(alphaBar_{t-1}) beta_t / (1 - alphaBar_t) x_0.
 * @param xt, x0 shape [N, D]; t in [1, T].
 */
export function posteriorMean(xt: tf.Tensor2D, x0: tf.Tensor2D, t: number, schedule: NoiseSchedule): tf.Tensor2D {
  checkStep(schedule, t);
  return tf.tidy(() => tf.add(tf.mul(xt, schedule.posteriorCoefXt[t]), tf.mul(x0, schedule.posteriorCoefX0[t])) as tf.Tensor2D);
}

/**
 * Posterior mean written with the noise (seed §4.2, representation 2):
 * muTilde(x_t) = 1 / sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alphaBar_t) epsilon).
 * Equals {@link posteriorMean} when x_t = sqrt(alphaBar_t) x_0 + sqrt(1 - alphaBar_t) epsilon.
 * @param xt, epsilon shape [N, D]; t in [1, T].
 */
export function posteriorMeanFromEpsilon(xt: tf.Tensor2D, epsilon: tf.Tensor2D, t: number, schedule: NoiseSchedule): tf.Tensor2D {
  checkStep(schedule, t);
  const b = schedule.beta[t];
  const c = b / Math.sqrt(1 - schedule.alphaBar[t]);
  return tf.tidy(() => tf.mul(tf.sub(xt, tf.mul(epsilon, c)), 1 / Math.sqrt(schedule.alpha[t])) as tf.Tensor2D);
}
