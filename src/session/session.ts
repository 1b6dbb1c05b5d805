/**
 * The one session contract both model families meet (DiffusionSession, GanSession), and what they
 * share: the data a scene trains on, the asynchronous loss readback with the divergence guard, and how a
 * config change maps to what must be rebuilt. No DOM, no three.js.
 */
import * as tf from '@tensorflow/tfjs';
import { CONFIG_SCHEMA, type Field, type Invalidates, type PlaygroundConfig } from '../config/playground-config';
import type { PointSet } from '../data/datasets';
import type { DivergenceEvent, DivergenceGuard } from '../models/divergence-guard';
import type { Family } from '../models/kinds';
import { createRng, type Rng } from '../models/random';
import { sceneDataOf, type SceneData } from './scene-data';

/** Training points drawn per data set (independent of the particle count). */
export const TRAINING_POINTS = 20_000;
/** Reference points drawn for the faint data layer. */
export const REFERENCE_POINTS = 6_000;
/** Particles that draw a trail when trails are on (the first ones; enough to see the flow, few enough to read it). */
export const TRAIL_PARTICLES = 1_500;
/** One loss value is read back every this many training steps. */
export const LOSS_READBACK_EVERY = 10;

/** The particles of either family as a session exposes them. */
export interface SessionParticles {
  readonly count: number;
  readonly dim: number;
  /** Positions [N, D] after the last step; borrowed. */
  readonly current: tf.Tensor2D;
  /** Incremented whenever the positions change. */
  readonly version: number;
}

/** What the app, the CLI and the tests ask of a live scene, whatever its model family. Owns its tensors. */
export interface LiveSession {
  readonly family: Family;
  /** The scene's config (recovery may change learning rates in it). */
  readonly config: PlaygroundConfig;
  readonly sceneData: SceneData;
  readonly reference: PointSet;
  readonly particles: SessionParticles;
  /** A colour label per particle, length N. */
  readonly particleLabels: Uint16Array;
  readonly dim: 2 | 3;
  readonly customData: PointSet | null;
  /** The most recent loss read back (NaN until the first). */
  readonly loss: number;
  readonly lossStep: number;
  readonly trainSteps: number;
  /** Why training stopped after repeated failed recoveries from divergence (plain words), or null while it trains; a change of data, model or training, or fresh weights, resume it. */
  readonly trainingStopped: string | null;
  onLoss: ((step: number, loss: number) => void) | null;
  onDivergence: ((event: DivergenceEvent) => void) | null;
  /** Applies a new validated config, rebuilding only what changed. @returns the most costly invalidation. */
  apply(next: PlaygroundConfig, customData?: PointSet | null): Invalidates;
  trainStep(): void;
  simulate(): void;
  /** The first min(m, N) particles, [m, D] row-major; one asynchronous readback. */
  sampleReadback(m: number): Promise<Float32Array>;
  restartParticles(): void;
  resetWeights(): void;
  dispose(): void;
}

/** The first min(m, N) rows of x ([N, D]) read back asynchronously; the slice is taken now, so x may change after. */
export async function readRows(x: tf.Tensor2D, m: number): Promise<Float32Array> {
  const rows = tf.slice(x, [0, 0], [Math.min(m, x.shape[0]), x.shape[1]]);
  try {
    return (await rows.data()) as Float32Array;
  } finally {
    rows.dispose();
  }
}

/** Order of costliness of an invalidation (higher rebuilds more). */
const COST: Record<Invalidates, number> = { live: 0, training: 1, particles: 2, model: 3, data: 4 };

/** Every kind of invalidation implied by the fields that differ between `a` and `b`. */
export function changedInvalidations(a: PlaygroundConfig, b: PlaygroundConfig): Set<Invalidates> {
  const changed = new Set<Invalidates>();
  for (const [group, fields] of Object.entries(CONFIG_SCHEMA)) {
    for (const [key, field] of Object.entries(fields)) {
      const va = (a as unknown as Record<string, Record<string, unknown>>)[group][key];
      const vb = (b as unknown as Record<string, Record<string, unknown>>)[group][key];
      if (va !== vb) changed.add((field as Field).invalidates);
    }
  }
  return changed;
}

/** Which of `a` and `b` differ, as the most costly invalidation they imply ('live' if none). */
export function diffInvalidation(a: PlaygroundConfig, b: PlaygroundConfig): Invalidates {
  let worst: Invalidates = 'live';
  for (const inv of changedInvalidations(a, b)) if (COST[inv] > COST[worst]) worst = inv;
  return worst;
}

/**
 * The custom point set a config change will use (`customData` undefined keeps `current`), checked against
 * the new config before anything changes, and whether it changes the data (a new set while the source is 'custom').
 * @throws RangeError when the source is 'custom' without a valid point set.
 */
export function nextCustomData(next: PlaygroundConfig, current: PointSet | null, customData: PointSet | null | undefined): { custom: PointSet | null; changesData: boolean } {
  const custom = customData === undefined ? current : customData;
  sceneDataOf(next.data, custom);
  return { custom, changesData: next.data.source === 'custom' && custom !== current };
}

/** The data a scene trains on: the scene's data set, TRAINING_POINTS training points, REFERENCE_POINTS for the reference layer. */
export interface TrainingData {
  readonly sceneData: SceneData;
  readonly training: PointSet;
  readonly reference: PointSet;
  /** The seeded rng the sets were drawn from (forked once per set), for further draws. */
  readonly rng: Rng;
}

/** Draws a scene's training and reference sets from `config.data` (or the custom set), seeded by data.seed. @throws RangeError as sceneDataOf. */
export function trainingDataOf(data: PlaygroundConfig['data'], custom: PointSet | null): TrainingData {
  const sceneData = sceneDataOf(data, custom);
  const rng = createRng(data.seed);
  const training = sceneData.sample(TRAINING_POINTS, rng.fork());
  const reference = sceneData.sample(REFERENCE_POINTS, rng.fork());
  return { sceneData, training, reference, rng };
}

/** How one readback of a training step's losses is handled (see {@link LossReadback}). */
export interface LossRead<L, V> {
  /** Reads the losses back and releases them. */
  read(losses: L): Promise<V>;
  /** Releases the losses without reading them. */
  release(losses: L): void;
  /** The number the divergence guard checks. */
  total(value: V): number;
  /** True once the value no longer belongs to the scene (the model was rebuilt, the session disposed). */
  stale(): boolean;
  /** A finite value of training step `step`. */
  accept(value: V, step: number): void;
  /** A value that is not finite at `step`: roll back. */
  diverged(step: number): void;
}

/**
 * The loss readback of a live trainer, shared by both families: after each step the guard may snapshot
 * the weights; every {@link LOSS_READBACK_EVERY} steps (one readback in flight at most) the losses are
 * read back asynchronously and checked by the guard; nothing here blocks on the GPU.
 */
export class LossReadback {
  private pending = false;

  constructor(private readonly guard: DivergenceGuard) {}

  /** After training step `step` (1, 2, ...) produced `losses`, which this takes over. */
  afterStep<L, V>(step: number, losses: L, how: LossRead<L, V>): void {
    this.guard.afterStep(step);
    if (step % LOSS_READBACK_EVERY !== 0 || this.pending) {
      how.release(losses);
      return;
    }
    this.pending = true;
    how
      .read(losses)
      .then((v) => {
        if (how.stale()) return;
        if (!this.guard.observe(step, how.total(v))) how.diverged(step);
        else how.accept(v, step);
      })
      .catch(() => undefined)
      .finally(() => (this.pending = false));
  }
}
