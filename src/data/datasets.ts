/**
 * Built-in, seeded target distributions ("data sets") for the playground: the field's standard 2D toy
 * sets, a picture-like smiley from `assets/smiley.json`, and two 3D manifolds.
 *
 * Every data set is drawn in its natural "raw" units and then mapped to `(raw - center) / scale` with
 * FIXED constants (derived in closed form or by one-off quadrature, see the comments), so that the
 * mean of each coordinate is 0 and the average variance per coordinate is 1, independent of the sample.
 *
 * Pure math: no three.js, no DOM (runs in Node). Every random draw comes from the passed {@link Rng}.
 */
import type { Rng } from '../models/random';
import smileyJson from '../../assets/smiley.json';
import { sampleTorusKnot } from './torus-knot';
import { compileShape, parseShapeAsset, shapeMoments, type ShapeSampler, type Vec2 } from './shapes';

/** Identifier of a built-in data set. */
export type DatasetName =
  | 'gaussians-8'
  | 'gaussians-25'
  | 'two-moons'
  | 'swiss-roll'
  | 'checkerboard'
  | 'two-spirals'
  | 'rings'
  | 'smiley'
  | 'swiss-roll-3d'
  | 'torus-knot';

/** Static description of a data set. */
export interface DatasetInfo {
  readonly name: DatasetName;
  /** Human-readable name, e.g. "Two moons". */
  readonly label: string;
  /** Dimension of the points: 2 or 3. */
  readonly dim: 2 | 3;
  /** Number of distinct labels (clusters / modes / parts / bands); labels lie in [0, labelCount). */
  readonly labelCount: number;
}

/** Row-major point set. */
export interface PointSet {
  readonly dim: 2 | 3;
  /** Number of points, >= 1. */
  readonly count: number;
  /** `count * dim` coordinates, row-major (`points[i*dim + d]`), normalised units (≈ zero mean, unit variance). */
  readonly points: Float32Array;
  /** `count` labels, each the cluster/mode/part/band index in [0, labelCount). */
  readonly labels: Uint16Array;
  readonly labelCount: number;
}

/**
 * Exact parameters of an isotropic Gaussian mixture, in the same normalised units as the sampled points:
 * density(x) = Σ_k weights[k] · N(x; means[k], std² I).
 */
export interface GaussianMixture {
  /** Dimension of the means. */
  readonly dim: number;
  /** Mixture weights, summing to 1. */
  readonly weights: readonly number[];
  /** Component means, `weights.length` vectors of length `dim`. */
  readonly means: readonly (readonly number[])[];
  /** Shared isotropic standard deviation of every component. */
  readonly std: number;
}

// ---------------------------------------------------------------------------------------------------
// Constants. Raw parameters of each set, and the normalisation (center, scale) derived from them.

const TAU = 2 * Math.PI;

/** 8 gaussians: means on a circle of radius 1, std 0.02 (raw units). */
const G8_RADIUS = 1;
const G8_STD = 0.02;
// Equal weights at angles 2πk/8: E[x] = E[y] = 0 and Var(x) = Var(y) = R²/2 + σ² (Σ_k cos²(2πk/8) = 4).
// = sqrt(0.5004) ≈ 0.707389.
const G8_SCALE = Math.sqrt((G8_RADIUS * G8_RADIUS) / 2 + G8_STD * G8_STD);

/** 25 gaussians: means on the 5x5 integer grid {-2..2}², std 0.05 (raw units). */
const G25_STD = 0.05;
// Per coordinate the mean is uniform on {-2,-1,0,1,2}: E = 0, Var = (4+1+0+1+4)/5 = 2; plus σ².
// = sqrt(2.0025) ≈ 1.415097.
const G25_SCALE = Math.sqrt(2 + G25_STD * G25_STD);

/** Two moons (sklearn `make_moons`): upper (cos t, sin t), lower (1 - cos t, 1/2 - sin t), t ~ U[0, π]. */
const MOONS_NOISE = 0.05;
// With E[cos t] = 0, E[sin t] = 2/π, E[cos²] = E[sin²] = 1/2 and a fair coin for the moon:
// E[x] = 1/2, E[y] = 1/4, Var(x) = 3/4 + σ², Var(y) = 9/16 - 1/π + σ².
const MOONS_CENTER: Vec2 = [0.5, 0.25];
// = sqrt((3/4 + 9/16 - 1/π)/2 + σ²) = sqrt(0.499595) ≈ 0.706821.
const MOONS_SCALE = Math.sqrt((0.75 + 9 / 16 - 1 / Math.PI) / 2 + MOONS_NOISE * MOONS_NOISE);

/**
 * Swiss roll (sklearn `make_swiss_roll`): t = 1.5π(1 + 2u), u ~ U[0, 1), x = t cos t, z = t sin t,
 * height y = 21 v, v ~ U[0, 1), gaussian noise on every coordinate. The 2D set is (x, z).
 */
