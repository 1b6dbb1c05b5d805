/**
 * The particle-process contract: how points walk from data to noise (forward) and back (reverse) on a
 * grid of T steps, one grid step per simulation step. One implementation per diffusion kind's process
 * (models/kinds.ProcessKind): the DDPM chain (VP, seed §4.1–4.2), the score model's VE noise levels
 * (Song & Ermon 2019; seed §4), and flow matching's straight path (seed §5.2). The math lives in
 * models/; this file only walks the grid. {@link sampleFromNoise} runs one whole reverse pass without
 * any particle state (the CLI, tests).
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldModel } from '../models/field';
import { odeMethodOf, samplerOf, scoreGridLevels, scoreReverseOf, straightPassLength, vePassLength, type DiffusionKindEntry, type KindSettings, type ProcessKind } from '../models/kinds';
import { tweedieDenoise, veReverseStep, type ScoreReverse } from '../models/ncsn';
import type { NoiseSource } from '../models/noise-source';
import { odeStep, type OdeMethod } from '../models/ode-solvers';
import type { Rng } from '../models/random';
import type { NoiseSchedule } from '../models/schedules';
import { forwardJump } from '../models/strided-chain';
import { makeReverseSampler, type ReverseSampler, type SamplerSpec } from './reverse-samplers';

/** A forward pass in progress: what it keeps between steps (flow matching's (x_0, x_1)). Call {@link dispose}. */
export interface ForwardPass {
  /** x at grid step t -> x at the grid step above t (t + 1, or the next kept step of a strided chain), [N, D]; the caller owns the result. */
  step(x: tf.Tensor2D, t: number): { x: tf.Tensor2D; t: number };
  dispose(): void;
}

/** Where a process draws its randomness: per-step noise z ~ N(0, I) [N, D] and seeds for whole draws. */
export interface ProcessSources {
  readonly noise: NoiseSource;
  readonly rng: Rng;
}

/** One particle process on a grid t = 0 (data) .. T (noise). */
export interface ParticleProcess {
  readonly kind: ProcessKind;
  /** Grid steps of the forward walk (t runs over 0..T). */
  readonly T: number;
  /** Simulation steps of one reverse pass from T to 0 (the grid sampler may skip steps of the chain). */
  readonly passSteps: number;
  /** Network evaluations of one reverse pass (NFE). */
  readonly nfe: number;
  /** x_T ~ N(0, priorScale^2 I): 1, or sigma_max for the VE levels. */
  readonly priorScale: number;
  /** The time in [0, 1] (0 = data) of grid step t on the process's Gaussian path (models/kinds path()). */
  pathTime(t: number): number;
  /** Starts a forward walk from positions x ([N, D], borrowed). */
  beginForward(x: tf.Tensor2D): ForwardPass;
  /** One reverse grid step from t (> 0) with `field`: the new positions (caller owns them) and their grid step (< t). */
  reverse(field: FieldModel, x: tf.Tensor2D, t: number): { x: tf.Tensor2D; t: number };
  /** Whether particles part-way through `previous` may carry on under this process (else they restart from the data). */
  continues(previous: ParticleProcess): boolean;
}

/** A forward pass that keeps nothing. */
const stateless = (step: ForwardPass['step']): ForwardPass => ({ step, dispose: () => undefined });

/**
 * The DDPM chain on a schedule: forward q(x_t | x_s) = N(sqrt(1 - beta_{s->t}) x_s, beta_{s->t} I) from one
 * step of the sampler's grid to the next (seed §4.1; every step for the full ancestral chain, models/strided-chain),
 * reverse by the reverse sampler of the spec (ancestral with its posterior variance over the kept steps, DDIM, the
 * probability-flow ODE or the reverse SDE on a grid; particles/reverse-samplers).
 */
export class VpChainProcess implements ParticleProcess {
  readonly kind = 'vp-chain' as const;
  readonly T: number;
  readonly passSteps: number;
  readonly nfe: number;
  readonly priorScale = 1;
  private readonly sampler: ReverseSampler;

