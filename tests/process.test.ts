import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { FieldModel } from '../src/models/field';
import { FieldNetwork } from '../src/models/field-network';
import { energyDistance } from '../src/models/metrics';
import { geometricSigmas } from '../src/models/ncsn';
import { SeededGaussianNoise } from '../src/models/noise-source';
import { createRng } from '../src/models/random';
import { makeSchedule } from '../src/models/schedules';
import { DiffusionParticles } from '../src/particles/diffusion-particles';
import { sampleFromNoise, StraightProcess, VeLevelsProcess, VpChainProcess, type ParticleProcess } from '../src/particles/process';
import type { SamplerSpec } from '../src/particles/reverse-samplers';
import { DiffusionSession } from '../src/session/diffusion-session';
import { smallConfig } from './session-helpers';

const schedule = makeSchedule({ kind: 'linear', T: 40, betaStart: 1e-3, betaEnd: 0.2 });
const sources = (seed: number): { noise: SeededGaussianNoise; rng: ReturnType<typeof createRng> } => ({ noise: new SeededGaussianNoise(2, createRng(seed)), rng: createRng(seed + 1) });
const spec = (kind: SamplerSpec['kind'], nfe = 10): SamplerSpec => ({ kind, variance: 'betaTilde', nfe, eta: 0, stochasticity: 1 });
const net = new FieldNetwork(2, { width: 8, depth: 1, activation: 'silu' }, createRng(42));
afterAll(() => net.dispose());

/** Per-coordinate mean and population variance of x [N, 2], then x is disposed. */
function moments(x: tf.Tensor2D): { mean: number[]; variance: number[] } {
  const { mean, variance } = tf.moments(x, 0);
  const out = { mean: Array.from(mean.dataSync()), variance: Array.from(variance.dataSync()) };
  tf.dispose([mean, variance, x]);
  return out;
}

/** k forward steps of `process` from the constant point c (n rows). Caller owns the result. */
function walkForward(process: ParticleProcess, c: [number, number], n: number, k: number): tf.Tensor2D {
  let x = tf.tidy(() => tf.tile(tf.tensor2d([c]), [n, 1])) as tf.Tensor2D;
  const pass = process.beginForward(x);
  for (let t = 0; t < k; ) {
    const next = pass.step(x, t);
    x.dispose();
    ({ x, t } = next);
  }
  pass.dispose();
  return x;
}

