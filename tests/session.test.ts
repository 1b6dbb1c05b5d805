import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { cloneConfig, type PlaygroundConfig } from '../src/config/playground-config';
import { FieldNetwork } from '../src/models/field-network';
import { createRng } from '../src/models/random';
import { DiffusionSession } from '../src/session/diffusion-session';
import { diffInvalidation, LOSS_READBACK_EVERY, REFERENCE_POINTS } from '../src/session/session';
import { settle, smallConfig } from './session-helpers';

/** A copy of `c` with `edit` applied. */
function edited(c: PlaygroundConfig, edit: (c: PlaygroundConfig) => void): PlaygroundConfig {
  const out = cloneConfig(c);
  edit(out);
  return out;
}

const positions = (s: DiffusionSession): Float32Array => s.particles.current.dataSync() as Float32Array;

/** Tensors that constructing and disposing one FieldNetwork of this depth leaves behind (must be 0). */
function networkLeak(depth: number): number {
  const before = tf.memory().numTensors;
  new FieldNetwork(2, { width: 16, depth, activation: 'silu' }, createRng(1)).dispose();
  return tf.memory().numTensors - before;
}

describe('DiffusionSession: no tensor leaks', () => {
  it('FieldNetwork construction + dispose leaves no tensor behind', () => {
    expect(networkLeak(1)).toBe(0);
  });

  it('training, simulation, every kind of apply, resetWeights and dispose keep numTensors balanced', async () => {
    await settle();
    const start = tf.memory().numTensors;
    const s = new DiffusionSession(smallConfig());
    /** Brings lazily created state (Adam moments, the noise pool) into being, so counts are comparable. */
    const warm = async (): Promise<void> => {
      s.trainStep();
      s.simulate();
      await settle();
    };
    await warm();
    const base = tf.memory().numTensors;
    const expectBase = async (what: string): Promise<void> => {
      await warm();
      // A reverse pass in progress holds its start [N, D] and arc length [N] (see DiffusionParticles.measuring).
      expect(tf.memory().numTensors, what).toBe(base + (s.particles.measuring ? 2 : 0));
    };

    // Training steps, across a loss readback (step 10 and 20).
    for (let i = 0; i < 2 * LOSS_READBACK_EVERY; i++) s.trainStep();
    await settle();
    expect(tf.memory().numTensors, 'train steps').toBe(base);
    expect(Number.isFinite(s.loss)).toBe(true);

    // Simulation: a whole loop (forward, turn, reverse, turn) and a bit more.
    for (let i = 0; i < 2 * s.particles.T + 5; i++) s.simulate();
    await settle(); // the straightness of the finished reverse pass is read back
    expect(s.particles.measuring).toBe(false);
    expect(tf.memory().numTensors, 'simulate').toBe(base);
    expect(s.straightness).toBeGreaterThan(0);
    expect(s.straightness).toBeLessThanOrEqual(1 + 1e-6);

    // Particle count.
    let cfg = s.config;
    for (const n of [2000, 1000]) {
      cfg = edited(cfg, (c) => (c.data.particles = n));
      expect(s.apply(cfg)).toBe('particles');
      expect(s.particles.count).toBe(n);
      await expectBase(`particles -> ${n}`);
    }

    // Data sets, including a 3D one.
    for (const name of ['gaussians-8', 'swiss-roll-3d', 'two-moons'] as const) {
      cfg = edited(cfg, (c) => (c.data.dataset = name));
      expect(s.apply(cfg)).toBe('data');
      for (let i = 0; i < 3; i++) s.trainStep();
      await expectBase(`data set -> ${name}`);
    }

    // Schedule and model changes (ending with as many layers as at the start).
    const modelEdits: ((c: PlaygroundConfig) => void)[] = [
      (c) => (c.schedule.T = 100),
      (c) => (c.schedule.kind = 'cosine'),
      (c) => (c.model.width = 32),
      (c) => (c.model.activation = 'tanh'),
      (c) => (c.model.depth = 2),
      (c) => (c.model.depth = 1),
    ];
    for (const edit of modelEdits) {
      cfg = edited(cfg, edit);
      expect(s.apply(cfg)).toBe('model');
      s.trainStep(); // Adam moments of the new network, disposed with it
    }
    await expectBase('schedule / model changes');

    // Live and training changes rebuild nothing.
    cfg = edited(cfg, (c) => {
      c.view.pointSize = 5;
      c.sampling.phase = 'reverse';
    });
    expect(s.apply(cfg)).toBe('live');
    cfg = edited(cfg, (c) => (c.model.learningRate = 0.01));
    expect(s.apply(cfg)).toBe('training');
    await expectBase('live / training changes');

    s.resetWeights();
    await expectBase('resetWeights');

    // A readback still in flight when the session goes away is disposed when it lands.
    for (let i = 0; i < LOSS_READBACK_EVERY; i++) s.trainStep();
    s.dispose();
    s.dispose(); // idempotent
    await settle();
    expect(tf.memory().numTensors, 'dispose').toBe(start);
  });
});