const ROLL_T0 = 1.5 * Math.PI;
const ROLL_T1 = 4.5 * Math.PI;
const ROLL_HEIGHT = 21;
const ROLL_NOISE = 0.5;
// Closed form over t ~ U[1.5π, 4.5π] (integrating t cos t, t sin t, t² cos² t, t² sin² t by parts;
// checked against 2e6-point quadrature): E[x] = 2, E[z] = 2/(3π), E[x²] = 4.875π² - 1/4,
// E[z²] = 4.875π² + 1/4; y ~ U[0, 21): E = 10.5, Var = 21²/12 = 36.75.
const ROLL_VAR_X = 4.875 * Math.PI * Math.PI - 0.25 - 4; // ≈ 43.8643
const ROLL_VAR_Z = 4.875 * Math.PI * Math.PI + 0.25 - 4 / (9 * Math.PI * Math.PI); // ≈ 48.3193
const ROLL_VAR_Y = (ROLL_HEIGHT * ROLL_HEIGHT) / 12;
const ROLL_CENTER_X = 2;
const ROLL_CENTER_Z = 2 / (3 * Math.PI);
// sqrt((43.8643 + 48.3193)/2 + 0.25) ≈ 6.807476.
const ROLL2_SCALE = Math.sqrt((ROLL_VAR_X + ROLL_VAR_Z) / 2 + ROLL_NOISE * ROLL_NOISE);
// sqrt((43.8643 + 36.75 + 48.3193)/3 + 0.25) ≈ 6.574825.
const ROLL3_SCALE = Math.sqrt((ROLL_VAR_X + ROLL_VAR_Y + ROLL_VAR_Z) / 3 + ROLL_NOISE * ROLL_NOISE);

/** Checkerboard: 4x4 board on [-2, 2]², cell (col i, row j) filled when i + j is even, uniform inside. */
// The 8 filled cell centres take each value in {±0.5, ±1.5} twice per coordinate: E = 0,
// Var = (0.25 + 2.25)/2 + 1/12 (uniform within a unit cell) = 4/3.
const CHECKER_SCALE = Math.sqrt(4 / 3); // ≈ 1.154701
/** Lower-left corners [x, y] of the 8 filled cells, row-major from the bottom row (label = index). */
const CHECKER_CELLS: readonly Vec2[] = (() => {
  const cells: Vec2[] = [];
  for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) if ((i + j) % 2 === 0) cells.push([i - 2, j - 2]);
  return cells;
})();

/** Two spirals: θ = 3π·sqrt(u) (540°, uniform-ish along arc length), arm 0 = (-θ cos θ, θ sin θ), arm 1 = -arm 0. */
const SPIRAL_TURN = 3 * Math.PI;
const SPIRAL_NOISE = 0.3;
// Point-symmetric arms give E = 0; |p|² = θ² with E[θ²] = 9π²·E[u] = 9π²/2, so per coordinate
// Var = 9π²/4 + σ² = 22.2966; scale ≈ 4.721928.
const SPIRAL_SCALE = Math.sqrt((SPIRAL_TURN * SPIRAL_TURN) / 4 + SPIRAL_NOISE * SPIRAL_NOISE);

/** Rings: 3 concentric circles of radius 1, 2, 3, points per ring ∝ radius (even density), radial noise. */
const RING_RADII = [1, 2, 3] as const;
const RING_NOISE = 0.05;
// Uniform angle gives E = 0 and Var(x) = Var(y) = E[r²]/2; E[r²] = Σ w_k R_k² + σ² = (1 + 8 + 27)/6 + σ² = 6 + σ².
const RING_SCALE = Math.sqrt((6 + RING_NOISE * RING_NOISE) / 2); // ≈ 1.732412

// Smiley: parsed and validated once at load; normalised with its exact (closed-form) moments, which
// depend only on the asset's geometry, never on a sample.
const SMILEY: ShapeSampler = compileShape(parseShapeAsset(smileyJson, 'assets/smiley.json'));
const SMILEY_MOMENTS = shapeMoments(SMILEY.asset);
const SMILEY_SCALE = Math.sqrt((SMILEY_MOMENTS.variance[0] + SMILEY_MOMENTS.variance[1]) / 2);

// ---------------------------------------------------------------------------------------------------
// Gaussian mixtures (normalised units).

function freezeMixture(m: GaussianMixture): GaussianMixture {
  m.means.forEach((v) => Object.freeze(v));
  Object.freeze(m.means);
  Object.freeze(m.weights);
  return Object.freeze(m);
}

