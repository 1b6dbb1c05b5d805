import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { PlaygroundConfig } from '../src/config/playground-config';
import { diffusionKind, type ModelKind } from '../src/models/kinds';
import { SeededGaussianNoise } from '../src/models/noise-source';
import { createRng } from '../src/models/random';
import { makeSchedule } from '../src/models/schedules';
import { DiffusionParticles } from '../src/particles/diffusion-particles';
import { fitPass, largestWithin, processFor, StraightProcess, VpChainProcess } from '../src/particles/process';
import { smallConfig } from './session-helpers';

const config = (kind: ModelKind, sampling: Record<string, unknown> = {}, schedule: Record<string, unknown> = {}): PlaygroundConfig => smallConfig({ model: { kind }, sampling, schedule });
const sources = (seed: number) => ({ noise: new SeededGaussianNoise(2, createRng(seed)), rng: createRng(seed + 1) });

describe('a pass fitted to a number of network evaluations', () => {
  it('finds the largest setting within a budget', () => {
    expect(largestWithin(1, 100, (k) => 3 * k + 1, 31)).toBe(10);
    expect(largestWithin(1, 100, (k) => 3 * k + 1, 2)).toBe(1);
    expect(largestWithin(1, 100, (k) => k, 1e9)).toBe(100);
  });

  it('DDPM ancestral keeps min(T, evaluations) steps of the strided chain; the other samplers lower their NFE or Langevin steps per level', () => {
    const T = 1000;
    const ddpm = diffusionKind('ddpm');
    expect(fitPass(ddpm, config('ddpm', { sampler: 'ancestral' }, { T }), T, 100).fit).toEqual({ used: 100, full: 1000, unit: 'steps' });
    expect(fitPass(ddpm, config('ddpm', { sampler: 'ancestral' }, { T }), T, Infinity).keptSteps).toBe(1000);
    // Heun on 20 grid steps: 19 * 2 + 1 = 39 NFE; 20 evaluations afford 10 steps (9 * 2 + 1 = 19).
    const heun = fitPass(ddpm, config('ddpm', { sampler: 'heun', nfe: 20 }, { T }), T, 20);
    expect(heun.fit).toEqual({ used: 19, full: 39, unit: 'NFE' });
    expect(heun.settings.sampling.nfe).toBe(10);
    // Annealed Langevin on 10 levels with 10 steps each: 9 * m + 1 <= 30 gives m = 3.
    const score = diffusionKind('score');
    const langevin = fitPass(score, config('score', { sampler: 'langevin', langevinSteps: 10 }, { levels: 10 }), T, 30);
    expect(langevin.fit).toEqual({ used: 3, full: 10, unit: 'steps per level' });
    expect(score.pass(langevin.settings).nfe).toBe(28);
    // Flow matching, RK4 on K steps: (K - 1) * 4 + 1 <= 10 gives K = 3.
    const flow = fitPass(diffusionKind('flow'), config('flow', { sampler: 'rk4', nfe: 8 }), T, 10);
    expect(flow.settings.sampling.nfe).toBe(3);
    expect(flow.fit).toEqual({ used: 9, full: 29, unit: 'NFE' });
    // Never more than the settings ask, and never less than the smallest pass.
    expect(fitPass(diffusionKind('flow'), config('flow', { sampler: 'euler', nfe: 8 }), T, 1e6).fit.used).toBe(8);
    expect(fitPass(diffusionKind('flow'), config('flow', { sampler: 'euler', nfe: 8 }), T, 0.5).settings.sampling.nfe).toBe(2);
  });

  it('the fitted process walks forward and back over the same kept steps', () => {
    const c = config('ddpm', { sampler: 'ancestral' }, { T: 40 });
    const schedule = makeSchedule({ kind: 'linear', T: 40, betaStart: 0.001, betaEnd: 0.2 });
    const p = processFor(diffusionKind('ddpm'), c, schedule, sources(1), 8);
    expect([p.passSteps, p.nfe]).toEqual([8, 8]);
    const x = tf.zeros([4, 2]) as tf.Tensor2D;
    const pass = p.beginForward(x);
    let cur = tf.clone(x);
    const up = [0];
    while (up[up.length - 1] < p.T) {
      const next = pass.step(cur, up[up.length - 1]);
      cur.dispose();
      cur = next.x;
      up.push(next.t);
    }
    expect(up).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40]);
    const down = [40];
    const field = { dim: 2, predict: (y: tf.Tensor2D) => tf.zerosLike(y) as tf.Tensor2D };
    while (down[down.length - 1] > 0) {
      const next = p.reverse(field, cur, down[down.length - 1]);
      cur.dispose();
      cur = next.x;
      down.push(next.t);
    }
    expect(down).toEqual([...up].reverse());
    pass.dispose();
    tf.dispose([x, cur]);
  });

  it('particles at an end of a pass carry on under a refitted grid (at the noise they move to the new T); mid-pass they restart', () => {
    const x0 = new Float32Array(40).map((_, i) => Math.cos(i));
    const s = sources(5);
    const p = new DiffusionParticles({ x0, dim: 2, process: new StraightProcess(10, 'euler', s), rng: createRng(3) });
    const field = { dim: 2, predict: (y: tf.Tensor2D) => tf.zerosLike(y) as tf.Tensor2D };
    for (let i = 0; i < 10; i++) p.step('forward', field);
    expect(p.t).toBe(10);
    const before = p.version;
    p.setProcess(new StraightProcess(4, 'euler', s));
    expect([p.t, p.T, p.version]).toEqual([4, 4, before]);
    p.step('reverse', field);
    expect(p.t).toBe(3);
    p.setProcess(new StraightProcess(6, 'euler', s));
    expect([p.t, p.motion]).toEqual([0, 'forward']);
    p.dispose();
    // The DDPM chain keeps its T whatever the kept steps: it carries on mid-pass.
    const schedule = makeSchedule({ kind: 'linear', T: 40, betaStart: 0.001, betaEnd: 0.2 });
    const vp = new DiffusionParticles({ x0, dim: 2, process: new VpChainProcess(schedule, { kind: 'ancestral', variance: 'betaTilde', nfe: 10, eta: 0, stochasticity: 1, keptSteps: 8 }, s), rng: createRng(3) });
    vp.step('forward', field);
    expect(vp.t).toBe(5);
    vp.setProcess(new VpChainProcess(schedule, { kind: 'ancestral', variance: 'betaTilde', nfe: 10, eta: 0, stochasticity: 1, keptSteps: 4 }, s));
    vp.step('forward', field);
    expect(vp.t).toBe(10);
    vp.dispose();
  });
});
