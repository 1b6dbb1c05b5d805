import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type PlaygroundConfig } from '../src/config/playground-config';
import { validateConfig } from '../src/config/validate-config';
import { gaussianMixtureOf, sampleDataset } from '../src/data/datasets';
import {
  energyDistance,
  medianHeuristic,
  mmdRbf,
  modeCoverage,
  pathStraightness,
  slicedWasserstein,
  StraightnessMeter,
  wasserstein1,
  wasserstein2,
} from '../src/models/metrics';
import { ENERGY_DISTANCE_LABEL, METRIC_ESTIMATORS } from '../src/models/metric-estimators';
import { createRng } from '../src/models/random';
import { countEvaluations } from '../src/models/field';
import { DiffusionSession } from '../src/session/diffusion-session';

/** n standard-normal points in 2D shifted by (sx, sy). */
function gaussian(n: number, seed: number, sx = 0, sy = 0): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = rng.normal() + sx;
    out[2 * i + 1] = rng.normal() + sy;
  }
  return out;
}

/** The same set moved by (sx, sy). */
const shifted = (x: Float32Array, sx: number, sy: number): Float32Array => x.map((v, i) => v + (i % 2 === 0 ? sx : sy));

describe('energy distance and sliced Wasserstein', () => {
  it('energy distance: 2r for two single points at distance r; the U-statistic on identical sets is -4 S / (n^2 (n - 1))', () => {
    expect(energyDistance(new Float32Array([0, 0]), new Float32Array([3, 4]), 2)).toBeCloseTo(10, 10);
    // a = b = {0, 1} in 1D: S = sum_{i<j} |a_i - a_j| = 1, n = 2.
    expect(energyDistance(new Float32Array([0, 1]), new Float32Array([0, 1]), 1)).toBeCloseTo(-1, 10);
    const x = gaussian(400, 1);
    expect(Math.abs(energyDistance(x, x, 2))).toBeLessThan(0.01);
    expect(energyDistance(x, shifted(x, 2, 0), 2)).toBeGreaterThan(1);
  });

  it('sliced W1: 0 on identical sets, |shift| in 1D, (2 / pi) |shift| averaged over directions in 2D', () => {
    const x = gaussian(500, 2);
    expect(slicedWasserstein(x, x, 2, createRng(1))).toBe(0);
    const line = new Float32Array([0, 1, 2, 5]);
    expect(slicedWasserstein(line, line.map((v) => v - 1.5), 1, createRng(1), 4)).toBeCloseTo(1.5, 6);
    // E_theta |v . theta| = |v| E|cos| = 2 |v| / pi for theta uniform on the circle.
    expect(slicedWasserstein(x, shifted(x, 3, 4), 2, createRng(3), 4000)).toBeCloseTo((2 / Math.PI) * 5, 1);
  });
});

describe('MMD with an RBF kernel', () => {
  it('is 0 on identical sets and 2 - 2 exp(-r^2 / (2 h^2)) for two single points', () => {
    const x = gaussian(300, 4);
    expect(mmdRbf(x, x, 2).mmd2).toBeCloseTo(0, 12);
    expect(mmdRbf(x, x, 2).mmd).toBeLessThan(1e-6);
    // Two points at distance 5: the median heuristic gives h = 5, so MMD^2 = 2 - 2 exp(-1/2).
    const two = mmdRbf(new Float32Array([0, 0]), new Float32Array([3, 4]), 2);
    expect(two.bandwidth).toBeCloseTo(5, 10);
    expect(two.mmd2).toBeCloseTo(2 - 2 * Math.exp(-0.5), 12);
    expect(two.mmd).toBeCloseTo(Math.sqrt(2 - 2 * Math.exp(-0.5)), 12);
    // A fixed bandwidth h = 1: 2 - 2 exp(-25 / 2).
    expect(mmdRbf(new Float32Array([0, 0]), new Float32Array([3, 4]), 2, 1).mmd2).toBeCloseTo(2 - 2 * Math.exp(-12.5), 12);
    expect(() => mmdRbf(x, x, 2, 0)).toThrow(RangeError);
  });

  it('two points per set by hand: a = {0, 1}, b = {0, 3} in 1D with h = 1', () => {
    const k = (d: number): number => Math.exp(-(d * d) / 2);
    const kaa = (2 + 2 * k(1)) / 4;
    const kbb = (2 + 2 * k(3)) / 4;
    const kab = (k(0) + k(3) + k(1) + k(2)) / 4;
    expect(mmdRbf(new Float32Array([0, 1]), new Float32Array([0, 3]), 1, 1).mmd2).toBeCloseTo(kaa + kbb - 2 * kab, 12);
  });

  it('the median heuristic is the median pairwise distance of the pooled set; MMD is then scale-invariant', () => {
    // Pooled {0, 1, 3}: distances 1, 2, 3 -> median 2. Pooled {0, 1, 3, 7}: 1, 2, 3, 4, 6, 7 -> (3 + 4) / 2.
    expect(medianHeuristic(new Float32Array([0, 1]), new Float32Array([3]), 1)).toBe(2);
    expect(medianHeuristic(new Float32Array([0, 1]), new Float32Array([3, 7]), 1)).toBe(3.5);
    const a = gaussian(200, 5);
    const b = gaussian(200, 6, 1, 0);
    const m = mmdRbf(a, b, 2);
    const scaled = mmdRbf(a.map((v) => 10 * v), b.map((v) => 10 * v), 2);
    expect(scaled.bandwidth).toBeCloseTo(10 * m.bandwidth, 3);
    expect(scaled.mmd).toBeCloseTo(m.mmd, 5);
    expect(m.mmd).toBeGreaterThan(mmdRbf(a, gaussian(200, 7), 2).mmd);
  });
});

