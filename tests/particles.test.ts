import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ancestralStep, type PosteriorVariance } from '../src/models/ddpm';
import { FieldNetwork } from '../src/models/field-network';
import { forwardStep } from '../src/models/forward-process';
import { GaussianNoisePool, SeededGaussianNoise, type NoiseSource } from '../src/models/noise-source';
import { createRng, type Rng } from '../src/models/random';
import { makeSchedule } from '../src/models/schedules';
import type { Phase } from '../src/models/field';
import { DiffusionParticles } from '../src/particles/diffusion-particles';
import { VpChainProcess } from '../src/particles/process';

// A short schedule whose alphaBar_T is small enough to see "noise", big enough to measure.
const T = 20;
const schedule = makeSchedule({ kind: 'linear', T, betaStart: 0.01, betaEnd: 0.2 });
const net = new FieldNetwork(2, { width: 8, depth: 1, activation: 'silu' }, createRng(42));
afterAll(() => net.dispose());

/** A small, seeded data cloud [n, 2]. */
function dataPoints(n: number, seed = 1): Float32Array {
  const rng = createRng(seed);
  const x = new Float32Array(2 * n);
  for (let i = 0; i < x.length; i++) x[i] = 2 * rng.uniform() - 1;
  return x;
}

/** The DDPM chain on `schedule` with the ancestral sampler and posterior variance `variance`. */
const chain = (noise: NoiseSource, rng: Rng, variance: PosteriorVariance = 'betaTilde', on = schedule): VpChainProcess =>
  new VpChainProcess(on, { kind: 'ancestral', variance, nfe: on.T, eta: 0, stochasticity: 1 }, { noise, rng });

function make(opts: { n?: number; holdSteps?: number; noise?: NoiseSource; x0?: Float32Array; seed?: number; variance?: PosteriorVariance } = {}): {
  p: DiffusionParticles;
  x0: Float32Array;
  noise: NoiseSource;
} {
  const x0 = opts.x0 ?? dataPoints(opts.n ?? 64);
  const noise = opts.noise ?? new SeededGaussianNoise(2, createRng(opts.seed ?? 7));
  const rng = createRng(opts.seed ?? 9);
  const p = new DiffusionParticles({ x0, dim: 2, process: chain(noise, rng, opts.variance), rng, holdSteps: opts.holdSteps ?? 0 });
  return { p, x0, noise };
}

const read = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

/** Largest absolute difference of two equally long arrays (Infinity if the lengths differ). */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function allFinite(a: Float32Array): boolean {
  return a.every((v) => Number.isFinite(v));
}

/** Mean and (population) variance of all coordinates together. */
function stats(a: Float32Array): { mean: number; variance: number } {
  let s = 0;
  for (const v of a) s += v;
  const mean = s / a.length;
  let q = 0;
  for (const v of a) q += (v - mean) ** 2;
  return { mean, variance: q / a.length };
}

/** Runs `steps` steps and returns t after each. */
function run(p: DiffusionParticles, phase: Phase, steps: number): number[] {
  const ts: number[] = [];
  for (let i = 0; i < steps; i++) {
    p.step(phase, net);
    ts.push(p.t);
  }
  return ts;
}

const range = (from: number, to: number): number[] => {
  const out: number[] = [];
  if (from <= to) for (let v = from; v <= to; v++) out.push(v);
  else for (let v = from; v >= to; v--) out.push(v);
  return out;
};
const repeat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

describe('DiffusionParticles: construction', () => {
  it('starts on the data at t = 0 with previous == current == x0', () => {
    const { p, x0 } = make({ n: 5 });
    expect(p.count).toBe(5);
    expect(p.dim).toBe(2);
    expect(p.T).toBe(T);
    expect(p.t).toBe(0);
    expect(p.current.shape).toEqual([5, 2]);
    expect(Array.from(read(p.current))).toEqual(Array.from(x0));
    expect(Array.from(read(p.previous))).toEqual(Array.from(x0));
    p.dispose();
  });

  it('rejects empty or ragged input', () => {
    const noise = new SeededGaussianNoise(2, createRng(1));
    expect(() => new DiffusionParticles({ x0: new Float32Array(0), dim: 2, process: chain(noise, createRng(1)), rng: createRng(1) })).toThrow(RangeError);
    expect(() => new DiffusionParticles({ x0: new Float32Array(5), dim: 2, process: chain(noise, createRng(1)), rng: createRng(1) })).toThrow(RangeError);
  });

  it('throws when used after dispose (and dispose is idempotent)', () => {
    const { p } = make();
    p.dispose();
    p.dispose();
    expect(() => p.step('forward', net)).toThrow(/dispose/);
  });
});

