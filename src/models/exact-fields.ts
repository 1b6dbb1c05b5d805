/**
 * Exact fields of the noised data distribution p_t = law of alpha(t) x_0 + sigma(t) epsilon, for data
 * whose law is known: the posterior mean D(x, t) = E[x_0 | x_t = x] (the ideal denoiser), from which
 * the exact epsilon, score and velocity follow by {@link convertField} (Tweedie's formula:
 * score = (alpha D - x) / sigma^2).
 *
 * - Gaussian mixture sum_k w_k N(m_k, s0^2 I): x_t | k ~ N(alpha m_k, v I), v = alpha^2 s0^2 + sigma^2;
 *   D = sum_k r_k (m_k + (alpha s0^2 / v)(x - alpha m_k)), r_k the posterior weights of the components.
 * - Empirical point set {x_i}: D = sum_i r_i x_i, r = softmax_i(-||x - alpha x_i||^2 / (2 sigma^2)).
 *
 * Both also give the log-density log p_t(x) itself (a logsumexp of Gaussian log-densities), whose
 * gradient in x is the exact score.
 *
 * These let a user separate solver error (exact field) from learning error (learned field).
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldModel } from './field';
import { linearFlowPath, vpPath, type GaussianPath } from './gaussian-path';
import { sigmaAtTau } from './ncsn';
import type { NoiseSchedule, ScheduleKind } from './schedules';

/** Something whose ideal denoiser is known in closed form. Owns tensors: call dispose(). */
export interface ExactDenoiser {
  readonly dim: number;
  /** E[x_0 | x_t = x], [N, D] from x [N, D], on the field's path at time t; needs sigma(t) > 0. Caller owns the result. */
  denoise(x: tf.Tensor2D, t: number): tf.Tensor2D;
  /** The same for x = alpha x_0 + sigma epsilon with the given coefficients (e.g. a discrete DDPM step: alpha = sqrt(alphaBar_t)). */
  denoiseAt(x: tf.Tensor2D, alpha: number, sigma: number): tf.Tensor2D;
  /** log p(x) of x = alpha x_0 + sigma epsilon, [N] from x [N, D]; needs sigma > 0 (or a mixture with std > 0). Caller owns the result. */
  logDensityAt(x: tf.Tensor2D, alpha: number, sigma: number): tf.Tensor1D;
  dispose(): void;
}

/** An isotropic Gaussian mixture (shared std), e.g. from `gaussianMixtureOf`. */
export interface MixtureSpec {
  readonly dim: number;
  readonly weights: readonly number[];
  readonly means: readonly (readonly number[])[];
  readonly std: number;
}

/** Exact denoiser and log-density of a noised Gaussian mixture. */
export class MixtureField implements ExactDenoiser {
  readonly dim: number;
  private readonly means: tf.Tensor2D;
  private readonly logWeights: tf.Tensor1D;

  /** @throws RangeError on empty or ragged mixtures, non-positive weights or negative std. */
  constructor(readonly path: GaussianPath, readonly spec: MixtureSpec) {
    const k = spec.weights.length;
    if (k === 0 || spec.means.length !== k || spec.means.some((m) => m.length !== spec.dim) || spec.weights.some((w) => !(w > 0)) || !(spec.std >= 0)) {
      throw new RangeError('a mixture needs matching weights (> 0) and means of its dimension, and std >= 0');
    }
    this.dim = spec.dim;
    const total = spec.weights.reduce((a, b) => a + b, 0);
    this.means = tf.tensor2d(spec.means.flat(), [k, spec.dim]);
    this.logWeights = tf.tensor1d(spec.weights.map((w) => Math.log(w / total)));
  }

  /** Per-component variance v and log-responsibility logits of x under p_t, [N, K]. */
  private logits(x: tf.Tensor2D, a: number, s: number): { logits: tf.Tensor2D; v: number; a: number } {
    const v = a * a * this.spec.std * this.spec.std + s * s;
    const centers = tf.mul(this.means, a);
    const d2 = tf.sum(tf.square(tf.sub(tf.expandDims(x, 1), tf.expandDims(centers, 0))), 2); // [N, K]
    const logits = tf.sub(this.logWeights, tf.div(d2, 2 * v)) as tf.Tensor2D;
    return { logits, v, a };
  }