describe('exact W1 and W2 by optimal assignment', () => {
  it('identical sets -> 0; a shifted set -> W1 = W2 = |shift| (the mean difference bounds both from below)', () => {
    const x = gaussian(200, 8);
    expect(wasserstein1(x, x, 2)).toBe(0);
    expect(wasserstein2(x, x, 2)).toBe(0);
    expect(wasserstein1(x, shifted(x, 0.3, -0.4), 2)).toBeCloseTo(0.5, 5);
    expect(wasserstein2(x, shifted(x, 0.3, -0.4), 2)).toBeCloseTo(0.5, 5);
  });

  it('W1 and W2 differ where they should: a = {0, 0}, b = {0, 2} in 1D gives W1 = 1, W2 = sqrt 2', () => {
    expect(wasserstein1(new Float32Array([0, 0]), new Float32Array([0, 2]), 1)).toBeCloseTo(1, 10);
    expect(wasserstein2(new Float32Array([0, 0]), new Float32Array([0, 2]), 1)).toBeCloseTo(Math.SQRT2, 10);
    // Crossing pairs are uncrossed: {0, 1} -> {1, 2} costs 1 per point, not (2 + 0) / 2 under W2.
    expect(wasserstein2(new Float32Array([0, 1]), new Float32Array([2, 1]), 1)).toBeCloseTo(1, 10);
  });

  it('two samples of shifted Gaussians: W1 close to |shift| (up to the sampling bias of order sqrt(log m / m))', () => {
    const w = wasserstein1(gaussian(400, 9), gaussian(400, 10, 2, 0), 2, createRng(1), 400);
    expect(w).toBeGreaterThan(1.95);
    expect(w).toBeLessThan(2.4);
    expect(() => wasserstein2(gaussian(10, 1), gaussian(12, 2), 2)).toThrow(/pass an rng/);
  });
});

describe('mode coverage', () => {
  const mixture = gaussianMixtureOf('gaussians-8')!;
  const at = (modes: number[], off = 0): Float32Array => {
    const pts: number[] = [];
    for (const k of modes) pts.push(mixture.means[k][0] + 0.5 * mixture.std, mixture.means[k][1]);
    for (let i = 0; i < off; i++) pts.push(0, 0); // the centre is far from every mode
    return new Float32Array(pts);
  };

  it('a sample that hits only modes 0 and 1 covers 2 of 8; shares, off-mode share and total variation by hand', () => {
    const c = modeCoverage(at([0, 0, 1, 1, 0, 1]), 2, mixture);
    expect(c.modes).toBe(8);
    expect(c.covered).toBe(2);
    expect(c.shares[0]).toBeCloseTo(0.5, 12);
    expect(c.shares[1]).toBeCloseTo(0.5, 12);
    expect(c.offMode).toBe(0);
    // TV = (2 (1/2 - 1/8) + 6 / 8) / 2 = 3/4.
    expect(c.tv).toBeCloseTo(0.75, 12);
    const off = modeCoverage(at([0, 1, 2, 3, 4, 5, 6, 7], 8), 2, mixture);
    expect(off.offMode).toBeCloseTo(0.5, 12);
    expect(off.covered).toBe(8); // 1/16 each >= 1/4 of 1/8
    expect(off.tv).toBeCloseTo(0.5, 12);
  });

  it('samples of the mixture itself cover all 8 modes with shares near the weights', () => {
    const set = sampleDataset('gaussians-8', 4000, createRng(1));
    const c = modeCoverage(set.points, 2, mixture);
    expect(c.covered).toBe(8);
    expect(c.offMode).toBeLessThan(0.03);
    expect(c.tv).toBeLessThan(0.05);
    expect(() => modeCoverage(set.points, 3, mixture)).toThrow(RangeError);
  });

  it('a mode that gets less than a quarter of its weight is not covered', () => {
    const modes = [...Array(40).fill(0), 1]; // mode 1 gets 1/41 < (1/4)(1/8)
    expect(modeCoverage(at(modes), 2, mixture).covered).toBe(1);
    expect(modeCoverage(at(modes), 2, mixture, { coveredAt: 0.15 }).covered).toBe(2);
  });
});