describe('DiffusionParticles: forward phase', () => {
  it.each([0, 2])('t goes 0 -> T one per step, holds %i steps at T, then restarts from x0', (hold) => {
    const { p, x0 } = make({ holdSteps: hold });
    expect(run(p, 'forward', T)).toEqual(range(1, T));
    expect(p.motion).toBe('forward');
    const atT = read(p.current).slice();

    for (let h = 0; h < hold; h++) {
      p.step('forward', net);
      expect(p.t).toBe(T);
      expect(p.motion).toBe('hold');
      // Resting: positions unchanged and no interpolation (previous == current).
      expect(maxDiff(read(p.current), atT)).toBe(0);
      expect(maxDiff(read(p.previous), atT)).toBe(0);
    }

    // The step after the hold restarts from the data and takes the first forward step at once.
    p.step('forward', net);
    expect(p.t).toBe(1);
    expect(p.motion).toBe('forward');
    expect(maxDiff(read(p.previous), x0)).toBe(0); // exactly x0: no interpolation across the reset
    expect(maxDiff(read(p.current), x0)).toBeGreaterThan(0);

    // A full second cycle repeats the same t pattern.
    expect(run(p, 'forward', T - 1 + hold + 1)).toEqual([...range(2, T), ...repeat(T, hold), 1]);
    p.dispose();
  });

  it('each step is exactly x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps with the injected noise', () => {
    const n = 32;
    const { p, x0 } = make({ n, seed: 5 });
    const replica = new SeededGaussianNoise(2, createRng(5)); // draws the same eps as the particles' noise
    let expected = tf.tensor2d(x0, [n, 2]);
    for (let t = 1; t <= 4; t++) {
      p.step('forward', net);
      const eps = replica.sample(n);
      const next = forwardStep(expected, t, schedule, eps);
      tf.dispose([expected, eps]);
      expected = next;
      expect(maxDiff(read(p.current), read(expected))).toBe(0);
    }
    expected.dispose();
    p.dispose();
  });

  it('resetToData puts every particle back on x0 exactly, t = 0', () => {
    const { p, x0 } = make();
    run(p, 'forward', 7);
    p.resetToData();
    expect(p.t).toBe(0);
    expect(p.motion).toBe('forward');
    expect(maxDiff(read(p.current), x0)).toBe(0);
    expect(maxDiff(read(p.previous), x0)).toBe(0);
    p.dispose();
  });

  it('after T steps from a point mass the variance is 1 - alphaBar_T and the mean sqrt(alphaBar_T) x0', () => {
    const n = 20_000;
    const c = [0.8, -1.2];
    const x0 = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      x0[2 * i] = c[0];
      x0[2 * i + 1] = c[1];
    }
    const { p } = make({ x0, seed: 3 });
    run(p, 'forward', T);
    expect(p.t).toBe(T);
    const pos = read(p.current);
    expect(allFinite(pos)).toBe(true);
    const ab = schedule.alphaBar[T];
    expect(ab).toBeGreaterThan(0.05); // the schedule leaves a visible mean
    expect(ab).toBeLessThan(0.3);
    for (let d = 0; d < 2; d++) {
      const col = pos.filter((_, i) => i % 2 === d);
      const { mean, variance } = stats(col);
      expect(Math.abs(variance - (1 - ab))).toBeLessThan(0.04 * (1 - ab)); // ~4 standard errors at n = 20k
      expect(Math.abs(mean - Math.sqrt(ab) * c[d])).toBeLessThan(0.03);
    }
    p.dispose();
  });
});

describe('DiffusionParticles: reverse phase', () => {
  it.each([0, 2])('from the data (t = 0) it starts at once from fresh noise at T (hold %i only at the end)', (hold) => {
    const { p, x0 } = make({ n: 2000, holdSteps: hold });
    p.step('reverse', net);
    // Reset to x_T ~ N(0, I) (previous, no interpolation across the jump) and one ancestral step T -> T-1.
    expect(p.motion).toBe('reverse');
    expect(p.t).toBe(T - 1);
    const xT = read(p.previous).slice();
    expect(allFinite(xT)).toBe(true);
    expect(maxDiff(xT, x0)).toBeGreaterThan(0.5);
    const { mean, variance } = stats(xT);
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
    expect(allFinite(read(p.current))).toBe(true);
    expect(maxDiff(read(p.current), xT)).toBeGreaterThan(0);

    // Down to 0, hold, then another restart from *different* fresh noise.
    expect(run(p, 'reverse', T - 1 + hold + 1)).toEqual([...range(T - 2, 0), ...repeat(0, hold), T - 1]);
    expect(allFinite(read(p.current))).toBe(true);
    expect(maxDiff(read(p.previous), xT)).toBeGreaterThan(0.5);
    p.dispose();
  });

  it('each step is exactly ancestralStep with the live network and the injected noise (none at t = 1)', () => {
    const n = 16;
    const { p } = make({ n, seed: 11, variance: 'beta' });
    const replica = new SeededGaussianNoise(2, createRng(11));
    p.step('reverse', net); // restart from noise (holdSteps 0) and step T -> T-1
    const xT = tf.tensor2d(read(p.previous).slice(), [n, 2]);
    let expected: tf.Tensor2D = xT;
    for (let t = T; t >= 1; t--) {
      if (t < T) p.step('reverse', net);
      expect(p.t).toBe(t - 1);
      const z = t > 1 ? replica.sample(n) : null;
      const next = ancestralStep(net, expected, t, schedule, 'beta', z);
      tf.dispose([expected, ...(z ? [z] : [])]);
      expected = next;
      expect(maxDiff(read(p.current), read(expected))).toBe(0);
    }
    expected.dispose();
    p.dispose();
  });

  it('resetToNoise jumps to t = T with previous == current', () => {
    const { p } = make();
    p.resetToNoise();
    expect(p.t).toBe(T);
    expect(p.motion).toBe('reverse');
    expect(maxDiff(read(p.previous), read(p.current))).toBe(0);
    p.dispose();
  });
});