describe('DiffusionSession: apply and invalidation', () => {
  const cases: [string, string, (c: PlaygroundConfig) => void][] = [
    ['sampling.phase', 'live', (c) => (c.sampling.phase = 'forward')],
    ['sampling.secondsPerPass', 'live', (c) => (c.sampling.secondsPerPass = 12)],
    ['sampling.passSteps', 'live', (c) => (c.sampling.passSteps = 'all')],
    ['sampling.variance', 'live', (c) => (c.sampling.variance = 'beta')],
    ['sampling.paused', 'live', (c) => (c.sampling.paused = true)],
    ['view.pointSize', 'live', (c) => (c.view.pointSize = 7.5)],
    ['view.colorMode', 'live', (c) => (c.view.colorMode = 'cluster')],
    ['model.trainBudgetMs', 'live', (c) => (c.model.trainBudgetMs = 3)],
    ['model.learningRate', 'training', (c) => (c.model.learningRate = 1e-4)],
    ['model.batchSize', 'training', (c) => (c.model.batchSize = 128)],
    ['data.particles', 'particles', (c) => (c.data.particles = 3000)],
    ['model.width', 'model', (c) => (c.model.width = 32)],
    ['model.depth', 'model', (c) => (c.model.depth = 2)],
    ['model.activation', 'model', (c) => (c.model.activation = 'relu')],
    ['schedule.T', 'model', (c) => (c.schedule.T = 80)],
    ['schedule.kind', 'model', (c) => (c.schedule.kind = 'cosine')],
    ['schedule.betaEnd', 'model', (c) => (c.schedule.betaEnd = 0.05)],
    ['data.dataset', 'data', (c) => (c.data.dataset = 'rings')],
    ['data.seed', 'data', (c) => (c.data.seed = 77)],
  ];

  it.each(cases)('a change of %s invalidates %s and rebuilds just that', (_name, expected, edit) => {
    const s = new DiffusionSession(smallConfig());
    s.trainStep();
    for (let i = 0; i < 5; i++) s.simulate();
    const { net, particles, trainer } = s;
    const setTraining = vi.spyOn(trainer, 'setTraining');
    const next = edited(s.config, edit);
    expect(diffInvalidation(s.config, next)).toBe(expected);
    expect(s.apply(next)).toBe(expected);
    expect(s.config).toEqual(next);
    expect(s.config).not.toBe(next); // the session keeps its own copy
    const newNet = s.net !== net;
    const newParticles = s.particles !== particles;
    switch (expected) {
      case 'live':
        expect([newNet, newParticles, setTraining.mock.calls.length, s.particles.t]).toEqual([false, false, 0, 5]);
        expect(s.trainSteps).toBe(1);
        break;
      case 'training':
        expect([newNet, newParticles, s.trainSteps]).toEqual([false, false, 1]);
        expect(setTraining).toHaveBeenCalledWith(next.model);
        break;
      case 'particles':
        expect([newNet, newParticles, s.trainSteps]).toEqual([false, true, 1]);
        expect(s.particles.count).toBe(next.data.particles);
        expect(s.particleLabels.length).toBe(next.data.particles);
        break;
      case 'model':
        // Fresh weights and optimizer; the same particles restart from the data with the new schedule.
        expect([newNet, newParticles, s.trainSteps, s.particles.t]).toEqual([true, false, 0, 0]);
        expect(s.particles.T).toBe(next.schedule.T);
        expect(s.schedule.T).toBe(next.schedule.T);
        expect(s.net.spec.width).toBe(next.model.width);
        break;
      case 'data':
        expect([newNet, newParticles, s.trainSteps, s.particles.t]).toEqual([true, true, 0, 0]);
        break;
    }
    s.dispose();
  });

  it('diffInvalidation picks the most costly change', () => {
    const a = smallConfig();
    expect(diffInvalidation(a, cloneConfig(a))).toBe('live');
    const live = edited(a, (c) => {
      c.view.pointSize = 9;
      c.sampling.phase = 'reverse';
    });
    expect(diffInvalidation(a, live)).toBe('live');
    const training = edited(live, (c) => (c.model.learningRate = 0.02));
    expect(diffInvalidation(a, training)).toBe('training');
    const particles = edited(training, (c) => (c.data.particles = 5000));
    expect(diffInvalidation(a, particles)).toBe('particles');
    const model = edited(particles, (c) => (c.model.width = 64));
    expect(diffInvalidation(a, model)).toBe('model');
    const data = edited(model, (c) => (c.data.seed = 3));
    expect(diffInvalidation(a, data)).toBe('data');
    // Symmetric.
    expect(diffInvalidation(data, a)).toBe('data');
    expect(diffInvalidation(training, a)).toBe('training');
  });

  // BUG (src/session/diffusion-session.ts, apply): invalidations are not nested. A 'model' change does not
  // rebuild the particles and a 'particles' change does not update the optimizer, so a combined change
  // loses the cheaper part. These document the bug and pass once it is fixed: then change it.fails to it.
  it('a combined particles + model change rebuilds both', () => {
    const s = new DiffusionSession(smallConfig());
    const next = edited(s.config, (c) => {
      c.data.particles = 2000;
      c.schedule.T = 100;
    });
    expect(s.apply(next)).toBe('model');
    try {
      expect(s.particles.T).toBe(100);
      expect(s.particles.count).toBe(2000); // fails today: still 1000
    } finally {
      s.dispose();
    }
  });

  it('a combined particles + training change applies the new learning rate', () => {
    const s = new DiffusionSession(smallConfig());
    const setTraining = vi.spyOn(s.trainer, 'setTraining');
    const next = edited(s.config, (c) => {
      c.data.particles = 2000;
      c.model.learningRate = 0.01;
    });
    expect(s.apply(next)).toBe('particles');
    try {
      expect(s.particles.count).toBe(2000);
      expect(setTraining).toHaveBeenCalledWith(next.model); // fails today: never called
    } finally {
      s.dispose();
    }
  });
});

