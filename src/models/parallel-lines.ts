/**
 * Why Wasserstein (seed §3.5's to-do, made with the "low dimensional supports" of seed §3.4): two
 * distributions on parallel lines (Arjovsky, Chintala & Bottou 2017, Example 1). p_r is uniform on the
 * vertical segment {0} x [0, 1], p_g the same segment at x = theta:
 *   JS(p_r || p_g) = log 2,  KL(p_r || p_g) = +Infinity,  W1(p_r, p_g) = |theta|   (theta != 0),
 * and all three are 0 at theta = 0. JS and KL jump and stay flat: they give a generator at theta no
 * gradient towards 0; W1 is continuous, with slope 1 everywhere.
 *
 * This file holds the closed forms and their estimates from samples: W1 by the exact optimal coupling
 * of two samples, JS and KL by Gaussian kernel density estimates (as models/gan-theory.ts does for D*).
 * The trainable pieces (discriminator, critic, learned shift) are in parallel-lines-game.ts. No DOM.
 */
import * as tf from '@tensorflow/tfjs';
import { kdeLogDensity, optimalValue } from './gan-theory';
import type { Rng } from './random';

/** The three divergences at one theta. */
export interface LineDivergences {
  /** JS(p_r || p_g) in nats, in [0, log 2]. */
  readonly js: number;
  /** KL(p_r || p_g) in nats, in [0, +Infinity]. */
  readonly kl: number;
  /** W1(p_r, p_g) in data units, >= 0. */
  readonly w1: number;
}

function checkTheta(theta: number): void {
  if (!Number.isFinite(theta)) throw new RangeError(`theta must be a finite number, got ${theta}`);
}

/**
 * JS(p_r || p_g) between the two segments: log 2 for theta != 0 (the supports are disjoint, so the
 * mixture m = (p_r + p_g) / 2 is p_r / 2 on one line and p_g / 2 on the other), 0 at theta = 0.
 * Arjovsky et al. 2017, Example 1. @param theta offset of p_g in data units. @throws RangeError unless finite.
 */
export function jsParallelLines(theta: number): number {
  checkTheta(theta);
  return theta === 0 ? 0 : Math.LN2;
}

/**
 * KL(p_r || p_g) between the two segments: +Infinity for theta != 0 (p_r has mass where p_g has
 * none), 0 at theta = 0. KL(p_g || p_r) is the same. Arjovsky et al. 2017, Example 1.
 * @throws RangeError unless theta is finite.
 */
export function klParallelLines(theta: number): number {
  checkTheta(theta);
  return theta === 0 ? 0 : Number.POSITIVE_INFINITY;
}

/**
 * W1(p_r, p_g) = |theta|: the coupling (0, u) -> (theta, u) moves every point by |theta|, and no
 * coupling moves less, since every point moves at least the distance between the lines.
 * Arjovsky et al. 2017, Example 1. @throws RangeError unless theta is finite.
 */
export function w1ParallelLines(theta: number): number {
  checkTheta(theta);
  return Math.abs(theta);
}

/** All three closed forms at theta ({@link jsParallelLines}, {@link klParallelLines}, {@link w1ParallelLines}). */
export function parallelLineDivergences(theta: number): LineDivergences {
  return { js: jsParallelLines(theta), kl: klParallelLines(theta), w1: w1ParallelLines(theta) };
}

/**
 * What the kernel density estimates of {@link estimateLineDivergences} converge to: the divergences of
 * the smoothed densities p * N(0, h^2 I). Smoothing both segments by the same kernel makes each a
 * product of N(x; 0 or theta, h^2) across the lines and one common density along them, so the common
 * factor cancels and both divergences are those of N(0, h^2) and N(theta, h^2) in 1D, functions of
 * r = |theta| / h only:
 *   KL = r^2 / 2  (the Gaussian KL, exact),
 *   JS = log 2 - E_{z ~ N(0,1)} softplus(r z - r^2 / 2)  (Simpson's rule on z in [-12, 12], 4,000 panels),
 * which tends to log 2 as h -> 0 (4e-3 below it at r = 6, 1e-4 at r = 8) while KL grows without bound.
 * @param theta offset in data units. @param bandwidth h > 0 in data units.
 * @returns js, kl in nats and w1 = |theta| (W1 needs no smoothing).
 * @throws RangeError unless theta is finite and h > 0.
 */
