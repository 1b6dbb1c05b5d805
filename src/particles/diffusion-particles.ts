/**
 * The particle cloud of a diffusion scene: N points in R^D that walk their particle process
 * (particles/process: the DDPM chain, the VE noise levels or the straight path) forward into noise and
 * back to data with a field (seed §4–5). Only state lives here: positions, phases, trails, straightness.
 *
 * Positions are GPU-resident tensors ([N, D]); nothing here reads them back. The class keeps the
 * previous and the current state so the renderer can interpolate between simulation steps, and a
 * small phase machine (forward / reverse / loop, with a hold at each end). No DOM, no three.js.
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldModel, Phase } from '../models/field';
import type { Rng } from '../models/random';
import { StraightnessMeter } from '../models/trajectory';
import { ParticleTrails } from './particle-trails';
import type { ForwardPass, ParticleProcess } from './process';

/** What the particles are doing right now. */
export type Motion = 'forward' | 'reverse' | 'hold';

/** Options of {@link DiffusionParticles}. */
export interface ParticleOptions {
  /** Data points x_0 the particles start from, row-major [N, D]. */
  readonly x0: Float32Array;
  readonly dim: number;
  /** How the particles walk to noise and back (particles/process); owned by the caller. */
  readonly process: ParticleProcess;
  /** Seeded rng for the fresh x_T of each reverse run. */
  readonly rng: Rng;
  /** Simulation steps to rest at t = 0 and t = T before turning around (>= 0). */
  readonly holdSteps?: number;
}

/**
 * Particles advanced one fixed simulation step at a time by {@link step}.
 * Owns its tensors: call {@link dispose}.
 */
export class DiffusionParticles {
  readonly count: number;
  readonly dim: number;
  /** Current diffusion step t in [0, T] (0 = data). */
  t = 0;
  motion: Motion = 'forward';
  /** Incremented whenever the positions change (the renderer uploads only then). */
  version = 0;
  holdSteps: number;
  private process: ParticleProcess;
  private readonly x0: tf.Tensor2D;
  private prev: tf.Tensor2D;
  private cur: tf.Tensor2D;
  private holdLeft = 0;
  /** The forward walk in progress (flow matching keeps its (x_0, x_1) there); null when not walking forward. */
  private forwardPass: ForwardPass | null = null;
  /** Recent positions of the first particles, for drawing trails (null: off). */
  trails: ParticleTrails | null = null;
  /** Arc length of the reverse pass in progress (from x_T to the data). */
  private readonly meter = new StraightnessMeter();
  /** Straightness of the last complete reverse pass, not yet taken (see {@link takeStraightness}). */
  private straightness: tf.Scalar | null = null;
  /** True once a hold has made previous == current (no further uploads needed while resting). */
  private resting = false;
  private disposed = false;

  /** @throws RangeError if x0 is empty or not a multiple of dim. */
  constructor(private readonly options: ParticleOptions) {
    const { x0, dim } = options;
    if (!Number.isInteger(dim) || dim < 1 || x0.length === 0 || x0.length % dim !== 0) {
      throw new RangeError(`particles need a non-empty [N, ${dim}] array, got length ${x0.length}`);
    }
    this.dim = dim;
    this.count = x0.length / dim;
    this.process = options.process;
    this.holdSteps = Math.max(0, Math.floor(options.holdSteps ?? 0));
    this.x0 = tf.tensor2d(x0, [this.count, dim]);
    this.cur = tf.clone(this.x0);
    this.prev = tf.clone(this.x0);
  }

  /** Positions after the last step, [N, D]. Borrowed: valid until the next step; do not dispose. */
  get current(): tf.Tensor2D {
    return this.cur;
  }
  /** Positions before the last step, [N, D] (for render interpolation). Borrowed like {@link current}. */
  get previous(): tf.Tensor2D {
    return this.prev;
  }
  /** Grid steps T of the process in use. */
  get T(): number {
    return this.process.T;
  }

  /** The process in use. */
  get currentProcess(): ParticleProcess {
    return this.process;
  }

  /**
   * Uses `process` from the next step on. Particles part-way through the old process carry on when the new
   * one continues it (a new sampler on the same grid, see ParticleProcess.continues); particles at an end of a
   * pass carry on under another grid of the same kind and prior (a pass fitted to fewer or more evaluations,
   * {@link atPassEnd}): at the data they stay at t = 0, at the noise they move to the new T. Otherwise they
   * restart from the data.
   */
  setProcess(process: ParticleProcess): void {
    const old = this.process;
    const atEnd = this.atPassEnd;
    this.process = process;
    if (process.continues(old)) return;
    const sameEnds = process.kind === old.kind && process.priorScale === old.priorScale;
    if (!sameEnds || !atEnd) return this.resetToData();
    this.endForward();
    this.meter.cancel();
    if (this.t > 0) this.t = process.T;
  }

  /** Whether the particles are at an end of a pass (t = 0 or t = T, resting or about to turn): where a new grid may start. */
  get atPassEnd(): boolean {
    return this.t === 0 || this.t === this.process.T;
  }

  /**
   * Keeps trails of the last `length` positions of the first min(N, count) particles (length 0: no trails).
   * Trails restart at the current positions.
   */
  setTrails(length: number, count: number): void {
    this.trails = ParticleTrails.resized(this.trails, length, count, this.cur);
  }

  /** Whether a reverse pass is being measured (it holds two tensors [N, D] and [N] until it ends). */
  get measuring(): boolean {
    return this.meter.active;
  }