describe('DiffusionSession: 3D data', () => {
  it('switching to a 3D data set gives 3D particles, network and reference', () => {
    const s = new DiffusionSession(smallConfig());
    expect(s.dim).toBe(2);
    expect(s.apply(edited(s.config, (c) => (c.data.dataset = 'swiss-roll-3d')))).toBe('data');
    expect(s.dim).toBe(3);
    expect(s.particles.dim).toBe(3);
    expect(s.particles.current.shape).toEqual([1000, 3]);
    expect(s.net.dim).toBe(3);
    expect(s.reference.dim).toBe(3);
    expect(s.reference.count).toBe(REFERENCE_POINTS);
    expect(s.reference.points.length).toBe(3 * REFERENCE_POINTS);
    s.trainStep();
    for (let i = 0; i < s.particles.T + 3; i++) s.simulate(); // through the turn into the reverse leg
    expect(s.particles.motion).toBe('reverse');
    const pos = positions(s);
    expect(pos.length).toBe(3000);
    expect(pos.every(Number.isFinite)).toBe(true);
    // And back to 2D.
    expect(s.apply(edited(s.config, (c) => (c.data.dataset = 'torus-knot')))).toBe('data');
    expect(s.particles.dim).toBe(3);
    expect(s.apply(edited(s.config, (c) => (c.data.dataset = 'checkerboard')))).toBe('data');
    expect([s.dim, s.particles.dim, s.net.dim, s.reference.dim]).toEqual([2, 2, 2, 2]);
    s.dispose();
  });
});

