/**
 * Quality metrics of generated samples, in one module for the app, the CLI (src/cli) and the tests.
 *
 * Distances between point sets, on plain row-major arrays [N, D] (CPU, float64 accumulation), in the
 * units of the points (the playground's normalised units: zero mean, unit average variance):
 * energy distance, sliced Wasserstein-1, MMD with an RBF kernel (median-heuristic bandwidth), exact W1
 * and W2 by optimal assignment (Munkres, via flow-matching's {@link otPermutation}), and mode coverage
 * against a Gaussian mixture. Properties of a sampler: the number of function (network) evaluations,
 * counted by {@link countEvaluations}, and the straightness of the sampling paths
 * ({@link pathStraightness} on the CPU; {@link StraightnessMeter} on the GPU while a pass runs).
 */
import { otPermutation } from './flow-matching';
import { createRng, type Rng } from './random';

export { StraightnessMeter } from './trajectory';

/** @throws RangeError unless dim is a positive integer and a, b are non-empty multiples of it. */
export function checkSets(a: Float32Array, b: Float32Array, dim: number): void {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
  if (a.length === 0 || b.length === 0 || a.length % dim !== 0 || b.length % dim !== 0) {
    throw new RangeError(`point sets must be non-empty multiples of dim ${dim} (got lengths ${a.length}, ${b.length})`);
  }
}

function meanPairDistance(a: Float32Array, b: Float32Array, dim: number, same: boolean): number {
  const na = a.length / dim;
  const nb = b.length / dim;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < na; i++) {
    for (let j = same ? i + 1 : 0; j < nb; j++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const d = a[i * dim + k] - b[j * dim + k];
        d2 += d * d;
      }
      sum += Math.sqrt(d2);
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}

/**
 * Energy distance (Székely & Rizzo 2013): E = 2 E||X - Y|| - E||X - X'|| - E||Y - Y'|| >= 0, zero iff the
 * distributions are equal. Estimated by the unbiased U-statistic within sets (pairs i != j), so the
 * estimate of equal laws scatters around 0 and can be negative (e.g. -2e-4 between two draws of the
 * data); it is not clamped. Cost O((n + m)^2 D): keep n, m <= ~5000.
 * @param a, b row-major point sets [n, D] and [m, D]. @returns a distance in data units (not squared), possibly < 0.
 * @throws RangeError on empty or ragged inputs.
 */
export function energyDistance(a: Float32Array, b: Float32Array, dim: number): number {
  checkSets(a, b, dim);
  return 2 * meanPairDistance(a, b, dim, false) - meanPairDistance(a, a, dim, true) - meanPairDistance(b, b, dim, true);
}

/**
 * Sliced Wasserstein-1 distance (Rabin et al. 2011): the mean over random unit directions of the exact 1D
 * W1 between the projected sets (sorted quantiles; sets are resampled to equal size by quantile).
 * @param projections number of random directions (seeded), e.g. 64. @returns distance in data units.
 */
export function slicedWasserstein(a: Float32Array, b: Float32Array, dim: number, rng: Rng, projections = 64): number {
  checkSets(a, b, dim);
  const na = a.length / dim;
  const nb = b.length / dim;
  const n = Math.max(na, nb);
  const pa = new Float64Array(na);
  const pb = new Float64Array(nb);
  const dir = new Float64Array(dim);
  let total = 0;
  for (let p = 0; p < projections; p++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) {
      dir[k] = rng.normal();
      norm += dir[k] * dir[k];
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < na; i++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += a[i * dim + k] * dir[k];
      pa[i] = s / norm;
    }
    for (let i = 0; i < nb; i++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += b[i * dim + k] * dir[k];
      pb[i] = s / norm;
    }
    pa.sort();
    pb.sort();
    let w = 0;
    for (let q = 0; q < n; q++) {
      const u = (q + 0.5) / n;
      w += Math.abs(pa[Math.min(na - 1, Math.floor(u * na))] - pb[Math.min(nb - 1, Math.floor(u * nb))]);
    }
    total += w / n;
  }
  return total / projections;
}

