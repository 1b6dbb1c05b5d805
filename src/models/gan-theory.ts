/**
 * The theory of the seed's §3.2–3.5, estimated live from the two point sets of a GAN scene (real data
 * and generated particles): Gaussian kernel density estimates p^_r, p^_g, the optimal discriminator
 * D*(x) = p_r / (p_r + p_g) (seed §3.2), the value L(G, D*) = E_r log D* + E_g log(1 - D*) and the
 * Jensen–Shannon divergence, tied by L(G, D*) = 2 JS(p_r || p_g) - log 4 (seed §3.3), and the exact
 * Wasserstein-1 distance between two samples (seed §3.5) to set beside the critic's estimate.
 *
 * The densities are tfjs ops (the particles stay on the GPU; results are tensors the caller reads back
 * asynchronously). What they estimate: a KDE with a Gaussian kernel of bandwidth h is, in expectation,
 * p * N(0, h^2 I) (the density convolved with the kernel), so these are the quantities of the smoothed
 * densities. Smoothing both sets by the same kernel can only lower an f-divergence such as JS, and
 * with the rule-of-thumb bandwidths multimodal data is oversmoothed: pass a smaller fixed bandwidth to
 * resolve narrow modes (at the price of more sampling noise).
 */
import * as tf from '@tensorflow/tfjs';

/** Rule of thumb for the kernel bandwidth. */
export type BandwidthRule = 'scott' | 'silverman';
/** Every {@link BandwidthRule}. */
export const BANDWIDTH_RULES: readonly BandwidthRule[] = ['scott', 'silverman'];

/** A fixed bandwidth h > 0 in data units, or a rule applied to each point set separately. */
export type Bandwidth = number | BandwidthRule;

const LOG_2PI = Math.log(2 * Math.PI);

function checkSet(x: tf.Tensor2D, name: string, minRows = 1): void {
  if (x.rank !== 2 || x.shape[0] < minRows || x.shape[1] < 1) throw new RangeError(`${name} must be [N, D] with N >= ${minRows}, got [${x.shape.join(', ')}]`);
}

/**
 * The isotropic bandwidth of a Gaussian KDE of n points in D dimensions by a normal-reference rule of
 * thumb, with sigma^2 the mean of the per-coordinate (unbiased) variances:
 * Scott (1992, Multivariate Density Estimation, §6.3): h = sigma n^(-1/(D+4));
 * Silverman (1986, Density Estimation, §4.3.2, Table 4.1): h = sigma (4 / ((D + 2) n))^(1/(D+4)).
 * Both minimise the asymptotic mean integrated squared error for Gaussian data (in 1D Silverman's is
 * 1.06 sigma n^(-1/5)); both oversmooth multimodal data. Floored at 1e-6 so that a collapsed set (all
 * points equal: mode collapse, seed §3.4) still has a density.
 * @param points [n, D], n >= 2. @returns h as a scalar tensor (no readback); the caller owns it.
 * @throws RangeError on fewer than 2 points or an unknown rule.
 */
export function kdeBandwidth(points: tf.Tensor2D, rule: BandwidthRule = 'scott'): tf.Scalar {
  checkSet(points, 'points', 2);
  if (!BANDWIDTH_RULES.includes(rule)) throw new RangeError(`unknown bandwidth rule '${rule}'`);
  const [n, d] = points.shape;
  const factor = rule === 'scott' ? n ** (-1 / (d + 4)) : (4 / ((d + 2) * n)) ** (1 / (d + 4));
  return tf.tidy(() => {
    const variance = tf.div(tf.sum(tf.square(tf.sub(points, tf.mean(points, 0)))), (n - 1) * d);
    return tf.maximum(tf.mul(tf.sqrt(variance), factor), 1e-6) as tf.Scalar;
  });
}

/** h as a scalar tensor: the number, or the rule applied to `points`. Not tidied. */
function bandwidthOf(points: tf.Tensor2D, h: Bandwidth): tf.Scalar {
  if (typeof h !== 'number') return kdeBandwidth(points, h);
  if (!(h > 0 && Number.isFinite(h))) throw new RangeError(`bandwidth must be positive, got ${h}`);
  return tf.scalar(h);
}

