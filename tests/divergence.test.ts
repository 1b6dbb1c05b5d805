/**
 * Divergence (issue 8): a loss that is not finite rolls the weights back to the last good snapshot,
 * restarts the optimizer, halves the learning rate and leaves no NaN among weights or particles.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, type ModelKind, type PlaygroundConfig } from '../src/config/playground-config';
import { allFinite, DIVERGED_LOSS, DivergenceGuard, MAX_FAILED_RECOVERIES, type DivergenceEvent } from '../src/models/divergence-guard';
import { DiffusionSession } from '../src/session/diffusion-session';
import { GanSession } from '../src/session/gan-session';
import { settle, smallConfig as small } from './session-helpers';

const smallConfig = (kind: ModelKind): PlaygroundConfig => small({ model: { kind } });

/** Trains (and simulates) until `done()` or `steps` steps, letting the asynchronous loss readbacks land. */
async function train(s: DiffusionSession | GanSession, steps: number, done: () => boolean = () => false): Promise<void> {
  for (let i = 0; i < steps && !done(); i++) {
    s.trainStep();
    s.simulate();
    await settle();
  }
}

describe('DivergenceGuard', () => {
  it('promotes a snapshot once a later finite loss confirms it, and rolls back to exactly those weights', () => {
    const v: tf.Variable[] = [tf.variable(tf.tensor1d([1, 2, 3])), tf.variable(tf.tensor2d([[4, 5]]))];
    const before = tf.memory().numTensors;
    const guard = new DivergenceGuard(() => v, 10);
    guard.afterStep(5); // not a snapshot step
    guard.afterStep(10);
    expect(guard.observe(10, 0.5)).toBe(true); // a loss of the same step does not confirm it
    expect(guard.goodStep).toBeNull();
    expect(guard.observe(11, 0.5)).toBe(true);
    expect(guard.goodStep).toBe(10);
    tf.tidy(() => {
      v[0].assign(tf.tensor1d([Number.NaN, 0, Infinity]));
      v[1].assign(tf.tensor2d([[7, 8]]));
    });
    guard.afterStep(20); // a poisoned candidate, never confirmed
    expect(guard.observe(21, Number.NaN)).toBe(false);
    expect(guard.rollback(21)).toEqual({ step: 21, restoredFrom: 10, stopped: null });
    expect(Array.from(v[0].dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v[1].dataSync())).toEqual([4, 5]);
    guard.dispose();
    expect(tf.memory().numTensors).toBe(before);
    v.forEach((x) => x.dispose());
  });

  it('treats Infinity and losses past DIVERGED_LOSS as divergence, and has nothing to restore before a confirmation', () => {
    const v = [tf.variable(tf.scalar(1))];
    const guard = new DivergenceGuard(() => v, 1);
    expect(guard.observe(1, Infinity)).toBe(false);
    expect(guard.observe(1, -Infinity)).toBe(false);
    expect(guard.observe(1, DIVERGED_LOSS * 2)).toBe(false);
    expect(guard.observe(1, -3)).toBe(true);
    expect(guard.rollback(2)).toEqual({ step: 2, restoredFrom: null, stopped: null });
    expect(() => new DivergenceGuard(() => v, 0)).toThrow(RangeError);
    guard.dispose();
    v[0].dispose();
  });

  it('allFinite sees a single NaN or Infinity', async () => {
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const b = tf.tensor1d([0, Infinity]);
    expect(await allFinite([a])).toBe(true);
    expect(await allFinite([a, b])).toBe(false);
    tf.dispose([a, b]);
  });
});