/** Squared Euclidean distance between row i of a and row j of b. */
function dist2(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let d2 = 0;
  for (let k = 0; k < dim; k++) {
    const d = a[i * dim + k] - b[j * dim + k];
    d2 += d * d;
  }
  return d2;
}

/** At most m rows of x, evenly spaced (deterministic; all rows when m >= n). */
function spacedRows(x: Float32Array, dim: number, m: number): Float32Array {
  const n = x.length / dim;
  if (m >= n) return x;
  const out = new Float32Array(m * dim);
  for (let i = 0; i < m; i++) {
    const r = Math.floor((i * n) / m);
    out.set(x.subarray(r * dim, r * dim + dim), i * dim);
  }
  return out;
}

/**
 * The median heuristic for a kernel bandwidth (Gretton et al. 2012, JMLR 13, §8): the median of the
 * Euclidean distances between distinct points of the pooled set a ∪ b (pairs i < j; the mean of the two
 * middle values for an even count). Each set contributes at most maxPoints / 2 evenly spaced rows, so
 * the cost stays O(maxPoints^2). @returns h >= 0 in data units (0 only when all pooled points coincide).
 * @throws RangeError on empty or ragged sets, or fewer than 2 pooled points.
 */
export function medianHeuristic(a: Float32Array, b: Float32Array, dim: number, maxPoints = 1000): number {
  checkSets(a, b, dim);
  const half = Math.max(1, Math.floor(maxPoints / 2));
  const x = spacedRows(a, dim, half);
  const y = spacedRows(b, dim, half);
  const pooled = new Float32Array(x.length + y.length);
  pooled.set(x);
  pooled.set(y, x.length);
  const n = pooled.length / dim;
  if (n < 2) throw new RangeError('the median heuristic needs at least 2 points');
  const d = new Float64Array((n * (n - 1)) / 2);
  let c = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d[c++] = Math.sqrt(dist2(pooled, i, pooled, j, dim));
  d.sort();
  const mid = d.length >> 1;
  return d.length % 2 === 1 ? d[mid] : (d[mid - 1] + d[mid]) / 2;
}

/** Result of {@link mmdRbf}. */
export interface MmdResult {
  /** MMD = sqrt(max(0, mmd2)), in [0, sqrt(2)] (kernel units, dimensionless). */
  readonly mmd: number;
  /** The biased (V-statistic) estimate of MMD^2, in [0, 2] up to rounding. */
  readonly mmd2: number;
  /** The kernel bandwidth h used, in data units. */
  readonly bandwidth: number;
}

/** Sum of k(a_i, b_j) over all pairs (or, with `same`, over i < j), k(x, y) = exp(-|x - y|^2 / (2 h^2)). */
function kernelSum(a: Float32Array, b: Float32Array, dim: number, h: number, same: boolean): number {
  const na = a.length / dim;
  const nb = b.length / dim;
  const c = -1 / (2 * h * h);
  let sum = 0;
  for (let i = 0; i < na; i++) for (let j = same ? i + 1 : 0; j < nb; j++) sum += Math.exp(c * dist2(a, i, b, j, dim));
  return sum;
}

/**
 * Maximum mean discrepancy with the Gaussian (RBF) kernel k(x, y) = exp(-|x - y|^2 / (2 h^2)) (Gretton
 * et al. 2012, JMLR 13, eq. 5, the biased V-statistic): MMD^2 = mean k(a_i, a_j) + mean k(b_i, b_j)
 * - 2 mean k(a_i, b_j), means over all pairs including i = j. Exactly 0 for identical sets; for two
 * single points at distance r, 2 - 2 exp(-r^2 / (2 h^2)). The bandwidth defaults to the
 * {@link medianHeuristic} of the pooled sets (then MMD is invariant to rescaling the data). Cost
 * O((n + m)^2 D): keep n, m <= ~5000.
 * @param a, b row-major [n, D] and [m, D]. @param bandwidth h > 0 in data units (default: median heuristic;
 *   1 when every pooled point coincides).
 * @throws RangeError on empty or ragged sets or a bandwidth that is not positive and finite.
 */