  /** @throws RangeError as makeReverseSampler. */
  constructor(readonly schedule: NoiseSchedule, spec: SamplerSpec, private readonly sources: ProcessSources) {
    this.sampler = makeReverseSampler(spec, schedule);
    this.T = schedule.T;
    this.passSteps = this.sampler.passSteps;
    this.nfe = this.sampler.nfe;
  }

  pathTime(t: number): number {
    return t / this.T;
  }

  beginForward(): ForwardPass {
    return stateless((x, t) => {
      const up = this.sampler.above(t);
      const eps = this.sources.noise.sample(x.shape[0]);
      const next = forwardJump(x, t, up, this.schedule, eps);
      eps.dispose();
      return { x: next, t: up };
    });
  }

  reverse(field: FieldModel, x: tf.Tensor2D, t: number): { x: tf.Tensor2D; t: number } {
    const next = this.sampler.next(t);
    const z = this.sampler.needsNoise(t) ? this.sources.noise.sample(x.shape[0]) : null;
    const y = this.sampler.step(field, x, t, next, z);
    z?.dispose();
    return { x: y, t: next };
  }

  /** A new sampler on the same schedule (the same betas) carries on; a new schedule restarts. */
  continues(previous: ParticleProcess): boolean {
    if (!(previous instanceof VpChainProcess)) return false;
    const a = previous.schedule.beta;
    const b = this.schedule.beta;
    return previous.schedule === this.schedule || (a.length === b.length && a.every((v, i) => v === b[i]));
  }
}

/**
 * The score model's VE process on noise levels s_0 = 0 < s_1 < ... < s_L (`sigmas` descending, as
 * ncsn.geometricSigmas): forward adds variance-exploding noise x += sqrt(s_{k+1}^2 - s_k^2) z; reverse at
 * grid step k follows the reverse rule from level s_k to s_{k-1} (models/ncsn.veReverseStep), the last step
 * is Tweedie's denoising x + s_1^2 score(x, s_1). Grid step k >= 1 sits at t = (k - 1) / (L - 1) of the VE path.
 */
export class VeLevelsProcess implements ParticleProcess {
  readonly kind = 've-levels' as const;
  readonly T: number;
  readonly passSteps: number;
  readonly nfe: number;
  readonly priorScale: number;

  /** @throws RangeError for fewer than 2 levels. */
  constructor(readonly sigmas: Float64Array, readonly rule: ScoreReverse, private readonly sources: ProcessSources) {
    if (sigmas.length < 2) throw new RangeError('the score process needs at least 2 levels');
    this.T = sigmas.length;
    ({ steps: this.passSteps, nfe: this.nfe } = vePassLength(this.T, rule));
    this.priorScale = sigmas[0];
  }

  /** Ascending scale of grid step k (k = 0 is the data): s_k = sigmas[L - k]. */
  scaleAt(k: number): number {
    return k === 0 ? 0 : this.sigmas[this.T - k];
  }

  pathTime(t: number): number {
    return Math.max(0, (t - 1) / (this.T - 1));
  }

  beginForward(): ForwardPass {
    return stateless((x, t) => {
      const z = this.sources.noise.sample(x.shape[0]);
      const add = Math.sqrt(this.scaleAt(t + 1) ** 2 - this.scaleAt(t) ** 2);
      const next = tf.tidy(() => tf.add(x, tf.mul(z, add)) as tf.Tensor2D);
      z.dispose();
      return { x: next, t: t + 1 };
    });
  }

  reverse(field: FieldModel, x: tf.Tensor2D, t: number): { x: tf.Tensor2D; t: number } {
    const noise = (): tf.Tensor2D => this.sources.noise.sample(x.shape[0]);
    return { x: t === 1 ? tweedieDenoise(field, this.sigmas, x) : veReverseStep(field, x, this.sigmas, this.T - t, this.rule, noise), t: t - 1 };
  }

