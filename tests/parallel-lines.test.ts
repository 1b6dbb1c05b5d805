/**
 * The parallel-lines scene (Arjovsky et al. 2017, Example 1; seed §3.4-3.5): closed forms, their
 * estimates from samples, and the games of a learned shift (vanishing GAN gradient, constant critic slope).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { wasserstein1 } from '../src/models/metrics';
import { createRng } from '../src/models/random';
import {
  estimateLineDivergences,
  lineDivergenceCurves,
  jsParallelLines,
  klParallelLines,
  parallelLineDivergences,
  sampledLineW1,
  sampleSegment,
  smoothedLineDivergences,
  w1ParallelLines,
} from '../src/models/parallel-lines';
import { defaultShiftGame, ShiftGame, shiftGameProblems, type ShiftGameLoss } from '../src/models/parallel-lines-game';

const heights = (p: Float32Array): Float32Array => p.filter((_, i) => i % 2 === 1);

describe('closed forms (Arjovsky et al. 2017, Example 1)', () => {
  it('JS = log 2 and KL = +Infinity for every theta != 0, both 0 at theta = 0; W1 = |theta|', () => {
    for (const theta of [1e-6, -1e-3, 0.1, -0.5, 1, 3]) {
      expect(jsParallelLines(theta)).toBe(Math.LN2);
      expect(klParallelLines(theta)).toBe(Number.POSITIVE_INFINITY);
      expect(w1ParallelLines(theta)).toBe(Math.abs(theta));
    }
    expect(parallelLineDivergences(0)).toEqual({ js: 0, kl: 0, w1: 0 });
    expect(() => w1ParallelLines(Number.NaN)).toThrow(RangeError);
  });

  it('the smoothed divergences: KL = r^2 / 2, JS rises from 0 to log 2 with r = |theta| / h', () => {
    expect(smoothedLineDivergences(0.5, 0.1).kl).toBeCloseTo(12.5, 12);
    expect(smoothedLineDivergences(0, 0.1).js).toBeLessThan(1e-9);
    // JS(N(0, 1) || N(r, 1)) by scipy.integrate.quad of the definition (not the z-substitution used here):
    // 0.1114214822 at r = 1, log 2 - 0.0038492475 at r = 6; r^2 / 8 as r -> 0.
    expect(smoothedLineDivergences(0.1, 0.1).js).toBeCloseTo(0.1114214822, 8);
    expect(smoothedLineDivergences(0.6, 0.1).js).toBeCloseTo(Math.LN2 - 0.0038492475, 8);
    expect(smoothedLineDivergences(0.001, 0.1).js / (0.01 ** 2 / 8)).toBeCloseTo(1, 2);
    expect(Math.abs(smoothedLineDivergences(1, 1).js - smoothedLineDivergences(-1, 1).js)).toBe(0);
    expect(Math.LN2 - smoothedLineDivergences(0.8, 0.1).js).toBeLessThan(1e-4);
    let previous = 0;
    for (const r of [0.5, 1, 2, 4, 8]) {
      const js = smoothedLineDivergences(r, 1).js;
      expect(js).toBeGreaterThan(previous);
      expect(js).toBeLessThanOrEqual(Math.LN2);
      previous = js;
    }
  });
});

describe('estimates from samples', () => {
  it('W1 from the sorted coupling equals the Munkres assignment and |theta| within 3 / sqrt(m)', () => {
    const rng = createRng(11);
    const m = 200;
    for (const theta of [0.05, 0.3, -1, 2]) {
      const real = sampleSegment(rng, m, 0);
      const fake = sampleSegment(rng, m, theta);
      const sorted = sampledLineW1(heights(real), heights(fake), theta);
      expect(sorted).toBeCloseTo(wasserstein1(real, fake, 2, undefined, m), 5);
      // W1 >= |theta| always; the excess is at most the 1D W1 of the heights, mean below 0.79 / sqrt(m).
      expect(sorted).toBeGreaterThanOrEqual(Math.abs(theta) - 1e-6);
      expect(sorted - Math.abs(theta)).toBeLessThan(3 / Math.sqrt(m));
    }
  });

  it('JS from KDEs is log 2 once h is well below theta; KL follows theta^2 / (2 h^2) and grows without bound as h shrinks', async () => {
    const rng = createRng(12);
    const m = 400;
    const real = sampleSegment(rng, m, 0);
    const fake = sampleSegment(rng, m, 0.5);
    const before = tf.memory().numTensors;
    let previousKl = 0;
    for (const h of [0.08, 0.04, 0.02]) {
      const { js, kl } = await estimateLineDivergences(real, fake, h);
      const smoothed = smoothedLineDivergences(0.5, h);
      expect(Math.abs(js - Math.LN2), `h = ${h}`).toBeLessThan(0.01);
      expect(Math.abs(js - smoothed.js)).toBeLessThan(0.01);
      expect(Math.abs(kl / smoothed.kl - 1), `h = ${h}: ${kl} vs ${smoothed.kl}`).toBeLessThan(0.05);
      expect(kl).toBeGreaterThan(2 * previousKl);
      previousKl = kl;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('at theta = 0 the estimates are near 0 (two samples of one segment)', async () => {
    const rng = createRng(13);
    const { js, kl } = await estimateLineDivergences(sampleSegment(rng, 300, 0), sampleSegment(rng, 300, 0), 0.05);
    expect(Math.abs(js)).toBeLessThan(0.05);
    expect(Math.abs(kl)).toBeLessThan(0.2);
  });
});

describe('curves against theta', () => {
  it('closed forms and estimates on a theta grid: W1 within 3 / sqrt(m) of |theta|, JS near log 2 away from 0, KL rising with theta', async () => {
    const m = 200;
    const curves = await lineDivergenceCurves(createRng(14), [0, 0.25, 0.5, -1], m, 0.04);
    expect(curves.map((c) => c.theta)).toEqual([0, 0.25, 0.5, -1]);
    for (const c of curves) {
      expect(c.closedForm.w1).toBe(Math.abs(c.theta));
      expect(Math.abs(c.estimate.w1 - Math.abs(c.theta))).toBeLessThan(3 / Math.sqrt(m));
    }
    expect(curves[0].closedForm.js).toBe(0);
    expect(Math.abs(curves[0].estimate.js)).toBeLessThan(0.05);
    for (const c of curves.slice(1)) {
      expect(c.closedForm.kl).toBe(Number.POSITIVE_INFINITY);
      expect(Math.abs(c.estimate.js - Math.LN2)).toBeLessThan(0.01);
    }
    expect(curves[2].estimate.kl).toBeGreaterThan(3 * curves[1].estimate.kl);
    expect(curves[3].estimate.kl).toBeGreaterThan(3 * curves[2].estimate.kl);
  });
});

describe('the learned shift under each game', () => {
  const play = async (loss: ShiftGameLoss, steps: number) => {
    const game = new ShiftGame(defaultShiftGame(loss), createRng(3));
    const readings = [];
    for (let i = 0; i < steps; i++) readings.push(await game.step());
    return { game, readings };
  };

  it('the minimax GAN: once D separates the lines its gradient on the generated segment vanishes and theta stays near 1', async () => {
    const { game, readings } = await play('gan-minimax', 50);
    const last = readings[readings.length - 1];
    expect(last.meanPointGradient).toBeLessThan(1e-2);
    expect(Math.abs(last.thetaGradient)).toBeLessThan(1e-2);
    expect(last.theta).toBeGreaterThan(0.99);
    // D(x_g) is saturated at 0 on the generated segment, at 1 on the real one.
    const probe = tf.tensor2d([0, 0.5, last.theta, 0.5], [2, 2]);
    const d = await game.criticValues(probe).data();
    expect(d[0]).toBeGreaterThan(0.99);
    expect(d[1]).toBeLessThan(0.01);
    probe.dispose();
    game.dispose();
  });

  it('the WGAN-GP critic: slope about 1 on the generated segment, and theta reaches 0', async () => {
    const { game, readings } = await play('wgan-gp', 50);
    for (const r of readings.filter((r) => r.theta > 0.3)) {
      expect(r.meanPointGradient).toBeGreaterThan(0.3);
      expect(Math.abs(r.thetaGradient - 1)).toBeLessThan(0.25);
    }
    expect(Math.abs(readings[readings.length - 1].theta)).toBeLessThan(0.2);
    // Along the lines the critic is flat: the gradient points across them.
    const x = tf.tensor2d([0.6, 0.1, 0.6, 0.5, 0.6, 0.9], [3, 2]);
    const g = await game.critic.inputGradient(x).array();
    for (const [gx, gy] of g) expect(Math.abs(gy)).toBeLessThan(0.3 * Math.abs(gx));
    x.dispose();
    game.dispose();
  });

  it('the non-saturating GAN also moves theta, with a first push several times the critic\'s', async () => {
    const { game, readings } = await play('gan-non-saturating', 20);
    expect(readings[0].meanPointGradient).toBeGreaterThan(5);
    expect(Math.abs(readings[readings.length - 1].theta)).toBeLessThan(0.2);
    game.dispose();
  });

  it('a step leaks no tensor; dispose frees everything; estimates come with the step when asked', async () => {
    const game = new ShiftGame({ ...defaultShiftGame('wgan-gp'), warmupCriticSteps: 0, estimatePoints: 64, bandwidth: 0.05 }, createRng(4));
    const first = await game.step();
    expect(first.estimates).not.toBeNull();
    expect(first.estimates!.w1).toBeGreaterThanOrEqual(Math.abs(first.theta) - 1e-6);
    expect(first.closedForm.w1).toBe(Math.abs(first.theta));
    const before = tf.memory().numTensors;
    await game.step();
    await game.step();
    expect(tf.memory().numTensors).toBe(before);
    game.dispose();
    game.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it('with trainShift off only D / f trains: theta stays where it is set, D saturates, the critic keeps slope about 1', async () => {
    for (const [loss, check] of [
      // D: push gone, L(G, D) -> 2 log 2 - log 4 = 0 (seed §3.3). Critic: slope ~ 1, E_r f - E_g f ~ W1 = 0.5.
      ['gan-minimax', (g: number, value: number) => (expect(g).toBeLessThan(1e-2), expect(value).toBeGreaterThan(-0.02))],
      ['wgan-gp', (g: number, value: number) => (expect(Math.abs(g - 1)).toBeLessThan(0.2), expect(Math.abs(value - 0.5)).toBeLessThan(0.1))],
    ] as const) {
      const game = new ShiftGame({ ...defaultShiftGame(loss), trainShift: false, theta0: 0.5 }, createRng(5));
      let r = await game.step();
      for (let i = 0; i < 20; i++) r = await game.step();
      expect(r.theta).toBe(Math.fround(0.5));
      check(r.meanPointGradient, r.value);
      game.setTheta(-0.75);
      r = await game.step();
      expect(r.theta).toBe(-0.75);
      expect(() => game.setTheta(Number.NaN)).toThrow(RangeError);
      game.dispose();
    }
  });

  it('refuses invalid settings with one message each', () => {
    const bad = { ...defaultShiftGame('gan-minimax'), theta0: Number.NaN, batchSize: 1, criticSteps: 0.5 };
    expect(shiftGameProblems(bad)).toHaveLength(3);
    expect(() => new ShiftGame(bad, createRng(1))).toThrow(/theta0.*batchSize|batchSize/);
    expect(shiftGameProblems(defaultShiftGame('wgan-gp'))).toEqual([]);
  });
});
