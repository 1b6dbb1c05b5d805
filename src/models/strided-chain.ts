/**
 * An exact DDPM chain over a sub-sequence of the T steps, tau_K = T > ... > tau_1 > tau_0 = 0 (seed §4.1–4.2;
 * the respacing of Nichol & Dhariwal 2021 §4). A jump from step s to t > s is itself a Gaussian step of
 * the same form as one step of the chain, with alpha_{s->t} = alphaBar_t / alphaBar_s and
 * beta_{s->t} = 1 - alphaBar_t / alphaBar_s, so the kept steps keep the marginals q(x_t | x_0) exactly and
 * the posterior q(x_s | x_t, x_0) has the familiar mean and variance with these in place of alpha_t, beta_t.
 * With every step kept (K = T) it is the chain of ddpm.ts, number for number.
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldModel } from './field';
import { ddimTimesteps } from './samplers';
import type { NoiseSchedule } from './schedules';

/** Reverse-process variance choice of Ho et al. 2020 §3.2: sigma_t^2 = beta_t or betaTilde_t. */
export type PosteriorVariance = 'beta' | 'betaTilde';

/** One jump of the chain between kept steps s < t: the step's coefficients. */
export interface ChainJump {
  /** alphaBar_t / alphaBar_s, in (0, 1]. */
  readonly alpha: number;
  /** beta_{s->t} = 1 - alphaBar_t / alphaBar_s: the variance of q(x_t | x_s). */
  readonly beta: number;
  /** betaTilde_{s->t} = (1 - alphaBar_s) / (1 - alphaBar_t) beta_{s->t}: the variance of q(x_s | x_t, x_0). */
  readonly betaTilde: number;
}

/**
 * The kept steps of an evenly strided chain of K jumps on T steps, descending and ending at 0:
 * [tau_K = T, ..., tau_1, 0] with tau_i = round(i T / K) (the DDIM grid, samplers.ddimTimesteps).
 * @throws RangeError unless K is an integer in [1, T].
 */
export function stridedSteps(T: number, K: number): number[] {
  return ddimTimesteps(T, K);
}

/**
 * The coefficients of the jump between kept steps s < t (seed §4.1–4.2 with alpha_t -> alphaBar_t / alphaBar_s).
 * For s = t - 1 they are the schedule's own beta_t and betaTilde_t (the chain with every step is the chain of ddpm.ts exactly).
 * @throws RangeError unless 0 <= s < t <= T are integers.
 */
export function chainJump(schedule: NoiseSchedule, t: number, s: number): ChainJump {
  if (!(Number.isInteger(t) && Number.isInteger(s) && 0 <= s && s < t && t <= schedule.T)) throw new RangeError(`a jump needs integer steps 0 <= s < t <= ${schedule.T}, got s = ${s}, t = ${t}`);
  if (s === t - 1) return { alpha: schedule.alpha[t], beta: schedule.beta[t], betaTilde: schedule.betaTilde[t] };
  const alpha = schedule.alphaBar[t] / schedule.alphaBar[s];
  const beta = 1 - alpha;
  return { alpha, beta, betaTilde: ((1 - schedule.alphaBar[s]) / (1 - schedule.alphaBar[t])) * beta };
}

/**
 * One forward jump x_t ~ q(x_t | x_s) = N(sqrt(1 - beta_{s->t}) x_s, beta_{s->t} I) (seed §4.1 over a jump).
 * @param x x_s [N, D]; @param epsilon standard normal noise [N, D]. @returns x_t [N, D], owned by the caller.
 * @throws RangeError as {@link chainJump}.
 */
export function forwardJump(x: tf.Tensor2D, s: number, t: number, schedule: NoiseSchedule, epsilon: tf.Tensor2D): tf.Tensor2D {
  const { beta } = chainJump(schedule, t, s);
  return tf.tidy(() => tf.add(tf.mul(x, Math.sqrt(1 - beta)), tf.mul(epsilon, Math.sqrt(beta))) as tf.Tensor2D);
}

/**
 * One ancestral jump x_s ~ p_theta(x_s | x_t) (Ho et al. 2020, Algorithm 2, over a jump; seed §4.2, representation 2):
 * x_s = 1 / sqrt(alpha_{s->t}) (x_t - beta_{s->t} / sqrt(1 - alphaBar_t) epsilon_theta(x_t, t)) + sigma z,
 * sigma^2 = beta_{s->t} or betaTilde_{s->t}; no noise when s = 0 (the mean is the prediction of x_0).
 * @param x x_t [N, D]; @param z standard normal noise [N, D] (ignored when s = 0, may be null then).
 * @returns x_s [N, D], owned by the caller. @throws RangeError as {@link chainJump}.
 */
export function ancestralJump(net: FieldModel, x: tf.Tensor2D, t: number, s: number, schedule: NoiseSchedule, variance: PosteriorVariance, z: tf.Tensor2D | null): tf.Tensor2D {
  const jump = chainJump(schedule, t, s);
  const sigma = Math.sqrt(variance === 'beta' ? jump.beta : jump.betaTilde);
  const epsCoef = jump.beta / Math.sqrt(1 - schedule.alphaBar[t]);
  const inv = 1 / Math.sqrt(jump.alpha);
  return tf.tidy(() => {
    const eps = net.predict(x, t / schedule.T);
    const mean = tf.mul(tf.sub(x, tf.mul(eps, epsCoef)), inv) as tf.Tensor2D;
    if (s === 0 || z === null || sigma === 0) return mean;
    return tf.add(mean, tf.mul(z, sigma)) as tf.Tensor2D;
  });
}