export function smoothedLineDivergences(theta: number, bandwidth: number): LineDivergences {
  checkTheta(theta);
  if (!(bandwidth > 0 && Number.isFinite(bandwidth))) throw new RangeError(`bandwidth must be positive, got ${bandwidth}`);
  const r = Math.abs(theta) / bandwidth;
  const softplus = (a: number): number => (a > 30 ? a : Math.log1p(Math.exp(a)));
  const panels = 4000;
  const step = 24 / panels;
  let sum = 0;
  for (let i = 0; i <= panels; i++) {
    const z = -12 + i * step;
    const weight = i === 0 || i === panels ? 1 : i % 2 === 1 ? 4 : 2;
    sum += weight * Math.exp(-0.5 * z * z) * softplus(r * z - (r * r) / 2);
  }
  const expected = (sum * step) / 3 / Math.sqrt(2 * Math.PI);
  return { js: Math.max(0, Math.LN2 - expected), kl: (r * r) / 2, w1: Math.abs(theta) };
}

/**
 * m points uniform on the vertical segment {x} x [0, 1], from the seeded rng.
 * @param m integer >= 1. @param x the segment's abscissa. @returns row-major [m, 2].
 * @throws RangeError on a bad m or x.
 */
export function sampleSegment(rng: Rng, m: number, x: number): Float32Array {
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`m must be a positive integer, got ${m}`);
  checkTheta(x);
  const out = new Float32Array(2 * m);
  for (let i = 0; i < m; i++) {
    out[2 * i] = x;
    out[2 * i + 1] = rng.uniform();
  }
  return out;
}

/**
 * W1 between the empirical measures of m points on each line, exactly: the optimal assignment pairs the
 * heights in sorted order, since the cost sqrt(theta^2 + (u - v)^2) is a convex function of u - v and
 * for such costs the monotone coupling is optimal (Santambrogio 2015, Optimal Transport for Applied
 * Mathematicians, Theorem 2.9). O(m log m); the same value as the Munkres assignment of metrics.ts
 * wasserstein1 on the 2D points. Sampling error: the value is at least |theta| and at most |theta| plus
 * the 1D W1 of the two height samples, whose mean is below 2 (pi / 8) / sqrt(m) (about 0.79 / sqrt(m)).
 * @param realHeights the heights u_i of the points (0, u_i), [m]. @param fakeHeights v_j of (theta, v_j), [m].
 * @returns W1 >= |theta| in data units.
 * @throws RangeError if the sets are empty or differ in size, or theta is not finite.
 */
export function sampledLineW1(realHeights: ArrayLike<number>, fakeHeights: ArrayLike<number>, theta: number): number {
  checkTheta(theta);
  const m = realHeights.length;
  if (m < 1 || fakeHeights.length !== m) throw new RangeError(`need two non-empty height sets of one size, got ${m} and ${fakeHeights.length}`);
  const u = Float64Array.from(realHeights).sort();
  const v = Float64Array.from(fakeHeights).sort();
  let total = 0;
  for (let i = 0; i < m; i++) total += Math.hypot(theta, u[i] - v[i]);
  return total / m;
}

/** Estimates of JS and KL from two point sets; see {@link estimateLineDivergences}. */
export interface DivergenceEstimates {
  /** Plug-in JS from the KDEs (gan-theory.ts optimalValue), nats. */
  readonly js: number;
  /** Plug-in KL(p_r || p_g) = mean over the real points of log p^_r (leave-one-out) - log p^_g, nats. */
  readonly kl: number;
}

