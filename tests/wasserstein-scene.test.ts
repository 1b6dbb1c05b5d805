import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { wassersteinOptionsFromHash } from '../src/app/wasserstein-scene';
import {
  ARROW_COUNT,
  CURVE_THETAS,
  ESTIMATE_POINTS,
  ESTIMATE_THETAS,
  PLANE,
  panelLoss,
  sceneSettingsProblems,
  TICK_MS,
  trainingSide,
  WARMUP_TICKS,
  WassersteinSceneState,
  type ParallelLinesSettings,
} from '../src/models/parallel-lines-scene';

const settings = (over: Partial<ParallelLinesSettings> = {}): ParallelLinesSettings => ({ theta: 1, loss: 'gan-minimax', train: false, seed: 7, ...over });

/** Runs `ticks` ticks of scene time (one advance per tick, as a 30 fps recording does) and waits for the readings. */
async function run(state: WassersteinSceneState, ticks: number): Promise<void> {
  for (let i = 0; i < ticks; i++) {
    state.advance(TICK_MS);
    if (i % 10 === 9) await state.whenIdle();
  }
  await state.whenIdle();
}

describe('the Wasserstein scene state: curves against theta', () => {
  it('plots the closed forms: JS = log 2 and KL = +Infinity off 0, all 0 at 0, W1 = |theta|', () => {
    const state = new WassersteinSceneState(settings());
    const { closed, estimates, current } = state.curves();
    expect(closed).toHaveLength(CURVE_THETAS.length);
    CURVE_THETAS.forEach((theta, i) => {
      expect(closed[i].w1).toBeCloseTo(Math.abs(theta), 12);
      if (theta === 0) expect(closed[i]).toEqual({ js: 0, kl: 0, w1: 0 });
      else {
        expect(closed[i].js).toBe(Math.LN2);
        expect(closed[i].kl).toBe(Number.POSITIVE_INFINITY);
      }
    });
    expect(estimates.every((e) => e === null)).toBe(true);
    expect(current).toBeNull();
    state.dispose();
  });

  it('fills the estimates from samples a few times a scene second: W1 within 3 / sqrt(m) of |theta|, JS near log 2 away from 0, KL large', async () => {
    const state = new WassersteinSceneState(settings({ theta: 0.8 }));
    // 21 grid points, one every other 200 ms slot: 8.4 s of scene time, in 100 ms frames.
    for (let i = 0; i < 86; i++) state.advance(100);
    await state.whenIdle();
    const { estimates, current } = state.curves();
    ESTIMATE_THETAS.forEach((theta, i) => {
      const e = estimates[i];
      expect(e).not.toBeNull();
      expect(e!.w1).toBeGreaterThanOrEqual(Math.abs(theta) - 1e-6);
      expect(e!.w1 - Math.abs(theta)).toBeLessThan(3 / Math.sqrt(ESTIMATE_POINTS));
      if (Math.abs(theta) >= 0.4) {
        expect(Math.abs(e!.js - Math.LN2)).toBeLessThan(0.01);
        expect(e!.kl).toBeGreaterThan(30);
      }
      if (theta === 0) expect(e!.js).toBeLessThan(0.05);
    });
    expect(current?.theta).toBeCloseTo(0.8, 6);
    expect(Math.abs(current!.estimate.w1 - 0.8)).toBeLessThan(3 / Math.sqrt(ESTIMATE_POINTS));
    state.dispose();
  });

  it('refuses bad settings with one message each and a bad theta from the slider', () => {
    expect(sceneSettingsProblems(settings({ theta: 3, seed: Number.NaN }))).toHaveLength(2);
    expect(() => new WassersteinSceneState(settings({ theta: Number.NaN }))).toThrow(RangeError);
    const state = new WassersteinSceneState(settings());
    expect(() => state.setTheta(2.5)).toThrow(RangeError);
    expect(() => state.advance(-1)).toThrow(RangeError);
    state.dispose();
  });
});

