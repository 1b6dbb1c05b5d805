/**
 * A live DDPM scene without any drawing: data, schedule, epsilon-network, trainer and particles,
 * rebuilt as little as a config change requires. The app drives it from the game loop
 * ({@link trainStep}, {@link simulate}); tests and the benchmark drive it directly in Node.
 *
 * Loss is read back asynchronously every {@link LOSS_READBACK_EVERY} steps; nothing here blocks on the GPU.
 */
import { cloneConfig, effectiveSampler, type Field, type HeatMap, type Invalidates, type PlaygroundConfig, CONFIG_SCHEMA } from '../config/playground-config';
import type { PointSet } from '../data/datasets';
import { EmpiricalField, ExactEpsilon, exactVelocity, MixtureField, type ExactDenoiser } from '../models/exact-fields';
import { FlowMatchingTrainer, learnedVelocity } from '../models/flow-matching';
import { geometricSigmas, NcsnTrainer, sigmaAtTau } from '../models/ncsn';
import * as tf from '@tensorflow/tfjs';
import { allFinite, DivergenceGuard, type DivergenceEvent } from '../models/divergence-guard';
import { EVALS_PER_STEP, integrate, type OdeMethod } from '../models/ode-solvers';
import type { EpsilonModel } from '../models/epsilon-network';
import type { SamplerKind } from '../particles/reverse-samplers';
import { linearFlowPath, vePath, vpPath, type GaussianPath } from '../models/gaussian-path';
import { DdpmTrainer } from '../models/ddpm';
import { clipDenoised, dataBox, type DataBox } from '../models/denoised-clip';
import { EpsilonNetwork } from '../models/epsilon-network';
import { GaussianNoisePool } from '../models/noise-source';
import { createRng, type Rng } from '../models/random';
import { makeSchedule, type NoiseSchedule } from '../models/schedules';
import { DiffusionParticles, type ScoreProcess } from '../particles/diffusion-particles';
import { arrowField, fieldTime as fieldTimeOf, gridPoints, heatValues, type FieldTime } from './field-views';
import { makeReverseSampler, type ReverseSampler } from '../particles/reverse-samplers';
import { sceneDataOf, type SceneData } from './scene-data';

/** Training points drawn per data set (independent of the particle count). */
export const TRAINING_POINTS = 20_000;
/** Reference points drawn for the faint data layer. */
export const REFERENCE_POINTS = 6_000;
/** (sample, noise) pairs drawn for one reflow. */
export const REFLOW_PAIRS = 4_000;
/** Points of the empirical law behind the exact field of data sets without a closed form. */
export const EXACT_FIELD_POINTS = 2_000;
/** Particles that draw a trail when trails are on (the first ones; enough to see the flow, few enough to read it). */
export const TRAIL_PARTICLES = 1_500;
/** One loss value is read back every this many training steps. */
export const LOSS_READBACK_EVERY = 10;
/** Simulation steps between two checks that every particle is finite (one scalar read back each). */
export const FINITE_CHECK_EVERY = 50;

