import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { FieldModel } from '../src/models/field';
import { geometricSigmas } from '../src/models/ncsn';
import { SeededGaussianNoise } from '../src/models/noise-source';
import { createRng } from '../src/models/random';
import { makeSchedule } from '../src/models/schedules';
import { StraightnessMeter } from '../src/models/trajectory';
import { DiffusionParticles } from '../src/particles/diffusion-particles';
import { StraightProcess, VeLevelsProcess, VpChainProcess } from '../src/particles/process';
import { ParticleTrails } from '../src/particles/particle-trails';

const t2 = (rows: number[][]): tf.Tensor2D => tf.tensor2d(rows);

describe('straightness (chord / arc length)', () => {
  it('is 1 on a straight path, 1/sqrt(2) on an L-shaped one, 1 for a point that stays, and leaks nothing', () => {
    const a = t2([[0, 0], [5, 5], [2, 2]]);
    const b = t2([[1, 0], [5, 5], [3, 3]]);
    const c = t2([[1, 1], [5, 5], [4, 4]]);
    const before = tf.memory().numTensors;
    const meter = new StraightnessMeter();
    expect(meter.finish(c)).toBeNull();
    meter.begin(a);
    meter.record(a, b);
    meter.record(b, c);
    const s = meter.finish(c) as tf.Scalar;
    expect(meter.active).toBe(false);
    // rows: L-shape sqrt(2) / 2, standing still 1, straight 1.
    expect(s.dataSync()[0]).toBeCloseTo((Math.SQRT2 / 2 + 1 + 1) / 3, 6);
    s.dispose();
    meter.begin(a);
    meter.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, c]);
  });
});

describe('particle trails', () => {
  it('keep the last K positions of the first M particles, oldest first, and restart on fill', () => {
    const trails = new ParticleTrails(3, 2, 2);
    const at = (v: number): tf.Tensor2D => t2([[v, -v], [v + 0.5, 0], [99, 99]]);
    const before = tf.memory().numTensors;
    for (const v of [1, 2, 3, 4]) {
      const x = at(v);
      trails.push(x);
      x.dispose();
    }
    const read = (): number[] => {
      const o = trails.ordered();
      const v = Array.from(o.dataSync());
      o.dispose();
      return v;
    };
    // After [1] (fill: 1, 1, 1), 2, 3, 4: the ring holds 2, 3, 4.
    expect(read()).toEqual([2, -2, 2.5, 0, 3, -3, 3.5, 0, 4, -4, 4.5, 0]);
    const x = at(7);
    trails.fill(x);
    x.dispose();
    expect(read()).toEqual([7, -7, 7.5, 0, 7, -7, 7.5, 0, 7, -7, 7.5, 0]);
    const short = t2([[1, 2]]);
    expect(() => trails.push(short)).toThrow(RangeError);
    short.dispose();
    trails.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => new ParticleTrails(1, 5, 2)).toThrow(RangeError);
  });
});

/** A constant field: every particle moves along the same straight line. */
const constant: FieldModel = { dim: 2, predict: (x) => tf.tidy(() => tf.add(tf.zerosLike(x), tf.tensor1d([0.3, -0.4])) as tf.Tensor2D) };

describe('particles measure the straightness of each reverse pass', () => {
  const schedule = makeSchedule({ kind: 'linear', T: 20, betaStart: 0.01, betaEnd: 0.2 });
  const sources = { noise: new SeededGaussianNoise(2, createRng(3)), rng: createRng(4) };
  const ancestral = { kind: 'ancestral', variance: 'beta', nfe: 20, eta: 0, stochasticity: 1 } as const;
  const make = (): DiffusionParticles => {
    const x0 = new Float32Array(200).map((_, i) => Math.sin(i));
    const rng = createRng(4);
    return new DiffusionParticles({ x0, dim: 2, process: new VpChainProcess(schedule, ancestral, { noise: sources.noise, rng }), rng });
  };

  it('a flow under a constant velocity has straight paths (1); annealed Langevin paths wander (well below 1); trails follow', () => {
    const before = tf.memory().numTensors;
    const p = make();
    p.setProcess(new StraightProcess(10, 'rk4', sources));
    p.setTrails(4, 30);
    expect(p.takeStraightness()).toBeNull();
    for (let i = 0; i < 10; i++) p.step('reverse', constant);
    expect(p.t).toBe(0);
    const s = p.takeStraightness() as tf.Scalar;
    expect(s.dataSync()[0]).toBeCloseTo(1, 5);
    s.dispose();
    expect(p.takeStraightness()).toBeNull(); // taken once
    // The newest trail block is the first 30 particles' current positions.
    const trail = p.trails?.ordered() as tf.Tensor2D;
    expect(trail.shape).toEqual([4 * 30, 2]);
    const [newest, head] = tf.tidy(() => [Array.from(trail.slice([90, 0], [30, 2]).dataSync()), Array.from(p.current.slice([0, 0], [30, 2]).dataSync())]);
    expect(newest).toEqual(head);
    tf.dispose(trail);

    p.setProcess(new VpChainProcess(schedule, ancestral, sources));
    // Pure noise steps (a zero score): the path, sampled once per level, is a random walk.
    p.setProcess(new VeLevelsProcess(geometricSigmas(3, 1, 21), { kind: 'langevin', steps: 1, delta: 1e-2 }, sources));
    const zero: FieldModel = { dim: 2, predict: (x) => tf.zerosLike(x) };
    for (let i = 0; i < 21; i++) p.step('reverse', zero);
    const wander = p.takeStraightness() as tf.Scalar;
    expect(wander.dataSync()[0]).toBeLessThan(0.5);
    wander.dispose();
    p.setTrails(0, 30);
    expect(p.trails).toBeNull();
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a pass that does not start at x_T is not measured', () => {
    const p = make();
    p.setProcess(new StraightProcess(10, 'euler', sources));
    for (let i = 0; i < 4; i++) p.step('forward', constant);
    for (let i = 0; i < 4; i++) p.step('reverse', constant);
    expect(p.t).toBe(0);
    expect(p.takeStraightness()).toBeNull();
    p.dispose();
  });
});