const G8_MIXTURE: GaussianMixture = freezeMixture({
  dim: 2,
  weights: Array.from({ length: 8 }, () => 1 / 8),
  means: Array.from({ length: 8 }, (_, k) => [
    (G8_RADIUS * Math.cos((TAU * k) / 8)) / G8_SCALE,
    (G8_RADIUS * Math.sin((TAU * k) / 8)) / G8_SCALE,
  ]),
  std: G8_STD / G8_SCALE,
});

/** Component k = 5·row + col, mean (col - 2, row - 2) in raw units. */
const G25_MIXTURE: GaussianMixture = freezeMixture({
  dim: 2,
  weights: Array.from({ length: 25 }, () => 1 / 25),
  means: Array.from({ length: 25 }, (_, k) => [((k % 5) - 2) / G25_SCALE, (Math.floor(k / 5) - 2) / G25_SCALE]),
  std: G25_STD / G25_SCALE,
});

// ---------------------------------------------------------------------------------------------------
// Registry

/** All built-in data sets, in menu order. */
export const DATASETS: readonly DatasetInfo[] = Object.freeze(
  (
    [
      { name: 'gaussians-8', label: '8 Gaussians', dim: 2, labelCount: 8 },
      { name: 'gaussians-25', label: '25 Gaussians', dim: 2, labelCount: 25 },
      { name: 'two-moons', label: 'Two moons', dim: 2, labelCount: 2 },
      { name: 'swiss-roll', label: 'Swiss roll', dim: 2, labelCount: 6 },
      { name: 'checkerboard', label: 'Checkerboard', dim: 2, labelCount: 8 },
      { name: 'two-spirals', label: 'Two spirals', dim: 2, labelCount: 2 },
      { name: 'rings', label: 'Rings', dim: 2, labelCount: 3 },
      { name: 'smiley', label: 'Smiley', dim: 2, labelCount: SMILEY.labelCount },
      { name: 'swiss-roll-3d', label: 'Swiss roll (3D)', dim: 3, labelCount: 6 },
      { name: 'torus-knot', label: 'Torus knot (3D)', dim: 3, labelCount: 6 },
    ] satisfies DatasetInfo[]
  ).map((d) => Object.freeze(d)),
);

/** Names of all built-in data sets, in the order of {@link DATASETS}. */
export const DATASET_NAMES: readonly DatasetName[] = Object.freeze(DATASETS.map((d) => d.name));

const INFO_BY_NAME: ReadonlyMap<string, DatasetInfo> = new Map(DATASETS.map((d) => [d.name, d]));

/** True when `s` is the name of a built-in data set. */
export function isDatasetName(s: string): s is DatasetName {
  return INFO_BY_NAME.has(s);
}

/**
 * Static description of a data set.
 * @throws RangeError if `name` is not a data set name (only possible from untyped callers).
 */
export function datasetInfo(name: DatasetName): DatasetInfo {
  const info = INFO_BY_NAME.get(name);
  if (!info) throw new RangeError(`unknown data set ${JSON.stringify(name)}; expected one of ${DATASET_NAMES.join(', ')}`);
  return info;
}

/**
 * Exact mixture parameters (normalised units, as sampled) of the Gaussian-mixture data sets.
 * @returns the mixture for 'gaussians-8' (8 components at angles 2πk/8, component k = label k) and
 *   'gaussians-25' (component k = 5·row + col on the 5x5 grid, row-major from the bottom-left);
 *   null for every other data set.
 */