  denoise(x: tf.Tensor2D, t: number): tf.Tensor2D {
    return this.denoiseAt(x, this.path.alpha(t), this.path.sigma(t));
  }

  denoiseAt(x: tf.Tensor2D, alpha: number, sigma: number): tf.Tensor2D {
    return tf.tidy(() => {
      const { logits, v, a } = this.logits(x, alpha, sigma);
      const r = tf.softmax(logits, 1); // [N, K]
      const shrink = (a * this.spec.std * this.spec.std) / v;
      // E[x_0 | x, k] = m_k (1 - a shrink) + shrink x; summed over k with weights r.
      const meanPart = tf.mul(tf.matMul(r, this.means), 1 - a * shrink);
      return tf.add(meanPart, tf.mul(x, shrink)) as tf.Tensor2D;
    });
  }

  /** log p_t(x), [N]: logsumexp_k (log w_k + log N(x; alpha m_k, v I)). */
  logDensity(x: tf.Tensor2D, t: number): tf.Tensor1D {
    return this.logDensityAt(x, this.path.alpha(t), this.path.sigma(t));
  }

  /**
   * The same for x = a x_0 + s epsilon: logsumexp_k (log w_k + log N(x; a m_k, v I)), v = a^2 std^2 + s^2, [N].
   * @throws RangeError if v = 0 (a point mass: no density).
   */
  logDensityAt(x: tf.Tensor2D, a: number, s: number): tf.Tensor1D {
    const v = a * a * this.spec.std * this.spec.std + s * s;
    if (!(v > 0)) throw new RangeError(`the log-density needs a positive variance, got alpha ${a}, sigma ${s}, std ${this.spec.std}`);
    return tf.tidy(() => {
      const { logits } = this.logits(x, a, s);
      return tf.sub(tf.logSumExp(logits, 1), (this.dim / 2) * Math.log(2 * Math.PI * v)) as tf.Tensor1D;
    });
  }

  dispose(): void {
    tf.dispose([this.means, this.logWeights]);
  }
}

/** Rows of x handled at once by {@link EmpiricalField} (bounds the [rows, M] weight matrix). */
const CHUNK_ROWS = 1024;

/** Exact denoiser of a noised empirical distribution (a point set loaded or sampled). */
export class EmpiricalField implements ExactDenoiser {
  readonly dim: number;
  readonly count: number;
  private readonly points: tf.Tensor2D;
  private readonly sqNorms: tf.Tensor1D;

  /** @param points row-major [M, D], M >= 1. @throws RangeError on empty or ragged input. */
  constructor(readonly path: GaussianPath, points: Float32Array, dim: number) {
    if (!Number.isInteger(dim) || dim < 1 || points.length === 0 || points.length % dim !== 0) {
      throw new RangeError(`an empirical field needs a non-empty [M, ${dim}] point set`);
    }
    this.dim = dim;
    this.count = points.length / dim;
    this.points = tf.tensor2d(points, [this.count, dim]);
    this.sqNorms = tf.tidy(() => tf.sum(tf.square(this.points), 1) as tf.Tensor1D);
  }

  denoise(x: tf.Tensor2D, t: number): tf.Tensor2D {
    return this.denoiseAt(x, this.path.alpha(t), this.path.sigma(t));
  }

