/**
 * Samplers beyond DDPM's ancestral step, all on plain field values so they work with a learned network
 * or an exact field alike:
 * - DDIM (Song, Meng & Ermon 2021, eq. 12) on a discrete schedule, eta in [0, 1] (0 is deterministic);
 * - the reverse SDE of a Gaussian path by Euler–Maruyama, with a stochasticity lambda that moves
 *   continuously from the probability-flow ODE (lambda = 0) to the reverse SDE (lambda = 1) (seed §5.1;
 *   the family of Karras et al. 2022 / Zhang & Chen 2023);
 * - Langevin dynamics exactly as the seed's SGLD update (§4.1).
 */
import * as tf from '@tensorflow/tfjs';
import type { GaussianPath } from './gaussian-path';
import type { NoiseSchedule } from './schedules';

/**
 * The steps DDIM visits with `nfe` network evaluations: T = tau_nfe > ... > tau_1 >= 1, evenly spaced,
 * followed by 0 (the data). @throws RangeError unless 1 <= nfe <= T.
 */
export function ddimTimesteps(T: number, nfe: number): number[] {
  if (!Number.isInteger(nfe) || nfe < 1 || nfe > T) throw new RangeError(`nfe must be an integer in [1, ${T}], got ${nfe}`);
  const steps: number[] = [];
  for (let i = nfe; i >= 1; i--) steps.push(Math.max(1, Math.round((i * T) / nfe)));
  return [...new Set(steps), 0];
}

/**
 * One DDIM step from step t to an earlier step s (0 <= s < t <= T) given epsilon_theta(x_t, t):
 * x0 = (x_t - sqrt(1 - alphaBar_t) eps) / sqrt(alphaBar_t),
 * sigma = eta sqrt((1 - alphaBar_s) / (1 - alphaBar_t)) sqrt(1 - alphaBar_t / alphaBar_s),
 * x_s = sqrt(alphaBar_s) x0 + sqrt(1 - alphaBar_s - sigma^2) eps + sigma z.
 * @param x, eps, z [N, D] (z may be null when eta = 0). @returns x_s, owned by the caller.
 * @throws RangeError on steps out of order or eta outside [0, 1].
 */
export function ddimStep(x: tf.Tensor2D, eps: tf.Tensor2D, t: number, s: number, schedule: NoiseSchedule, eta: number, z: tf.Tensor2D | null): tf.Tensor2D {
  if (!(Number.isInteger(t) && Number.isInteger(s) && 0 <= s && s < t && t <= schedule.T)) throw new RangeError(`DDIM needs integer steps 0 <= s < t <= T, got s = ${s}, t = ${t}`);
  if (!(eta >= 0 && eta <= 1)) throw new RangeError(`eta must be in [0, 1], got ${eta}`);
  const abT = schedule.alphaBar[t];
  const abS = schedule.alphaBar[s];
  const sigma = eta * Math.sqrt((1 - abS) / (1 - abT)) * Math.sqrt(1 - abT / abS);
  return tf.tidy(() => {
    const x0 = tf.div(tf.sub(x, tf.mul(eps, Math.sqrt(1 - abT))), Math.sqrt(abT));
    let out = tf.add(tf.mul(x0, Math.sqrt(abS)), tf.mul(eps, Math.sqrt(Math.max(0, 1 - abS - sigma * sigma))));
    if (sigma > 0 && z !== null) out = tf.add(out, tf.mul(z, sigma));
    return out as tf.Tensor2D;
  });
}

/**
 * The forward SDE dx = f(t) x dt + g(t) dw that has the marginals of a Gaussian path:
 * f = alpha' / alpha, g^2 = d(sigma^2)/dt - 2 f sigma^2 (for the VP path: f = -beta / 2, g^2 = beta, seed §5.1).
 */
export function sdeCoefficients(path: GaussianPath, t: number): { f: number; g2: number } {
  const a = path.alpha(t);
  const s = path.sigma(t);
  const f = path.dAlpha(t) / a;
  return { f, g2: Math.max(0, 2 * s * path.dSigma(t) - 2 * f * s * s) };
}

/**
 * One Euler–Maruyama step of the reverse-time dynamics from t to t - h (h > 0):
 * dx = [f x - (1 + lambda^2) / 2 g^2 score] dt + lambda g dw_bar.
 * lambda = 0 is the probability-flow ODE, lambda = 1 the reverse SDE (Anderson 1982; Song et al. 2021);
 * every lambda keeps the marginals p_t.
 * @param score grad log p_t at (x, t), [N, D]. @param z N(0, I) noise (ignored when lambda = 0).
 * @returns x at t - h, owned by the caller.
 */
export function reverseSdeStep(path: GaussianPath, x: tf.Tensor2D, score: tf.Tensor2D, t: number, h: number, lambda: number, z: tf.Tensor2D | null): tf.Tensor2D {
  if (!(h > 0)) throw new RangeError(`step h must be > 0, got ${h}`);
  if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`stochasticity must be in [0, 1], got ${lambda}`);
  const { f, g2 } = sdeCoefficients(path, t);
  return tf.tidy(() => {
    const drift = tf.sub(tf.mul(x, f), tf.mul(score, ((1 + lambda * lambda) / 2) * g2));
    let out = tf.sub(x, tf.mul(drift, h));
    if (lambda > 0 && z !== null) out = tf.add(out, tf.mul(z, lambda * Math.sqrt(g2 * h)));
    return out as tf.Tensor2D;
  });
}

/**
 * One step of (stochastic gradient) Langevin dynamics, exactly as the seed's §4.1 (Welling & Teh 2011):
 * x <- x + (Delta / 2) grad log p(x) + sqrt(Delta) z.
 * @param score grad log p at x, [N, D]; @param delta step size Delta > 0; @param z N(0, I), [N, D].
 */
export function langevinStep(x: tf.Tensor2D, score: tf.Tensor2D, delta: number, z: tf.Tensor2D): tf.Tensor2D {
  if (!(delta > 0)) throw new RangeError(`Langevin step size must be > 0, got ${delta}`);
  return tf.tidy(() => tf.add(tf.add(x, tf.mul(score, delta / 2)), tf.mul(z, Math.sqrt(delta))) as tf.Tensor2D);
}