  /**
   * The mean straightness (chord / arc length, models/trajectory) of the particles' paths over the last
   * complete reverse pass from t = T to 0, once: the caller owns the scalar and later calls return null
   * until another pass ends.
   */
  takeStraightness(): tf.Scalar | null {
    const s = this.straightness;
    this.straightness = null;
    return s;
  }

  /** Puts every particle back on its data point x_0, t = 0, moving forward. */
  resetToData(): void {
    this.endForward();
    this.replace(tf.clone(this.x0), true);
    this.t = 0;
    this.motion = 'forward';
  }

  /**
   * Puts every particle with a coordinate that is not finite back on its data point x_0 (the others
   * stay where they are); t and the motion are kept. No readback: one elementwise select on the GPU.
   */
  replaceNonFinite(): void {
    const fixed = tf.tidy(() => tf.where(tf.all(tf.isFinite(this.cur), 1, true).tile([1, this.dim]), this.cur, this.x0) as tf.Tensor2D);
    this.replace(fixed, true);
  }

  /** Draws fresh x_T ~ N(0, priorScale^2 I) of the process (sigma_max for the VE levels, else 1), t = T, moving in reverse. */
  resetToNoise(): void {
    const scale = this.process.priorScale;
    this.replace(tf.randomNormal([this.count, this.dim], 0, scale, 'float32', this.options.rng.nextSeed()) as tf.Tensor2D, true);
    this.endForward();
    this.t = this.T;
    this.motion = 'reverse';
  }

  /**
   * One fixed simulation step under `phase`: a forward step t -> t+1, a reverse step of the process with
   * `field` (t -> the grid step below), or one step of rest at an end. At t = T the forward phase restarts from the
   * data, the loop turns around; at t = 0 the reverse phase restarts from fresh noise, the loop turns around.
   */
  step(phase: Phase, field: FieldModel): void {
    if (this.disposed) throw new Error('DiffusionParticles used after dispose()');
    if (this.motion !== 'hold') {
      if (phase === 'forward') this.motion = 'forward';
      if (phase === 'reverse') {
        // Turning to reverse at the data end means "generate": start at once from fresh noise x_T. From any
        // other t it denoises the particles from where they are.
        if (this.t === 0 && this.motion === 'forward') this.resetToNoise();
        this.motion = 'reverse';
      }
    }
    if (this.motion === 'hold') {
      if (this.holdLeft-- > 0) {
        // Resting: after the first hold step previous == current, so interpolation stands still.
        if (!this.resting) {
          this.replace(tf.clone(this.cur), false);
          this.resting = true;
        }
        return;
      }
      this.resting = false;
      // Decide what follows from the phase now (it may have changed during the hold).
      const atNoise = this.t >= this.T;
      const next = atNoise ? (phase === 'forward' ? 'restart-forward' : 'reverse') : phase === 'reverse' ? 'restart-reverse' : 'forward';
      if (next === 'restart-forward') this.resetToData();
      else if (next === 'restart-reverse') this.resetToNoise();
      else this.motion = next;
      this.stepMotion(field); // a hold ends with a real step, so no frame stands still twice
      return;
    }
    const atEnd = (this.motion === 'forward' && this.t >= this.T) || (this.motion === 'reverse' && this.t <= 0);
    if (!atEnd) return this.stepMotion(field);
    this.startHold();
    this.step(phase, field);
  }

  private startHold(): void {
    this.motion = 'hold';
    this.holdLeft = this.holdSteps;
    this.resting = false;
  }

  private stepMotion(field: FieldModel): void {
    // A reverse pass is measured from x_T to the data; anything else in between drops the measure.
    if (this.motion !== 'reverse') this.meter.cancel();
    else if (this.t === this.T && !this.meter.active) this.meter.begin(this.cur);
    this.stepProcess(field);
    if (this.motion === 'reverse' && this.t === 0 && this.meter.active) {
      this.straightness?.dispose();
      this.straightness = this.meter.finish(this.cur);
    }
  }

  /** One grid step of the process in the current motion: t -> t + 1 forward, t -> a lower grid step in reverse. */
  private stepProcess(field: FieldModel): void {
    if (this.motion === 'forward' && this.t < this.T) {
      this.forwardPass ??= this.process.beginForward(this.cur);
      const next = this.forwardPass.step(this.cur, this.t);
      this.replace(next.x, false);
      this.t = next.t;
    } else if (this.motion === 'reverse' && this.t > 0) {
      this.endForward();
      const next = this.process.reverse(field, this.cur, this.t);
      this.replace(next.x, false);
      this.t = next.t;
    }
  }

  private endForward(): void {
    this.forwardPass?.dispose();
    this.forwardPass = null;
  }

  /** Makes `next` the current state; `jump` also sets previous to it (no interpolation across resets). */
  private replace(next: tf.Tensor2D, jump: boolean): void {
    if (jump) {
      this.meter.cancel();
      this.trails?.fill(next);
    } else {
      if (this.motion === 'reverse') this.meter.record(this.cur, next);
      this.trails?.push(next);
    }
    this.prev.dispose();
    if (jump) {
      this.cur.dispose();
      this.prev = tf.clone(next);
    } else {
      this.prev = this.cur;
    }
    this.cur = next;
    this.version++;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.endForward();
    this.meter.dispose();
    this.trails?.dispose();
    this.straightness?.dispose();
    tf.dispose([this.x0, this.prev, this.cur]);
  }
}