  /** A new reverse rule on the same levels carries on; new levels restart. */
  continues(previous: ParticleProcess): boolean {
    return previous instanceof VeLevelsProcess && previous.T === this.T && previous.sigmas.every((v, i) => v === this.sigmas[i]);
  }
}

/**
 * Flow matching's straight path on a grid of K steps (seed §5.2): forward x_{k/K} = (1 - k/K) x_0 + (k/K) x_1
 * with x_0 the positions at the start of the walk and x_1 fresh noise; reverse one ODE step of the
 * field's velocity from k/K to (k-1)/K by `method`, the last one Euler: from tau it lands on x - tau v,
 * the denoised point, without evaluating the field at tau = 0, where the exact velocity of a point set is singular.
 */
export class StraightProcess implements ParticleProcess {
  readonly kind = 'straight' as const;
  readonly passSteps: number;
  readonly nfe: number;
  readonly priorScale = 1;

  /** @throws RangeError unless K is an integer >= 1. */
  constructor(readonly T: number, readonly method: OdeMethod, private readonly sources: ProcessSources) {
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`the straight path needs an integer K >= 1 steps, got ${T}`);
    ({ steps: this.passSteps, nfe: this.nfe } = straightPassLength(T, method));
  }

  pathTime(t: number): number {
    return t / this.T;
  }

  beginForward(start: tf.Tensor2D): ForwardPass {
    const K = this.T;
    const x0 = tf.clone(start);
    const x1 = tf.randomNormal(start.shape, 0, 1, 'float32', this.sources.rng.nextSeed()) as tf.Tensor2D;
    return {
      step: (_x, t) => {
        const tau = (t + 1) / K;
        return { x: tf.tidy(() => tf.add(tf.mul(x0, 1 - tau), tf.mul(x1, tau)) as tf.Tensor2D), t: t + 1 };
      },
      dispose: () => tf.dispose([x0, x1]),
    };
  }

  reverse(field: FieldModel, x: tf.Tensor2D, t: number): { x: tf.Tensor2D; t: number } {
    const velocity = (y: tf.Tensor2D, tau: number): tf.Tensor2D => field.predict(y, tau);
    return { x: odeStep(t === 1 ? 'euler' : this.method, velocity, x, t / this.T, -1 / this.T), t: t - 1 };
  }

  /** The same grid and method carry on; anything else restarts. */
  continues(previous: ParticleProcess): boolean {
    return previous instanceof StraightProcess && previous.T === this.T && previous.method === this.method;
  }
}

/** Builds a kind's particle process from the (fitted) settings (resolved once: the table below maps the registry's ProcessKind). */
const FACTORIES: Readonly<Record<ProcessKind, (s: KindSettings, schedule: NoiseSchedule, sources: ProcessSources, keptSteps: number) => ParticleProcess>> = {
  'vp-chain': (s, schedule, sources, keptSteps) => new VpChainProcess(schedule, { ...s.sampling, kind: samplerOf(s), nfe: Math.min(s.sampling.nfe, schedule.T), keptSteps }, sources),
  've-levels': (s, _schedule, sources) => new VeLevelsProcess(scoreGridLevels(s), scoreReverseOf(s), sources),
  straight: (s, _schedule, sources) => new StraightProcess(s.sampling.nfe, odeMethodOf(samplerOf(s)), sources),
};

/**
 * How much of its full pass a process gets: `used` of `full` in `unit` (DDPM's ancestral chain: kept steps of
 * the T; Langevin: updates per noise level; every other sampler: network evaluations, NFE).
 */
export interface PassFit {
  readonly used: number;
  readonly full: number;
  readonly unit: 'steps' | 'NFE' | 'steps per level';
}

/** A kind's settings fitted to a number of network evaluations per pass (see {@link fitPass}). */
export interface FittedPass {
  /** The settings with the sampler's NFE or Langevin steps per level lowered to fit (a copy; the rest as given). */
  readonly settings: KindSettings;
  /** The DDPM ancestral chain's kept steps K (T for the other samplers). */
  readonly keptSteps: number;
  readonly fit: PassFit;
}

