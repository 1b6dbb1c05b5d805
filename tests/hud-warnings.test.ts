/**
 * Issue 16 in the app: the HUD warns when the DDPM chain does not reach noise (alphaBar_T > 0.01) and while
 * training is stopped; the divergence toast says why training stopped in plain words.
 */
import { describe, expect, it } from 'vitest';
import { MODEL_KIND, MODEL_KINDS } from '../src/models/kinds';
import { stopMessage, type DivergenceEvent } from '../src/models/divergence-guard';
import { makeSchedule, type ScheduleSpec } from '../src/models/schedules';
import { divergenceMessage, hudWarnings, TRAINING_STOPPED } from '../src/app/hud-warnings';

const linear = (T: number, betaScaling: ScheduleSpec['betaScaling']): ScheduleSpec => ({ kind: 'linear', T, betaStart: 1e-4, betaEnd: 0.02, betaScaling });

describe('HUD warnings (issue 16.2, 16.3)', () => {
  it('warns for a DDPM whose alphaBar_T is above 0.01, with its value, and only then', () => {
    // Fixed betas at T = 50: alphaBar_T = prod (1 - beta_t) = 0.60 (the number).
    expect(hudWarnings(MODEL_KIND.ddpm, makeSchedule(linear(50, 'fixed')), null)).toEqual(['$x_T$ is not yet noise: $\\bar\\alpha_T = 0.60$']);
    expect(hudWarnings(MODEL_KIND.ddpm, makeSchedule(linear(10, 'fixed')), null)).toEqual(['$x_T$ is not yet noise: $\\bar\\alpha_T = 0.90$']);
    // Scaled by 1000 / T the chain reaches noise at every T; so does Ho et al.'s T = 1000 and the cosine schedule.
    for (const T of [10, 50, 1000]) expect(hudWarnings(MODEL_KIND.ddpm, makeSchedule(linear(T, 'per-1000-steps')), null), `T = ${T}`).toEqual([]);
    expect(hudWarnings(MODEL_KIND.ddpm, makeSchedule(linear(1000, 'fixed')), null)).toEqual([]);
    expect(hudWarnings(MODEL_KIND.ddpm, makeSchedule({ kind: 'cosine', T: 50, betaStart: 1e-4, betaEnd: 0.02 }), null)).toEqual([]);
  });

  it('never warns about the schedule for a model that does not sample the DDPM chain', () => {
    const short = makeSchedule(linear(50, 'fixed'));
    const others = MODEL_KINDS.filter((k) => k !== 'ddpm');
    expect(others).toEqual(['score', 'flow', 'gan', 'wgan', 'wgan-gp']);
    for (const k of others) expect(hudWarnings(MODEL_KIND[k], short, null), k).toEqual([]);
    expect(hudWarnings(MODEL_KIND.ddpm, null, null)).toEqual([]);
  });

  it('says "training stopped" while the session is stopped, after the schedule warning', () => {
    const why = stopMessage(170, 3, 100);
    expect(hudWarnings(MODEL_KIND.gan, null, why)).toEqual([TRAINING_STOPPED]);
    expect(hudWarnings(MODEL_KIND.ddpm, makeSchedule(linear(50, 'fixed')), why)).toEqual(['$x_T$ is not yet noise: $\\bar\\alpha_T = 0.60$', TRAINING_STOPPED]);
    expect(TRAINING_STOPPED).toMatch(/^training stopped/);
  });
});

describe('the divergence toast (issue 16.3)', () => {
  const base: DivergenceEvent = { step: 42, restoredFrom: 30, learningRates: { generatorLearningRate: 5e-4, criticLearningRate: 2.5e-4 }, cause: 'loss', stopped: null };

  it('names the cause, the weights restored and the halved rates while training goes on', () => {
    expect(divergenceMessage(base)).toBe('Training diverged at step 42 (the loss left the finite numbers): back to the weights of step 30, G learning rate 0.00050, D learning rate 0.00025 (halved).');
    expect(divergenceMessage({ ...base, restoredFrom: null, learningRates: { learningRate: 1e-3 }, cause: 'particles' })).toBe(
      'Training diverged at step 42 (the particles were thrown to infinity): back to fresh weights (no good ones were kept yet), learning rate 0.0010 (halved).',
    );
  });

  it('says in plain words that training stopped, and why, after the last failed recovery', () => {
    const stopped = stopMessage(42, 3, 30);
    const text = divergenceMessage({ ...base, stopped });
    expect(text).toBe(stopped);
    expect(text).toMatch(/^Training stopped at step 42: it diverged 3 times in a row .* the weights from step 30 are kept\. .*Change a setting or reset the weights to train again\.$/);
    expect(text).not.toMatch(/halved\)\.$/);
  });
});
