import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, HEAT_MAPS, type HeatMap, type ModelKind, type PlaygroundConfig } from '../src/config/playground-config';
import { sampleDataset } from '../src/data/datasets';
import type { FieldModel } from '../src/models/field';
import { EmpiricalField, exactVelocity, MixtureField } from '../src/models/exact-fields';
import { linearFlowPath, vpPath } from '../src/models/gaussian-path';
import { createRng } from '../src/models/random';
import { DiffusionSession } from '../src/session/diffusion-session';
import { gridPoints, heatRange, heatValues, LOG_DENSITY_RANGE, sampleVectorGrid, traceStreamline, traceStreamlines, type VectorGrid } from '../src/session/field-views';

const KINDS: ModelKind[] = ['ddpm', 'score', 'flow'];
const HEATS = HEAT_MAPS.filter((h): h is Exclude<HeatMap, 'off'> => h !== 'off');

function small(edit: (c: PlaygroundConfig) => void = () => undefined): PlaygroundConfig {
  const c = defaultConfig();
  c.data.particles = 1000;
  c.model.width = 16;
  c.model.depth = 1;
  c.model.batchSize = 64;
  edit(c);
  return c;
}

const read = (x: tf.Tensor): number[] => {
  const v = Array.from(x.dataSync());
  x.dispose();
  return v;
};

/** The exact field of a session in its model's parametrisation (what the particles use with field = exact). */
const exactOf = (s: DiffusionSession): FieldModel => s.exactField;

/** A tiny point set: 40 points of two moons. */
const moons = sampleDataset('two-moons', 40, createRng(3)).points;

/** log p(x) of x = a x_0 + s eps, x_0 uniform on `pts` [M, 2], computed directly in float64. */
function directLogDensity(pts: Float32Array, x: number[], a: number, s: number): number {
  const m = pts.length / 2;
  const logs: number[] = [];
  for (let i = 0; i < m; i++) {
    const d2 = (x[0] - a * pts[2 * i]) ** 2 + (x[1] - a * pts[2 * i + 1]) ** 2;
    logs.push(-d2 / (2 * s * s) - Math.log(2 * Math.PI * s * s));
  }
  const max = Math.max(...logs);
  return max + Math.log(logs.reduce((acc, l) => acc + Math.exp(l - max), 0)) - Math.log(m);
}

