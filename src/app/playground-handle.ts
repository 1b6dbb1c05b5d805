/**
 * `window.__playground`: a read-only handle for tests and the console (a snapshot of the scene, a
 * recording with given settings, a screenshot).
 */
import { memory as tfMemory } from '@tensorflow/tfjs';
import type { GameLoop } from '../loop';
import type { BackendChoice } from '../platform/tf-backend';
import type { RecordSettings } from '../record/recording';
import { pointsBox } from '../scene/framing';
import type { Stage } from '../scene/stage';
import type { RecordPanel } from './record-panel';
import type { RecoveryNote } from './device-recovery';
import type { ParticleView } from './particle-view';
import { SURFACE_HEIGHT } from './gan-views';
import type { Recorder } from './recorder';
import type { SceneController } from './scene-controller';
import { chartMetric, METRIC_POINTS } from './metric-tracker';
import type { Motion } from '../particles/diffusion-particles';
import type { Session } from '../session/create-session';
import type { TrainingThread } from '../session/remote-training';

/** What the handle reads. */
export interface HandleParts {
  readonly choice: BackendChoice;
  readonly stage: Stage;
  readonly loop: GameLoop;
  readonly scene: SceneController;
  readonly view: ParticleView;
  readonly recorder: Recorder;
  readonly recordPanel: RecordPanel;
  readonly recovered: RecoveryNote | null;
  /** Where training runs (app/worker-training); absent: the page. */
  readonly training?: { readonly thread: TrainingThread; readonly stepsPerSecond: number; readonly workerDuty: number };
}

/** A blob's bytes as base64 (in chunks: a spread of megabytes would overflow the call stack). */
export async function base64Of(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The data's extent on screen and the stage's free area (tests: nothing covers the data). */
function framing(stage: Stage, scene: SceneController): { data: { left: number; top: number; right: number; bottom: number }; free: { left: number; top: number; right: number; bottom: number } | null } {
  const ref = scene.session.reference;
  const min: [number, number, number] = [Infinity, Infinity, ref.dim === 3 ? Infinity : 0];
  const max: [number, number, number] = [-Infinity, -Infinity, ref.dim === 3 ? -Infinity : 0];
  for (let i = 0; i < ref.count; i++) {
    for (let d = 0; d < ref.dim; d++) {
      const v = ref.points[i * ref.dim + d];
      min[d] = Math.min(min[d], v);
      max[d] = Math.max(max[d], v);
    }
  }
  if (stage.currentView === 'landscape') max[2] = SURFACE_HEIGHT;
  return { data: stage.screenBox(min, max), free: stage.freeArea };
}

/** One change of the particles' motion, seen at the end of a frame: page clock ms (performance.now()), the motion, t. */
export interface MotionEntry {
  readonly ms: number;
  readonly motion: Motion | 'generate';
  readonly t: number;
}

/** Entries kept in the motion log and the pass-quality list (the oldest are dropped). */
const LOG_LIMIT = 2000;

/**
 * Watches the particles at the end of every frame (a read of two fields, no tensor) and logs each change of
 * their motion with the page clock, so a benchmark can time reverse passes to the frame (src/bench/scene-cells).
 * While {@link PassWatch.trackQuality} is on, each reverse pass that reaches the data (t = 0) starts one
 * asynchronous readback of {@link METRIC_POINTS} particles; their energy distance to as many data points
 * (Székely & Rizzo 2013, the chart's U-statistic, models/metrics) is computed when it arrives, outside the frame, and listed with the
 * pass's end time. Off by default: the app pays nothing for it.
 */
class PassWatch {
  readonly log: MotionEntry[] = [];
  readonly quality: { ms: number; value: number }[] = [];
  trackQuality = false;
  private last: { motion: MotionEntry['motion']; session: Session } | null = null;

  constructor(private readonly scene: SceneController) {}

  /** The loop's per-frame job. */
  observe(): void {
    const session = this.scene.session;
    const { motion, t } = session.particles;
    if (this.last !== null && this.last.motion === motion && this.last.session === session) return;
    const ms = performance.now();
    const endOfPass = this.last !== null && this.last.session === session && this.last.motion === 'reverse' && t === 0;
    this.last = { motion, session };
    push(this.log, { ms, motion, t });
    if (endOfPass && this.trackQuality) {
      const data = session.reference.points.subarray(0, METRIC_POINTS * session.reference.dim);
      session
        .sampleReadback(METRIC_POINTS)
        .then((samples) => push(this.quality, { ms, value: chartMetric('energy-distance', samples, data, session.dim, null) }))
        .catch(() => undefined);
    }
  }
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > LOG_LIMIT) list.splice(0, list.length - LOG_LIMIT);
}