/**
 * log p^(q) of the Gaussian kernel density estimate p^(q) = (1/M) sum_j N(q; x_j, h^2 I), by a
 * log-sum-exp (no underflow far from the points). Memory O(N M).
 * @param points the set x_j, [M, D]. @param query [N, D].
 * @param bandwidth h > 0 (a number or a scalar tensor), or a rule of thumb applied to `points` ({@link kdeBandwidth}).
 * @param leaveOneOut when the query rows are the points themselves: leave x_i out of the sum at q = x_i
 *   (divide by M - 1), which removes the self-match bias of evaluating a KDE on its own sample.
 * @returns log densities [N] in (-inf, +inf); the caller owns it.
 * @throws RangeError on mismatched shapes, a non-positive bandwidth, or leaveOneOut with N != M or M < 2.
 */
export function kdeLogDensity(points: tf.Tensor2D, query: tf.Tensor2D, bandwidth: Bandwidth | tf.Scalar = 'scott', leaveOneOut = false): tf.Tensor1D {
  checkSet(points, 'points', leaveOneOut ? 2 : 1);
  checkSet(query, 'query');
  const [m, d] = points.shape;
  if (query.shape[1] !== d) throw new RangeError(`query has dimension ${query.shape[1]}, points ${d}`);
  if (leaveOneOut && query.shape[0] !== m) throw new RangeError('leaveOneOut needs the query to be the points themselves');
  return tf.tidy(() => {
    const h = bandwidth instanceof tf.Tensor ? bandwidth : bandwidthOf(points, bandwidth);
    // ||q - x||^2 = ||q||^2 + ||x||^2 - 2 q.x, clamped at 0 against rounding.
    const q2 = tf.sum(tf.square(query), 1, true);
    const x2 = tf.sum(tf.square(points), 1).reshape([1, -1]);
    let d2 = tf.relu(tf.sub(tf.add(q2, x2), tf.mul(tf.matMul(query, points, false, true), 2)));
    if (leaveOneOut) d2 = tf.add(d2, tf.mul(tf.eye(m), 1e30));
    const logKernelSum = tf.logSumExp(tf.div(d2, tf.mul(tf.square(h), -2)), 1);
    const logNorm = tf.add(tf.mul(tf.log(h), d), Math.log(leaveOneOut ? m - 1 : m) + (d / 2) * LOG_2PI);
    return tf.sub(logKernelSum, logNorm) as tf.Tensor1D;
  });
}

/** Options of the KDE-based estimates. */
export interface KdeOptions {
  /** Bandwidth of p^_r: a number h > 0 or a rule of thumb; default 'scott'. */
  readonly realBandwidth?: Bandwidth;
  /** Bandwidth of p^_g: a number h > 0 or a rule of thumb; default 'scott'. */
  readonly fakeBandwidth?: Bandwidth;
}

/** Options of {@link optimalDiscriminator}. */
export interface OptimalDiscriminatorOptions extends KdeOptions {
  /**
   * Mask fraction rho in [0, 1): D* is NaN ("undefined") at query points where both densities are
   * negligible, max(p^_r, p^_g) < rho * the largest value of max(p^_r, p^_g) over the query. There D* is the
   * 0/0 ratio of two kernel tails, a number decided by whichever set happens to lie a little closer, not
   * by evidence. Default 0 (nothing masked).
   */
  readonly maskBelow?: number;
}

/**
 * The optimal discriminator D*(x) = p_r(x) / (p_r(x) + p_g(x)) (seed §3.2; Goodfellow et al. 2014,
 * Proposition 1) from KDEs of the two sets, computed as sigmoid(log p^_r - log p^_g) so that it is
 * defined far from both sets. Equal class priors, as in balanced GAN batches. With `maskBelow` the
 * points where neither density has support come back as NaN (drawn transparent / neutral).
 * @param real [M, D], @param fake [M', D], @param query [N, D] (e.g. a grid for a heat map).
 * @returns D*(query) [N] in [0, 1] (or NaN where masked); the caller owns it.
 * @throws RangeError on mismatched shapes, bad bandwidths, or maskBelow outside [0, 1).
 */
