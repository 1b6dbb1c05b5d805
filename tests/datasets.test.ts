import { describe, it, expect } from 'vitest';
import {
  DATASETS,
  DATASET_NAMES,
  datasetInfo,
  gaussianMixtureOf,
  isDatasetName,
  sampleDataset,
  type DatasetName,
  type PointSet,
} from '../src/data/datasets';
import { compileShape, parseShapeAsset, shapeMoments } from '../src/data/shapes';
import { createRng } from '../src/models/random';
import smileyJson from '../assets/smiley.json';

const N = 20_000;

const EXPECTED_ORDER: DatasetName[] = [
  'gaussians-8',
  'gaussians-25',
  'two-moons',
  'swiss-roll',
  'checkerboard',
  'two-spirals',
  'rings',
  'smiley',
  'swiss-roll-3d',
  'torus-knot',
];

const cache = new Map<string, PointSet>();
/** Cached draw of N points with a given seed (the sets are immutable in these tests). */
function draw(name: DatasetName, seed = 1): PointSet {
  const key = `${name}/${seed}`;
  let ps = cache.get(key);
  if (!ps) {
    ps = sampleDataset(name, N, createRng(seed));
    cache.set(key, ps);
  }
  return ps;
}

function coord(ps: PointSet, i: number, d: number): number {
  return ps.points[i * ps.dim + d];
}

function moments(ps: PointSet): { mean: number[]; variance: number[] } {
  const mean = new Array<number>(ps.dim).fill(0);
  const variance = new Array<number>(ps.dim).fill(0);
  for (let i = 0; i < ps.count; i++) for (let d = 0; d < ps.dim; d++) mean[d] += coord(ps, i, d);
  for (let d = 0; d < ps.dim; d++) mean[d] /= ps.count;
  for (let i = 0; i < ps.count; i++) for (let d = 0; d < ps.dim; d++) variance[d] += (coord(ps, i, d) - mean[d]) ** 2;
  for (let d = 0; d < ps.dim; d++) variance[d] /= ps.count;
  return { mean, variance };
}

/** Element-wise equality of two typed arrays (much faster than toEqual on 20k+ elements). */
function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

function labelShares(ps: PointSet): number[] {
  const counts = new Array<number>(ps.labelCount).fill(0);
  for (const l of ps.labels) counts[l]++;
  return counts.map((c) => c / ps.count);
}

describe('registry', () => {
  it('lists the data sets in the documented order', () => {
    expect(DATASET_NAMES).toEqual(EXPECTED_ORDER);
    expect(DATASETS.map((d) => d.name)).toEqual(EXPECTED_ORDER);
  });

  it('has consistent info', () => {
    for (const info of DATASETS) {
      expect(datasetInfo(info.name)).toBe(info);
      expect(info.label.length).toBeGreaterThan(0);
      expect(Number.isInteger(info.labelCount) && info.labelCount >= 1).toBe(true);
      expect(info.dim).toBe(info.name === 'swiss-roll-3d' || info.name === 'torus-knot' ? 3 : 2);
    }
    expect(datasetInfo('two-moons').label).toBe('Two moons');
    expect(datasetInfo('smiley').labelCount).toBe(4);
    expect(() => datasetInfo('nope' as DatasetName)).toThrow(RangeError);
  });

  it('recognises names', () => {
    for (const n of EXPECTED_ORDER) expect(isDatasetName(n)).toBe(true);
    for (const s of ['', 'moons', 'Two moons', 'gaussians-9', 'constructor', 'toString']) expect(isDatasetName(s)).toBe(false);
  });
});