describe('the particle processes against their closed forms', () => {
  it('the DDPM chain: t forward steps give q(x_t | x_0) = N(sqrt(alphaBar_t) x_0, (1 - alphaBar_t) I) (seed §4.1)', () => {
    const p = new VpChainProcess(schedule, spec('ancestral'), sources(1));
    const c: [number, number] = [1.5, -2];
    for (const t of [5, 20, 40]) {
      const { mean, variance } = moments(walkForward(p, c, 20_000, t));
      const ab = schedule.alphaBar[t];
      for (let d = 0; d < 2; d++) {
        expect(Math.abs(mean[d] - Math.sqrt(ab) * c[d])).toBeLessThan(0.03);
        expect(Math.abs(variance[d] - (1 - ab))).toBeLessThan(0.05 * (1 - ab) + 0.002);
      }
    }
    expect(p.T).toBe(40);
    expect(p.pathTime(10)).toBeCloseTo(0.25, 12);
  });

  it('the straight path: x_k = (1 - k/K) x_0 + (k/K) x_1 with x_1 ~ N(0, I) (seed §5.2); a constant velocity is integrated exactly', () => {
    const K = 8;
    const p = new StraightProcess(K, 'rk4', sources(2));
    const x0 = tf.tensor2d([[1, 2], [-3, 0.5], [0, 0]]);
    const pass = p.beginForward(x0);
    const states: Float32Array[] = [x0.dataSync() as Float32Array];
    let x = tf.clone(x0);
    for (let t = 0; t < K; ) {
      const next = pass.step(x, t);
      x.dispose();
      ({ x, t } = next);
      states.push(x.dataSync().slice() as Float32Array);
    }
    pass.dispose();
    const x1 = states[K];
    for (let k = 0; k <= K; k++) {
      for (let i = 0; i < x1.length; i++) expect(states[k][i]).toBeCloseTo((1 - k / K) * states[0][i] + (k / K) * x1[i], 5);
    }
    // Reverse under v = (1, -2): x_0 = x_1 - v, whatever the method (Euler at the last step).
    const constant: FieldModel = { dim: 2, predict: (y) => tf.tidy(() => tf.add(tf.zerosLike(y), tf.tensor1d([1, -2]))) as tf.Tensor2D };
    let t = K;
    while (t > 0) {
      const next = p.reverse(constant, x, t);
      x.dispose();
      ({ x, t } = next);
    }
    const back = x.dataSync();
    for (let i = 0; i < 3; i++) {
      expect(back[2 * i]).toBeCloseTo(x1[2 * i] - 1, 4);
      expect(back[2 * i + 1]).toBeCloseTo(x1[2 * i + 1] + 2, 4);
    }
    tf.dispose([x, x0]);
    const { mean, variance } = moments(walkForward(p, [3, 3], 20_000, K));
    for (let d = 0; d < 2; d++) {
      expect(Math.abs(mean[d])).toBeLessThan(0.03);
      expect(Math.abs(variance[d] - 1)).toBeLessThan(0.05);
    }
  });

  it('the VE levels: k forward steps from a point have variance s_k^2, the k-th level from the smallest (Song & Ermon 2019)', () => {
    const sigmas = geometricSigmas(3, 0.1, 6);
    const p = new VeLevelsProcess(sigmas, { kind: 'ode', method: 'heun' }, sources(3));
    const c: [number, number] = [0.5, -1];
    for (const k of [1, 3, 6]) {
      const s = sigmas[sigmas.length - k];
      const { mean, variance } = moments(walkForward(p, c, 20_000, k));
      for (let d = 0; d < 2; d++) {
        expect(Math.abs(mean[d] - c[d])).toBeLessThan(0.03 * Math.max(1, s));
        expect(Math.abs(variance[d] - s * s)).toBeLessThan(0.05 * s * s);
      }
    }
    expect(p.priorScale).toBe(3);
    expect(p.pathTime(1)).toBe(0);
    expect(p.pathTime(6)).toBeCloseTo(1, 12);
  });

  it('reports its pass length: grid steps and network evaluations of one reverse pass', () => {
    const T100 = makeSchedule({ kind: 'linear', T: 100, betaStart: 1e-4, betaEnd: 0.02 });
    const s = sources(4);
    const cases: [ParticleProcess, number, number][] = [
      [new VpChainProcess(T100, spec('ancestral'), s), 100, 100],
      [new VpChainProcess(T100, spec('ddim', 10), s), 10, 10],
      [new VpChainProcess(T100, spec('heun', 10), s), 10, 9 * 2 + 1],
      [new VpChainProcess(T100, spec('rk4', 5), s), 5, 4 * 4 + 1],
      [new StraightProcess(8, 'rk4', s), 8, 7 * 4 + 1],
      [new StraightProcess(8, 'euler', s), 8, 8],
      [new VeLevelsProcess(geometricSigmas(3, 0.1, 10), { kind: 'langevin', steps: 3, delta: 1e-3 }, s), 10, 9 * 3 + 1],
      [new VeLevelsProcess(geometricSigmas(3, 0.1, 6), { kind: 'sde', lambda: 1 }, s), 6, 6],
    ];
    for (const [p, steps, nfe] of cases) {
      expect([p.kind, p.passSteps, p.nfe]).toEqual([p.kind, steps, nfe]);
      // The steps a pass takes are the ones it reports.
      let t = p.T;
      let taken = 0;
      const zero: FieldModel = { dim: 2, predict: (y) => tf.zerosLike(y) };
      let x = tf.zeros([2, 2]) as tf.Tensor2D;
      while (t > 0) {
        const next = p.reverse(zero, x, t);
        x.dispose();
        ({ x, t } = next);
        taken++;
      }
      x.dispose();
      expect(taken).toBe(steps);
    }
  });

  it('continues another process only on the same grid: a new sampler or reverse rule carries on, a new schedule, grid or kind restarts', () => {
    const s = sources(5);
    const other = makeSchedule({ kind: 'cosine', T: 40, betaStart: 0, betaEnd: 0 });
    const sameValues = makeSchedule({ kind: 'linear', T: 40, betaStart: 1e-3, betaEnd: 0.2 });
    const vp = new VpChainProcess(schedule, spec('ancestral'), s);
    expect(new VpChainProcess(schedule, spec('ddim'), s).continues(vp)).toBe(true);
    expect(new VpChainProcess(sameValues, spec('ddim'), s).continues(vp)).toBe(true);
    expect(new VpChainProcess(other, spec('ancestral'), s).continues(vp)).toBe(false);
    const levels = geometricSigmas(3, 0.1, 6);
    const ve = new VeLevelsProcess(levels, { kind: 'ode', method: 'rk4' }, s);
    expect(new VeLevelsProcess(levels.slice(), { kind: 'sde', lambda: 0.5 }, s).continues(ve)).toBe(true);
    expect(new VeLevelsProcess(geometricSigmas(3, 0.1, 7), { kind: 'sde', lambda: 0.5 }, s).continues(ve)).toBe(false);
    const straight = new StraightProcess(10, 'rk4', s);
    expect(new StraightProcess(10, 'rk4', s).continues(straight)).toBe(true);
    expect(new StraightProcess(10, 'heun', s).continues(straight)).toBe(false);
    expect(new StraightProcess(40, 'rk4', s).continues(vp)).toBe(false);
    expect(vp.continues(straight)).toBe(false);
  });

  it('rejects a VE grid of fewer than 2 levels and a straight grid of no steps', () => {
    expect(() => new VeLevelsProcess(new Float64Array([1]), { kind: 'sde', lambda: 1 }, sources(6))).toThrow(RangeError);
    expect(() => new StraightProcess(0, 'rk4', sources(6))).toThrow(RangeError);
  });
});

