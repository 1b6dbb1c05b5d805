import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type PlaygroundConfig } from '../src/config/playground-config';
import { sampleDataset } from '../src/data/datasets';
import { energyDistance } from '../src/models/metrics';
import { createRng } from '../src/models/random';
import { DiffusionSession } from '../src/session/diffusion-session';
import { GanSession } from '../src/session/gan-session';

/** A small GAN scene on 8 Gaussians with the given edits. */
function small(edit: (c: PlaygroundConfig) => void = () => undefined): PlaygroundConfig {
  const c = defaultConfig();
  c.model.kind = 'gan';
  c.data.dataset = 'gaussians-8';
  c.data.particles = 1000;
  c.model.width = 32;
  c.model.depth = 2;
  c.model.batchSize = 128;
  edit(c);
  return c;
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('GAN session', () => {
  it('particles are G(z) for fixed z, move as G trains, and come closer to the data (WGAN-GP)', async () => {
    const s = new GanSession(small((c) => (c.model.kind = 'wgan-gp')));
    const reference = sampleDataset('gaussians-8', 1000, createRng(3)).points;
    const before = energyDistance(s.particles.current.dataSync() as Float32Array, reference, 2);
    const v = s.particles.version;
    s.simulate();
    expect(s.particles.version).toBe(v); // nothing changed: no update
    for (let i = 0; i < 300; i++) s.trainStep();
    s.simulate();
    expect(s.particles.version).toBe(v + 1);
    const after = energyDistance(s.particles.current.dataSync() as Float32Array, reference, 2);
    console.log(`GAN session (WGAN-GP, 300 steps): energy distance ${before.toFixed(4)} -> ${after.toFixed(4)}`);
    expect(after).toBeLessThan(0.5 * before);
    await settle();
    expect(Number.isFinite(s.losses.critic)).toBe(true);
    s.dispose();
  });

  it('switching game keeps the networks (a new critic for weight clipping); a width change rebuilds them; the views are finite and in range', async () => {
    const s = new GanSession(small());
    for (let i = 0; i < 5; i++) s.trainStep();
    const first = s.gan;
    const gp = structuredClone(s.config);
    gp.model.kind = 'wgan-gp';
    expect(s.apply(gp)).toBe('training');
    expect(s.gan).toBe(first);
    expect(s.trainer.training.loss).toBe('wgan-gp');
    const wgan = structuredClone(s.config);
    wgan.model.kind = 'wgan';
    // The clipped critic reads its weights through fixed gains (models/gan.clippedCriticGains): rebuilt.
    expect(s.apply(wgan)).toBe('model');
    expect(s.gan.critic.gains).toBeDefined();
    const gan = s.gan;
    expect(s.trainer.training.loss).toBe('wgan');
    expect(s.trainer.training.criticSteps).toBe(5);
    s.trainStep();
    // Weight clipping holds in the live scene.
    const maxWeight = Math.max(...s.gan.critic.variables.map((v) => tf.tidy(() => tf.max(tf.abs(v)).dataSync()[0])));
    expect(maxWeight).toBeLessThanOrEqual(0.01 + 1e-7);
    const wider = structuredClone(s.config);
    wider.model.width = 48;
    expect(s.apply(wider)).toBe('model');
    expect(s.gan).not.toBe(gan);

    const back = structuredClone(s.config);
    back.model.kind = 'gan';
    s.apply(back);
    for (let i = 0; i < 20; i++) s.trainStep();
    s.simulate();
    const land = await s.landscape(16, 3, false);
    expect(land?.values.length).toBe(256);
    expect(land?.values.every((x) => x > 0 && x < 1)).toBe(true); // D(x) is a probability
    const optimal = await s.landscape(16, 3, true);
    // D* in [0, 1] where either density has support, NaN (masked) where both are negligible.
    expect(optimal?.values.every((x) => Number.isNaN(x) || (x >= 0 && x <= 1))).toBe(true);
    expect(optimal?.values.filter((x) => !Number.isNaN(x)).length).toBeGreaterThan(64);
    const h = s.heights();
    expect(h.shape).toEqual([1000]);
    // The manifold, arrows and data ride the surface by the same rule: heightsAt(G(z)) = heights().
    const particles = await s.sampleReadback(1000);
    const at = await s.heightsAt(particles);
    const hv = h.dataSync();
    expect(at.length).toBe(1000);
    at.forEach((v, i) => expect(v).toBeCloseTo(hv[i], 5));
    await s.landscape(16, 3, false);
    const onData = await s.heightsAt(s.reference.points);
    // Normalised by the landscape's range on [-3, 3]^2: the data (inside it) lies within [0, 1] up to rounding.
    expect(onData.length).toBe(s.reference.count);
    expect(onData.every((v) => v > -0.05 && v < 1.05)).toBe(true);
    h.dispose();
    const m = await s.manifold(8);
    expect(m.length).toBe(64 * 2);
    expect(m.every(Number.isFinite)).toBe(true);
    const arrows = await s.pushArrows(50);
    expect(arrows.points.length).toBe(100);
    expect(arrows.vectors.every(Number.isFinite)).toBe(true);
    const th = await s.theory();
    // L(G, D*) = 2 JS - log 4 (seed §3.3) on the same KDE estimates, and both in [-log 4, 0] up to noise.
    expect(Math.abs(th.optimalValue - th.jsForm)).toBeLessThan(0.05);
    expect(th.optimalValue).toBeGreaterThan(-Math.log(4) - 0.05);
    expect(th.optimalValue).toBeLessThan(0.05);
    expect(th.exactW1).toBeGreaterThan(0);
    expect(Number.isFinite(th.learnedValue)).toBe(true);
    s.dispose();
  });

  it('leaks no tensors over training, simulation, views, every kind of apply, reset and dispose', async () => {
    await settle();
    const start = tf.memory().numTensors;
    const s = new GanSession(small());
    const warm = async (): Promise<void> => {
      s.trainStep();
      s.simulate();
      await settle();
    };
    await warm();
    const base = tf.memory().numTensors;
    for (let i = 0; i < 25; i++) s.trainStep();
    s.simulate();
    await s.landscape(8, 3, false);
    await s.landscape(8, 3, true);
    s.heights().dispose();
    await s.manifold(4);
    await s.pushArrows(10);
    await s.theory();
    await settle();
    expect(tf.memory().numTensors, 'steps and views').toBe(base);
    const edits: ((c: PlaygroundConfig) => void)[] = [
      (c) => (c.model.kind = 'wgan-gp'),
      (c) => (c.gan.generatorLearningRate = 2e-3),
      (c) => (c.view.trails = 8),
      (c) => (c.view.trails = 0),
      (c) => (c.data.particles = 2000),
      (c) => (c.data.particles = 1000),
      (c) => (c.gan.latentDim = 3),
      (c) => (c.gan.latentDim = 2),
      (c) => (c.data.dataset = 'two-moons'),
      (c) => {
        c.data.dataset = 'gaussians-8';
        c.model.kind = 'gan';
      },
    ];
    for (const edit of edits) {
      const next = structuredClone(s.config);
      edit(next);
      s.apply(next);
      await warm();
    }
    s.resetWeights();
    s.restartParticles();
    await warm();
    expect(tf.memory().numTensors, 'after applies').toBe(base);
    s.dispose();
    await settle();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('switching between model families (what the app does when model.kind crosses families)', () => {
  it('diffusion -> GAN -> WGAN-GP -> flow -> DDPM leaves no tensor behind', async () => {
    await settle();
    const start = tf.memory().numTensors;
    let session: DiffusionSession | GanSession = new DiffusionSession(small((c) => (c.model.kind = 'ddpm')));
    for (const kind of ['gan', 'wgan-gp', 'flow', 'ddpm'] as const) {
      for (let i = 0; i < 3; i++) {
        session.trainStep();
        session.simulate();
      }
      const next = small((c) => (c.model.kind = kind));
      const built: DiffusionSession | GanSession = kind === 'gan' || kind === 'wgan-gp' ? new GanSession(next) : new DiffusionSession(next);
      session.dispose();
      session = built;
      await settle();
    }
    session.dispose();
    await settle();
    expect(tf.memory().numTensors).toBe(start);
  });
});