/** The ODE method flow matching integrates with for a sampler choice (its non-ODE samplers fall back to RK4). */
export function flowMethod(sampler: SamplerKind): OdeMethod {
  return sampler === 'euler' || sampler === 'heun' || sampler === 'rk4' ? sampler : 'rk4';
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

/** The live scene state. Owns every tensor it creates: call {@link dispose}. */
export class DiffusionSession {
  readonly family = 'diffusion' as const;
  config: PlaygroundConfig;
  schedule!: NoiseSchedule;
  net!: EpsilonNetwork;
  trainer!: DdpmTrainer | FlowMatchingTrainer | NcsnTrainer;
  /** Noise levels of the score model, descending (empty for the other models). */
  sigmas: Float64Array = new Float64Array(0);
  particles!: DiffusionParticles;
  /** Labels of the particles' source points (cluster per particle), length N. */
  particleLabels!: Uint16Array;
  /** A sample of the data set for the reference layer, [M, D] row-major. */
  reference!: PointSet;
  /** Most recent loss read back (NaN until the first one arrives). */
  loss = Number.NaN;
  /** Training step of {@link loss}. */
  lossStep = 0;
  /** Called with each loss read back (step, value); e.g. for a chart. */
  onLoss: ((step: number, loss: number) => void) | null = null;
  /** Mean straightness (chord / arc length, in (0, 1]) of the particles' last complete reverse pass; NaN until one ends. */
  straightness = Number.NaN;
  /** Called with each straightness read back (training step, value). */
  onStraightness: ((step: number, straightness: number) => void) | null = null;
  /** The data the scene trains on (built-in or custom; see scene-data). */
  sceneData!: SceneData;
  /** Called after training diverged and was rolled back (see {@link recoverFromDivergence}); `config` then holds the halved learning rate. */
  onDivergence: ((event: DivergenceEvent) => void) | null = null;
  private readonly guard = new DivergenceGuard(() => this.net.variables);
  private simSinceCheck = 0;
  private finiteCheckPending = false;
  private noise!: GaussianNoisePool;
  private dataRng!: Rng;
  private custom: PointSet | null;
  private readbackPending = false;
  private disposed = false;

  /**
   * @param config a validated config (see validateConfig).
   * @param customData the point set used when config.data.source is 'custom' (normalised, e.g.
   *   loaders.LoadedData.set); kept for later when the source is 'built-in'.
   * @throws RangeError when the source is 'custom' without a valid point set.
   */
  constructor(config: PlaygroundConfig, private holdSteps = 0, customData: PointSet | null = null) {
    this.config = cloneConfig(config);
    this.custom = customData;
    this.buildAll();
    this.configureParticles();
  }

  get dim(): 2 | 3 {
    return this.sceneData.dim;
  }

  /** The custom point set given to the session (used when config.data.source is 'custom'), or null. */
  get customData(): PointSet | null {
    return this.custom;
  }

  /** Rest at each end of the diffusion, in simulation steps. */
  setHoldSteps(n: number): void {
    n = Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0;
    this.holdSteps = n;
    this.particles.holdSteps = n;
  }

  /**
   * Applies a new (validated) config, rebuilding only what changed. Returns what was invalidated so
   * the UI can say so ("retraining from scratch").
   * @param customData a new custom point set (undefined: keep the current one); a different set counts
   *   as a data change when the source is 'custom'.
   * @throws RangeError, with the scene left as it was, when the source is 'custom' without a valid point set.
   */
  apply(next: PlaygroundConfig, customData?: PointSet | null): Invalidates {
    const custom = customData === undefined ? this.custom : customData;
    sceneDataOf(next.data, custom); // checked before anything changes
    const changed = changedInvalidations(this.config, next);
    if (next.data.source === 'custom' && custom !== this.custom) changed.add('data');
    const what = changed.has('data') ? 'data' : diffInvalidation(this.config, next);
    this.custom = custom;
    this.config = cloneConfig(next);
    if (what !== 'live') this.guard.resume(); // a change of data, model or training may train again after a stop
    if (changed.has('data')) {
      this.disposeModel();
      this.disposeParticles();
      this.disposeData();
      this.buildAll();
      this.configureParticles();
      return what;
    }
    if (changed.has('model')) {
      this.disposeModel();
      this.buildModel();
    }
    if (changed.has('particles')) {
      this.disposeParticles();
      this.buildParticles();
    } else if (changed.has('model')) {
      this.particles.setSchedule(this.schedule);
    }
    if (changed.has('training') && !changed.has('model')) {
      this.trainer.setTraining(this.config.model);
      if (this.trainer instanceof FlowMatchingTrainer) this.trainer.coupling = this.config.model.coupling;
    }
    this.configureParticles();
    return what;
  }

  /**
   * Rectified-flow reflow for the flow model: integrates REFLOW_PAIRS noise draws with the current
   * velocity (RK4, 20 steps) and retrains on those (sample, noise) pairs from now on. A user action, read
   * back once asynchronously. @returns false (and does nothing) when the model is not flow matching.
   */
  async reflow(): Promise<boolean> {
    const trainer = this.trainer;
    if (!(trainer instanceof FlowMatchingTrainer)) return false;
    const x1 = tf.randomNormal([REFLOW_PAIRS, this.dim], 0, 1, 'float32', createRng(this.config.data.seed ^ 0x4ef1).nextSeed()) as tf.Tensor2D;
    const x0 = integrate('rk4', learnedVelocity(trainer.samplingNet), x1, 1, 0, 20);
    const [a, b] = await Promise.all([x0.data(), x1.data()]);
    tf.dispose([x0, x1]);
    if (this.trainer !== trainer) return false; // the model was rebuilt meanwhile
    trainer.setReflowPairs({ x0: a as Float32Array, x1: b as Float32Array });
    return true;
  }

  /**
   * Where the field views are evaluated: at relative time tau in [0, 1], or (tau undefined) at the
   * particles' current t / T. See {@link fieldTime}.
   */
  fieldTime(tau?: number): FieldTime {
    return fieldTimeOf(this.config.model.kind, tau ?? this.pathTime, this.schedule, this.sigmas);
  }

  /** The model's field in its own parametrisation (epsilon, sigma times the score, or velocity): the network's EMA copy, or the exact one. */
  private modelField(source: 'learned' | 'exact'): EpsilonModel {
    if (source === 'learned') return this.trainer.samplingNet;
    const kind = this.config.model.kind;
    return kind === 'flow' ? this.exactVelocity : kind === 'score' ? this.exactScore : this.exactEpsilon;
  }

  /**
   * The field that moves the particles back towards the data, on an n x n grid over [-extent, extent]^2
   * (see gridPoints) at relative time tau (default: the particles' current t / T): the score for DDPM and
   * the score model, minus the velocity for flow matching (the direction of the reverse motion). Uses the
   * configured field (learned or exact). One tfjs pass, one asynchronous readback; 2D data only.
   * @returns grid points and vectors, each [n*n, 2] row-major, and the field time; null for 3D data.
   */
  async fieldGrid(n: number, extent: number, tau?: number): Promise<{ points: Float32Array; vectors: Float32Array; time: FieldTime } | null> {
    if (this.dim !== 2) return null;
    const pts = gridPoints(n, extent);
    const time = this.fieldTime(tau);
    const model = this.modelField(this.config.sampling.field);
    const vectors = tf.tidy(() => arrowField(model, tf.tensor2d(pts, [n * n, 2]), time));
    const data = (await vectors.data()) as Float32Array;
    vectors.dispose();
    return { points: pts, vectors: data, time };
  }

  /**
   * The Gaussian path the current model samples on: the VP path of the DDPM schedule, the VE path of the
   * score model's noise scales, or flow matching's straight path (for the schedule plots).
   */
  get samplingPath(): GaussianPath {
    const kind = this.config.model.kind;
    if (kind === 'score') return vePath(this.config.schedule.sigmaMin, this.config.schedule.sigmaMax);
    if (kind === 'flow') return linearFlowPath();
    return vpPath({ ...this.config.schedule });
  }

  /** The particles' time on {@link samplingPath}, in [0, 1] (0 = data). */
  get pathTime(): number {
    const p = this.particles;
    // The score model's grid step k >= 1 sits at t = (k - 1) / (K - 1) of the VE path; k = 0 is the data itself.
    if (this.config.model.kind === 'score') return Math.max(0, (p.t - 1) / (p.T - 1));
    return p.t / p.T;
  }

  /**
   * A heat map on the n x n grid over [-extent, extent]^2 (see gridPoints) at relative time tau (default:
   * the particles' t / T): the exact log p_t of the noised data, |score| of the configured field, or
   * |learned - exact| in the arrows' parametrisation (see heatValues). One tfjs pass, one asynchronous
   * readback (the log-density, which does not change with training, is reused at the same grid and time);
   * 2D data only.
   * @returns values [n*n] (row-major, y outer) and the field time; null for 3D data or kind 'off'.
   */
  async heatMapGrid(kind: HeatMap, n: number, extent: number, tau?: number): Promise<{ n: number; extent: number; values: Float32Array; time: FieldTime } | null> {
    if (this.dim !== 2 || kind === 'off') return null;
    const time = this.fieldTime(tau);
    // The exact log-density does not change with training: reuse the last one at the same grid and time.
    const key = `${n} ${extent} ${time.alpha} ${time.sigma}`;
    const cached = this.logDensityCache;
    if (kind === 'log-density' && cached !== null && cached.key === key && cached.denoiser === this.denoiser) return { n, extent, values: cached.values.slice(), time };
    const pts = gridPoints(n, extent);
    const fields = { inUse: this.modelField(this.config.sampling.field), learned: this.modelField('learned'), exact: this.modelField('exact'), density: this.denoiser };
    const values = tf.tidy(() => heatValues(kind, tf.tensor2d(pts, [n * n, 2]), time, fields));
    const data = (await values.data()) as Float32Array;
    values.dispose();
    if (kind === 'log-density') this.logDensityCache = { key, denoiser: fields.density, values: data.slice() };
    return { n, extent, values: data, time };
  }

  /** The last log-density grid, by grid and time, and the exact field it came from. */
  private logDensityCache: { key: string; denoiser: ExactDenoiser; values: Float32Array } | null = null;


  /** Puts the particles back on their data points (the restart action). */
  restartParticles(): void {
    this.particles.resetToData();
  }

  /** Throws the model away and starts training from fresh weights (same data, same particles). */
  resetWeights(): void {
    this.guard.resume();
    this.disposeModel();
    this.buildModel();
  }

  /**
   * One training step; the loss is read back asynchronously every few steps. A loss that is not finite
   * rolls the weights back (see {@link recoverFromDivergence}).
   */
  trainStep(): void {
    if (this.guard.stopped !== null) return; // too many failed recoveries in a row (see DivergenceGuard)
    const trainer = this.trainer;
    const loss = trainer.step();
    const step = trainer.steps;
    this.guard.afterStep(step);
    if (step % LOSS_READBACK_EVERY === 0 && !this.readbackPending) {
      this.readbackPending = true;
      loss
        .data()
        .then((v) => {
          if (this.disposed || this.trainer !== trainer) return; // the model was rebuilt meanwhile
          if (!this.guard.observe(step, v[0])) {
            this.recoverFromDivergence(step);
            return;
          }
          this.loss = v[0];
          this.lossStep = step;
          this.onLoss?.(step, v[0]);
        })
        .catch(() => undefined)
        .finally(() => {
          this.readbackPending = false;
          loss.dispose();
        });
    } else {
      loss.dispose();
    }
  }

  /**
   * After a loss that is not finite: puts back the last weights known to be good (or fresh weights when
   * none are), restarts Adam's moments and the weight average, halves the learning rate (kept within the
   * GUI's range, written to `config`), and sends particles that left the finite numbers back to the data.
   * Reports through {@link onDivergence}.
   */
  recoverFromDivergence(step: number, cause: DivergenceEvent['cause'] = 'loss'): void {
    const { restoredFrom, stopped } = this.guard.rollback(step);
    const range = CONFIG_SCHEMA.model.learningRate;
    const learningRate = Math.min(range.max, Math.max(range.min, this.trainer.training.learningRate / 2));
    this.config.model = { ...this.config.model, learningRate };
    if (restoredFrom === null) {
      this.disposeModel(); // fresh weights, the guard's record of failures kept
      this.buildModel();
    } else {
      this.trainer.restartOptimizer();
      this.trainer.setTraining(this.config.model);
    }
    this.particles.replaceNonFinite();
    this.onDivergence?.({ step, restoredFrom, learningRates: { learningRate }, cause, stopped });
  }

  /**
   * Every {@link FINITE_CHECK_EVERY} simulation steps, one asynchronous check that every particle is
   * finite. A network can be finite and still throw particles to Infinity (a learning rate far too
   * large): that counts as a divergence too.
   */
  private checkParticles(): void {
    if (++this.simSinceCheck < FINITE_CHECK_EVERY || this.finiteCheckPending) return;
    this.simSinceCheck = 0;
    this.finiteCheckPending = true;
    const particles = this.particles;
    const trainer = this.trainer;
    allFinite([particles.current])
      .then((finite) => {
        if (!finite && !this.disposed && this.particles === particles && this.trainer === trainer) {
          if (this.config.sampling.field === 'exact') particles.replaceNonFinite();
          else this.recoverFromDivergence(trainer.steps, 'particles');
        }
      })
      .catch(() => undefined)
      .finally(() => (this.finiteCheckPending = false));
  }

  /** Training steps taken by the current network. */
  get trainSteps(): number {
    return this.trainer.steps;
  }

  /**
   * One fixed simulation step of the particles under the configured phase. Reverse steps use the EMA
   * weights, or with field = 'exact' the exact epsilon of the data.
   */
  simulate(): void {
    const kind = this.config.model.kind;
    const exact = kind === 'flow' ? this.exactVelocity : kind === 'score' ? this.exactScore : this.exactEpsilon;
    const field = this.config.sampling.field === 'exact' ? exact : this.trainer.samplingNet;
    // DDPM samplers see x_0 clipped to the data's range unless turned off (safe at t = T on the cosine schedule; models/denoised-clip.ts).
    const model = kind === 'ddpm' && this.config.sampling.clipX0 ? clipDenoised(field, this.x0Clip.path, this.x0Clip.box) : field;
    this.particles.step(this.config.sampling.phase, model, this.config.sampling.variance);
    this.checkParticles();
    const straightness = this.particles.takeStraightness();
    if (straightness !== null) {
      const step = this.trainer.steps;
      straightness
        .data()
        .then((v) => {
          this.straightness = v[0];
          this.onStraightness?.(step, v[0]);
        })
        .catch(() => undefined)
        .finally(() => straightness.dispose());
      this.onPassEnd?.(step);
    }
  }

  /** Called (synchronously, inside {@link simulate}) when a reverse pass reaches the data, with the training step. */
  onPassEnd: ((step: number) => void) | null = null;

  /** The first min(m, N) particles as they are now, [m, D] row-major; one asynchronous readback. */
  sampleReadback(m: number): Promise<Float32Array> {
    return readRows(this.particles.current, m);
  }

  /** The DDPM reverse sampler built from the config (used by the particles and for the NFE). */
  private reverseSampler!: ReverseSampler;

  /** Gives the particles the configured reverse process and trails. */
  private configureParticles(): void {
    this.particles.setTrails(this.config.view.trails, TRAIL_PARTICLES);
    const s = this.config.sampling;
    const sampler = effectiveSampler(this.config);
    if (this.config.model.kind === 'score') {
      this.particles.setSampler(null);
      this.particles.setFlow(null);
      this.particles.setScore(this.scoreProcess(sampler));
      return;
    }
    this.particles.setScore(null);
    if (this.config.model.kind === 'flow') {
      this.particles.setSampler(null);
      this.particles.setFlow({ steps: s.nfe, method: flowMethod(sampler) });
      return;
    }
    this.particles.setFlow(null);
    this.reverseSampler = makeReverseSampler({ ...s, kind: sampler, nfe: Math.min(s.nfe, this.schedule.T) }, this.schedule);
    this.particles.setSampler(this.reverseSampler);
  }

  /**
   * The score model's particle process for a sampler: annealed Langevin on the model's L levels, or the
   * VE probability-flow ODE / reverse SDE on NFE geometric levels between sigmaMax and sigmaMin.
   */
  private scoreProcess(sampler: SamplerKind): ScoreProcess {
    const s = this.config.sampling;
    if (sampler === 'langevin') return { sigmas: this.sigmas, reverse: { kind: 'langevin', steps: s.langevinSteps, delta: s.langevinDelta } };
    const { sigmaMax, sigmaMin } = this.config.schedule;
    const sigmas = geometricSigmas(sigmaMax, sigmaMin, s.nfe);
    if (sampler === 'euler-maruyama') return { sigmas, reverse: { kind: 'sde', lambda: s.stochasticity } };
    return { sigmas, reverse: { kind: 'ode', method: flowMethod(sampler) } };
  }

  /** Simulation steps of one whole reverse pass from t = T to the data with the current sampler (for timelines that fit a pass to a duration). */
  get reversePassSteps(): number {
    const T = this.particles.T;
    if (this.config.model.kind !== 'ddpm') return T; // flow matching and the score model take one grid step per simulation step
    let n = 0;
    for (let t = T; t > 0 && n <= T; t = this.reverseSampler.next(t)) n++;
    return n;
  }

  /** Network evaluations for one reverse pass with the configured sampler. */
  get reverseNfe(): number {
    const s = this.config.sampling;
    const sampler = effectiveSampler(this.config);
    if (this.config.model.kind === 'flow') return (s.nfe - 1) * EVALS_PER_STEP[flowMethod(sampler)] + 1;
    if (this.config.model.kind === 'score') {
      if (sampler === 'langevin') return (this.sigmas.length - 1) * s.langevinSteps + 1;
      return (s.nfe - 1) * (sampler === 'euler-maruyama' ? 1 : EVALS_PER_STEP[flowMethod(sampler)]) + 1;
    }
    return this.reverseSampler.nfe;
  }

  private buildAll(): void {
    this.sceneData = sceneDataOf(this.config.data, this.custom);
    this.dataRng = createRng(this.config.data.seed);
    const training = this.sceneData.sample(TRAINING_POINTS, this.dataRng.fork());
    this.reference = this.sceneData.sample(REFERENCE_POINTS, this.dataRng.fork());
    this.trainingData = training.points;
    // Exact field: the mixture in closed form where there is one, else the empirical law of a subsample.
    const mixture = this.sceneData.mixture;
    const path = vpPath({ ...this.config.schedule });
    const support = this.sceneData.exactFieldPoints(training, EXACT_FIELD_POINTS, this.dataRng.fork());
    this.denoiser = mixture !== null ? new MixtureField(path, mixture) : new EmpiricalField(path, support, training.dim);
    this.buildModel();
    this.buildParticles();
  }

  private trainingData!: Float32Array;
  private denoiser!: ExactDenoiser;
  /** The exact epsilon of the data on the current schedule (the oracle field). */
  exactEpsilon!: ExactEpsilon;
  /** The DDPM's continuous path and the data's box for clipping predicted x_0 (see simulate). */
  private x0Clip!: { path: GaussianPath; box: DataBox };
  /** The exact velocity of the data on flow matching's straight path (the oracle of the flow model). */
  exactVelocity!: EpsilonModel;
  /** sigma times the exact score of the data noised at the score model's level tau (its network's output). */
  exactScore!: EpsilonModel;

  private buildModel(): void {
    const { schedule, model, data } = this.config;
    this.schedule = makeSchedule({ ...schedule });
    this.x0Clip = { path: vpPath({ ...schedule }), box: dataBox(this.trainingData, this.dim) };
    this.exactEpsilon = new ExactEpsilon(this.denoiser, this.schedule);
    const flowPath = linearFlowPath();
    const velocity = exactVelocity(flowPath, this.denoiser);
    // tau is kept inside (0, 1]: the straight path's exact velocity is singular at the data end.
    const denoiser = this.denoiser;
    const { sigmaMax, sigmaMin } = schedule;
    this.exactScore = {
      dim: denoiser.dim,
      predict: (x, tau) => {
        const sigma = sigmaAtTau(sigmaMax, sigmaMin, typeof tau === 'number' ? tau : 0);
        return tf.tidy(() => tf.div(tf.sub(denoiser.denoiseAt(x, 1, sigma), x), sigma) as tf.Tensor2D);
      },
    };
    this.exactVelocity = { dim: this.denoiser.dim, predict: (x, tau) => velocity(x, Math.max(1e-3, typeof tau === 'number' ? tau : 0.5)) };
    const rng = createRng(data.seed ^ 0x5eed);
    this.sigmas = model.kind === 'score' ? geometricSigmas(schedule.sigmaMax, schedule.sigmaMin, schedule.levels) : new Float64Array(0);
    if (model.kind === 'score') {
      this.net = new EpsilonNetwork(this.dim, { ...model, timeScale: 50 }, rng.fork());
      this.trainer = new NcsnTrainer(this.net, this.sigmas, this.trainingData, rng.fork(), model);
    } else if (model.kind === 'flow') {
      // A continuous-time model: a smoother time embedding (see MlpSpec.timeScale).
      this.net = new EpsilonNetwork(this.dim, { ...model, timeScale: 50 }, rng.fork());
      this.trainer = new FlowMatchingTrainer(this.net, this.trainingData, rng.fork(), model, model.coupling);
    } else {
      this.net = new EpsilonNetwork(this.dim, model, rng.fork());
      this.trainer = new DdpmTrainer(this.net, this.schedule, this.trainingData, rng.fork(), model);
    }
  }

  private buildParticles(): void {
    const { particles, seed } = this.config.data;
    const rng = createRng(seed ^ 0x9a27);
    const set = this.sceneData.sample(particles, rng.fork());
    this.particleLabels = set.labels;
    this.noise = new GaussianNoisePool(set.dim, rng.fork());
    this.particles = new DiffusionParticles({ x0: set.points, dim: set.dim, schedule: this.schedule, noise: this.noise, rng: rng.fork(), holdSteps: this.holdSteps });
  }

  private disposeData(): void {
    this.denoiser.dispose();
  }

  private disposeModel(): void {
    this.guard.reset();
    this.trainer.dispose();
    this.net.dispose();
  }

  private disposeParticles(): void {
    this.particles.dispose();
    this.noise.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.guard.dispose();
    this.disposeModel();
    this.disposeParticles();
    this.disposeData();
  }
}
