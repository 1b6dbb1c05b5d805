/**
 * Training on another thread (issue 14): where tfjs runs on the CPU (wasm), a Web Worker trains a copy of
 * the scene's session on the second core and hands the page its weights a few times a second, while the
 * page samples and draws. This module is what is pure about it: the typed messages, the worker's side
 * ({@link TrainingHost}: a session built from the page's config that trains in slices) and the page's side
 * ({@link TrainingMirror}: what changed in the page's session goes to the worker, the worker's weights,
 * step count, losses and divergence events come back into the page's session). No DOM, no Worker: the app
 * wires them to one (app/train-worker, app/worker-training); the tests connect them in one process.
 */
import * as tf from '@tensorflow/tfjs';
import { cloneConfig, type PlaygroundConfig } from '../config/playground-config';
import type { PointSet } from '../data/datasets';
import type { DivergenceEvent } from '../models/divergence-guard';
import { modelKind } from '../models/kinds';
import { createSession, type Session } from './create-session';
import { DiffusionSession } from './diffusion-session';
import { GanSession, ganTrainingOf, type GanLosses } from './gan-session';
import { sessionNetworks } from './saved-weights';
import { changedInvalidations } from './session';

/** Where the scene trains: in a Web Worker on the second core, or in the page's frame loop. Resolved once at start. */
export type TrainingThread = 'worker' | 'page';

/** The particles of the worker's session: it never simulates, so the fewest the config allows. */
export const WORKER_PARTICLES = 1_000;

/** One network's weights: its variables in order, each its shape and values (row-major float32). */
export type NetworkWeights = Readonly<Record<string, readonly { readonly shape: readonly number[]; readonly values: Float32Array }[]>>;

/** The page's scene to the worker: rebuild or continue as the page's session would. */
export interface SyncMessage {
  readonly type: 'sync';
  /** Increases with every sync that sends weights; the worker's progress carries the generation it trains for. */
  readonly generation: number;
  readonly config: PlaygroundConfig;
  readonly custom: PointSet | null;
  /** The page's weights to start from (a new network, loaded or reset weights), or null: keep training the worker's own. */
  readonly weights: NetworkWeights | null;
  /** The page's training step count (taken with `weights`). */
  readonly trainSteps: number;
  /** The time scale of the network's input time (a version-1 DDPM file's 1000), with `weights`; null: the config's. */
  readonly timeScale: number | null;
  /** False while training is paused (training paused, a paused GAN, the page training itself). */
  readonly training: boolean;
}

/** The share of its time the worker trains, in [{@link MIN_DUTY}, 1] (it idles the rest: the page's frames come first). */
export interface DutyMessage {
  readonly type: 'duty';
  readonly duty: number;
}

/** What the page sends the worker. */
export type ToWorker = SyncMessage | DutyMessage | { readonly type: 'close' };

/** The least share of its time the worker trains, however slow the frames. */
export const MIN_DUTY = 0.5;

/**
 * The worker's next duty from the page's frame rate: the worker and the page's renderer share the CPU's
 * cores, so below the target frame rate (5 % slack) the worker gives back a fifth of its time, above it
 * takes a tenth more, within [{@link MIN_DUTY}, 1]. A frame rate that is not finite keeps the duty.
 * @param fps frames per second of the page's loop; @param targetFps its target (e.g. 30).
 */
export function nextDuty(duty: number, fps: number, targetFps: number): number {
  if (!Number.isFinite(fps) || !(targetFps > 0)) return duty;
  if (fps < 0.95 * targetFps) return Math.max(MIN_DUTY, duty * 0.8);
  return Math.min(1, duty * 1.1);
}

/** ms the worker idles after training `trainedMs` at `duty` (clamped to [{@link MIN_DUTY}, 1]; 0 at duty 1). */
export function idleAfter(trainedMs: number, duty: number): number {
  const d = Math.min(1, Math.max(duty, MIN_DUTY));
  return (trainedMs * (1 - d)) / d;
}

/** One loss read back in the worker: the step, the loss the chart shows, a GAN's losses. */
export interface LossReport {
  readonly step: number;
  readonly loss: number;
  readonly gan: GanLosses | null;
}

/** The worker's training since its last post. */
export interface ProgressMessage {
  readonly type: 'progress';
  readonly generation: number;
  readonly trainSteps: number;
  readonly weights: NetworkWeights;
  readonly losses: readonly LossReport[];
  readonly divergences: readonly DivergenceEvent[];
  readonly trainingStopped: string | null;
}

/** What the worker sends the page: started (its backend runs), progress, or the error that stopped it. */
export type FromWorker = { readonly type: 'ready' } | ProgressMessage | { readonly type: 'error'; readonly message: string };

/** The session's networks' weights, copied (dataSync: for the worker and user actions, not the frame loop). */
export function readNetworks(session: Session): NetworkWeights {
  const out: Record<string, { shape: number[]; values: Float32Array }[]> = {};
  for (const [name, vars] of Object.entries(sessionNetworks(session))) out[name] = vars.map((v) => ({ shape: [...v.shape], values: Float32Array.from(v.dataSync()) }));
  return out;
}