describe('EmpiricalField.logDensity', () => {
  const probes = [[0, 0], [0.5, -0.3], [1.8, 0.4], [-2.5, 2.5]];

  it('equals the logsumexp of Gaussians computed directly, on the VP path, the straight path and at given (alpha, sigma)', () => {
    const before = tf.memory().numTensors;
    const vp = vpPath({ kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
    const field = new EmpiricalField(vp, moons, 2);
    const x = tf.tensor2d(probes);
    for (const t of [0.05, 0.3, 0.9]) {
      const got = read(field.logDensity(x, t));
      probes.forEach((p, i) => expect(got[i]).toBeCloseTo(directLogDensity(moons, p, vp.alpha(t), vp.sigma(t)), 3));
    }
    for (const [a, s] of [[1, 0.2], [0.4, 0.9], [0, 1]]) {
      const got = read(field.logDensityAt(x, a, s));
      probes.forEach((p, i) => expect(got[i]).toBeCloseTo(directLogDensity(moons, p, a, s), 3));
    }
    const flow = new EmpiricalField(linearFlowPath(), moons, 2);
    const got = read(flow.logDensity(x, 0.5));
    probes.forEach((p, i) => expect(got[i]).toBeCloseTo(directLogDensity(moons, p, 0.5, 0.5), 3));
    expect(() => field.logDensityAt(x, 1, 0)).toThrow(RangeError);
    tf.dispose(x);
    field.dispose();
    flow.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('works in chunks: 2,500 rows give the same values as one row at a time', () => {
    const field = new EmpiricalField(linearFlowPath(), moons, 2);
    const many = gridPoints(50, 2.5); // 2,500 rows > one chunk of 1,024
    const x = tf.tensor2d(many, [2500, 2]);
    const all = read(field.logDensityAt(x, 0.7, 0.3));
    tf.dispose(x);
    for (const i of [0, 1023, 1024, 2047, 2048, 2499]) expect(all[i]).toBeCloseTo(directLogDensity(moons, [many[2 * i], many[2 * i + 1]], 0.7, 0.3), 3);
    field.dispose();
  });

  it('is the mixture log-density of its points with std 0 (MixtureField mirrored)', () => {
    const vp = vpPath({ kind: 'cosine', T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
    const means = [[1, 0], [-1, 0.5], [0, -2]];
    const mixture = new MixtureField(vp, { dim: 2, weights: [1, 1, 1], means, std: 0 });
    const empirical = new EmpiricalField(vp, Float32Array.from(means.flat()), 2);
    const x = tf.tensor2d(probes);
    for (const t of [0.1, 0.6]) expect(read(empirical.logDensity(x, t))).toEqual(read(mixture.logDensity(x, t)).map((v) => expect.closeTo(v, 4)));
    tf.dispose(x);
    mixture.dispose();
    empirical.dispose();
  });

  it('its gradient is the exact score (alpha D - x) / sigma^2: central differences and tf.grad', () => {
    const field = new EmpiricalField(linearFlowPath(), moons, 2);
    for (const [a, s] of [[0.8, 0.3], [0.5, 0.6], [1, 0.15]]) {
      const x = tf.tensor2d(probes);
      const D = field.denoiseAt(x, a, s);
      const score = read(tf.tidy(() => tf.div(tf.sub(tf.mul(D, a), x), s * s)));
      const h = 1e-2;
      const fd: number[] = [];
      const shifted = (p: number[], d: number, by: number): number[] => p.map((v, k) => (k === d ? v + by : v));
      for (const p of probes) {
        for (let d = 0; d < 2; d++) {
          fd.push((directLogDensity(moons, shifted(p, d, 1e-5), a, s) - directLogDensity(moons, shifted(p, d, -1e-5), a, s)) / 2e-5);
          // Finite differences of the tfjs log-density itself (float32, step h) against the same in float64.
          const pair = read(field.logDensityAt(tf.tensor2d([shifted(p, d, h), shifted(p, d, -h)]), a, s));
          const direct = (directLogDensity(moons, shifted(p, d, h), a, s) - directLogDensity(moons, shifted(p, d, -h), a, s)) / (2 * h);
          expect((pair[0] - pair[1]) / (2 * h)).toBeCloseTo(direct, 1);
        }
      }
      score.forEach((v, i) => expect(v).toBeCloseTo(fd[i], 3));
      const grad = read(tf.tidy(() => tf.grad((y: tf.Tensor) => tf.sum(field.logDensityAt(y as tf.Tensor2D, a, s)))(x)));
      grad.forEach((g, i) => expect(g).toBeCloseTo(score[i], 2));
      tf.dispose([x, D]);
    }
    field.dispose();
  });
});

describe('exact velocity on a path other than the denoiser\'s', () => {
  it('uses the given path\'s alpha and sigma: a VP-built field gives the straight path\'s velocity (the session\'s flow oracle)', () => {
    const vp = vpPath({ kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
    const onVp = new EmpiricalField(vp, moons, 2);
    const onLine = new EmpiricalField(linearFlowPath(), moons, 2);
    const x = tf.tensor2d([[0.3, 0.2], [1, -0.5], [-1.5, 0.8]]);
    for (const t of [0.2, 0.5, 0.9]) {
      expect(read(exactVelocity(linearFlowPath(), onVp)(x, t))).toEqual(read(exactVelocity(linearFlowPath(), onLine)(x, t)).map((v) => expect.closeTo(v, 4)));
    }
    tf.dispose(x);
    onVp.dispose();
    onLine.dispose();
  });
});

describe('heat maps from the session', () => {
  it('every kind of heat map is finite for every model kind and data set kind (mixture and empirical), with no leaked tensor', async () => {
    for (const dataset of ['gaussians-8', 'two-moons'] as const) {
      for (const kind of KINDS) {
        for (const field of ['learned', 'exact'] as const) {
          const s = new DiffusionSession(small((c) => Object.assign(c, { data: { ...c.data, dataset }, model: { ...c.model, kind }, sampling: { ...c.sampling, field } })));
          s.trainStep();
          for (const heat of HEATS) {
            for (const tau of [undefined, 0, 0.01, 0.5, 1]) {
              const before = tf.memory().numTensors;
              const grid = await s.heatMapGrid(heat, 12, 3, tau);
              expect(tf.memory().numTensors).toBe(before);
              expect(grid!.values).toHaveLength(144);
              const bad = Array.from(grid!.values).filter((v) => !Number.isFinite(v));
              expect(bad, `${dataset} ${kind} ${field} ${heat} tau=${tau}`).toEqual([]);
              if (heat !== 'log-density') grid!.values.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
            }
          }
          expect(await s.heatMapGrid('off', 12, 3)).toBeNull();
          s.dispose();
        }
      }
    }
  });

  it('the log-density is reused at the same grid and time (it does not change with training), recomputed at another time', async () => {
    const s = new DiffusionSession(small());
    const first = await s.heatMapGrid('log-density', 10, 3, 0.3);
    first!.values[0] = 123; // the caller owns its copy
    s.trainStep();
    const again = await s.heatMapGrid('log-density', 10, 3, 0.3);
    expect(again!.values[0]).not.toBe(123);
    const x = tf.tensor2d(gridPoints(10, 3), [100, 2]);
    const fresh = read((s as unknown as { denoiser: EmpiricalField }).denoiser.logDensityAt(x, s.fieldTime(0.3).alpha, s.fieldTime(0.3).sigma));
    x.dispose();
    expect(Array.from(again!.values)).toEqual(fresh.map((v) => expect.closeTo(v, 4)));
    const later = await s.heatMapGrid('log-density', 10, 3, 0.6);
    expect(later!.values[0]).not.toBeCloseTo(again!.values[0], 2);
    s.dispose();
  });

  it('3D data sets have no heat map and no field grid', async () => {
    const s = new DiffusionSession(small((c) => (c.data.dataset = 'torus-knot')));
    expect(await s.heatMapGrid('log-density', 8, 3)).toBeNull();
    expect(await s.fieldGrid(8, 3, 0.5)).toBeNull();
    s.dispose();
  });

  it('the error is zero when the learned field is the exact one, and positive for the untrained network', async () => {
    for (const kind of KINDS) {
      const s = new DiffusionSession(small((c) => (c.model.kind = kind)));
      const exact = exactOf(s);
      const x = tf.tensor2d(gridPoints(8, 2.5), [64, 2]);
      for (const tau of [0.05, 0.5, 1]) {
        const time = s.fieldTime(tau);
        const before = tf.memory().numTensors;
        const zero = read(heatValues('error', x, time, { inUse: exact, learned: exact, exact, density: null as never }));
        expect(tf.memory().numTensors).toBe(before);
        zero.forEach((v) => expect(v).toBe(0));
        const err = read(heatValues('error', x, time, { inUse: exact, learned: s.trainer.samplingNet, exact, density: null as never }));
        expect(Math.min(...err), `${kind} tau=${tau}`).toBeGreaterThan(0);
      }
      const grid = await s.heatMapGrid('error', 8, 2.5, 0.5);
      expect(Math.min(...grid!.values)).toBeGreaterThan(0);
      x.dispose();
      s.dispose();
    }
  });

  it('|score| of the exact field is the norm of the gradient of the log-density map (finite differences on the grid), for every model kind', async () => {
    for (const kind of KINDS) {
      for (const dataset of ['gaussians-8', 'two-moons'] as const) {
        const s = new DiffusionSession(small((c) => Object.assign(c, { data: { ...c.data, dataset }, model: { ...c.model, kind }, sampling: { ...c.sampling, field: 'exact' } })));
        const n = 41;
        const extent = 2;
        const h = (2 * extent) / n;
        const tau = kind === 'score' ? 0.6 : 0.5; // the score model: level 5 of 10, sigma about 0.5
        const logp = (await s.heatMapGrid('log-density', n, extent, tau))!.values;
        const norm = (await s.heatMapGrid('score-norm', n, extent, tau))!.values;
        const arrows = (await s.fieldGrid(n, extent, tau))!.vectors;
        let worst = 0;
        for (let i = 2; i < n - 2; i += 3) {
          for (let j = 2; j < n - 2; j += 3) {
            const gx = (logp[i * n + j + 1] - logp[i * n + j - 1]) / (2 * h);
            const gy = (logp[(i + 1) * n + j] - logp[(i - 1) * n + j]) / (2 * h);
            worst = Math.max(worst, Math.abs(Math.hypot(gx, gy) - norm[i * n + j]) / (1 + norm[i * n + j]));
            if (kind !== 'flow') {
              // The arrows are the score itself for DDPM and the score model.
              expect(arrows[2 * (i * n + j)]).toBeCloseTo(gx, 0);
              expect(arrows[2 * (i * n + j) + 1]).toBeCloseTo(gy, 0);
            }
          }
        }
        expect(worst, `${kind} ${dataset}`).toBeLessThan(0.05);
        s.dispose();
      }
    }
  });

  it('at the noise end the exact |score| is |x| and log p is that of N(0, I) (flow: exactly)', async () => {
    for (const kind of ['ddpm', 'flow'] as const) {
      const s = new DiffusionSession(small((c) => Object.assign(c, { model: { ...c.model, kind }, sampling: { ...c.sampling, field: 'exact' } })));
      const pts = gridPoints(6, 2);
      const norm = (await s.heatMapGrid('score-norm', 6, 2, 1))!.values;
      const logp = (await s.heatMapGrid('log-density', 6, 2, 1))!.values;
      for (let i = 0; i < 36; i++) {
        const r2 = pts[2 * i] ** 2 + pts[2 * i + 1] ** 2;
        expect(norm[i]).toBeCloseTo(Math.sqrt(r2), 1);
        expect(logp[i]).toBeCloseTo(-r2 / 2 - Math.log(2 * Math.PI), kind === 'flow' ? 4 : 1);
      }
      s.dispose();
    }
  });
});

describe('field grid at a chosen time', () => {
  it('follows the particles by default and takes a fixed relative time otherwise; one readback, no leak', async () => {
    for (const kind of KINDS) {
      const s = new DiffusionSession(small((c) => Object.assign(c, { model: { ...c.model, kind }, sampling: { ...c.sampling, phase: 'forward' } })));
      for (let k = 0; k < 3; k++) s.simulate();
      const p = s.particles;
      // Following: the particles' time on the model's path (the score model's grid step k is at (k - 1) / (K - 1)).
      expect(s.fieldTime()).toEqual(s.fieldTime(s.pathTime));
      expect(s.pathTime).toBeCloseTo(kind === 'score' ? (p.t - 1) / (p.T - 1) : p.t / p.T, 12);
      const before = tf.memory().numTensors;
      const follow = await s.fieldGrid(6, 2);
      const fixed = await s.fieldGrid(6, 2, 0.8);
      expect(tf.memory().numTensors).toBe(before);
      expect(follow!.time.tau).toBeCloseTo(s.pathTime, 10);
      expect(fixed!.time.tau).toBe(0.8);
      expect(fixed!.vectors).toHaveLength(72);
      expect(Array.from(fixed!.vectors).every(Number.isFinite)).toBe(true);
      s.dispose();
    }
  });

  it('maps relative time to each model\'s own clock', () => {
    const ddpm = new DiffusionSession(small());
    expect(ddpm.fieldTime(0.42)).toMatchObject({ modelTau: 0.42, label: '$t = 420 / 1000$' });
    expect(ddpm.fieldTime(0).modelTau).toBe(1 / 1000); // t >= 1
    expect(ddpm.fieldTime(1).sigma).toBeCloseTo(Math.sqrt(1 - ddpm.schedule.alphaBar[1000]), 12);
    ddpm.dispose();
    const score = new DiffusionSession(small((c) => (c.model.kind = 'score')));
    // The VE path: sigma(1) = sigma_max, sigma(0) = sigma_min, the network at level coordinate 1 - t.
    expect(score.fieldTime(1).modelTau).toBe(0);
    expect(score.fieldTime(1).sigma).toBeCloseTo(score.sigmas[0], 12);
    expect(score.fieldTime(0)).toMatchObject({ modelTau: 1, alpha: 1 });
    expect(score.fieldTime(0).sigma).toBeCloseTo(score.sigmas[score.sigmas.length - 1], 12);
    score.dispose();
    const flow = new DiffusionSession(small((c) => (c.model.kind = 'flow')));
    expect(flow.fieldTime(0.25)).toMatchObject({ modelTau: 0.25, alpha: 0.75, sigma: 0.25 });
    expect(flow.fieldTime(0).sigma).toBe(1e-3);
    flow.dispose();
  });
});

describe('heat-map colour range', () => {
  it('log-density spans LOG_DENSITY_RANGE nats below the maximum; norms span [0, a high quantile]; NaN is ignored', () => {
    const logp = Float32Array.from([-100, -20, -5, -1, 2, Number.NaN]);
    expect(heatRange('log-density', logp)).toEqual({ lo: 2 - LOG_DENSITY_RANGE, hi: 2, clippedLo: true, clippedHi: false });
    expect(heatRange('log-density', Float32Array.from([-3, -2]))).toEqual({ lo: -3, hi: -2, clippedLo: false, clippedHi: false });
    const norms = Float32Array.from({ length: 101 }, (_, i) => i);
    norms[100] = 1e6;
    const r = heatRange('error', norms);
    expect(r.lo).toBe(0);
    expect(r.hi).toBe(98);
    expect(r.clippedHi).toBe(true);
    const zero = heatRange('error', new Float32Array(16));
    expect(zero.hi).toBeGreaterThan(zero.lo);
    expect(() => heatRange('off', norms)).toThrow(RangeError);
  });
});

describe('streamlines', () => {
  /** The rotation field v = (-y, x) on an n x n grid. */
  function rotation(n: number, extent: number): VectorGrid {
    const pts = gridPoints(n, extent);
    const vectors = new Float32Array(pts.length);
    for (let i = 0; i < pts.length; i += 2) {
      vectors[i] = -pts[i + 1];
      vectors[i + 1] = pts[i];
    }
    return { n, extent, vectors };
  }

  it('bilinear interpolation reproduces a linear field exactly inside the grid and refuses points outside', () => {
    const grid = rotation(10, 3);
    const out = new Float64Array(2);
    for (const [x, y] of [[0.1, 0.2], [-2.5, 1.7], [2.69, -2.69]]) {
      expect(sampleVectorGrid(grid, x, y, out)).toBe(true);
      expect(out[0]).toBeCloseTo(-y, 5);
      expect(out[1]).toBeCloseTo(x, 5);
    }
    expect(sampleVectorGrid(grid, 3.01, 0, out)).toBe(false);
  });

  it('a rotation field gives circles: the radius is preserved along the line, which turns counter-clockwise', () => {
    const grid = rotation(24, 3);
    for (const r of [0.5, 1, 2]) {
      const line = traceStreamline(grid, r, 0, { steps: 40, h: 0.05 });
      expect(line.speeds).toHaveLength(81);
      for (let k = 0; k < line.speeds.length; k++) {
        expect(Math.hypot(line.points[2 * k], line.points[2 * k + 1])).toBeCloseTo(r, 4);
        expect(line.speeds[k]).toBeCloseTo(r, 4); // |v| = r on the circle
      }
      // Ordered along the field: the angle grows from the first point to the last.
      const angle = (k: number): number => Math.atan2(line.points[2 * k + 1], line.points[2 * k]);
      expect(angle(41)).toBeGreaterThan(angle(40));
      expect(angle(39)).toBeLessThan(angle(40));
      // Arc length 40 * 0.05 = 2 each way.
      expect(angle(80) - angle(40)).toBeCloseTo(2 / r - (2 / r > Math.PI ? 2 * Math.PI : 0), 3);
    }
  });

  it('stops at a sink, at the edge of the grid and where the field vanishes', () => {
    const pts = gridPoints(20, 2);
    const sink = new Float32Array(pts.length).map((_, i) => -pts[i]); // v = -x: every line runs into 0
    const line = traceStreamline({ n: 20, extent: 2, vectors: sink }, 1, 1, { steps: 200, h: 0.05 });
    const last = line.speeds.length - 1;
    expect(Math.hypot(line.points[2 * last], line.points[2 * last + 1])).toBeLessThan(0.06);
    expect(Math.hypot(line.points[0], line.points[1])).toBeGreaterThan(1.9); // the upstream end is at the edge
    expect(line.speeds.length).toBeLessThan(100);
    const still = traceStreamline({ n: 20, extent: 2, vectors: new Float32Array(pts.length) }, 0.3, 0.3, { steps: 10, h: 0.1 });
    expect(still.speeds).toHaveLength(1);
    expect(traceStreamline({ n: 20, extent: 2, vectors: sink }, 5, 0, { steps: 10, h: 0.1 }).speeds).toHaveLength(0);
  });

  it('traceStreamlines concatenates deterministic lines with consistent offsets', () => {
    const grid = rotation(24, 3);
    const a = traceStreamlines(grid, { seeds: 8, steps: 6, h: 0.1 });
    const b = traceStreamlines(grid, { seeds: 8, steps: 6, h: 0.1 });
    expect(a.points).toEqual(b.points);
    expect(a.starts[0]).toBe(0);
    expect(a.starts[a.starts.length - 1]).toBe(a.speeds.length);
    expect(a.points).toHaveLength(2 * a.speeds.length);
    expect(a.starts.length - 1).toBeGreaterThan(50); // most of the 64 seeds give a line
    for (let l = 0; l + 1 < a.starts.length; l++) expect(a.starts[l + 1] - a.starts[l]).toBeGreaterThanOrEqual(2);
  });
});