/** The largest integer k in [lo, hi] with cost(k) <= budget, for a cost non-decreasing in k; lo when none fits. */
export function largestWithin(lo: number, hi: number, cost: (k: number) => number, budget: number): number {
  if (hi <= lo || cost(lo) > budget) return lo;
  let [a, b] = [lo, hi]; // cost(a) <= budget
  while (a < b) {
    const mid = Math.ceil((a + b) / 2);
    if (cost(mid) <= budget) a = mid;
    else b = mid - 1;
  }
  return a;
}

/**
 * The most of a kind's pass that `evaluations` network evaluations per pass afford, never more than the
 * settings ask: DDPM ancestral keeps K = min(T, evaluations) steps of the exact strided chain (seed §4.1–4.2
 * over jumps, models/strided-chain); the grid samplers and flow matching take the largest NFE grid that fits;
 * annealed Langevin the most updates per level. At least the smallest pass (one step, one update per level,
 * NFE 2) whatever the budget. Nothing of the math changes: fewer, exact steps of the same process.
 * @param T the DDPM schedule's steps. @param evaluations per pass, > 0 (Infinity: the whole pass as set).
 */
export function fitPass(entry: DiffusionKindEntry, s: KindSettings, T: number, evaluations: number): FittedPass {
  const sampler = samplerOf(s);
  const budget = Math.max(1, Math.floor(Math.min(evaluations, Number.MAX_SAFE_INTEGER)));
  if (entry.process === 'vp-chain' && sampler === 'ancestral') {
    const keptSteps = Math.min(T, budget);
    return { settings: s, keptSteps, fit: { used: keptSteps, full: T, unit: 'steps' } };
  }
  const key = sampler === 'langevin' ? 'langevinSteps' : 'nfe';
  const withValue = (k: number): KindSettings => ({ ...s, sampling: { ...s.sampling, [key]: k } });
  const nfeOf = (k: number): number => entry.pass(withValue(k)).nfe;
  const lowest = key === 'nfe' ? Math.min(2, s.sampling.nfe) : 1;
  const k = largestWithin(lowest, s.sampling[key], nfeOf, budget);
  const fit: PassFit = key === 'nfe' ? { used: nfeOf(k), full: nfeOf(s.sampling[key]), unit: 'NFE' } : { used: k, full: s.sampling[key], unit: 'steps per level' };
  return { settings: withValue(k), keptSteps: T, fit };
}

/**
 * The particle process of a diffusion kind under the settings (its sampler, NFE, levels), fitted to
 * `evaluations` network evaluations per pass ({@link fitPass}; Infinity, the default: the whole pass).
 * @throws RangeError on settings the process rejects.
 */
export function processFor(entry: DiffusionKindEntry, s: KindSettings, schedule: NoiseSchedule, sources: ProcessSources, evaluations = Number.POSITIVE_INFINITY): ParticleProcess {
  const { settings, keptSteps } = fitPass(entry, s, schedule.T, evaluations);
  return FACTORIES[entry.process](settings, schedule, sources, keptSteps);
}

/**
 * One whole reverse pass without particle state: x_T ~ N(0, priorScale^2 I) [n, D] drawn from `rng`, then
 * `process.reverse` with `field` down to t = 0 (process.passSteps steps).
 * @param onStep called after each step with the positions before and after it ([n, D], borrowed: valid
 *   during the call) and the new grid step, e.g. to measure straightness or show progress.
 * @returns the samples [n, D]; the caller owns them.
 */
export function sampleFromNoise(process: ParticleProcess, field: FieldModel, n: number, rng: Rng, onStep?: (from: tf.Tensor2D, to: tf.Tensor2D, t: number) => void): tf.Tensor2D {
  let x = tf.randomNormal([n, field.dim], 0, process.priorScale, 'float32', rng.nextSeed()) as tf.Tensor2D;
  let t = process.T;
  while (t > 0) {
    const next = process.reverse(field, x, t);
    onStep?.(x, next.x, next.t);
    x.dispose();
    ({ x, t } = next);
  }
  return x;
}