describe('DiffusionSession: determinism and loss readback', () => {
  /** Trains and simulates a fresh session, reading back each loss as it comes. */
  async function runSession(config: PlaygroundConfig): Promise<{ positions: Float32Array; losses: [number, number][]; labels: Uint16Array }> {
    const s = new DiffusionSession(config);
    const losses: [number, number][] = [];
    s.onLoss = (step, value) => losses.push([step, value]);
    for (let i = 0; i < 3 * LOSS_READBACK_EVERY; i++) {
      s.trainStep();
      s.simulate();
      s.simulate();
      await settle();
    }
    // Past t = T (50) so the reverse leg runs through the trained network.
    expect(s.particles.motion).toBe('reverse');
    const out = { positions: positions(s).slice(), losses, labels: s.particleLabels.slice() };
    s.dispose();
    return out;
  }

  it('the same config gives identical positions and losses; another seed does not', async () => {
    const cfg = smallConfig();
    const a = await runSession(cfg);
    const b = await runSession(cfg);
    expect(a.positions.every(Number.isFinite)).toBe(true);
    expect(Array.from(b.positions)).toEqual(Array.from(a.positions));
    expect(b.losses).toEqual(a.losses);
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));

    const c = await runSession(edited(cfg, (x) => (x.data.seed = 2)));
    let differ = 0;
    for (let i = 0; i < a.positions.length; i++) if (a.positions[i] !== c.positions[i]) differ++;
    expect(differ).toBeGreaterThan(0.9 * a.positions.length);
    expect(c.losses.map(([, v]) => v)).not.toEqual(a.losses.map(([, v]) => v));
  });

  it('onLoss gets every LOSS_READBACK_EVERY-th step with a finite value, and loss / lossStep follow', async () => {
    const s = new DiffusionSession(smallConfig());
    const seen: [number, number][] = [];
    s.onLoss = (step, value) => seen.push([step, value]);
    expect(Number.isNaN(s.loss)).toBe(true);
    const n = 5 * LOSS_READBACK_EVERY + 3;
    for (let i = 0; i < n; i++) {
      s.trainStep();
      await settle();
    }
    expect(s.trainSteps).toBe(n);
    expect(seen.map(([step]) => step)).toEqual([1, 2, 3, 4, 5].map((k) => k * LOSS_READBACK_EVERY));
    for (const [, v] of seen) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(s.lossStep).toBe(5 * LOSS_READBACK_EVERY);
    expect(s.loss).toBe(seen[seen.length - 1][1]);

    // Steps in a tight loop (the readback still in flight) skip readbacks but only ever report multiples.
    seen.length = 0;
    for (let i = 0; i < 4 * LOSS_READBACK_EVERY; i++) s.trainStep();
    await settle();
    expect(seen.length).toBeGreaterThanOrEqual(1);
    for (const [step, v] of seen) {
      expect(step % LOSS_READBACK_EVERY).toBe(0);
      expect(step).toBeGreaterThan(n);
      expect(Number.isFinite(v)).toBe(true);
    }
    s.dispose();
  });

  it('holdSteps reaches the particles, also after they are rebuilt', () => {
    const s = new DiffusionSession(smallConfig({ sampling: { phase: 'forward' } }), 3);
    expect(s.particles.holdSteps).toBe(3);
    s.setHoldSteps(1);
    expect(s.particles.holdSteps).toBe(1);
    s.apply(edited(s.config, (c) => (c.data.particles = 2000)));
    expect(s.particles.holdSteps).toBe(1);
    const ts: number[] = [];
    for (let i = 0; i < s.particles.T + 2; i++) {
      s.simulate();
      ts.push(s.particles.t);
    }
    expect(ts.slice(-3)).toEqual([s.particles.T, s.particles.T, 1]);
    s.dispose();
  });
});