/**
 * JS and KL(p_r || p_g) from samples, by Gaussian kernel density estimates of both sets with one fixed
 * bandwidth h (plug-in estimators; JS exactly as gan-theory.ts optimalValue computes it). What they give
 * is the divergence of the smoothed densities ({@link smoothedLineDivergences}): JS within sampling noise
 * of log 2 once h is well below |theta| (r = |theta| / h >= 6: within 4e-3 of log 2), KL about theta^2 / (2 h^2), growing
 * without bound as h shrinks: from samples, KL cannot see that the true value is infinite, only that it
 * is larger the sharper one looks. One async readback; cost O(m^2).
 * @param real [m, 2] row-major points of p_r, @param fake [m', 2] of p_g, m, m' >= 2.
 * @param bandwidth h > 0 in data units.
 * @throws RangeError on sets that are not [n >= 2, 2] or a bad bandwidth.
 */
export async function estimateLineDivergences(real: Float32Array, fake: Float32Array, bandwidth: number): Promise<DivergenceEstimates> {
  if (!(bandwidth > 0 && Number.isFinite(bandwidth))) throw new RangeError(`bandwidth must be positive, got ${bandwidth}`);
  for (const [name, set] of [['real', real], ['fake', fake]] as const) {
    if (set.length < 4 || set.length % 2 !== 0) throw new RangeError(`${name} must be [n >= 2, 2] row-major, got ${set.length} numbers`);
  }
  const both = tf.tidy(() => {
    const r = tf.tensor2d(real, [real.length / 2, 2]);
    const g = tf.tensor2d(fake, [fake.length / 2, 2]);
    const { js, value } = optimalValue(r, g, { realBandwidth: bandwidth, fakeBandwidth: bandwidth });
    value.dispose();
    const kl = tf.mean(tf.sub(kdeLogDensity(r, r, bandwidth, true), kdeLogDensity(g, r, bandwidth)));
    return tf.stack([js, kl]);
  });
  const [js, kl] = await both.data();
  both.dispose();
  return { js, kl };
}

/**
 * W1 (exact coupling, {@link sampledLineW1}), JS and KL (KDE, {@link estimateLineDivergences}) from m fresh
 * seeded points per segment at offset theta.
 * @param m points per segment, integer >= 2. @param bandwidth h > 0 of the KDEs.
 * @throws RangeError on a bad theta, m or bandwidth.
 */
export async function sampledLineDivergences(rng: Rng, theta: number, m: number, bandwidth: number): Promise<LineDivergences> {
  if (!Number.isInteger(m) || m < 2) throw new RangeError(`m must be an integer >= 2, got ${m}`);
  const real = sampleSegment(rng, m, 0);
  const fake = sampleSegment(rng, m, theta);
  const heights = (p: Float32Array): Float32Array => p.filter((_, i) => i % 2 === 1);
  const { js, kl } = await estimateLineDivergences(real, fake, bandwidth);
  return { js, kl, w1: sampledLineW1(heights(real), heights(fake), theta) };
}

/** One point of the curves against theta: the closed forms and their estimates from samples. */
export interface LineCurvePoint {
  readonly theta: number;
  readonly closedForm: LineDivergences;
  readonly estimate: LineDivergences;
}

/**
 * The curves of JS, KL and W1 against theta that the scene plots: at each theta the closed forms
 * ({@link parallelLineDivergences}) and the estimates from m fresh points per segment
 * ({@link sampledLineDivergences}). Cost O(m^2) per theta: keep m in the hundreds and the grid in the tens.
 * @param thetas the grid, finite values. @returns one point per theta, in order.
 * @throws RangeError on a bad theta, m or bandwidth.
 */
export async function lineDivergenceCurves(rng: Rng, thetas: readonly number[], m: number, bandwidth: number): Promise<LineCurvePoint[]> {
  const out: LineCurvePoint[] = [];
  for (const theta of thetas) out.push({ theta, closedForm: parallelLineDivergences(theta), estimate: await sampledLineDivergences(rng, theta, m, bandwidth) });
  return out;
}