describe('a session survives divergence', () => {
  it('DDPM: weights blown up to NaN are rolled back, the learning rate halved, and training goes on with finite particles', async () => {
    const s = new DiffusionSession(smallConfig('ddpm'));
    const events: DivergenceEvent[] = [];
    s.onDivergence = (e) => events.push(e);
    await train(s, 120); // past a confirmed snapshot (every 50 steps)
    const lr = s.config.model.learningRate;
    // A loss that explodes: every weight becomes NaN, and so does every particle the net moves.
    s.net.variables.forEach((v) => v.assign(tf.fill(v.shape, Number.NaN)));
    await train(s, 40, () => events.length > 0);
    await settle();
    expect(events).toHaveLength(1);
    expect(events[0].restoredFrom).toBe(100);
    expect(events[0].learningRates.learningRate).toBeCloseTo(lr / 2, 12);
    expect(s.config.model.learningRate).toBeCloseTo(lr / 2, 12);
    expect(s.trainer.training.learningRate).toBeCloseTo(lr / 2, 12);
    expect(await allFinite(s.net.variables)).toBe(true);
    await train(s, 60);
    expect(Number.isFinite(s.loss)).toBe(true);
    expect(await allFinite([s.particles.current])).toBe(true);
    expect(events).toHaveLength(1);
    s.dispose();
  });

  it('DDPM at a learning rate of 10 never leaves a NaN cloud, and the halving stays within the GUI range', async () => {
    // Unclipped x_0: with the data-box clip (the default, issue 16) such a network cannot throw particles to Infinity.
    const s = new DiffusionSession(small({ model: { kind: 'ddpm' }, sampling: { clipX0: false } }));
    s.trainer.setTraining({ ...s.config.model, learningRate: 10 });
    const events: DivergenceEvent[] = [];
    s.onDivergence = (e) => events.push(e);
    await train(s, 200);
    expect(await allFinite(s.net.variables)).toBe(true);
    expect(await allFinite([s.particles.current])).toBe(true);
    // Adam keeps these weights finite, but they throw particles to Infinity: caught and rolled back.
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].cause).toBe('particles');
    for (const e of events) expect(e.learningRates.learningRate).toBeLessThanOrEqual(CONFIG_SCHEMA.model.learningRate.max);
    expect(s.trainer.training.learningRate).toBeLessThanOrEqual(CONFIG_SCHEMA.model.learningRate.max);
    s.dispose();
  });

  it('GAN: a critic gone to Infinity before any good snapshot gets fresh networks at half the learning rates', async () => {
    const s = new GanSession(smallConfig('gan'));
    const events: DivergenceEvent[] = [];
    s.onDivergence = (e) => events.push(e);
    const { generatorLearningRate: g, criticLearningRate: d } = s.config.gan;
    s.gan.critic.variables.forEach((v) => v.assign(tf.fill(v.shape, Infinity)));
    await train(s, 30, () => events.length > 0);
    await settle();
    expect(events).toHaveLength(1);
    expect(events[0].restoredFrom).toBeNull();
    expect(s.config.gan.generatorLearningRate).toBeCloseTo(g / 2, 12);
    expect(s.config.gan.criticLearningRate).toBeCloseTo(d / 2, 12);
    expect(s.trainer.training.criticLearningRate).toBeCloseTo(d / 2, 12);
    expect(await allFinite([...s.gan.critic.variables, ...s.gan.generator.variables])).toBe(true);
    await train(s, 20);
    expect(await allFinite([s.particles.current])).toBe(true);
    s.dispose();
  });

  it('rolling back and recovering leaks no tensors', async () => {
    const s = new DiffusionSession(smallConfig('flow'));
    await train(s, 110);
    const base = tf.memory().numTensors;
    s.recoverFromDivergence(111);
    await settle();
    await train(s, 10);
    await settle();
    // Adam's moments come back after the first step of the restarted optimizer, so the count is as before.
    expect(tf.memory().numTensors).toBe(base);
    s.dispose();
  });

  it('stops after MAX_FAILED_RECOVERIES rollbacks with no finite loss between them, and says why; a finite loss or resume() starts the count again', () => {
    const v = [tf.variable(tf.tensor1d([1, 2]))];
    const before = tf.memory().numTensors;
    const guard = new DivergenceGuard(() => v, 10);
    guard.afterStep(10);
    expect(guard.observe(11, 0.3)).toBe(true);
    expect(MAX_FAILED_RECOVERIES).toBe(3);
    // Two failures, a finite loss, then three in a row: only the third of those stops.
    for (const step of [12, 13]) expect(guard.rollback(step).stopped).toBeNull();
    expect(guard.observe(14, 0.2)).toBe(true);
    expect(guard.rollback(15).stopped).toBeNull();
    expect(guard.rollback(16).stopped).toBeNull();
    expect(guard.stopped).toBeNull();
    const last = guard.rollback(17);
    expect(last.restoredFrom).toBe(10);
    expect(last.stopped).toBe(
      'Training stopped at step 17: it diverged 3 times in a row (numbers that are not finite), even after going back to good weights and halving the learning rate; ' +
        'the weights from step 10 are kept. A device whose GPU cannot compute in float32 does this on every step: try another backend. Change a setting or reset the weights to train again.',
    );
    expect(guard.stopped).toBe(last.stopped);
    // reset() (a re-initialisation) keeps the record; resume() forgets it.
    guard.reset();
    expect(guard.stopped).not.toBeNull();
    guard.resume();
    expect(guard.stopped).toBeNull();
    expect(guard.rollback(18).stopped).toBeNull();
    expect(() => new DivergenceGuard(() => v, 10, 0)).toThrow(RangeError);
    guard.dispose();
    expect(tf.memory().numTensors).toBe(before);
    v[0].dispose();
  });

  for (const kind of ['ddpm', 'gan'] as const) {
    it(`${kind}: a NaN on every step stops training after ${MAX_FAILED_RECOVERIES} failed recoveries, with the last good weights kept (before: endless rollbacks)`, async () => {
      const s = kind === 'ddpm' ? new DiffusionSession(smallConfig('ddpm')) : new GanSession(smallConfig('gan'));
      const variables = (): tf.Variable[] => (s instanceof DiffusionSession ? s.net.variables : [...s.gan.generator.variables, ...s.gan.critic.variables]);
      const events: DivergenceEvent[] = [];
      s.onDivergence = (e) => events.push(e);
      await train(s, 120); // a good snapshot at step 100
      expect(events).toHaveLength(0);
      // What a device without float32 render targets gives: every step's weights are NaN.
      for (let i = 0; i < 400 && !events.some((e) => e.stopped !== null); i++) {
        s.trainStep();
        variables().forEach((v) => v.assign(tf.fill(v.shape, Number.NaN)));
        await settle();
      }
      await train(s, 100); // nothing more happens once stopped
      expect(events).toHaveLength(MAX_FAILED_RECOVERIES);
      expect(events.slice(0, -1).every((e) => e.stopped === null)).toBe(true);
      const last = events[MAX_FAILED_RECOVERIES - 1];
      expect(last.restoredFrom).toBe(100);
      expect(last.stopped).toMatch(/^Training stopped at step \d+: it diverged 3 times in a row .* the weights from step 100 are kept\./);
      expect(s.trainingStopped).toBe(last.stopped);
      expect(await allFinite(variables())).toBe(true);
      const steps = s instanceof DiffusionSession ? s.trainSteps : s.trainer.generatorSteps;
      s.trainStep();
      expect(s instanceof DiffusionSession ? s.trainSteps : s.trainer.generatorSteps).toBe(steps);
      s.dispose();
    });
  }

  it('a NaN on every step from the start (no good weights ever) also stops, with fresh weights, and a setting change trains again', async () => {
    const s = new DiffusionSession(smallConfig('ddpm'));
    const events: DivergenceEvent[] = [];
    s.onDivergence = (e) => events.push(e);
    for (let i = 0; i < 300 && !events.some((e) => e.stopped !== null); i++) {
      s.trainStep();
      s.net.variables.forEach((v) => v.assign(tf.fill(v.shape, Number.NaN)));
      await settle();
    }
    await train(s, 100);
    expect(events).toHaveLength(MAX_FAILED_RECOVERIES);
    expect(events.every((e) => e.restoredFrom === null)).toBe(true);
    expect(events[2].stopped).toMatch(/fresh weights are kept/);
    expect(s.trainingStopped).toBe(events[2].stopped);
    expect(await allFinite(s.net.variables)).toBe(true);
    const steps = s.trainSteps;
    s.trainStep();
    expect(s.trainSteps).toBe(steps);
    const next = { ...s.config, model: { ...s.config.model, learningRate: s.config.model.learningRate / 2 } };
    s.apply(next);
    expect(s.trainingStopped).toBeNull();
    s.trainStep();
    expect(s.trainSteps).toBe(steps + 1);
    s.dispose();
  });
});