describe('straightness and NFE', () => {
  it('pathStraightness: 1 on straight paths, 1/sqrt(2) on an L, 1 for a path that does not move', () => {
    const p0 = new Float32Array([0, 0, 5, 5]);
    const p1 = new Float32Array([1, 0, 5, 5]);
    const p2 = new Float32Array([1, 1, 5, 5]);
    // Particle 0 walks an L (chord sqrt 2, arc 2); particle 1 stays (counts as 1).
    expect(pathStraightness([p0, p1, p2], 2)).toBeCloseTo((1 / Math.SQRT2 + 1) / 2, 12);
    expect(pathStraightness([p0, new Float32Array([2, 2, 6, 6]), new Float32Array([4, 4, 7, 7])], 2)).toBeCloseTo(1, 6);
    expect(() => pathStraightness([p0], 2)).toThrow(RangeError);
  });

  it('pathStraightness agrees with the GPU StraightnessMeter on the same paths', async () => {
    const snaps = [gaussian(50, 1), gaussian(50, 2), gaussian(50, 3), gaussian(50, 4)];
    const meter = new StraightnessMeter();
    const t = snaps.map((s) => tf.tensor2d(s, [50, 2]));
    meter.begin(t[0]);
    for (let k = 1; k < t.length; k++) meter.record(t[k - 1], t[k]);
    const v = meter.finish(t[t.length - 1])!;
    expect((await v.data())[0]).toBeCloseTo(pathStraightness(snaps, 2), 5);
    tf.dispose([...t, v]);
    meter.dispose();
  });

  /** A small scene on 8 Gaussians with the exact field, for counting evaluations. */
  function scene(kind: 'ddpm' | 'score' | 'flow', sampler: string, nfe: number): PlaygroundConfig {
    const c = defaultConfig() as unknown as Record<string, Record<string, unknown>>;
    Object.assign(c.data, { dataset: 'gaussians-8', particles: 1000 });
    Object.assign(c.schedule, { T: 100, levels: 5 });
    Object.assign(c.model, { kind, width: 16, depth: 1 });
    Object.assign(c.sampling, { field: 'exact', phase: 'reverse', sampler, nfe, langevinSteps: 3 });
    const { config, problems } = validateConfig(c);
    expect(problems).toEqual([]);
    return config;
  }

  it('countEvaluations counts one reverse pass exactly as the session reports its NFE, for every sampler', () => {
    const cases: [kind: 'ddpm' | 'score' | 'flow', sampler: string, nfe: number][] = [
      ['ddpm', 'ancestral', 10],
      ['ddpm', 'ddim', 10],
      ['ddpm', 'heun', 10],
      ['ddpm', 'euler-maruyama', 7],
      ['score', 'langevin', 10],
      ['score', 'rk4', 6],
      ['flow', 'rk4', 8],
      ['flow', 'euler', 8],
    ];
    for (const [kind, sampler, nfe] of cases) {
      const s = new DiffusionSession(scene(kind, sampler, nfe));
      const counted = countEvaluations(s.exactField);
      s.exactField = counted;
      do s.simulate();
      while (s.particles.t > 0);
      expect(counted.evaluations, `${kind} ${sampler}`).toBe(s.pass.nfe);
      s.dispose();
    }
  });
});

describe('the estimators are named (issue 16.5)', () => {
  it('the energy distance is the unbiased U-statistic: exactly -1 on a two-point example where the V-statistic gives +1', () => {
    // a = {0, 1}, b = {0, 3} in 1D: 2 mean|a - b| = 2 (0 + 3 + 1 + 2) / 4 = 3; within a (i != j) 1, within b 3.
    expect(energyDistance(new Float32Array([0, 1]), new Float32Array([0, 3]), 1)).toBeCloseTo(-1, 12);
    // Two draws of the same data scatter around 0, on both sides.
    const draws = [1, 2, 3, 4, 5, 6].map((seed) => sampleDataset('two-moons', 300, createRng(seed)).points);
    const values = draws.slice(1).map((d) => energyDistance(draws[0], d, 2));
    expect(Math.min(...values)).toBeLessThan(0);
    // Measured (300 points each): -0.0034, 0.033, -0.0051, 0.013, -0.0074.
    for (const v of values) expect(Math.abs(v)).toBeLessThan(0.05);
  });

  it('labels and reports say which estimator each metric is', () => {
    expect(ENERGY_DISTANCE_LABEL).toBe('energy distance (U-statistic, can be < 0)');
    expect(METRIC_ESTIMATORS.energyDistance).toMatch(/^unbiased U-statistic .* can read below 0$/);
    expect(METRIC_ESTIMATORS.mmd).toMatch(/^biased V-statistic/);
    const mmd = mmdRbf(new Float32Array([0, 1]), new Float32Array([0, 1]), 1, 1);
    expect(mmd.mmd2).toBeCloseTo(0, 12); // identical sets: the V-statistic is 0, never below
  });
});