export function gaussianMixtureOf(name: DatasetName): GaussianMixture | null {
  if (name === 'gaussians-8') return G8_MIXTURE;
  if (name === 'gaussians-25') return G25_MIXTURE;
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Samplers: each writes `count` normalised points and labels.

type Sampler = (rng: Rng, count: number, pts: Float32Array, labels: Uint16Array) => void;

function sampleMixture(m: GaussianMixture): Sampler {
  const k = m.weights.length;
  const mx = Float64Array.from(m.means, (v) => v[0]);
  const my = Float64Array.from(m.means, (v) => v[1]);
  const std = m.std;
  return (rng, count, pts, labels) => {
    for (let i = 0; i < count; i++) {
      const c = rng.int(k); // equal weights
      pts[2 * i] = mx[c] + std * rng.normal();
      pts[2 * i + 1] = my[c] + std * rng.normal();
      labels[i] = c;
    }
  };
}

function band6(u: number): number {
  return Math.min(5, Math.floor(u * 6));
}

const SAMPLERS: Readonly<Record<DatasetName, Sampler>> = {
  'gaussians-8': sampleMixture(G8_MIXTURE),
  'gaussians-25': sampleMixture(G25_MIXTURE),

  'two-moons': (rng, count, pts, labels) => {
    const inv = 1 / MOONS_SCALE;
    for (let i = 0; i < count; i++) {
      const moon = rng.uniform() < 0.5 ? 0 : 1;
      const t = Math.PI * rng.uniform();
      let x: number;
      let y: number;
      if (moon === 0) {
        x = Math.cos(t);
        y = Math.sin(t);
      } else {
        x = 1 - Math.cos(t);
        y = 0.5 - Math.sin(t);
      }
      pts[2 * i] = (x + MOONS_NOISE * rng.normal() - MOONS_CENTER[0]) * inv;
      pts[2 * i + 1] = (y + MOONS_NOISE * rng.normal() - MOONS_CENTER[1]) * inv;
      labels[i] = moon;
    }
  },

  'swiss-roll': (rng, count, pts, labels) => {
    const inv = 1 / ROLL2_SCALE;
    for (let i = 0; i < count; i++) {
      const u = rng.uniform();
      const t = ROLL_T0 + (ROLL_T1 - ROLL_T0) * u;
      pts[2 * i] = (t * Math.cos(t) + ROLL_NOISE * rng.normal() - ROLL_CENTER_X) * inv;
      pts[2 * i + 1] = (t * Math.sin(t) + ROLL_NOISE * rng.normal() - ROLL_CENTER_Z) * inv;
      labels[i] = band6(u);
    }
  },

  checkerboard: (rng, count, pts, labels) => {
    const inv = 1 / CHECKER_SCALE;
    for (let i = 0; i < count; i++) {
      const c = rng.int(CHECKER_CELLS.length);
      const [x0, y0] = CHECKER_CELLS[c];
      pts[2 * i] = (x0 + rng.uniform()) * inv;
      pts[2 * i + 1] = (y0 + rng.uniform()) * inv;
      labels[i] = c;
    }
  },

  'two-spirals': (rng, count, pts, labels) => {
    const inv = 1 / SPIRAL_SCALE;
    for (let i = 0; i < count; i++) {
      const arm = rng.uniform() < 0.5 ? 0 : 1;
      const th = SPIRAL_TURN * Math.sqrt(rng.uniform());
      const sign = arm === 0 ? 1 : -1;
      pts[2 * i] = (sign * -th * Math.cos(th) + SPIRAL_NOISE * rng.normal()) * inv;
      pts[2 * i + 1] = (sign * th * Math.sin(th) + SPIRAL_NOISE * rng.normal()) * inv;
      labels[i] = arm;
    }
  },

  rings: (rng, count, pts, labels) => {
    const inv = 1 / RING_SCALE;
    // Ring k with probability R_k / ΣR (1/6, 2/6, 3/6).
    for (let i = 0; i < count; i++) {
      const pick = rng.int(6);
      const ring = pick === 0 ? 0 : pick < 3 ? 1 : 2;
      const r = RING_RADII[ring] + RING_NOISE * rng.normal();
      const phi = TAU * rng.uniform();
      pts[2 * i] = r * Math.cos(phi) * inv;
      pts[2 * i + 1] = r * Math.sin(phi) * inv;
      labels[i] = ring;
    }
  },

  smiley: (rng, count, pts, labels) => {
    SMILEY.sampleInto(rng, count, SMILEY_MOMENTS.mean, SMILEY_SCALE, pts, labels);
  },

  'swiss-roll-3d': (rng, count, pts, labels) => {
    const inv = 1 / ROLL3_SCALE;
    for (let i = 0; i < count; i++) {
      const u = rng.uniform();
      const t = ROLL_T0 + (ROLL_T1 - ROLL_T0) * u;
      const h = ROLL_HEIGHT * rng.uniform();
      pts[3 * i] = (t * Math.cos(t) + ROLL_NOISE * rng.normal() - ROLL_CENTER_X) * inv;
      pts[3 * i + 1] = (h + ROLL_NOISE * rng.normal() - ROLL_HEIGHT / 2) * inv;
      pts[3 * i + 2] = (t * Math.sin(t) + ROLL_NOISE * rng.normal() - ROLL_CENTER_Z) * inv;
      labels[i] = band6(u);
    }
  },

  'torus-knot': (rng, count, pts, labels) => sampleTorusKnot(rng, count, pts, labels, band6),
};

/**
 * Draws `count` points of a data set, normalised to ≈ zero mean and unit average variance per coordinate.
 * Deterministic given the state of `rng` (same seed → identical arrays); advances `rng`.
 * @param count number of points, an integer >= 1.
 * @throws RangeError if `count` is not an integer >= 1, or `name` is unknown.
 */
export function sampleDataset(name: DatasetName, count: number, rng: Rng): PointSet {
  const info = datasetInfo(name);
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`sampleDataset: count must be an integer >= 1, got ${count}`);
  }
  const points = new Float32Array(count * info.dim);
  const labels = new Uint16Array(count);
  SAMPLERS[name](rng, count, points, labels);
  return { dim: info.dim, count, points, labels, labelCount: info.labelCount };
}
