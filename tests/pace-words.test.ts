import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PassPacer } from '../src/app/pass-pacer';
import { defaultConfig } from '../src/config/playground-config';
import { configFromHash } from '../src/config/url-hash';
import { validateConfig } from '../src/config/validate-config';
import { GameLoop, ManualClock } from '../src/loop';
import { DiffusionSession } from '../src/session/diffusion-session';
import { paceText } from '../src/ui/caption-text';
import { settle, smallConfig } from './session-helpers';

describe('the pace in words (issue 14)', () => {
  const base = { sampler: 'ancestral', secondsPerPass: 4, mode: 'fit' as const, allSeconds: Number.NaN };
  it('says how much of the pass the sampler takes, and why', () => {
    expect(paceText({ ...base, fit: { used: 100, full: 1000, unit: 'steps' } })).toBe('ancestral, 100 of 1000 steps (every 10th) to hold 4 s per pass');
    expect(paceText({ ...base, fit: { used: 300, full: 1000, unit: 'steps' } })).toBe('ancestral, 300 of 1000 steps (about every 3rd) to hold 4 s per pass');
    expect(paceText({ ...base, sampler: 'PF-ODE Heun', fit: { used: 19, full: 39, unit: 'NFE' } })).toBe('PF-ODE Heun, 19 of 39 NFE to hold 4 s per pass');
    expect(paceText({ ...base, sampler: 'annealed Langevin', fit: { used: 3, full: 10, unit: 'steps per level' } })).toBe('annealed Langevin, 3 of 10 steps per level to hold 4 s per pass');
    expect(paceText({ ...base, fit: { used: 1000, full: 1000, unit: 'steps' } })).toBe('ancestral, all 1000 steps in 4 s per pass');
    expect(paceText({ ...base, sampler: '', secondsPerPass: 12.34, fit: { used: 250, full: 1000, unit: 'steps' } })).toBe('250 of 1000 steps (every 4th) to hold 12 s per pass');
  });

  it("with 'all' on a slow machine says how long a pass takes there", () => {
    expect(paceText({ ...base, mode: 'all', allSeconds: 21.3, fit: { used: 1000, full: 1000, unit: 'steps' } })).toBe('ancestral, all 1000 steps: about 21 s per pass on this machine');
    expect(paceText({ ...base, mode: 'all', allSeconds: 4.2, fit: { used: 1000, full: 1000, unit: 'steps' } })).toBe('ancestral, all 1000 steps in 4 s per pass');
  });
});

describe('old links, presets and decks with steps per second', () => {
  it('convert sampling.stepsPerSecond to seconds per pass (T / steps per second), with a message', () => {
    const link = configFromHash('#sampling.stepsPerSecond=250');
    expect(link.config.sampling.secondsPerPass).toBe(4);
    expect(link.problems).toEqual(['sampling.stepsPerSecond 250 is now a pace in seconds: T = 1000 steps at 250 a second is sampling.secondsPerPass 4']);
    expect(configFromHash('#schedule.T=200&sampling.stepsPerSecond=60').config.sampling.secondsPerPass).toBe(3.3);
    // Clamped to the new range; the new setting wins where both are given; a bad value is dropped.
    expect(validateConfig({ sampling: { stepsPerSecond: 2 } }).config.sampling.secondsPerPass).toBe(60);
    expect(validateConfig({ sampling: { stepsPerSecond: 100, secondsPerPass: 7 } }).config.sampling.secondsPerPass).toBe(7);
    const bad = validateConfig({ sampling: { stepsPerSecond: 'fast' } });
    expect(bad.config.sampling.secondsPerPass).toBe(defaultConfig().sampling.secondsPerPass);
    expect(bad.problems).toHaveLength(1);
  });
});

describe('the session refits its passes only between passes', () => {
  it('takes a new number of evaluations at the next end of a pass, and says so once', async () => {
    const s = new DiffusionSession(smallConfig({ sampling: { phase: 'loop' } }));
    let changes = 0;
    s.fitting.onPassChange = () => changes++;
    expect(s.pass).toEqual({ steps: 50, nfe: 50 });
    s.simulate(); // t = 1: mid-pass
    const before = tf.memory().numTensors;
    s.fitting.request(10);
    expect(s.pass.steps).toBe(50);
    while (s.particles.t < 50) s.simulate();
    expect(changes).toBe(0);
    s.simulate(); // at the noise end the new grid is taken, and the turn takes its first jump
    expect(s.particles.t).toBe(45);
    expect(s.pass).toEqual({ steps: 10, nfe: 10 });
    expect(s.fitting.fit).toEqual({ used: 10, full: 50, unit: 'steps' });
    expect(s.fitting.full).toEqual({ steps: 50, nfe: 50 });
    expect(changes).toBe(1);
    let n = 0;
    while (s.particles.t > 0 && n < 100) (s.simulate(), n++);
    expect(n).toBe(9);
    await settle(); // the pass's straightness is read back and released
    expect(tf.memory().numTensors).toBe(before);
    s.dispose();
  });

  it('the pacer sets the loop to the pass steps over the seconds asked', () => {
    const config = smallConfig({ sampling: { secondsPerPass: 2 } });
    const s = new DiffusionSession(config);
    const loop = new GameLoop({ simulate: () => s.simulate(), trainStep: () => false, render: () => undefined }, { clock: new ManualClock(), stepsPerSecond: 60, trainBudgetMs: 0 });
    const pacer = new PassPacer(loop, config, () => s);
    pacer.apply();
    // Before a measurement the fit starts from its first guess (100), above T = 50: the whole pass.
    expect(loop.stepsPerSecond).toBe(25);
    config.sampling.passSteps = 'all';
    config.sampling.secondsPerPass = 5;
    pacer.apply();
    expect(loop.stepsPerSecond).toBe(10);
    loop.dispose();
    s.dispose();
  });
});