describe('DiffusionParticles: loop phase', () => {
  it.each([0, 2])('goes forward to T, holds %i, reverse to 0, holds, forward again', (hold) => {
    const { p } = make({ holdSteps: hold });
    const steps = 3 * T + 4 * hold + 5;
    const ts = run(p, 'loop', steps);
    const expected = [
      ...range(1, T), // forward
      ...repeat(T, hold),
      ...range(T - 1, 0), // reverse from where the forward run ended (no fresh noise)
      ...repeat(0, hold),
      ...range(1, T), // forward again, from the denoised positions
      ...repeat(T, hold),
      ...range(T - 1, 0),
    ].slice(0, steps);
    expect(ts).toEqual(expected);
    p.dispose();
  });

  it('the reverse leg continues from the forward leg positions (no jump at the turn)', () => {
    const { p } = make({ holdSteps: 1 });
    run(p, 'loop', T + 1); // to T, then one hold step
    const atT = read(p.current).slice();
    p.step('loop', net); // end of hold: first reverse step T -> T-1
    expect(p.t).toBe(T - 1);
    expect(p.motion).toBe('reverse');
    expect(maxDiff(read(p.previous), atT)).toBe(0);
    p.dispose();
  });
});

describe('DiffusionParticles: previous / current / version', () => {
  it('previous is the state before the last step and current the state after it; version counts changes', () => {
    const { p } = make({ holdSteps: 2 });
    for (const phase of ['loop', 'forward', 'reverse'] as const) {
      for (let i = 0; i < 2 * T + 6; i++) {
        const before = read(p.current).slice();
        const v = p.version;
        const t0 = p.t;
        p.step(phase, net);
        // version moves with every change of positions; a hold changes them once (previous := current), then rests.
        if (p.t !== t0) expect(p.version).toBeGreaterThan(v);
        else expect(p.version - v).toBeLessThanOrEqual(1);
        const prev = read(p.previous);
        const cur = read(p.current);
        // A plain step: previous is exactly the old current. Across a restart (t jumps by more than 1)
        // previous is the reset state instead.
        if (Math.abs(p.t - t0) <= 1) expect(maxDiff(prev, before)).toBe(0);
        if (p.t !== t0) expect(maxDiff(cur, prev)).toBeGreaterThan(0);
        else expect(maxDiff(cur, prev)).toBe(0); // holding
      }
    }
    p.dispose();
  });

  it('setProcess with a new schedule restarts from the data with the new T', () => {
    const { p, x0, noise } = make();
    run(p, 'forward', 5);
    const v = p.version;
    const s2 = makeSchedule({ kind: 'cosine', T: 7, betaStart: 0, betaEnd: 0 });
    p.setProcess(chain(noise, createRng(2), 'betaTilde', s2));
    expect(p.T).toBe(7);
    expect(p.t).toBe(0);
    expect(p.version).toBeGreaterThan(v);
    expect(maxDiff(read(p.current), x0)).toBe(0);
    expect(run(p, 'forward', 9)).toEqual([1, 2, 3, 4, 5, 6, 7, 1, 2]);
    p.dispose();
  });
});

describe('DiffusionParticles: no tensor leaks', () => {
  it.each([
    ['SeededGaussianNoise', (): NoiseSource => new SeededGaussianNoise(2, createRng(4))],
    ['GaussianNoisePool', (): NoiseSource => new GaussianNoisePool(2, createRng(4))],
  ])('numTensors is unchanged across forward, reverse, hold steps and resets (%s)', (_name, makeNoise) => {
    const start = tf.memory().numTensors;
    const noise = makeNoise();
    const { p } = make({ n: 100, holdSteps: 2, noise });
    p.step('forward', net); // warm-up: the pool draws lazily on first use
    const base = tf.memory().numTensors;
    // A reverse pass in progress holds its start and arc length; a finished pass's straightness is taken here.
    const check = (): void => {
      p.takeStraightness()?.dispose();
      expect(tf.memory().numTensors).toBe(base + (p.measuring ? 2 : 0));
    };

    for (let i = 0; i < T + 4; i++) {
      p.step('forward', net); // forward steps, hold steps, restart from data
      check();
    }
    for (let i = 0; i < T + 4; i++) {
      p.step('reverse', net); // reverse steps (incl. t = 1 without noise), hold, restart from noise
      check();
    }
    for (let i = 0; i < 2 * T + 8; i++) {
      p.step('loop', net);
      check();
    }
    p.resetToData();
    check();
    p.resetToNoise();
    check();
    p.setProcess(chain(noise, createRng(2)));
    check();
    p.dispose();
    noise.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
