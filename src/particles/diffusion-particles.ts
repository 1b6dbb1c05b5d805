/**
 * The particle cloud of a diffusion scene: N points in R^D that walk the forward process q(x_t | x_{t-1})
 * into noise and the learned reverse process p_theta(x_{t-1} | x_t) back to data (seed §4.1–4.2).
 *
 * Positions are GPU-resident tensors ([N, D]); nothing here reads them back. The class keeps the
 * previous and the current state so the renderer can interpolate between simulation steps, and a
 * small phase machine (forward / reverse / loop, with a hold at each end). No DOM, no three.js.
 */
import * as tf from '@tensorflow/tfjs';
import { ancestralStep, type PosteriorVariance } from '../models/ddpm';
import type { FieldModel } from '../models/field';
import { forwardStep } from '../models/forward-process';
import type { NoiseSource } from '../models/noise-source';
import { odeStep, type OdeMethod } from '../models/ode-solvers';
import { StraightnessMeter } from '../models/trajectory';
import { ParticleTrails } from './particle-trails';
import { convertField, vePath } from '../models/gaussian-path';
import { sigmaAtTau } from '../models/ncsn';
import { langevinStep, reverseSdeStep } from '../models/samplers';
import type { Rng } from '../models/random';
import type { ReverseSampler } from './reverse-samplers';
import type { NoiseSchedule } from '../models/schedules';

/** What the particles do over time. */
export type Phase = 'forward' | 'reverse' | 'loop';
/** Flow matching's process for the particles: K grid steps per pass and the ODE method of the reverse. */
export interface FlowProcess {
  readonly steps: number;
  readonly method: OdeMethod;
}

/**
 * How the score model's particles come back from noise, one grid level per simulation step:
 * - 'langevin': `steps` Langevin updates at level s_k with the annealed step size
 *   alpha_k = delta s_k^2 / s_min^2 (seed §4.1, Algorithm 1 of Song & Ermon 2019);
 * - 'ode': one step of the VE probability-flow ODE dx/dt = -(1/2) d(sigma^2)/dt score by `method`;
 * - 'sde': one Euler–Maruyama step of the VE reverse SDE with stochasticity lambda in [0, 1]
 *   (0 is the probability-flow ODE; seed §5.1, samplers.reverseSdeStep).
 */
export type ScoreReverse =
  | { readonly kind: 'langevin'; readonly steps: number; readonly delta: number }
  | { readonly kind: 'ode'; readonly method: OdeMethod }
  | { readonly kind: 'sde'; readonly lambda: number };

/**
 * The NCSN score model's process (Song & Ermon 2019; VE SDE of Song et al. 2021): noise scales
 * s_0 = 0 < s_1 < ... < s_L (the levels ascending); forward adds variance-exploding noise
 * x += sqrt(s_{k+1}^2 - s_k^2) z; reverse at grid step k follows `reverse` from level s_k to s_{k-1},
 * and the last step is the Tweedie denoising x + s_1^2 score(x, s_1).
 * The network sees level index i of L at tau = i / (L - 1) (ncsn.levelTau), in continuous time
 * t = 1 - tau on the VE path from sigmas[L - 1] to sigmas[0].
 */
export interface ScoreProcess {
  /** Levels sigma_1 > ... > sigma_L (as ncsn.geometricSigmas; descending, at least 2). */
  readonly sigmas: Float64Array;
  readonly reverse: ScoreReverse;
}

/** What the particles are doing right now. */
export type Motion = 'forward' | 'reverse' | 'hold';

/** Options of {@link DiffusionParticles}. */
export interface ParticleOptions {
  /** Data points x_0 the particles start from, row-major [N, D]. */
  readonly x0: Float32Array;
  readonly dim: number;
  readonly schedule: NoiseSchedule;
  /** Noise for the forward and reverse steps (owned by the caller). */
  readonly noise: NoiseSource;
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
  private schedule: NoiseSchedule;
  private readonly x0: tf.Tensor2D;
  private prev: tf.Tensor2D;
  private cur: tf.Tensor2D;
  private holdLeft = 0;
  /** The score model's VE process instead of the DDPM chain (null: not a score model). */
  private score: ScoreProcess | null = null;
  /** Flow matching's straight path instead of the DDPM chain (null: DDPM). */
  private flow: FlowProcess | null = null;
  /** The pair (x_0, x_1) of the current forward pass on the straight path. */
  private flowEnds: { x0: tf.Tensor2D; x1: tf.Tensor2D } | null = null;
  /** Reverse sampler on a grid (null: DDPM ancestral, one step at a time with the `variance` of step()). */
  private sampler: ReverseSampler | null = null;
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
    this.schedule = options.schedule;
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
  /** Number of diffusion steps T of the schedule in use. */
  get T(): number {
    return this.flow?.steps ?? this.score?.sigmas.length ?? this.schedule.T;
  }