describe.each(EXPECTED_ORDER)('%s', (name) => {
  const info = datasetInfo(name);

  it('has the right shape and finite values', () => {
    const ps = draw(name);
    expect(ps.dim).toBe(info.dim);
    expect(ps.count).toBe(N);
    expect(ps.labelCount).toBe(info.labelCount);
    expect(ps.points).toBeInstanceOf(Float32Array);
    expect(ps.labels).toBeInstanceOf(Uint16Array);
    expect(ps.points.length).toBe(N * info.dim);
    expect(ps.labels.length).toBe(N);
    expect(ps.points.every(Number.isFinite)).toBe(true);
  });

  it('uses every label, and only labels in range', () => {
    const ps = draw(name);
    const used = new Array<number>(ps.labelCount).fill(0);
    let outOfRange = 0;
    for (const l of ps.labels) {
      if (l < ps.labelCount) used[l]++;
      else outOfRange++;
    }
    expect(outOfRange).toBe(0);
    expect(used.every((c) => c > 0)).toBe(true);
  });

  it('is normalised: mean ≈ 0 per coordinate, average variance ≈ 1', () => {
    const { mean, variance } = moments(draw(name));
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(0.05);
    const avg = variance.reduce((a, b) => a + b, 0) / variance.length;
    expect(avg).toBeGreaterThan(0.85);
    expect(avg).toBeLessThan(1.15);
  });

  it('is deterministic in the seed', () => {
    const a = draw(name, 1);
    const b = sampleDataset(name, N, createRng(1));
    const c = draw(name, 2);
    expect(sameArray(b.points, a.points)).toBe(true);
    expect(sameArray(b.labels, a.labels)).toBe(true);
    expect(sameArray(c.points, a.points)).toBe(false);
  });

  it('draws a single point', () => {
    const ps = sampleDataset(name, 1, createRng(7));
    expect(ps.count).toBe(1);
    expect(ps.points.length).toBe(info.dim);
    expect(ps.labels.length).toBe(1);
  });

  it('rejects invalid counts with RangeError', () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => sampleDataset(name, bad, createRng(1))).toThrow(RangeError);
      expect(() => sampleDataset(name, bad, createRng(1))).toThrow(/count/);
    }
  });
});