/** The buffers of `weights`, to transfer with a postMessage (the sender's copies become unusable). */
export function transferablesOf(weights: NetworkWeights): ArrayBuffer[] {
  return Object.values(weights).flatMap((vars) => vars.map((v) => v.values.buffer as ArrayBuffer));
}

/**
 * Puts `weights` into the session's variables (assign: no tensor left behind). Every network and shape
 * is checked before any variable is written. @throws RangeError naming what does not fit.
 */
export function assignNetworks(session: Session, weights: NetworkWeights): void {
  const targets = sessionNetworks(session);
  const plan: [tf.Variable, Float32Array][] = [];
  for (const [name, vars] of Object.entries(targets)) {
    const source = weights[name];
    if (source === undefined || source.length !== vars.length) throw new RangeError(`network '${name}': ${source?.length ?? 0} tensors sent, ${vars.length} here`);
    vars.forEach((v, i) => {
      const shape = source[i].shape;
      if (shape.length !== v.shape.length || shape.some((d, j) => d !== v.shape[j])) throw new RangeError(`network '${name}' tensor ${i}: ${shape.join(' x ')} sent, ${v.shape.join(' x ')} here`);
      plan.push([v, source[i].values]);
    });
  }
  tf.tidy(() => {
    for (const [v, values] of plan) v.assign(tf.tensor(values, v.shape));
  });
}

/** Sets the session's training step count (EMA warm-up included; a GAN redraws G(z) at its next simulate()). */
export function setTrainSteps(session: Session, steps: number): void {
  if (session instanceof GanSession) session.trainer.generatorSteps = steps;
  else session.trainer.restoreSteps(steps);
}

/** The input-time scale of a diffusion session's network, null for a GAN. */
function timeScaleOf(session: Session): number | null {
  return session instanceof DiffusionSession ? session.net.spec.timeScale : null;
}

/** The config the worker builds from: the page's, with the fewest particles and no trails (it never simulates). */
export function workerConfig(config: PlaygroundConfig): PlaygroundConfig {
  const c = cloneConfig(config);
  c.data.particles = WORKER_PARTICLES;
  c.view.trails = 0;
  return c;
}

/**
 * The worker's side: one session built from the page's config that trains in slices, and what it posts.
 * Owns its session (dispose()).
 */
export class TrainingHost {
  private session: Session | null = null;
  private generation = -1;
  private training = false;
  private losses: LossReport[] = [];
  private divergences: DivergenceEvent[] = [];

  /** The session it trains (null before the first sync). */
  get current(): Session | null {
    return this.session;
  }

  /** Whether {@link trainFor} would train: a session, not paused, not stopped by its divergence guard. */
  get trains(): boolean {
    return this.session !== null && this.training && this.session.trainingStopped === null;
  }

  /**
   * A sync from the page: the same family keeps the session and applies the config (rebuilding what it
   * invalidates, as the page's session did), another family builds a new one; weights sent replace its own.
   * @throws RangeError on a config the session refuses (the page's session took it, so only on a bug).
   */
  sync(msg: SyncMessage): void {
    const config = workerConfig(msg.config);
    const family = modelKind(config).family;
    if (this.session === null || this.session.family !== family) {
      this.session?.dispose();
      this.session = createSession(config, msg.custom);
    } else {
      this.session.apply(config, msg.custom);
    }
    const session = this.session;
    if (msg.weights !== null) {
      assignNetworks(session, msg.weights);
      if (session instanceof DiffusionSession && msg.timeScale !== null) for (const net of new Set([session.net, session.trainer.samplingNet])) net.useTimeScale(msg.timeScale);
      setTrainSteps(session, msg.trainSteps);
    }
    session.onLoss = (step, loss) => this.losses.push({ step, loss, gan: session instanceof GanSession ? { ...session.losses } : null });
    session.onDivergence = (e) => this.divergences.push(e);
    this.generation = msg.generation;
    this.training = msg.training;
    this.losses = [];
    this.divergences = [];
  }

  /** Trains until `now()` passes `ms` after the call (at least one step while training); returns the steps taken. */
  trainFor(ms: number, now: () => number): number {
    const session = this.session;
    if (session === null || !this.trains) return 0;
    const end = now() + ms;
    let steps = 0;
    do {
      session.trainStep();
      steps++;
    } while (now() < end);
    return steps;
  }

  /** The progress since the last call (weights copied now), or null before the first sync. */
  progress(): ProgressMessage | null {
    const session = this.session;
    if (session === null) return null;
    const msg: ProgressMessage = { type: 'progress', generation: this.generation, trainSteps: session.trainSteps, weights: readNetworks(session), losses: this.losses, divergences: this.divergences, trainingStopped: session.trainingStopped };
    this.losses = [];
    this.divergences = [];
    return msg;
  }

  dispose(): void {
    this.session?.dispose();
    this.session = null;
  }
}