/** Installs `window.__playground`. */
export function installPlaygroundHandle(parts: HandleParts): void {
  const { choice, stage, loop, scene, view, recorder, recordPanel, recovered } = parts;
  const watch = new PassWatch(scene);
  watch.observe(); // the state before the first frame, so the log's first change has one before it
  // Every frame (a 1 ms period runs at most once per frame), paused or not.
  loop.every(1, () => watch.observe(), { when: 'always' });
  (window as unknown as Record<string, unknown>).__playground = {
    snapshot: () => ({
      backend: choice.name,
      renderer: stage.backendName,
      upload: view.positions.mode,
      positionReadbacks: view.positions.readbacks,
      positionGpuCopies: view.positions.gpuCopies,
      trainSteps: scene.session.trainSteps,
      /** Where training runs now: 'worker' (a Web Worker on the second core) or 'page' (the frame loop). */
      trainingThread: parts.training?.thread ?? 'page',
      /** Training steps per second wherever training runs (the worker's posts, or the loop's). */
      trainStepsPerSecond: parts.training?.thread === 'worker' ? parts.training.stepsPerSecond : loop.stats.trainStepsPerSecond,
      /** The share of its time the worker trains (it yields the rest to slow frames; 1 in the page). */
      workerDuty: parts.training?.thread === 'worker' ? parts.training.workerDuty : 1,
      simSteps: loop.stats.simSteps,
      frames: loop.stats.frames,
      fps: loop.stats.fps,
      /** The training budget the loop chose this frame (ms; the frame governor's grant, or the fixed budget). */
      trainBudgetMs: loop.stats.trainBudgetMs,
      frameMs: loop.stats.frameMs,
      phaseMs: { sim: loop.stats.simMs, train: loop.stats.trainMs, render: loop.stats.renderMs },
      t: scene.session.particles.t,
      loss: scene.session.loss,
      config: structuredClone(scene.config),
      memory: { tensors: tfMemory().numTensors, bytes: tfMemory().numBytes },
      recovered: recovered === null ? null : { reason: recovered.reason, lostBackend: recovered.lostBackend, skip: [...recovered.skip], weights: recovered.weights !== null },
      /** Particles N of the session and of the layer that draws them (equal unless the view lags a rebuild). */
      particles: { session: scene.session.particles.count, layer: view.particleCount },
      /** The renderer's live geometries and vertex attribute buffers (flat across rebuilds unless a layer leaks). */
      gpuMemory: { geometries: stage.renderer.info.memory.geometries, attributes: stage.renderer.info.memory.attributes, attributeBytes: stage.renderer.info.memory.attributesSize },
      /** The data set's bounding box as drawn (CSS px of the canvas) and the free area the stage frames it in (null: the whole canvas). */
      framing: framing(stage, scene),
      /** The page clock now (performance.now(), ms since the page's navigation started). */
      clockMs: performance.now(),
      /** The particles' motion ('forward', 'reverse', 'hold'; 'generate' for a GAN) and their grid steps T. */
      motion: scene.session.particles.motion,
      T: scene.session.particles.T,
      /** Each change of motion so far (page clock ms, motion, t), the last {@link LOG_LIMIT}: reverse passes are parsed from it. */
      motionLog: [...watch.log],
      /** With {@link trackPassQuality} on: the energy distance of the particles to the data at the end of each reverse pass (page clock ms of the end). */
      passQuality: [...watch.quality],
    }),
    /** Turns the energy distance at the end of each reverse pass on or off (benchmarks; off by default). */
    trackPassQuality: (on: boolean) => {
      watch.trackQuality = on;
    },
    /**
     * All the particles as drawn, their bounding box on screen (CSS px of the canvas, as `framing`), the
     * free area and the plane box the stage frames (tests: a drifting G(z) cloud stays in the free area).
     */
    particleFraming: async () => {
      const s = scene.session;
      const points = await s.sampleReadback(s.particles.count);
      const box = pointsBox(points, s.dim);
      const screen = box === null ? null : stage.screenBox([box.minX, box.minY, 0], [box.maxX, box.maxY, 0]);
      return { particles: screen, free: stage.freeArea, framed: stage.framedBox, view: stage.currentView };
    },
    /** Records with the Record panel's settings changed by `settings` (tests); resolves with the file's bytes, base64. */
    record: async (settings: Partial<RecordSettings>, hashFrames = true) => {
      Object.assign(recordPanel.settings, settings);
      const r = await recordPanel.start({ hashFrames, download: false });
      if (r === null) throw new Error('recording failed (see the toast)');
      return { base64: await base64Of(r.blob), fileName: r.fileName, frames: r.frames, width: r.width, height: r.height, encoding: r.encoding, frameHashes: r.frameHashes, wallMs: r.wallMs, type: r.blob.type, dropped: r.dropped, remark: r.remark };
    },
    /** A PNG screenshot at 1x, 2x or 4x (tests); resolves with its size and bytes, base64. */
    screenshot: async (scale: 1 | 2 | 4) => {
      const shot = await recorder.screenshot(scale);
      return { base64: await base64Of(shot.blob), fileName: shot.fileName, width: shot.width, height: shot.height };
    },
  };
}