describe('the Wasserstein scene state: the two games', () => {
  it('maps the chosen loss to the panels: the discriminator keeps a GAN objective, the critic is WGAN-GP', () => {
    expect(panelLoss('discriminator', 'gan-non-saturating')).toBe('gan-non-saturating');
    expect(panelLoss('discriminator', 'wgan-gp')).toBe('gan-minimax');
    expect(panelLoss('critic', 'gan-minimax')).toBe('wgan-gp');
    expect(trainingSide('wgan-gp')).toBe('critic');
    expect(trainingSide('gan-minimax')).toBe('discriminator');
  });

  it('after training at theta = 1, the GAN gradient on the generated segment has vanished where the critic\'s slope is about 1', async () => {
    const state = new WassersteinSceneState(settings());
    await run(state, 90);
    const d = state.field('discriminator')!;
    const f = state.field('critic')!;
    expect(d.theta).toBeCloseTo(1, 6);
    expect(d.push).toHaveLength(2 * ARROW_COUNT);
    expect(d.values).toHaveLength(PLANE.rows * PLANE.cols);
    expect(d.meanGradient).toBeLessThan(1e-2);
    expect(f.meanGradient).toBeGreaterThan(0.6);
    expect(f.meanGradient).toBeLessThan(1.4);
    // The critic pushes every generated point towards the real line (x decreasing), with about equal force.
    for (let k = 0; k < ARROW_COUNT; k++) expect(f.push[2 * k]).toBeLessThan(-0.4);
    // D is saturated: D ~ 1 on the real line and ~ 0 on the generated one (cells nearest x = 0 and x = 1 at y ~ 0.5).
    const cell = (x: number, y: number): number => {
      const c = Math.floor(((x - PLANE.xMin) / (PLANE.xMax - PLANE.xMin)) * PLANE.cols);
      const r = Math.floor(((y - PLANE.yMin) / (PLANE.yMax - PLANE.yMin)) * PLANE.rows);
      return r * PLANE.cols + c;
    };
    expect(d.values[cell(0, 0.5)]).toBeGreaterThan(0.9);
    expect(d.values[cell(1, 0.5)]).toBeLessThan(0.1);
    // Theta did not train: both panels stay at 1.
    expect(state.theta('discriminator')).toBeCloseTo(1, 6);
    expect(state.theta('critic')).toBeCloseTo(1, 6);
    expect(state.traces().size).toBe(0);
    state.dispose();
  });

  it('trains the shift: theta goes to 0 under WGAN-GP and stays near 1 under the minimax GAN', async () => {
    const thetaAfter = async (loss: ParallelLinesSettings['loss']): Promise<{ theta: number; trace: readonly number[] }> => {
      const state = new WassersteinSceneState(settings({ loss, train: true }));
      await run(state, WARMUP_TICKS + 200);
      const side = trainingSide(loss);
      const out = { theta: state.theta(side), trace: state.traces().get(loss) ?? [] };
      // The other panel's theta stayed where it was set.
      expect(state.theta(side === 'critic' ? 'discriminator' : 'critic')).toBeCloseTo(1, 6);
      state.dispose();
      return out;
    };
    const wgan = await thetaAfter('wgan-gp');
    expect(Math.abs(wgan.theta)).toBeLessThan(0.2);
    expect(wgan.trace.length).toBe(200);
    expect(wgan.trace[0]).toBeLessThan(1);
    const gan = await thetaAfter('gan-minimax');
    expect(gan.theta).toBeGreaterThan(0.95);
    expect(gan.trace.length).toBe(200);
  });

  it('the slider and the animation move both panels; animation stops training; reset starts afresh', async () => {
    const state = new WassersteinSceneState(settings({ train: true, loss: 'wgan-gp' }));
    state.setTheta(-0.5);
    expect(state.theta('critic')).toBe(-0.5);
    state.setAnimating(true);
    expect(state.options.train).toBe(false);
    state.advance(3000); // a quarter period of 12 s: theta = 2 sin(pi / 2) = 2
    expect(state.theta('discriminator')).toBeCloseTo(2, 6);
    state.setPaused(true);
    state.advance(1000);
    expect(state.timeMs).toBe(3000);
    state.setPaused(false);
    state.setLoss('gan-non-saturating');
    expect(state.loss('discriminator')).toBe('gan-non-saturating');
    state.reset(settings());
    expect(state.theta('critic')).toBe(1);
    expect(state.timeMs).toBe(0);
    expect(state.isAnimating).toBe(false);
    await state.whenIdle();
    state.dispose();
  });

  it('leaks no tensor over advance, loss changes and reset; dispose frees everything and is idempotent', async () => {
    const before = tf.memory().numTensors;
    const state = new WassersteinSceneState(settings({ train: true }));
    await run(state, 20);
    const during = tf.memory().numTensors;
    await run(state, 20);
    expect(tf.memory().numTensors).toBe(during);
    state.setLoss('wgan-gp');
    state.setLoss('gan-non-saturating');
    state.reset(settings());
    await run(state, 10);
    state.advance(TICK_MS);
    state.dispose();
    await state.whenIdle();
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the #scene=wasserstein link', () => {
  it('opens the scene with the values it names, keeps defaults for bad ones with one problem each, ignores other hashes', () => {
    expect(wassersteinOptionsFromHash('#model=ddpm', 'dark')).toBeNull();
    expect(wassersteinOptionsFromHash('#scene=wasserstein', 'light')).toEqual({ options: { theta: 1, loss: 'gan-minimax', train: false, seed: 1, theme: 'light' }, problems: [] });
    expect(wassersteinOptionsFromHash('#scene=wasserstein&theta=-1.5&loss=wgan-gp&train=1&seed=9', 'dark')?.options).toEqual({ theta: -1.5, loss: 'wgan-gp', train: true, seed: 9, theme: 'dark' });
    const bad = wassersteinOptionsFromHash('#scene=wasserstein&theta=7&loss=__proto__&train=yes&seed=0.5', 'dark');
    expect(bad?.options).toEqual({ theta: 1, loss: 'gan-minimax', train: false, seed: 1, theme: 'dark' });
    expect(bad?.problems).toHaveLength(4);
    expect(wassersteinOptionsFromHash('#scene=wasserstein&theta=', 'dark')?.problems).toHaveLength(1);
  });
});