  /** @throws RangeError if sigma is not > 0. */
  denoiseAt(x: tf.Tensor2D, a: number, s: number): tf.Tensor2D {
    if (!(s > 0)) throw new RangeError(`the denoiser needs sigma > 0, got ${s}`);
    const n = x.shape[0];
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < n; start += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, n - start);
      parts.push(
        tf.tidy(() => {
          const xc = tf.slice(x, [start, 0], [rows, this.dim]);
          // -||x - a x_i||^2 / (2 s^2) up to a per-row constant: (2 a x.x_i - a^2 ||x_i||^2) / (2 s^2).
          const cross = tf.matMul(xc, this.points, false, true); // [rows, M]
          const logits = tf.div(tf.sub(tf.mul(cross, 2 * a), tf.mul(this.sqNorms, a * a)), 2 * s * s);
          return tf.matMul(tf.softmax(logits, 1), this.points) as tf.Tensor2D;
        }),
      );
    }
    if (parts.length === 1) return parts[0];
    const out = tf.concat(parts, 0);
    tf.dispose(parts);
    return out;
  }

  /** log p_t(x), [N], on the field's path at time t; needs sigma(t) > 0 (see {@link logDensityAt}). */
  logDensity(x: tf.Tensor2D, t: number): tf.Tensor1D {
    return this.logDensityAt(x, this.path.alpha(t), this.path.sigma(t));
  }

  /**
   * log p(x) of x = a x_0 + s epsilon with x_0 uniform on the M points: the mixture of M Gaussians
   * N(a x_i, s^2 I) with equal weights, logsumexp_i(-||x - a x_i||^2 / (2 s^2)) - log M - (D / 2) log(2 pi s^2), [N].
   * Mirrors MixtureField.logDensity (its std = 0 case); its gradient in x is the score (a D(x) - x) / s^2.
   * @throws RangeError if s is not > 0.
   */
  logDensityAt(x: tf.Tensor2D, a: number, s: number): tf.Tensor1D {
    if (!(s > 0)) throw new RangeError(`the log-density needs sigma > 0, got ${s}`);
    const n = x.shape[0];
    const constant = Math.log(this.count) + (this.dim / 2) * Math.log(2 * Math.PI * s * s);
    const parts: tf.Tensor1D[] = [];
    for (let start = 0; start < n; start += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, n - start);
      parts.push(
        tf.tidy(() => {
          const xc = tf.slice(x, [start, 0], [rows, this.dim]);
          // -||x - a x_i||^2 / (2 s^2) = (a / s^2) x.x_i - (a^2 / (2 s^2)) ||x_i||^2 - ||x||^2 / (2 s^2): the
          // logsumexp runs over the first two terms (the scale folded into x, so one pass over [rows, M]
          // before it), the per-row ||x||^2 term is subtracted after it.
          const logits = tf.sub(tf.matMul(tf.mul(xc, a / (s * s)), this.points, false, true), tf.mul(this.sqNorms, (a * a) / (2 * s * s))); // [rows, M]
          const rowTerm = tf.div(tf.sum(tf.square(xc), 1), 2 * s * s);
          return tf.sub(tf.sub(tf.logSumExp(logits, 1), rowTerm), constant) as tf.Tensor1D;
        }),
      );
    }
    if (parts.length === 1) return parts[0];
    const out = tf.concat(parts, 0);
    tf.dispose(parts);
    return out;
  }

  dispose(): void {
    tf.dispose([this.points, this.sqNorms]);
  }
}

/**
 * The probability-flow velocity of an exact denoiser on `path`, as a solver field:
 * v(x, t) = alpha' D + sigma' (x - alpha D) / sigma (the marginal velocity of the path; for the VP path it
 * equals the probability-flow ODE drift f - g^2 score / 2 of seed §5.1). D is taken at `path`'s own
 * alpha(t) and sigma(t), whatever path the denoiser was built on.
 */
export function exactVelocity(path: GaussianPath, denoiser: ExactDenoiser): (x: tf.Tensor2D, t: number) => tf.Tensor2D {
  return (x, t) =>
    tf.tidy(() => {
      const a = path.alpha(t);
      const s = path.sigma(t);
      const D = denoiser.denoiseAt(x, a, s);
      const E = tf.div(tf.sub(x, tf.mul(D, a)), s);
      return tf.add(tf.mul(D, path.dAlpha(t)), tf.mul(E, path.dSigma(t))) as tf.Tensor2D;
    });
}

/**
 * The exact epsilon of a DDPM schedule's noised data, as an {@link FieldModel}: at relative time
 * tau (t = tau T, alphaBar interpolated geometrically between steps), epsilon = (x - a D) / s with
 * a = sqrt(alphaBar_t), s = sqrt(1 - alphaBar_t) and D the exact denoiser. Swapping it for the network
 * separates solver error from learning error. Does not own the denoiser.
 */