describe('sampleFromNoise', () => {
  it.each([
    ['ddpm', 'ddim', 20],
    ['score', 'heun', 20],
    ['flow', 'rk4', 20],
  ] as const)('with the exact field of %s (%s) lands on the data: energy distance far below the noise baseline', (kind, sampler, nfe) => {
    const s = new DiffusionSession(smallConfig({ data: { dataset: 'gaussians-8' }, schedule: { T: 200 }, model: { kind }, sampling: { field: 'exact', sampler, nfe } }));
    const n = 800;
    const before = tf.memory().numTensors;
    const x = sampleFromNoise(s.particles.currentProcess, s.exactField, n, createRng(21));
    expect(tf.memory().numTensors).toBe(before + 1);
    const samples = x.dataSync() as Float32Array;
    x.dispose();
    const data = s.reference.points.subarray(0, 2 * n);
    const noise = Float32Array.from({ length: 2 * n }, (() => {
      const r = createRng(22);
      return () => r.normal();
    })());
    const e = energyDistance(samples, data, 2);
    expect(e).toBeLessThan(energyDistance(noise, data, 2) / 10);
    s.dispose();
  });

  it('reports every step to onStep with the positions before and after it, and keeps no tensor', () => {
    const p = new StraightProcess(5, 'heun', sources(7));
    const before = tf.memory().numTensors;
    const ts: number[] = [];
    const x = sampleFromNoise(p, net, 50, createRng(8), (from, to, t) => {
      expect(from.shape).toEqual([50, 2]);
      expect(to.shape).toEqual([50, 2]);
      ts.push(t);
    });
    expect(ts).toEqual([4, 3, 2, 1, 0]);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('DiffusionParticles.setProcess', () => {
  it('switches between the three processes mid-walk without leaking, and restarts from the data unless the new process continues the old', () => {
    const s = sources(9);
    const x0 = Float32Array.from({ length: 200 }, (_, i) => Math.cos(i));
    const start = tf.memory().numTensors;
    const rng = createRng(10);
    const p = new DiffusionParticles({ x0, dim: 2, process: new VpChainProcess(schedule, spec('ancestral'), s), rng });
    const base = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) p.step('forward', net);
    p.setProcess(new VpChainProcess(schedule, spec('ddim'), s)); // the same chain: carries on
    expect(p.t).toBe(5);
    p.setProcess(new StraightProcess(10, 'rk4', s)); // restarts
    expect(p.t).toBe(0);
    for (let i = 0; i < 4; i++) p.step('forward', net); // the straight walk holds (x_0, x_1)
    expect(tf.memory().numTensors).toBe(base + 2);
    p.setProcess(new VeLevelsProcess(geometricSigmas(3, 0.1, 6), { kind: 'langevin', steps: 2, delta: 1e-3 }, s));
    expect([p.t, p.T]).toEqual([0, 6]);
    expect(tf.memory().numTensors).toBe(base);
    for (let i = 0; i < 14; i++) {
      p.step('loop', net);
      p.takeStraightness()?.dispose();
    }
    p.setProcess(new VpChainProcess(schedule, spec('ancestral'), s));
    p.takeStraightness()?.dispose();
    expect(tf.memory().numTensors).toBe(base);
    p.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
