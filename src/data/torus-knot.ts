/**
 * The 3D torus knot data set: a trefoil on a torus, uniform in arc length, in normalised units (the
 * constants and the inverse-CDF table of its arc length). Pure math; every draw from the passed Rng.
 */
import type { Rng } from '../models/random';

const TAU = 2 * Math.PI;

/**
 * Torus knot (p, q) = (2, 3) (trefoil) on a torus with radii R = 2, r = 1: c(φ) = ((R + r cos qφ) cos pφ,
 * (R + r cos qφ) sin pφ, r sin qφ), φ ∈ [0, 2π), plus gaussian tube noise. (p, q) are fixed: the
 * sampler expands cos/sin of pφ and qφ with multiple-angle formulas.
 */
const KNOT_P = 2;
const KNOT_Q = 3;
const KNOT_R = 2;
const KNOT_r = 1;
const KNOT_NOISE = 0.1;
/**
 * Inverse arc-length table: KNOT_INV_CDF[j] is the φ at which the arc length from φ = 0 reaches j/M of the
 * total, so φ = interpolate(u·M) with u ~ U[0, 1) gives points uniform in arc length. The curve's speed is
 * |c'(φ)| = sqrt(q²r² + p²(R + r cos qφ)²); it is integrated with a 16x finer midpoint rule.
 */
const KNOT_TABLE_SIZE = 4096;
const KNOT_INV_CDF: Float64Array = (() => {
  const fine = KNOT_TABLE_SIZE * 16;
  const h = TAU / fine;
  const cum = new Float64Array(fine + 1);
  for (let i = 0; i < fine; i++) {
    const rho = KNOT_R + KNOT_r * Math.cos(KNOT_Q * (i + 0.5) * h);
    cum[i + 1] = cum[i] + h * Math.sqrt(KNOT_Q * KNOT_Q * KNOT_r * KNOT_r + KNOT_P * KNOT_P * rho * rho);
  }
  const table = new Float64Array(KNOT_TABLE_SIZE + 1);
  const total = cum[fine];
  let i = 0;
  for (let j = 0; j <= KNOT_TABLE_SIZE; j++) {
    const target = (total * j) / KNOT_TABLE_SIZE;
    while (i < fine - 1 && cum[i + 1] < target) i++;
    const f = Math.min(1, Math.max(0, (target - cum[i]) / (cum[i + 1] - cum[i])));
    table[j] = (i + f) * h;
  }
  table[KNOT_TABLE_SIZE] = TAU;
  return table;
})();
// Points are uniform in arc length. By the knot's 3-fold rotational and φ → -φ symmetries E = 0.
// E[|c|²]/3 = 1.8720191817 by a one-off 2e6-point periodic midpoint quadrature of ∫|c|²·|c'| dφ / ∫|c'| dφ
// (E[x²] = E[y²] ≈ 2.55996, E[z²] ≈ 0.49614); plus σ² for the noise. scale ≈ 1.371868.
const KNOT_SCALE = Math.sqrt(1.8720191817 + KNOT_NOISE * KNOT_NOISE);

/**
 * Writes `count` torus-knot points [count, 3] into `pts` (normalised: zero mean, unit average variance)
 * and into `labels` the band of the curve parameter phi (by `band` of phi / 2pi in [0, 1)).
 */
export function sampleTorusKnot(rng: Rng, count: number, pts: Float32Array, labels: Uint16Array, band: (u: number) => number): void {
  const inv = 1 / KNOT_SCALE;
  for (let i = 0; i < count; i++) {
    // Uniform in arc length through the inverse-CDF table (linear interpolation).
    const v = rng.uniform() * KNOT_TABLE_SIZE;
    const j = Math.floor(v);
    const phi = KNOT_INV_CDF[j] + (v - j) * (KNOT_INV_CDF[j + 1] - KNOT_INV_CDF[j]);
    // (p, q) = (2, 3) via multiple-angle formulas: 2 trig calls instead of 4.
    const c = Math.cos(phi);
    const s = Math.sin(phi);
    const cos2 = c * c - s * s;
    const sin2 = 2 * s * c;
    const cos3 = c * (4 * c * c - 3);
    const sin3 = s * (3 - 4 * s * s);
    const rho = KNOT_R + KNOT_r * cos3;
    pts[3 * i] = (rho * cos2 + KNOT_NOISE * rng.normal()) * inv;
    pts[3 * i + 1] = (rho * sin2 + KNOT_NOISE * rng.normal()) * inv;
    pts[3 * i + 2] = (KNOT_r * sin3 + KNOT_NOISE * rng.normal()) * inv;
    // Band of the curve parameter φ (by the knot's symmetry each band is also 1/6 of the arc length).
    labels[i] = band(phi / TAU);
  }
}