export function optimalDiscriminator(real: tf.Tensor2D, fake: tf.Tensor2D, query: tf.Tensor2D, options: OptimalDiscriminatorOptions = {}): tf.Tensor1D {
  const rho = options.maskBelow ?? 0;
  if (!(rho >= 0 && rho < 1)) throw new RangeError(`maskBelow must be in [0, 1), got ${rho}`);
  return tf.tidy(() => {
    const logR = kdeLogDensity(real, query, options.realBandwidth ?? 'scott');
    const logG = kdeLogDensity(fake, query, options.fakeBandwidth ?? 'scott');
    const d = tf.sigmoid(tf.sub(logR, logG)) as tf.Tensor1D;
    if (rho === 0) return d;
    const logMax = tf.maximum(logR, logG);
    const supported = tf.greaterEqual(logMax, tf.add(tf.max(logMax), Math.log(rho)));
    return tf.where(supported, d, tf.fill(d.shape, Number.NaN)) as tf.Tensor1D;
  });
}

/** The two estimates of {@link optimalValue}, scalars the caller owns. */
export type OptimalValue = {
  /** L(G, D*) = E_r log D*(x) + E_g log(1 - D*(x)), in [-log 4, 0] up to estimation noise (seed §3.1–3.3). */
  value: tf.Scalar;
  /**
   * JS(p_r || p_g) = 1/2 KL(p_r || m) + 1/2 KL(p_g || m), m = (p_r + p_g) / 2, in [0, log 2] up to
   * estimation noise; computed from the KL terms, separately from `value` (so L = 2 JS - log 4 checks the code).
   */
  js: tf.Scalar;
};

/**
 * Plug-in estimates of L(G, D*) and of the Jensen–Shannon divergence from the two samples: expectations
 * are means over the sets, densities are leave-one-out KDEs on their own set and plain KDEs on the
 * other. Up to sampling noise they satisfy L(G, D*) = 2 JS - log 4 (seed §3.3) and estimate these
 * quantities for the kernel-smoothed densities (see the file comment). Cost O((M + M')^2 D): keep each
 * set below a few thousand rows (subsample the particles).
 * @param real [M, D], @param fake [M', D], M, M' >= 2.
 * @throws RangeError on mismatched shapes or bad bandwidths.
 */
export function optimalValue(real: tf.Tensor2D, fake: tf.Tensor2D, options: KdeOptions = {}): OptimalValue {
  checkSet(real, 'real', 2);
  checkSet(fake, 'fake', 2);
  if (real.shape[1] !== fake.shape[1]) throw new RangeError(`real and fake differ in dimension (${real.shape[1]}, ${fake.shape[1]})`);
  return tf.tidy(() => {
    const hr = bandwidthOf(real, options.realBandwidth ?? 'scott');
    const hg = bandwidthOf(fake, options.fakeBandwidth ?? 'scott');
    // log p^_r and log p^_g at the real rows and at the generated rows.
    const rAtR = kdeLogDensity(real, real, hr, true);
    const gAtR = kdeLogDensity(fake, real, hg);
    const rAtG = kdeLogDensity(real, fake, hr);
    const gAtG = kdeLogDensity(fake, fake, hg, true);
    // log D* = -softplus(log p_g - log p_r), log(1 - D*) = -softplus(log p_r - log p_g).
    const value = tf.neg(tf.add(tf.mean(tf.softplus(tf.sub(gAtR, rAtR))), tf.mean(tf.softplus(tf.sub(rAtG, gAtG)))));
    // log m = log((p_r + p_g) / 2).
    const logMix = (a: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor => tf.sub(tf.logSumExp(tf.stack([a, b]), 0), Math.LN2);
    const klR = tf.mean(tf.sub(rAtR, logMix(rAtR, gAtR)));
    const klG = tf.mean(tf.sub(gAtG, logMix(rAtG, gAtG)));
    const js = tf.mul(tf.add(klR, klG), 0.5);
    return { value: value as tf.Scalar, js: js as tf.Scalar };
  });
}

/** Exact W1 between two point sets by optimal assignment (moved to the metrics module; kept here for its callers). */
export { wasserstein1 } from './metrics';
