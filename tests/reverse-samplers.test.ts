import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, effectiveSampler, MODEL_SAMPLERS, type PlaygroundConfig } from '../src/config/playground-config';
import { sampleDataset, type DatasetName } from '../src/data/datasets';
import { energyDistance } from '../src/models/metrics';
import { FieldNetwork } from '../src/models/field-network';
import { createRng } from '../src/models/random';
import { makeSchedule } from '../src/models/schedules';
import { makeReverseSampler, SAMPLER_KINDS, type SamplerSpec } from '../src/particles/reverse-samplers';
import { DiffusionSession } from '../src/session/diffusion-session';

const schedule = makeSchedule({ kind: 'linear', T: 100, betaStart: 1e-3, betaEnd: 0.2 });

/** A small session config (1,000 particles, a 16-unit network) with the given edits. */
function small(edit: (c: PlaygroundConfig) => void): PlaygroundConfig {
  const c = defaultConfig();
  c.data.particles = 1000;
  c.model.width = 16;
  c.model.depth = 1;
  edit(c);
  return c;
}

/** Energy distance of 2D samples to the data set, and of standard normal noise to it (the baseline). */
function distanceToData(samples: Float32Array, dataset: DatasetName): { d: number; baseline: number } {
  const reference = sampleDataset(dataset, 1000, createRng(77)).points;
  const noise = tf.randomNormal([1000, 2], 0, 1, 'float32', 8);
  const baseline = energyDistance(noise.dataSync() as Float32Array, reference, 2);
  noise.dispose();
  return { d: energyDistance(samples, reference, 2), baseline };
}
const base: SamplerSpec = { kind: 'ddim', variance: 'betaTilde', nfe: 10, eta: 0, stochasticity: 1 };

