/**
 * Sample-based distances between point sets, on plain row-major arrays (CPU, float64 accumulation).
 * Used by tests, the benchmark and (later) the app's metric panel.
 */
import type { Rng } from './random';

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
 * distributions are equal. U-statistic within sets (pairs i != j). Cost O((n + m)^2 D): keep n, m <= ~5000.
 * @param a, b row-major point sets [n, D] and [m, D]. @returns a distance in data units (not squared).
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
