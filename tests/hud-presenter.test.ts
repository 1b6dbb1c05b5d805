/**
 * The HUD state the presenter fills from a live session (issue 16 in the app): the "x_T is not yet noise"
 * warning for a DDPM whose chain does not reach noise, and "training stopped" while the divergence guard
 * has stopped training, until a change resumes it.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { HudPresenter, WORKER_TRAINING_WORDS, type HudSources } from '../src/app/hud-presenter';
import { TRAINING_STOPPED } from '../src/app/hud-warnings';
import type { PlaygroundConfig } from '../src/config/playground-config';
import type { DivergenceEvent } from '../src/models/divergence-guard';
import { DiffusionSession } from '../src/session/diffusion-session';
import { GanSession } from '../src/session/gan-session';
import type { Hud, HudState } from '../src/ui/hud';
import { settle, smallConfig } from './session-helpers';

/** A presenter on `session` with stand-ins for the parts that draw; returns the state of one update. */
/** A presenter over `session` with stand-ins for the loop, stage and backend; `onUpdate` receives what the HUD is given. */
function presenter(session: DiffusionSession | GanSession, config: PlaygroundConfig = session.config, onUpdate: (s: HudState) => void = () => undefined, training?: HudSources['training']): HudPresenter {
  const hud = { update: onUpdate } as unknown as Hud;
  const stats = { fps: 60, frameMs: 16, trainStepsPerSecond: 10, simStepsPerSecond: 30 };
  const sources = {
    scene: { config, session },
    loop: { stats },
    stage: { backendName: 'WebGL2' },
    view: { positions: { mode: 'readback' } },
    choice: { short: 'wasm', failedNames: [], software: false, skipped: [], reason: 'test' },
    presentation: { active: false, caption: false },
    charts: { refresh: () => undefined },
    training,
  } as unknown as HudSources;
  return new HudPresenter(hud, sources);
}

/** What one update gives the HUD. */
function fill(session: DiffusionSession | GanSession, config: PlaygroundConfig = session.config): HudState {
  let state: HudState | null = null;
  presenter(session, config, (s) => (state = s)).update();
  if (state === null) throw new Error('the HUD was not updated');
  return state;
}

describe('the HUD presenter fills the warnings (issue 16.2, 16.3)', () => {
  it('a DDPM with fixed betas at T = 50 warns with alphaBar_T; scaled by 1000 / T, or another model, it does not', () => {
    const short = new DiffusionSession(smallConfig({ schedule: { T: 50, betaScaling: 'fixed' } }));
    expect(fill(short)).toMatchObject({ warnings: ['$x_T$ is not yet noise: $\\bar\\alpha_T = 0.60$'], warningDetail: '' });
    short.dispose();
    const scaled = new DiffusionSession(smallConfig({ schedule: { T: 50, betaScaling: 'per-1000-steps' } }));
    expect(fill(scaled).warnings).toEqual([]);
    scaled.dispose();
    const flow = new DiffusionSession(smallConfig({ model: { kind: 'flow' }, schedule: { T: 50, betaScaling: 'fixed' } }));
    expect(fill(flow).warnings).toEqual([]);
    flow.dispose();
    const gan = new GanSession(smallConfig({ model: { kind: 'gan' } }));
    expect(fill(gan).warnings).toEqual([]);
    gan.dispose();
  });

  it('says "training stopped" (the reason in its tooltip) until a change resumes training', async () => {
    const s = new DiffusionSession(smallConfig());
    const events: DivergenceEvent[] = [];
    s.onDivergence = (e) => events.push(e);
    expect(fill(s)).toMatchObject({ warnings: [], warningDetail: '' });
    for (let i = 0; i < 300 && !events.some((e) => e.stopped !== null); i++) {
      s.trainStep();
      s.net.variables.forEach((v) => v.assign(tf.fill(v.shape, Number.NaN)));
      await settle();
    }
    const stopped = events.at(-1)?.stopped;
    expect(stopped).toMatch(/^Training stopped at step \d+/);
    expect(fill(s)).toMatchObject({ warnings: [TRAINING_STOPPED], warningDetail: stopped });
    s.apply({ ...s.config, model: { ...s.config.model, learningRate: s.config.model.learningRate / 2 } });
    expect(fill(s)).toMatchObject({ warnings: [], warningDetail: '' });
    s.dispose();
  });

  it('titles a diffusion scene with its pace in words (issue 14): how much of the pass it takes, and the seconds asked; the HUD on a line of its own, the caption after the title', () => {
    const s = new DiffusionSession(smallConfig({ sampling: { secondsPerPass: 2.5 } }));
    expect(fill(s).title).toBe('DDPM · Two moons · ancestral');
    expect(fill(s).pace).toBe('all 50 steps in 2.5 s per pass');
    s.fitting.request(10);
    expect(fill(s).pace).toBe('10 of 50 steps (every 5th) to hold 2.5 s per pass');
    expect(presenter(s).captionState().title).toBe('DDPM · Two moons · ancestral: 10 of 50 steps (every 5th) to hold 2.5 s per pass');
    s.dispose();
    const gan = new GanSession(smallConfig({ model: { kind: 'gan' } }));
    expect(fill(gan).pace).toBe('');
    expect(fill(gan).title).not.toMatch(/per pass/);
    gan.dispose();
  });
});

describe('the HUD says where training runs (issue 14)', () => {
  it('in a worker: the backend line says so, the rate and a stop are the worker\'s; in the page: the loop\'s', () => {
    const s = new DiffusionSession(smallConfig());
    let state: HudState | null = null;
    const worker = { thread: 'worker' as const, stepsPerSecond: 47.5, trainingStopped: 'the loss diverged' };
    presenter(s, s.config, (x) => (state = x), worker).update();
    const inWorker = state as unknown as HudState;
    expect(inWorker.backend).toBe(`wasm · ${WORKER_TRAINING_WORDS}`);
    expect(inWorker.trainStepsPerSecond).toBe(47.5);
    expect(inWorker.warningDetail).toBe('the loss diverged');
    expect(inWorker.warnings).toContain(TRAINING_STOPPED);
    presenter(s, s.config, (x) => (state = x), { ...worker, thread: 'page' }).update();
    const inPage = state as unknown as HudState;
    expect(inPage.backend).toBe('wasm');
    expect(inPage.trainStepsPerSecond).toBe(10);
    expect(inPage.warnings).toEqual([]);
    s.dispose();
  });
});
