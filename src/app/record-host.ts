/**
 * The record host: how the recorder (app/recorder) drives the scene. Frame-exact recording stops the
 * live loop, steps it by scene time, and before each capture waits for the particle uploads and for
 * the views' readbacks (the heat map, the GAN landscape), so the same clip gives the same frames.
 */
import type { GameLoop } from '../loop';
import type { Stage } from '../scene/stage';
import { createSession } from '../session/create-session';
import type { RecordHost } from './recorder';
import type { ParticleView } from './particle-view';
import type { SceneController } from './scene-controller';
import type { SceneViews } from './scene-views';
import { holdSteps } from './live-settings';
import { pacedStepsPerSecond } from './pass-pacer';
import { asDiffusion, asGan } from './session-family';

/** What the host drives. */
export interface RecordHostParts {
  readonly canvas: HTMLCanvasElement;
  readonly scene: SceneController;
  readonly loop: GameLoop;
  readonly stage: Stage;
  readonly view: ParticleView;
  readonly views: SceneViews;
  /** The GPUDevice tfjs and three share (a frame waits for its GPU work before the next), or null. */
  readonly sharedDevice: GPUDevice | null;
  /** The config's live settings back into the loop (after a recording). */
  readonly applyLive: () => void;
  /** Uploads and draws the scene once (no fence, no live capture). */
  readonly draw: () => void;
}

/** The {@link RecordHost} over the running app. */
export function createRecordHost(parts: RecordHostParts): RecordHost {
  const { canvas, scene, loop, stage, view, views, sharedDevice } = parts;
  const config = scene.config;
  let frameSize: { width: number; height: number } | null = null;
  const host: RecordHost = {
    canvas,
    isAdversarial: () => asGan(scene.session) !== null,
    passSteps: () => {
      const d = asDiffusion(scene.session);
      return d === null ? null : { forward: d.pass.steps, reverse: d.pass.steps };
    },
    labels: () => ({ model: config.model.kind, data: scene.session.sceneData.label }),
    setRenderSize: (size) => {
      frameSize = size;
      stage.setFixedSize(size);
    },
    beginExact: (fresh) => {
      loop.stop();
      if (fresh) {
        // The scene from its config and seed (a frame-exact recording's fresh start).
        scene.replaceSession(createSession(config, scene.customData));
        stage.resetView();
      }
      loop.resetAccumulator();
      // The views start fresh on the first frame rather than showing what the live scene left.
      loop.makeScheduledWorkDue();
    },
    applySegment: (c) => {
      const d = asDiffusion(scene.session);
      if (c.phase !== null && d !== null && d.config.sampling.phase !== c.phase) {
        d.apply({ ...config, sampling: { ...config.sampling, phase: c.phase } }, scene.customData);
      }
      const sps = c.stepsPerSecond ?? pacedStepsPerSecond(config, scene.session);
      loop.paused = c.paused || (c.phase === null && config.sampling.paused);
      loop.setStepsPerSecond(sps);
      loop.setTrainBudgetMs(c.train ? config.model.trainBudgetMs : 0);
      if (d !== null) {
        d.setHoldSteps(c.holdSteps ?? holdSteps(sps));
        const p = d.particles;
        const at = c.restartUnlessAt === 'data' ? p.t === 0 : p.t === p.T;
        if (c.restartUnlessAt !== null && (!at || p.motion === 'hold')) d.restartParticles();
      }
      loop.resetAccumulator();
    },
    stepFrame: async (dtMs, trainSteps, capture) => {
      // A paused GAN does not train (its trainStep hook says so): frame-exact training ignores the pause.
      const gan = asGan(scene.session);
      const pausedGan = gan !== null && config.sampling.paused;
      if (pausedGan) for (let i = 0; i < trainSteps; i++) gan.trainStep();
      // A view refresh still in flight would make the one due in this frame skip: let it land first.
      await views.whenIdle();
      loop.advanceExact(dtMs, pausedGan ? 0 : trainSteps, false);
      if (capture === null) return;
      // Positions and views must have landed before the draw: wait for the readbacks.
      await views.whenIdle();
      const session = scene.session;
      await view.settle(session, config, loop.alpha, views.surface(session, config));
      // The caption's typeset formulas for this frame, decoded before the render it is captured with.
      if (frameSize !== null) await host.prepareDecoration?.(frameSize.width, frameSize.height);
      loop.renderFrame();
      capture();
      if (sharedDevice !== null) await sharedDevice.queue.onSubmittedWorkDone();
    },
    renderNow: (capture) => {
      parts.draw();
      capture();
    },
    endRecording: () => {
      const d = asDiffusion(scene.session);
      if (d !== null && d.config.sampling.phase !== config.sampling.phase) d.apply(config, scene.customData);
      parts.applyLive();
      loop.resetAccumulator();
      loop.start();
    },
  };
  return host;
}