export class ExactEpsilon implements FieldModel {
  readonly dim: number;

  private readonly betweenSteps: (c: number) => number;

  constructor(private readonly denoiser: ExactDenoiser, private readonly schedule: NoiseSchedule) {
    this.dim = denoiser.dim;
    this.betweenSteps = BETWEEN_STEPS[schedule.spec.kind](schedule);
  }

  /**
   * alphaBar at a fractional step t in [0, T]: the discrete alphaBar_t at whole steps; in between, the
   * cosine schedule's continuous path (vpPath: its closed form, or the clipped step's constant rate) and
   * for the linear schedule a geometric interpolation (log alphaBar linear, within O(beta^2) of the closed form).
   */
  private alphaBarAt(t: number): number {
    const T = this.schedule.T;
    const c = Math.min(T, Math.max(0, t));
    const lo = Math.floor(c);
    const ab = this.schedule.alphaBar;
    return c === lo ? ab[lo] : this.betweenSteps(c);
  }

  /** @param tau one number shared by all rows (per-row times are not needed by the samplers). @throws RangeError for a tensor tau or tau at the data end. */
  predict(x: tf.Tensor2D, tau: number | tf.Tensor1D): tf.Tensor2D {
    if (typeof tau !== 'number') throw new RangeError('ExactEpsilon takes one time for all rows');
    const ab = this.alphaBarAt(tau * this.schedule.T);
    const a = Math.sqrt(ab);
    const s = Math.sqrt(1 - ab);
    if (!(s > 0)) throw new RangeError(`the exact epsilon needs t > 0, got tau = ${tau}`);
    return tf.tidy(() => tf.div(tf.sub(x, tf.mul(this.denoiser.denoiseAt(x, a, s), a)), s) as tf.Tensor2D);
  }
}

/** alphaBar at a fractional step c in (lo, lo + 1) of [0, T], per schedule kind (see ExactEpsilon's alphaBarAt). */
const BETWEEN_STEPS: Readonly<Record<ScheduleKind, (schedule: NoiseSchedule) => (c: number) => number>> = {
  // Geometric interpolation: log alphaBar linear between whole steps.
  linear: ({ T, alphaBar: ab }) => (c) => {
    const lo = Math.floor(c);
    const hi = Math.min(T, lo + 1);
    return ab[lo] * (ab[hi] / ab[lo]) ** (c - lo);
  },
  // The continuous path of the discrete schedule (vpPath).
  cosine: ({ T, spec }) => {
    const path = vpPath(spec);
    return (c) => path.alpha(c / T) ** 2;
  },
};

/**
 * The exact velocity of the data on flow matching's straight path (seed §5.2) as a {@link FieldModel}.
 * tau is kept inside [1e-3, 1]: the straight path's exact velocity is singular at the data end (a tensor
 * tau reads as 0.5). Does not own the denoiser.
 */
export function exactVelocityField(denoiser: ExactDenoiser): FieldModel {
  const velocity = exactVelocity(linearFlowPath(), denoiser);
  return { dim: denoiser.dim, predict: (x, tau) => velocity(x, Math.max(1e-3, typeof tau === 'number' ? tau : 0.5)) };
}

/**
 * sigma times the exact score of the data noised at the score model's level coordinate tau (its network's
 * output, models/ncsn): sigma grad log p_sigma(x) = (D(x) - x) / sigma with sigma = sigmaAtTau(tau)
 * (a tensor tau reads as 0). Does not own the denoiser.
 */
export function exactSigmaScore(denoiser: ExactDenoiser, sigmaMax: number, sigmaMin: number): FieldModel {
  return {
    dim: denoiser.dim,
    predict: (x, tau) => {
      const sigma = sigmaAtTau(sigmaMax, sigmaMin, typeof tau === 'number' ? tau : 0);
      return tf.tidy(() => tf.div(tf.sub(denoiser.denoiseAt(x, 1, sigma), x), sigma) as tf.Tensor2D);
    },
  };
}