describe('reverse samplers on a DDPM schedule', () => {
  it('walk their grid from T to 0 and count network evaluations', () => {
    const walk = (spec: SamplerSpec): number[] => {
      const s = makeReverseSampler(spec, schedule);
      const ts = [100];
      while (ts[ts.length - 1] > 0) ts.push(s.next(ts[ts.length - 1]));
      return ts;
    };
    expect(walk(base)).toEqual([100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
    expect(walk({ ...base, kind: 'ancestral' })).toHaveLength(101);
    expect(makeReverseSampler({ ...base, kind: 'rk4' }, schedule).nfe).toBe(9 * 4 + 1);
    expect(makeReverseSampler({ ...base, kind: 'heun' }, schedule).nfe).toBe(9 * 2 + 1);
    // Off the grid (after switching phase mid-way): the next grid point below.
    expect(makeReverseSampler(base, schedule).next(57)).toBe(50);
    expect(() => makeReverseSampler({ ...base, eta: 2 }, schedule)).toThrow(RangeError);
  });

  it('every sampler takes finite steps without leaking tensors', () => {
    const net = new FieldNetwork(2, { width: 8, depth: 1, activation: 'silu' }, createRng(1));
    const x = tf.randomNormal([16, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
    const z = tf.randomNormal([16, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
    expect(SAMPLER_KINDS).toEqual(expect.arrayContaining([...MODEL_SAMPLERS.ddpm]));
    expect(() => makeReverseSampler({ ...base, kind: 'langevin' }, schedule)).toThrow(RangeError);
    for (const kind of MODEL_SAMPLERS.ddpm) {
      const s = makeReverseSampler({ ...base, kind, eta: 0.5, stochasticity: 0.5 }, schedule);
      const before = tf.memory().numTensors;
      for (const t of [100, 50, 10]) {
        const y = s.step(net, x, t, s.next(t), s.needsNoise(t) ? z : null);
        expect(y.shape).toEqual([16, 2]);
        expect(Array.from(y.dataSync()).every(Number.isFinite), `${kind} at t = ${t}`).toBe(true);
        y.dispose();
      }
      expect(tf.memory().numTensors, kind).toBe(before);
    }
    tf.dispose([x, z]);
    net.dispose();
  });

  it('a session applies the configured sampler to its particles (a live change)', () => {
    const session = new DiffusionSession(
      small((c) => {
        c.schedule.T = 100;
        c.sampling.phase = 'reverse';
      }),
    );
    const next = structuredClone(session.config);
    next.sampling.sampler = 'heun';
    next.sampling.nfe = 5;
    expect(session.apply(next)).toBe('live');
    expect(session.pass.nfe).toBe(4 * 2 + 1);
    const ts: number[] = [];
    for (let i = 0; i < 6; i++) {
      session.simulate();
      ts.push(session.particles.t);
    }
    expect(ts).toEqual([80, 60, 40, 20, 0, 80]); // from noise at T, five grid steps to the data, then (no hold) a new pass
    session.dispose();
  });
});

describe('the exact field in a session', () => {
  it('an untrained session with field = exact draws the data (DDIM, 50 steps), on a mixture and on a point set', async () => {
    for (const dataset of ['gaussians-8', 'two-moons'] as const) {
      const c = small((c) => {
        c.data.dataset = dataset;
        Object.assign(c.sampling, { phase: 'reverse', field: 'exact', sampler: 'ddim', nfe: 50 });
      });
      const before = tf.memory().numTensors;
      const session = new DiffusionSession(c);
      for (let i = 0; i < 50; i++) session.simulate(); // T -> 0 on the 50-step grid
      expect(session.particles.t).toBe(0);
      const { d, baseline } = distanceToData(session.particles.current.dataSync() as Float32Array, dataset);
      expect(d, dataset).toBeLessThan(0.05 * baseline);
      session.dispose();
      await new Promise((r) => setTimeout(r, 0)); // the pass's straightness readback settles
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('flow matching in a session', () => {
  it('walks the straight path forward, integrates back with the chosen ODE method, and draws the data with the exact velocity', async () => {
    const c = small((c) => {
      c.data.dataset = 'gaussians-8';
      c.model.kind = 'flow';
      Object.assign(c.sampling, { phase: 'loop', sampler: 'heun', nfe: 20, field: 'exact' });
    });
    const before = tf.memory().numTensors;
    const session = new DiffusionSession(c);
    session.trainStep(); // the flow-matching trainer trains like any other
    expect(session.particles.T).toBe(20);
    expect(session.pass.nfe).toBe(19 * 2 + 1); // Heun, and one Euler step at the end
    const x0 = session.particles.current.dataSync().slice();
    for (let i = 0; i < 10; i++) session.simulate();
    expect(session.particles.t).toBe(10);
    // Half-way along x_t = (1 - t) x_0 + t x_1: the particles have shrunk towards noise's scale.
    const ts: number[] = [];
    for (let i = 0; i < 30; i++) {
      session.simulate();
      ts.push(session.particles.t);
    }
    expect(ts.slice(0, 12)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 19, 18]);
    expect(session.particles.t).toBe(0);
    const samples = session.particles.current.dataSync() as Float32Array;
    const { d, baseline } = distanceToData(samples, 'gaussians-8');
    expect(d).toBeLessThan(0.05 * baseline);
    expect(Array.from(samples.slice(0, 4))).not.toEqual(Array.from(x0.slice(0, 4)));
    // Live changes that keep the process do not restart the particles; a new NFE does.
    const next = structuredClone(session.config);
    next.view.pointSize = 5;
    session.apply(next);
    expect(session.particles.t).toBe(0);
    next.sampling.nfe = 10;
    session.apply(next);
    expect(session.particles.T).toBe(10);
    session.dispose();
    await new Promise((r) => setTimeout(r, 0));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the score model (NCSN) in a session', () => {
  it('adds VE noise level by level, then annealed Langevin with the exact score draws the data', async () => {
    const c = small((c) => {
      c.data.dataset = 'gaussians-8';
      c.model.kind = 'score';
      Object.assign(c.sampling, { phase: 'reverse', field: 'exact', langevinSteps: 30 });
    });
    const before = tf.memory().numTensors;
    const session = new DiffusionSession(c);
    session.trainStep();
    expect(session.particles.T).toBe(10);
    expect(session.pass.nfe).toBe(9 * 30 + 1);
    for (let i = 0; i < 10; i++) session.simulate(); // from sigma_max noise down the 10 levels
    expect(session.particles.t).toBe(0);
    const samples = session.particles.current.dataSync() as Float32Array;
    const { d, baseline } = distanceToData(samples, 'gaussians-8');
    expect(d).toBeLessThan(0.05 * baseline);
    // Forward: variance-exploding noise; after all levels the spread is about sigma_max = 3.
    const next = structuredClone(session.config);
    next.sampling.phase = 'forward';
    session.apply(next);
    session.particles.resetToData();
    for (let i = 0; i < 10; i++) session.simulate();
    const { mean, variance } = tf.moments(session.particles.current, 0);
    const v = variance.dataSync();
    tf.dispose([mean, variance]);
    expect(Math.sqrt(v[0])).toBeGreaterThan(2.5);
    expect(Math.sqrt(v[0])).toBeLessThan(3.6);
    session.dispose();
    await new Promise((r) => setTimeout(r, 0));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the score model on the VE SDE in a session', () => {
  it('the VE reverse SDE (Euler–Maruyama) and the VE probability-flow ODE (Heun) with the exact score draw the data', async () => {
    const before = tf.memory().numTensors;
    for (const [sampler, nfe, expectedNfe] of [['euler-maruyama', 100, 99 + 1], ['heun', 40, 39 * 2 + 1]] as const) {
      const c = small((c) => {
        c.data.dataset = 'gaussians-8';
        c.model.kind = 'score';
        Object.assign(c.sampling, { phase: 'reverse', field: 'exact', sampler, nfe, stochasticity: 1 });
      });
      const session = new DiffusionSession(c);
      expect(session.particles.T).toBe(nfe);
      expect(session.pass.nfe).toBe(expectedNfe);
      for (let i = 0; i < nfe; i++) session.simulate();
      expect(session.particles.t).toBe(0);
      const { d, baseline } = distanceToData(session.particles.current.dataSync() as Float32Array, 'gaussians-8');
      expect(d, sampler).toBeLessThan(0.05 * baseline);
      // A live switch of the reverse rule on the same levels keeps the particles where they are.
      const next = structuredClone(session.config);
      next.sampling.stochasticity = 0.5;
      session.apply(next);
      expect(session.particles.t).toBe(0);
      session.dispose();
    }
    await new Promise((r) => setTimeout(r, 0));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a sampler the model does not have falls back to the model\'s default', () => {
    const c = small((c) => {
      c.model.kind = 'score';
      c.sampling.sampler = 'ddim';
    });
    expect(effectiveSampler(c)).toBe('langevin');
    c.model.kind = 'flow';
    expect(effectiveSampler(c)).toBe('rk4');
    c.model.kind = 'ddpm';
    expect(effectiveSampler(c)).toBe('ddim');
  });
});

describe('reflow from the session', () => {
  it('draws the flow model\'s own pairs and trains on them; other models decline', async () => {
    const before = tf.memory().numTensors;
    const flow = new DiffusionSession(small((c) => (c.model.kind = 'flow')));
    flow.trainStep();
    expect(await flow.reflow()).toBe(true);
    expect((flow.trainer as { reflowing?: boolean }).reflowing).toBe(true);
    flow.trainStep();
    flow.dispose();
    const ddpm = new DiffusionSession(small(() => undefined));
    expect(await ddpm.reflow()).toBe(false);
    ddpm.dispose();
    await new Promise((r) => setTimeout(r, 0));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('field on a grid', () => {
  it('at the noise end the exact DDPM score is about -x (p_T is nearly N(0, I)); 3D data gives none', async () => {
    const session = new DiffusionSession(small((c) => Object.assign(c.sampling, { field: 'exact', phase: 'reverse' })));
    session.simulate(); // from the data to fresh noise at T, one step down
    const before = tf.memory().numTensors;
    const grid = await session.fieldGrid(5, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(grid!.points).toHaveLength(50);
    grid!.points.forEach((x, i) => expect(grid!.vectors[i]).toBeCloseTo(-x, 1));
    session.dispose();
    const solid = new DiffusionSession(small((c) => (c.data.dataset = 'torus-knot')));
    expect(await solid.fieldGrid(5, 2)).toBeNull();
    solid.dispose();
  });
});