/** How a page session's weights were last seen: its first variable (a rebuilt network has new ones). */
const firstVariable = (session: Session): tf.Variable | undefined => Object.values(sessionNetworks(session))[0]?.[0];

/**
 * The page's side: decides when the worker must hear of a change in the page's session (another session,
 * new or reset networks, any config field, the user's points, pause) and takes the worker's progress into
 * the page's session (its weights, step count, losses through `onLoss`, divergence events through
 * `onDivergence`), so the HUD, the charts and the sampler read the worker's training.
 */
export class TrainingMirror {
  private generation = 0;
  private seen: { session: Session; variable: tf.Variable | undefined; config: PlaygroundConfig; custom: PointSet | null; training: boolean; steps: number } | null = null;
  /** Why the worker's training stopped (its divergence guard), or null while it trains. */
  trainingStopped: string | null = null;
  /** Steps the worker took, as of its last post. */
  private steps: { at: number; steps: number }[] = [];

  /**
   * The sync the worker needs after the page's session changed, or null when nothing changed.
   * The page's weights travel when the session or its networks are new (fresh, loaded or reset weights),
   * its model or data were rebuilt, or it trained itself (its step count moved); otherwise the worker keeps training its own.
   * @param training false while training is paused.
   */
  follow(session: Session, training: boolean): SyncMessage | null {
    const seen = this.seen;
    const variable = firstVariable(session);
    const newNetworks = seen === null || seen.session !== session || seen.variable !== variable;
    const changed = seen === null ? new Set() : changedInvalidations(seen.config, session.config);
    const customChanged = seen !== null && seen.custom !== session.customData;
    // The page trained itself meanwhile (a step while paused, a recording): the worker goes on from its weights.
    const pageTrained = seen !== null && seen.steps !== session.trainSteps;
    if (!newNetworks && changed.size === 0 && !customChanged && !pageTrained && seen.training === training) return null;
    const weights = newNetworks || changed.has('model') || changed.has('data') || customChanged || pageTrained;
    return this.sync(session, training, weights);
  }

  /** A sync of the page's session as it is now, its weights included when `weights` (they are read back now). */
  sync(session: Session, training: boolean, weights = true): SyncMessage {
    // Only new weights make the worker's progress in flight stale: a config alone (a learning rate, a pause) keeps it.
    if (weights) this.generation++;
    this.seen = { session, variable: firstVariable(session), config: cloneConfig(session.config), custom: session.customData, training, steps: session.trainSteps };
    if (weights) this.trainingStopped = null;
    // New weights start a new count; a paused worker posts nothing, so its rate is 0 from here.
    if (weights || !training) this.steps = [];
    return { type: 'sync', generation: this.generation, config: cloneConfig(session.config), custom: session.customData, weights: weights ? readNetworks(session) : null, trainSteps: session.trainSteps, timeScale: timeScaleOf(session), training };
  }

  /** Forgets what the worker was told (it stopped): the next {@link follow} sends everything. */
  forget(): void {
    this.seen = null;
    this.generation++;
  }

  /**
   * The worker's progress into `session` (ignored when it trained for an earlier sync or another session):
   * weights assigned, the step count set, each loss to `onLoss`, each divergence's halved learning rates
   * into the session's config and the event to `onDivergence`. `nowMs` dates the step count for {@link stepsPerSecond}.
   * @returns whether it was taken.
   */
  receive(session: Session, msg: ProgressMessage, nowMs: number): boolean {
    const seen = this.seen;
    if (msg.generation !== this.generation || seen === null || seen.session !== session) return false;
    assignNetworks(session, msg.weights);
    setTrainSteps(session, msg.trainSteps);
    seen.steps = msg.trainSteps;
    for (const l of msg.losses) {
      session.loss = l.loss;
      session.lossStep = l.step;
      if (session instanceof GanSession && l.gan !== null) session.losses = l.gan;
      session.onLoss?.(l.step, l.loss);
    }
    for (const e of msg.divergences) {
      if (session instanceof GanSession) {
        session.config.gan = { ...session.config.gan, ...e.learningRates };
        session.trainer.setTraining(ganTrainingOf(session.config));
      } else {
        session.config.model = { ...session.config.model, ...e.learningRates };
        session.trainer.setTraining(session.config.model);
      }
      // The worker already runs with these rates: no sync back for them.
      seen.config = cloneConfig(session.config);
      session.onDivergence?.(e);
    }
    this.trainingStopped = msg.trainingStopped;
    this.steps.push({ at: nowMs, steps: msg.trainSteps });
    while (this.steps.length > 2 && nowMs - this.steps[0].at > 2000) this.steps.shift();
    return true;
  }

  /** The worker's training steps per second over its last ~2 s of posts (0 before two). */
  get stepsPerSecond(): number {
    const s = this.steps;
    if (s.length < 2) return 0;
    const a = s[0];
    const b = s[s.length - 1];
    return b.at > a.at && b.steps >= a.steps ? ((b.steps - a.steps) * 1000) / (b.at - a.at) : 0;
  }
}