describe('gaussian mixtures', () => {
  it('exists exactly for the gaussian data sets', () => {
    for (const n of EXPECTED_ORDER) {
      const m = gaussianMixtureOf(n);
      if (n === 'gaussians-8' || n === 'gaussians-25') expect(m).not.toBeNull();
      else expect(m).toBeNull();
    }
  });

  it.each(['gaussians-8', 'gaussians-25'] as const)('%s: points match their labelled component', (name) => {
    const m = gaussianMixtureOf(name)!;
    const k = m.weights.length;
    expect(k).toBe(datasetInfo(name).labelCount);
    expect(m.dim).toBe(2);
    expect(m.means.length).toBe(k);
    for (const mu of m.means) expect(mu.length).toBe(2);
    expect(m.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(m.std).toBeGreaterThan(0);

    // Modes are clearly separated: nearest means are far apart compared to std.
    let minSep = Infinity;
    for (let a = 0; a < k; a++)
      for (let b = a + 1; b < k; b++)
        minSep = Math.min(minSep, Math.hypot(m.means[a][0] - m.means[b][0], m.means[a][1] - m.means[b][1]));
    expect(minSep / m.std).toBeGreaterThan(10);

    const ps = draw(name);
    let within4 = 0;
    let maxDist = 0;
    const sum = m.means.map(() => [0, 0]);
    const sumSq = new Array<number>(k).fill(0);
    for (let i = 0; i < ps.count; i++) {
      const l = ps.labels[i];
      const dx = coord(ps, i, 0) - m.means[l][0];
      const dy = coord(ps, i, 1) - m.means[l][1];
      const dist = Math.hypot(dx, dy) / m.std;
      // 2D: P(|z| > 4σ) = e^-8 ≈ 3.4e-4 (≈ 7 of 20,000 points), P(> 6σ) = e^-18 ≈ 1.5e-8.
      maxDist = Math.max(maxDist, dist);
      if (dist < 4) within4++;
      sum[l][0] += dx;
      sum[l][1] += dy;
      sumSq[l] += dx * dx + dy * dy;
    }
    expect(maxDist).toBeLessThan(6);
    expect(within4 / ps.count).toBeGreaterThan(0.999);

    const shares = labelShares(ps);
    for (let c = 0; c < k; c++) {
      expect(Math.abs(shares[c] - m.weights[c])).toBeLessThan(name === 'gaussians-8' ? 0.015 : 0.01);
      const nc = shares[c] * ps.count;
      // Component mean and std match the exported parameters.
      expect(Math.abs(sum[c][0] / nc)).toBeLessThan((5 * m.std) / Math.sqrt(nc));
      expect(Math.abs(sum[c][1] / nc)).toBeLessThan((5 * m.std) / Math.sqrt(nc));
      expect(Math.sqrt(sumSq[c] / nc / 2) / m.std).toBeCloseTo(1, 1);
    }
  });

  it('gaussians-8 means lie on a circle at 8 evenly spaced angles', () => {
    const m = gaussianMixtureOf('gaussians-8')!;
    const r0 = Math.hypot(m.means[0][0], m.means[0][1]);
    m.means.forEach((mu, c) => {
      expect(Math.hypot(mu[0], mu[1])).toBeCloseTo(r0, 12);
      expect(Math.atan2(mu[1], mu[0])).toBeCloseTo(Math.atan2(Math.sin((c * Math.PI) / 4), Math.cos((c * Math.PI) / 4)), 12);
    });
  });
});

describe('value checks', () => {
  it('two-moons: labels split about 50/50 and the moons are interleaved', () => {
    const ps = draw('two-moons');
    const shares = labelShares(ps);
    expect(Math.abs(shares[0] - 0.5)).toBeLessThan(0.02);
    // Upper moon (0) sits higher and further left than the lower moon (1).
    const my = [0, 0];
    const mx = [0, 0];
    for (let i = 0; i < ps.count; i++) {
      mx[ps.labels[i]] += coord(ps, i, 0);
      my[ps.labels[i]] += coord(ps, i, 1);
    }
    expect(my[0] / (shares[0] * N)).toBeGreaterThan(my[1] / (shares[1] * N));
    expect(mx[0] / (shares[0] * N)).toBeLessThan(mx[1] / (shares[1] * N));
  });

  it('checkerboard: points fall only in the 8 filled squares, one square per label', () => {
    const ps = draw('checkerboard');
    // Recover the board scale from the extent: the board spans [-2, 2]² in raw units.
    let maxAbs = 0;
    for (const v of ps.points) maxAbs = Math.max(maxAbs, Math.abs(v));
    const s = 2 / maxAbs; // raw units per normalised unit (≈ sqrt(4/3))
    expect(s).toBeCloseTo(Math.sqrt(4 / 3), 2);
    const cellOfLabel = new Map<number, number>();
    const eps = 1e-4;
    let checked = 0;
    let outside = 0;
    let empty = 0;
    let mixed = 0;
    for (let i = 0; i < ps.count; i++) {
      const x = coord(ps, i, 0) * s + 2;
      const y = coord(ps, i, 1) * s + 2;
      // Skip the rare points within eps of a grid line (float32 rounding).
      if (Math.abs(x - Math.round(x)) < eps || Math.abs(y - Math.round(y)) < eps) continue;
      const ci = Math.floor(x);
      const cj = Math.floor(y);
      if (!(ci >= 0 && ci < 4 && cj >= 0 && cj < 4)) outside++;
      if ((ci + cj) % 2 !== 0) empty++;
      const cell = cj * 4 + ci;
      const prev = cellOfLabel.get(ps.labels[i]);
      if (prev === undefined) cellOfLabel.set(ps.labels[i], cell);
      else if (cell !== prev) mixed++;
      checked++;
    }
    expect({ outside, empty, mixed }).toEqual({ outside: 0, empty: 0, mixed: 0 });
    expect(checked).toBeGreaterThan(0.99 * ps.count);
    expect(new Set(cellOfLabel.values()).size).toBe(8);
  });

  it('rings: radii cluster at 3 values in ratio 1:2:3', () => {
    const ps = draw('rings');
    const radii: number[][] = [[], [], []];
    for (let i = 0; i < ps.count; i++) radii[ps.labels[i]].push(Math.hypot(coord(ps, i, 0), coord(ps, i, 1)));
    const centers = radii.map((rs) => rs.reduce((a, b) => a + b, 0) / rs.length);
    expect(centers[1] / centers[0]).toBeCloseTo(2, 1);
    expect(centers[2] / centers[0]).toBeCloseTo(3, 1);
    const halfGap = (centers[1] - centers[0]) / 2;
    let wrongRing = 0;
    let far = 0;
    for (let i = 0; i < ps.count; i++) {
      const r = Math.hypot(coord(ps, i, 0), coord(ps, i, 1));
      let nearest = 0;
      for (let c = 1; c < 3; c++) if (Math.abs(r - centers[c]) < Math.abs(r - centers[nearest])) nearest = c;
      if (nearest !== ps.labels[i]) wrongRing++;
      if (Math.abs(r - centers[nearest]) >= halfGap / 2) far++;
    }
    expect({ wrongRing, far }).toEqual({ wrongRing: 0, far: 0 });
    // Even density along the rings: shares ∝ radius (1/6, 2/6, 3/6).
    labelShares(ps).forEach((share, c) => expect(Math.abs(share - (c + 1) / 6)).toBeLessThan(0.02));
  });

  it('two-spirals: arms are point reflections of each other, about 50/50', () => {
    const ps = draw('two-spirals');
    const shares = labelShares(ps);
    expect(Math.abs(shares[0] - 0.5)).toBeLessThan(0.02);
    // Mean radius of both arms agrees (the arms are congruent).
    const r = [0, 0];
    for (let i = 0; i < ps.count; i++) r[ps.labels[i]] += Math.hypot(coord(ps, i, 0), coord(ps, i, 1));
    expect(r[0] / (shares[0] * N) / (r[1] / (shares[1] * N))).toBeCloseTo(1, 1);
  });

  it('smiley: parts in the right places with the asset weights', () => {
    const ps = draw('smiley');
    const mean = [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ];
    for (let i = 0; i < ps.count; i++) {
      mean[ps.labels[i]][0] += coord(ps, i, 0);
      mean[ps.labels[i]][1] += coord(ps, i, 1);
    }
    const shares = labelShares(ps);
    const m = mean.map(([x, y], c) => [x / (shares[c] * N), y / (shares[c] * N)]);
    const [outline, leftEye, rightEye, mouth] = m;
    expect(leftEye[0]).toBeLessThan(-0.2);
    expect(rightEye[0]).toBeGreaterThan(0.2);
    expect(leftEye[1]).toBeGreaterThan(outline[1]);
    expect(rightEye[1]).toBeCloseTo(leftEye[1], 1);
    expect(mouth[1]).toBeLessThan(leftEye[1] - 0.5);
    expect(Math.abs(mouth[0])).toBeLessThan(0.05);
    // Shares follow the asset's primitive weights.
    const asset = parseShapeAsset(smileyJson);
    const w = asset.parts.map((p) => p.primitives.reduce((a, q) => a + q.weight, 0));
    const total = w.reduce((a, b) => a + b, 0);
    shares.forEach((s, c) => expect(Math.abs(s - w[c] / total)).toBeLessThan(0.015));
  });

  it.each(['swiss-roll-3d', 'torus-knot'] as const)('%s: 3D with spread in every coordinate', (name) => {
    const ps = draw(name);
    expect(ps.dim).toBe(3);
    const { variance } = moments(ps);
    for (const v of variance) expect(v).toBeGreaterThan(0.1);
  });

  it.each(['swiss-roll', 'swiss-roll-3d', 'torus-knot'] as const)('%s: 6 bands of the curve parameter, about equal', (name) => {
    const ps = draw(name);
    expect(ps.labelCount).toBe(6);
    for (const s of labelShares(ps)) expect(Math.abs(s - 1 / 6)).toBeLessThan(0.015);
  });

  it('swiss-roll: bands wind outwards (distance from the roll centre grows with the band)', () => {
    const ps = draw('swiss-roll');
    // The roll's axis is at raw (0, 0), i.e. at -center/scale in normalised units; use the band-0/band-5
    // spread instead: outer bands have larger spread around the overall mean.
    const r = new Array<number>(6).fill(0);
    const shares = labelShares(ps);
    for (let i = 0; i < ps.count; i++) r[ps.labels[i]] += coord(ps, i, 0) ** 2 + coord(ps, i, 1) ** 2;
    const ms = r.map((v, c) => v / (shares[c] * N));
    expect(ms[5]).toBeGreaterThan(ms[0]);
    expect(ms[4]).toBeGreaterThan(ms[1]);
  });

  it('torus-knot: points stay near the torus (distance from the z axis within R ± r)', () => {
    const ps = draw('torus-knot');
    const rho = Float64Array.from({ length: ps.count }, (_, i) => Math.hypot(coord(ps, i, 0), coord(ps, i, 1))).sort();
    const lo = rho[Math.floor(0.001 * ps.count)];
    const hi = rho[Math.floor(0.999 * ps.count)];
    // Raw R ± r = 1..3 (ratio 3) with a thin tube of noise (σ = 0.1 raw) around the curve; the knot
    // never comes near the z axis.
    expect(rho[0]).toBeGreaterThan(0.3);
    expect(hi / lo).toBeGreaterThan(2.5);
    expect(hi / lo).toBeLessThan(4.5);
  });
});

describe('shape assets', () => {
  it('accepts the smiley asset with 4 named parts', () => {
    const asset = parseShapeAsset(smileyJson, 'assets/smiley.json');
    expect(asset.parts.map((p) => p.name)).toEqual(['outline', 'left eye', 'right eye', 'mouth']);
  });

  const bad: [string, (a: Record<string, unknown> & { parts: Record<string, unknown>[] }) => unknown, RegExp][] = [
    ['not an object', () => 42, /\(root\) must be an object/],
    ['missing parts', (a) => ({ ...a, parts: undefined }), /parts must be/],
    ['empty parts', (a) => ({ ...a, parts: [] }), /parts must be/],
    ['negative noise', (a) => ({ ...a, noise: -1 }), /noise must be/],
    [
      'bad radius',
      (a) => {
        (a.parts[1].primitives as Record<string, unknown>[])[0].radius = -0.1;
        return a;
      },
      /parts\[1\]\.primitives\[0\]\.radius must be a positive number/,
    ],
    [
      'unknown type',
      (a) => {
        (a.parts[0].primitives as Record<string, unknown>[])[0].type = 'blob';
        return a;
      },
      /parts\[0\]\.primitives\[0\]\.type must be one of/,
    ],
    [
      'empty arc',
      (a) => {
        (a.parts[3].primitives as Record<string, unknown>[])[0].endDeg = 100;
        return a;
      },
      /parts\[3\]\.primitives\[0\]\.endDeg must be in/,
    ],
    [
      'bad center',
      (a) => {
        (a.parts[2].primitives as Record<string, unknown>[])[0].center = [1];
        return a;
      },
      /parts\[2\]\.primitives\[0\]\.center must be an \[x, y\] pair/,
    ],
    [
      'one-point polyline',
      (a) => {
        a.parts[3].primitives = [{ type: 'polyline', points: [[0, 0]], weight: 1 }];
        return a;
      },
      /parts\[3\]\.primitives\[0\]\.points must be/,
    ],
    [
      'zero weight',
      (a) => {
        (a.parts[0].primitives as Record<string, unknown>[])[0].weight = 0;
        return a;
      },
      /parts\[0\]\.primitives\[0\]\.weight must be a positive number/,
    ],
  ];
  it.each(bad)('rejects a malformed asset: %s', (_, mutate, message) => {
    const copy = structuredClone(smileyJson) as unknown as Record<string, unknown> & { parts: Record<string, unknown>[] };
    const run = (): unknown => parseShapeAsset(mutate(copy), 'test.json');
    expect(run).toThrow(Error);
    expect(run).toThrow(/^test\.json: /);
    expect(run).toThrow(message);
  });

  it('samples polylines, discs and arcs with the exact moments', () => {
    const asset = parseShapeAsset({
      name: 'mix',
      noise: 0.05,
      parts: [
        { name: 'zigzag', primitives: [{ type: 'polyline', points: [[0, 0], [2, 0], [2, 1], [3, 3]], weight: 2 }] },
        { name: 'blob', primitives: [{ type: 'disc', center: [-1, 1], radius: 0.5, weight: 1 }] },
        { name: 'arc', primitives: [{ type: 'arc', center: [0, -1], radius: 1, startDeg: -30, endDeg: 120, weight: 1 }] },
      ],
    });
    const sampler = compileShape(asset);
    const n = 40_000;
    const pts = new Float32Array(2 * n);
    const labels = new Uint16Array(n);
    sampler.sampleInto(createRng(5), n, [0, 0], 1, pts, labels);
    const ps: PointSet = { dim: 2, count: n, points: pts, labels, labelCount: 3 };
    const got = moments(ps);
    const want = shapeMoments(asset);
    for (let d = 0; d < 2; d++) {
      expect(Math.abs(got.mean[d] - want.mean[d])).toBeLessThan(0.03);
      expect(got.variance[d] / want.variance[d]).toBeCloseTo(1, 1);
    }
    const shares = labelShares(ps);
    expect(shares[0]).toBeCloseTo(0.5, 1);
    // Every polyline point lies on one of its segments (up to noise).
    let worst = 0;
    for (let i = 0; i < n; i++) {
      if (labels[i] !== 0) continue;
      const x = pts[2 * i];
      const y = pts[2 * i + 1];
      const segs = [
        [0, 0, 2, 0],
        [2, 0, 2, 1],
        [2, 1, 3, 3],
      ];
      let best = Infinity;
      for (const [x0, y0, x1, y1] of segs) {
        const vx = x1 - x0;
        const vy = y1 - y0;
        const t = Math.min(1, Math.max(0, ((x - x0) * vx + (y - y0) * vy) / (vx * vx + vy * vy)));
        best = Math.min(best, Math.hypot(x - x0 - t * vx, y - y0 - t * vy));
      }
      worst = Math.max(worst, best);
    }
    expect(worst).toBeLessThan(0.05 * 6);
  });
});