  /** Uses `sampler` for reverse steps (null: ancestral). Takes effect at the next reverse step. */
  setSampler(sampler: ReverseSampler | null): void {
    this.sampler = sampler;
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

  /** Uses a new schedule (e.g. T changed) and restarts from the data. */
  setSchedule(schedule: NoiseSchedule): void {
    this.schedule = schedule;
    this.resetToData();
  }

  /** Puts every particle back on its data point x_0, t = 0, moving forward. */
  resetToData(): void {
    this.disposeFlowEnds();
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

  /** Draws fresh x_T ~ N(0, I), t = T, moving in reverse. */
  resetToNoise(): void {
    // VE (score model): x_T ~ N(0, sigma_max^2 I); otherwise N(0, I).
    const scale = this.score !== null ? this.score.sigmas[0] : 1;
    this.replace(tf.randomNormal([this.count, this.dim], 0, scale, 'float32', this.options.rng.nextSeed()) as tf.Tensor2D, true);
    this.disposeFlowEnds();
    this.t = this.T;
    this.motion = 'reverse';
  }

  /**
   * One fixed simulation step under `phase`: a forward step t -> t+1, an ancestral step t -> t-1
   * with the live model, or one step of rest at an end. At t = T the forward phase restarts from the
   * data, the loop turns around; at t = 0 the reverse phase restarts from fresh noise, the loop turns around.
   */
  step(phase: Phase, net: FieldModel, variance: PosteriorVariance): void {
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
      this.stepMotion(net, variance); // a hold ends with a real step, so no frame stands still twice
      return;
    }
    const atEnd = (this.motion === 'forward' && this.t >= this.T) || (this.motion === 'reverse' && this.t <= 0);
    if (!atEnd) return this.stepMotion(net, variance);
    this.startHold();
    this.step(phase, net, variance);
  }

  private startHold(): void {
    this.motion = 'hold';
    this.holdLeft = this.holdSteps;
    this.resting = false;
  }

  private stepMotion(net: FieldModel, variance: PosteriorVariance): void {
    // A reverse pass is measured from x_T to the data; anything else in between drops the measure.
    if (this.motion !== 'reverse') this.meter.cancel();
    else if (this.t === this.T && !this.meter.active) this.meter.begin(this.cur);
    this.stepProcess(net, variance);
    if (this.motion === 'reverse' && this.t === 0 && this.meter.active) {
      this.straightness?.dispose();
      this.straightness = this.meter.finish(this.cur);
    }
  }

  private stepProcess(net: FieldModel, variance: PosteriorVariance): void {
    if (this.flow !== null) return this.stepFlow(net, this.flow);
    if (this.score !== null) return this.stepScore(net, this.score);
    if (this.motion === 'forward' && this.t < this.schedule.T) {
      const eps = this.options.noise.sample(this.count);
      this.replace(forwardStep(this.cur, this.t + 1, this.schedule, eps), false);
      eps.dispose();
      this.t++;
    } else if (this.motion === 'reverse' && this.t > 0) {
      const sampler = this.sampler;
      if (sampler === null) {
        const z = this.t > 1 ? this.options.noise.sample(this.count) : null;
        this.replace(ancestralStep(net, this.cur, this.t, this.schedule, variance, z), false);
        z?.dispose();
        this.t--;
      } else {
        const next = sampler.next(this.t);
        const z = sampler.needsNoise(this.t) ? this.options.noise.sample(this.count) : null;
        this.replace(sampler.step(net, this.cur, this.t, next, z), false);
        z?.dispose();
        this.t = next;
      }
    }
  }

  /**
   * Flow matching's straight path on a grid of K steps (seed §5.2): forward x_{k/K} = (1 - k/K) x_0 + (k/K) x_1
   * with x_0 the positions at the start of the pass and x_1 fresh noise; reverse one ODE step of the
   * learned velocity from k/K to (k-1)/K.
   */
  private stepFlow(net: FieldModel, flow: FlowProcess): void {
    const K = flow.steps;
    if (this.motion === 'forward' && this.t < K) {
      if (this.flowEnds === null) {
        this.flowEnds = { x0: tf.clone(this.cur), x1: tf.randomNormal([this.count, this.dim], 0, 1, 'float32', this.options.rng.nextSeed()) as tf.Tensor2D };
      }
      const { x0, x1 } = this.flowEnds;
      const tau = (this.t + 1) / K;
      this.replace(tf.tidy(() => tf.add(tf.mul(x0, 1 - tau), tf.mul(x1, tau)) as tf.Tensor2D), false);
      this.t++;
    } else if (this.motion === 'reverse' && this.t > 0) {
      this.disposeFlowEnds();
      const velocity = (x: tf.Tensor2D, tau: number): tf.Tensor2D => net.predict(x, tau);
      // The last step is Euler: from tau it lands on x - tau v, the denoised point, without evaluating
      // the field at tau = 0, where the exact velocity of a point set is singular.
      const method = this.t === 1 ? 'euler' : flow.method;
      this.replace(odeStep(method, velocity, this.cur, this.t / K, -1 / K), false);
      this.t--;
    }
  }

  /** One grid step of the score model's process (see {@link ScoreProcess}). */
  private stepScore(net: FieldModel, proc: ScoreProcess): void {
    const L = proc.sigmas.length;
    // Ascending scale of grid step k (k = 0 is the data): s_k = sigmas[L - k].
    const scaleAt = (k: number): number => (k === 0 ? 0 : proc.sigmas[L - k]);
    if (this.motion === 'forward' && this.t < L) {
      const z = this.options.noise.sample(this.count);
      const add = Math.sqrt(scaleAt(this.t + 1) ** 2 - scaleAt(this.t) ** 2);
      this.replace(tf.tidy(() => tf.add(this.cur, tf.mul(z, add)) as tf.Tensor2D), false);
      z.dispose();
      this.t++;
    } else if (this.motion === 'reverse' && this.t > 0) {
      this.replace(this.t === 1 ? tweedie(net, proc, this.cur) : this.scoreReverseStep(net, proc, L - this.t), false);
      this.t--;
    }
  }

  /** x at level index `level` (of the descending sigmas) -> x at level + 1, by the process's rule. */
  private scoreReverseStep(net: FieldModel, proc: ScoreProcess, level: number): tf.Tensor2D {
    const L = proc.sigmas.length;
    const rule = proc.reverse;
    if (rule.kind === 'langevin') {
      const alpha = (rule.delta * proc.sigmas[level] ** 2) / proc.sigmas[L - 1] ** 2;
      let x = tf.clone(this.cur);
      for (let i = 0; i < rule.steps; i++) {
        const z = this.options.noise.sample(this.count);
        const s = veScore(net, proc, level / (L - 1), x);
        const next = langevinStep(x, s, alpha, z);
        tf.dispose([x, z, s]);
        x = next;
      }
      return x;
    }
    const path = vePath(proc.sigmas[L - 1], proc.sigmas[0]);
    const t = 1 - level / (L - 1);
    const h = 1 / (L - 1);
    if (rule.kind === 'ode') {
      const velocity = (x: tf.Tensor2D, time: number): tf.Tensor2D => tf.tidy(() => convertField(path, x, time, veScore(net, proc, 1 - time, x), 'score', 'velocity'));
      return odeStep(rule.method, velocity, this.cur, t, -h);
    }
    const z = rule.lambda > 0 ? this.options.noise.sample(this.count) : null;
    const out = tf.tidy(() => reverseSdeStep(path, this.cur, veScore(net, proc, 1 - t, this.cur), t, h, rule.lambda, z));
    z?.dispose();
    return out;
  }

  /** Switches to the score model's process (null: back to the DDPM chain). Restarts from the data if it changes. */
  setScore(proc: ScoreProcess | null): void {
    if (proc !== null && proc.sigmas.length < 2) throw new RangeError('the score process needs at least 2 levels');
    const old = this.score;
    const sameLevels = proc !== null && old !== null && old.sigmas.length === proc.sigmas.length && old.sigmas.every((v, i) => v === proc.sigmas[i]);
    this.score = proc;
    // A new reverse rule on the same levels takes effect at the next step; new levels restart from the data.
    if (!sameLevels && !(proc === null && old === null)) this.resetToData();
  }

  /**
   * Switches to flow matching's straight path with `steps` grid steps and an ODE method for the reverse
   * (null: back to the DDPM chain). Restarts from the data only if the process actually changes.
   */
  setFlow(flow: FlowProcess | null): void {
    const same = flow === null ? this.flow === null : this.flow !== null && this.flow.steps === flow.steps && this.flow.method === flow.method;
    if (same) return;
    this.flow = flow;
    this.resetToData();
  }

  private disposeFlowEnds(): void {
    if (this.flowEnds === null) return;
    tf.dispose([this.flowEnds.x0, this.flowEnds.x1]);
    this.flowEnds = null;
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
    this.disposeFlowEnds();
    this.meter.dispose();
    this.trails?.dispose();
    this.straightness?.dispose();
    tf.dispose([this.x0, this.prev, this.cur]);
  }
}

/**
 * The score model's score at level coordinate tau in [0, 1]: net(x, tau) / sigma(tau), with
 * sigma(tau) = sigmas[0] (sigmas[L - 1] / sigmas[0])^tau (ncsn.sigmaAtTau). [N, D], owned by the caller.
 */
function veScore(net: FieldModel, proc: ScoreProcess, tau: number, x: tf.Tensor2D): tf.Tensor2D {
  const sigma = sigmaAtTau(proc.sigmas[0], proc.sigmas[proc.sigmas.length - 1], tau);
  return tf.tidy(() => tf.div(net.predict(x, tau), sigma) as tf.Tensor2D);
}

/** Tweedie's denoising at the smallest level: E[x_0 | x] = x + s^2 grad log p_s(x) (Efron 2011; seed §4). */
function tweedie(net: FieldModel, proc: ScoreProcess, x: tf.Tensor2D): tf.Tensor2D {
  const s = proc.sigmas[proc.sigmas.length - 1];
  return tf.tidy(() => tf.add(x, tf.mul(veScore(net, proc, 1, x), s * s)) as tf.Tensor2D);
}