export function mmdRbf(a: Float32Array, b: Float32Array, dim: number, bandwidth?: number): MmdResult {
  checkSets(a, b, dim);
  if (bandwidth !== undefined && !(bandwidth > 0 && Number.isFinite(bandwidth))) throw new RangeError(`bandwidth must be positive and finite, got ${bandwidth}`);
  const na = a.length / dim;
  const nb = b.length / dim;
  let h = bandwidth ?? (na + nb >= 2 ? medianHeuristic(a, b, dim) : 1);
  if (!(h > 0)) h = 1;
  const kaa = (2 * kernelSum(a, a, dim, h, true) + na) / (na * na);
  const kbb = (2 * kernelSum(b, b, dim, h, true) + nb) / (nb * nb);
  const kab = kernelSum(a, b, dim, h, false) / (na * nb);
  const mmd2 = kaa + kbb - 2 * kab;
  return { mmd: Math.sqrt(Math.max(0, mmd2)), mmd2, bandwidth: h };
}

/** m rows of a [n, D] set drawn without replacement (partial Fisher–Yates), or the set itself when m = n. */
function subsample(x: Float32Array, dim: number, m: number, rng: Rng | undefined, what: string): Float32Array {
  const n = x.length / dim;
  if (m === n) return x;
  if (rng === undefined) throw new RangeError(`${what} must subsample ${n} rows to ${m}: pass an rng`);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  const out = new Float32Array(m * dim);
  for (let i = 0; i < m; i++) {
    const j = i + rng.int(n - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
    out.set(x.subarray(idx[i] * dim, idx[i] * dim + dim), i * dim);
  }
  return out;
}

/**
 * The exact Wasserstein-p distance (p = 1 or 2) between the empirical distributions of two equal-size
 * point sets, W_p = (min over permutations s of (1/m) sum_i ||a_i - b_s(i)||^p)^(1/p) (seed §3.5: for two
 * uniform discrete measures with m atoms each an optimal plan is a permutation, Birkhoff–von Neumann),
 * from the Munkres assignment of {@link otPermutation} on the cost ||a_i - b_j||^p. Larger or unequal sets
 * are first subsampled (seeded, without replacement) to m = min(n_a, n_b, maxPoints) rows each; the result
 * is then a random estimate that is biased upwards (two samples of one distribution are at a positive
 * distance, shrinking like m^(-1/2) in 1D, sqrt(log m / m) in 2D (Ajtai, Komlós & Tusnády 1984) and
 * m^(-1/D) beyond). Cost O(m^3) on the CPU: m = 256 takes tens of ms, m = 1000 about a second.
 * @param a, b row-major [n_a, D] and [n_b, D]. @param rng needed only when subsampling.
 * @param maxPoints at most this many rows per set, integer >= 1 (default 256).
 * @returns W_p >= 0 in data units.
 * @throws RangeError on empty or ragged sets, p not 1 or 2, a bad maxPoints, or subsampling without an rng.
 */
export function wassersteinExact(a: Float32Array, b: Float32Array, dim: number, p: 1 | 2, rng?: Rng, maxPoints = 256): number {
  checkSets(a, b, dim);
  if (p !== 1 && p !== 2) throw new RangeError(`p must be 1 or 2, got ${String(p)}`);
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be a positive integer, got ${maxPoints}`);
  const m = Math.min(a.length / dim, b.length / dim, maxPoints);
  const x = subsample(a, dim, m, rng, `wasserstein${p}`);
  const y = subsample(b, dim, m, rng, `wasserstein${p}`);
  const s = otPermutation(x, y, dim, p);
  let total = 0;
  for (let i = 0; i < m; i++) {
    const d2 = dist2(x, i, y, s[i], dim);
    total += p === 1 ? Math.sqrt(d2) : d2;
  }
  return p === 1 ? total / m : Math.sqrt(total / m);
}

/** Exact W1 between two point sets: {@link wassersteinExact} with p = 1. */
export function wasserstein1(a: Float32Array, b: Float32Array, dim: number, rng?: Rng, maxPoints = 256): number {
  return wassersteinExact(a, b, dim, 1, rng, maxPoints);
}

/** Exact W2 between two point sets: {@link wassersteinExact} with p = 2. */
export function wasserstein2(a: Float32Array, b: Float32Array, dim: number, rng?: Rng, maxPoints = 256): number {
  return wassersteinExact(a, b, dim, 2, rng, maxPoints);
}

/** The modes of a mixture, as far as coverage needs them (a datasets.GaussianMixture fits). */
export interface MixtureModes {
  /** Mode centres, K vectors of length D. */
  readonly means: readonly (readonly number[])[];
  /** Mixture weights, K values summing to 1. */
  readonly weights: readonly number[];
  /** Isotropic standard deviation of each component, > 0. */
  readonly std: number;
}

/** Result of {@link modeCoverage}. */
export interface ModeCoverage {
  /** Share of the samples assigned to each mode, [K], each in [0, 1]. */
  readonly shares: number[];
  /** The mixture weights, [K] (what the shares should be). */
  readonly weights: number[];
  /** Share of the samples farther than the radius from every mode (in no mode). */
  readonly offMode: number;
  /** Modes whose share reaches coveredAt times their weight. */
  readonly covered: number;
  /** Number of modes K. */
  readonly modes: number;
  /**
   * Total variation between the samples' and the mixture's mode distribution, treating "off mode" as one
   * more outcome of weight 0: (sum_k |share_k - w_k| + offMode) / 2, in [0, 1]; 0 for a perfect sampler
   * (up to the ~1 % of the mixture's own mass beyond 3 std in 2D).
   */
  readonly tv: number;
}

/**
 * Mode coverage against a Gaussian mixture (the usual GAN check on 8 / 25 Gaussians, e.g. Srivastava et
 * al. 2017, VEEGAN, §5.1): each sample goes to its nearest mode mean if it lies within `radius` standard
 * deviations of it, else it is "off mode"; a mode is covered when it receives at least `coveredAt` times
 * its weight.
 * @param samples row-major [N, D], N >= 1. @param modes means of dimension D, weights, std.
 * @param options radius in std units (default 3: 98.9 % of a 2D component's mass), coveredAt in (0, 1]
 *   (default 0.25).
 * @throws RangeError on ragged or empty samples, a mode of another dimension, or bad options.
 */
export function modeCoverage(samples: Float32Array, dim: number, modes: MixtureModes, options: { radius?: number; coveredAt?: number } = {}): ModeCoverage {
  const radius = options.radius ?? 3;
  const coveredAt = options.coveredAt ?? 0.25;
  if (!(radius > 0) || !(coveredAt > 0 && coveredAt <= 1)) throw new RangeError(`radius must be > 0 and coveredAt in (0, 1], got ${radius}, ${coveredAt}`);
  checkSets(samples, samples, dim);
  const k = modes.means.length;
  if (k === 0 || modes.weights.length !== k || modes.means.some((m) => m.length !== dim) || !(modes.std > 0)) {
    throw new RangeError(`modes must have ${dim}-dimensional means, one weight each and std > 0`);
  }
  const centres = Float32Array.from(modes.means.flat());
  const counts = new Float64Array(k);
  const n = samples.length / dim;
  const r2 = (radius * modes.std) ** 2;
  let off = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bd = Infinity;
    for (let c = 0; c < k; c++) {
      const d2 = dist2(samples, i, centres, c, dim);
      if (d2 < bd) [bd, best] = [d2, c];
    }
    if (bd <= r2) counts[best]++;
    else off++;
  }
  const shares = Array.from(counts, (c) => c / n);
  const weights = [...modes.weights];
  const offMode = off / n;
  let tv = offMode;
  for (let c = 0; c < k; c++) tv += Math.abs(shares[c] - weights[c]);
  return { shares, weights, offMode, covered: shares.filter((s, c) => s >= coveredAt * weights[c]).length, modes: k, tv: tv / 2 };
}

/**
 * The mean straightness of N sampling paths given as K >= 2 snapshots [N, D] (row-major, the same
 * particle in the same row): per path the chord |x_K - x_1| over the arc length sum_k |x_{k+1} - x_k|,
 * in (0, 1], 1 for a straight line travelled one way; paths that did not move count as 1. The same
 * quantity that {@link StraightnessMeter} accumulates on the GPU (models/trajectory).
 * @throws RangeError on fewer than 2 snapshots or snapshots of different sizes.
 */
export function pathStraightness(snapshots: readonly Float32Array[], dim: number): number {
  if (snapshots.length < 2) throw new RangeError(`straightness needs at least 2 snapshots, got ${snapshots.length}`);
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  for (const s of snapshots) checkSets(first, s, dim);
  if (snapshots.some((s) => s.length !== first.length)) throw new RangeError('snapshots must all have the same size');
  const n = first.length / dim;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let arc = 0;
    for (let k = 1; k < snapshots.length; k++) arc += Math.sqrt(dist2(snapshots[k - 1], i, snapshots[k], i, dim));
    total += arc > 1e-12 ? Math.sqrt(dist2(first, i, last, i, dim)) / arc : 1;
  }
  return total / n;
}

/** Every set-to-set metric of one sample against the data (see {@link compareToData}). */
export interface SampleMetrics {
  /** Energy distance, the unbiased U-statistic (see metric-estimators.ts): about 0, and may dip below it, for a perfect sampler. */
  readonly energyDistance: number;
  /** Sliced W1 over 64 seeded directions. */
  readonly slicedWasserstein: number;
  /** MMD with the RBF kernel at the median-heuristic bandwidth (also given). */
  readonly mmd: number;
  readonly mmdBandwidth: number;
  /** Exact W1 and W2 between `exactPoints` rows of each set. */
  readonly w1: number;
  readonly w2: number;
  /** Mode coverage when the data is a Gaussian mixture, else null. */
  readonly modeCoverage: ModeCoverage | null;
}

/** Options of {@link compareToData}. */
export interface CompareOptions {
  /** Seeds the sliced directions and the W subsamples (fixed per seed, so runs compare like with like). */
  readonly seed?: number;
  /** Rows per set for exact W1 / W2 (default 500: O(m^3), about 0.2 s each). */
  readonly exactPoints?: number;
  /** The data's mixture for mode coverage (null or absent: no coverage). */
  readonly mixture?: MixtureModes | null;
}

/**
 * The metrics of this module between samples [n, D] and data [m, D] (the same units; the playground's
 * normalised units in the app and the CLI): energy distance, sliced W1, MMD (RBF, median heuristic), exact
 * W1 and W2 on subsamples, and mode coverage for mixture data. Cost O((n + m)^2 D) for energy and MMD
 * (keep n, m <= ~5000) plus O(exactPoints^3).
 * @throws RangeError on empty or ragged sets.
 */
export function compareToData(samples: Float32Array, data: Float32Array, dim: number, options: CompareOptions = {}): SampleMetrics {
  const seed = options.seed ?? 1;
  const exactPoints = options.exactPoints ?? 500;
  const rng = (salt: number): Rng => createRng((seed * 7919 + salt) | 0);
  const mmd = mmdRbf(samples, data, dim);
  return {
    energyDistance: energyDistance(samples, data, dim),
    slicedWasserstein: slicedWasserstein(samples, data, dim, rng(1)),
    mmd: mmd.mmd,
    mmdBandwidth: mmd.bandwidth,
    w1: wasserstein1(samples, data, dim, rng(2), exactPoints),
    w2: wasserstein2(samples, data, dim, rng(2), exactPoints),
    modeCoverage: options.mixture ? modeCoverage(samples, dim, options.mixture) : null,
  };
}
