/**
 * A live diffusion-family scene without any drawing (DDPM, the score model, flow matching): data,
 * schedule, field network, trainer and particles, rebuilt as little as a config change requires. What
 * differs between the models comes from their registry entry (models/kinds) and their particle process
 * (particles/process). The app drives it from the game loop ({@link trainStep}, {@link simulate}); tests,
 * the CLI and the benchmark drive it directly in Node.
 *
 * Loss is read back asynchronously every LOSS_READBACK_EVERY steps; nothing here blocks on the GPU.
 */
import { cloneConfig, CONFIG_SCHEMA, type FieldSource, type HeatMap, type Invalidates, type PlaygroundConfig } from '../config/playground-config';
import type { PointSet } from '../data/datasets';
import { DivergenceGuard, type DivergenceEvent } from '../models/divergence-guard';
import { clipDenoised } from '../models/denoised-clip';
import type { ExactDenoiser } from '../models/exact-fields';
import type { FieldModel } from '../models/field';
import type { FieldNetwork } from '../models/field-network';
import { FlowMatchingTrainer } from '../models/flow-matching';
import type { GaussianPath } from '../models/gaussian-path';
import { diffusionKind, type DiffusionKindEntry, type PassLength } from '../models/kinds';
import type { LiveTrainer } from '../models/live-trainer';
import { GaussianNoisePool } from '../models/noise-source';
import { createRng, type Rng } from '../models/random';
import type { NoiseSchedule } from '../models/schedules';
import { DiffusionParticles } from '../particles/diffusion-particles';
import { processFor } from '../particles/process';
import { buildDiffusionModel, exactDenoiser, type DiffusionModelParts } from './diffusion-model';
import { PassFitting } from './pass-fitting';
import { DiffusionProbes, type FieldGrid, type HeatGrid } from './diffusion-probes';
import { fieldTime as fieldTimeOf, type FieldTime } from './field-views';
import { FiniteCheck } from './finite-check';
import { reflowPairs } from './reflow';
import type { SceneData } from './scene-data';
import { changedInvalidations, diffInvalidation, LossReadback, nextCustomData, readRows, trainingDataOf, TRAIL_PARTICLES, type LiveSession } from './session';

export { EXACT_FIELD_POINTS } from './diffusion-model';

/** The live scene state. Owns every tensor it creates: call {@link dispose}. */
export class DiffusionSession implements LiveSession {
  readonly family = 'diffusion' as const;
  config: PlaygroundConfig;
  /** The registry entry of the model kind. */
  kind!: DiffusionKindEntry;
  schedule!: NoiseSchedule;
  net!: FieldNetwork;
  trainer!: LiveTrainer;
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
  /** Called (synchronously, inside {@link simulate}) when a reverse pass reaches the data, with the training step. */
  onPassEnd: ((step: number) => void) | null = null;
  /** The evaluations per pass the particles are fitted to (issue 14; taken between passes). */
  readonly fitting: PassFitting = new PassFitting(this, () => this.configureParticles());
  /** The data the scene trains on (built-in or custom; see scene-data). */
  sceneData!: SceneData;
  /** Called after training diverged and was rolled back (see {@link recoverFromDivergence}); `config` then holds the halved learning rate. */
  onDivergence: ((event: DivergenceEvent) => void) | null = null;
  /** The exact field of the data in the model's parametrisation (the oracle; models/kinds exactField). */
  exactField!: FieldModel;
  private readonly guard = new DivergenceGuard(() => this.net.variables);
  private readonly readback = new LossReadback(this.guard);
  private readonly probes = new DiffusionProbes(this);
  private readonly finiteCheck = new FiniteCheck();
  private noise!: GaussianNoisePool;
  /** The seeded rng of the particles' whole draws (x_T of each reverse pass, flow matching's x_1); the CLI's x_T too. */
  particleRng!: Rng;
  private dataRng!: Rng;
  private custom: PointSet | null;
  private trainingData!: Float32Array;
  /** The exact noised data law (read by the probes). */
  denoiser!: ExactDenoiser;
  private disposed = false;

  /**
   * @param config a validated config of a diffusion-family model (see validateConfig).
   * @param customData the point set used when config.data.source is 'custom' (normalised, e.g.
   *   loaders.LoadedData.set); kept for later when the source is 'built-in'.
   * @throws RangeError for an adversarial model, or a 'custom' source without a valid point set.
   */
  constructor(config: PlaygroundConfig, private holdSteps = 0, customData: PointSet | null = null) {
    this.config = cloneConfig(config);
    this.kind = diffusionKind(config.model.kind);
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

  /** The field source the particles use (learned or exact). */
  get fieldInUse(): FieldSource {
    return this.config.sampling.field;
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
   * @throws RangeError, with the scene left as it was, for an adversarial model or a 'custom' source without a valid point set.
   */
  apply(next: PlaygroundConfig, customData?: PointSet | null): Invalidates {
    const kind = diffusionKind(next.model.kind);
    const { custom, changesData } = nextCustomData(next, this.custom, customData);
    const changed = changedInvalidations(this.config, next);
    if (changesData) changed.add('data');
    const what = changed.has('data') ? 'data' : diffInvalidation(this.config, next);
    this.custom = custom;
    this.config = cloneConfig(next);
    this.kind = kind;
    if (what !== 'live') this.guard.resume(); // a change of data, model or training may train again after a stop
    if (changed.has('data')) {
      this.disposeModel();
      this.disposeParticles();
      this.denoiser.dispose();
      this.buildAll();
    } else {
      if (changed.has('model')) {
        this.disposeModel();
        this.buildModel();
      }
      if (changed.has('particles')) {
        this.disposeParticles();
        this.buildParticles();
      } else if (changed.has('model')) {
        this.particles.resetToData(); // a new model starts its particles from the data
      }
      if (changed.has('training') && !changed.has('model')) {
        this.trainer.setTraining(this.config.model);
        if (this.trainer instanceof FlowMatchingTrainer) this.trainer.coupling = this.config.model.coupling;
      }
    }
    this.configureParticles();
    return what;
  }

  /**
   * Rectified-flow reflow for the flow model: retrains on the current velocity's own (sample, noise)
   * pairs from now on (see reflow.ts). A user action, read back once asynchronously.
   * @returns false (and does nothing) when the model is not flow matching, or was rebuilt meanwhile.
   */
  async reflow(): Promise<boolean> {
    const trainer = this.trainer;
    if (!(trainer instanceof FlowMatchingTrainer)) return false;
    const pairs = await reflowPairs(trainer, this.dim, this.config.data.seed);
    if (this.trainer !== trainer) return false;
    trainer.setReflowPairs(pairs);
    return true;
  }

  /**
   * Where the field views are evaluated: at relative time tau in [0, 1], or (tau undefined) at the
   * particles' current time on the path ({@link pathTime}). See field-views.fieldTime.
   */
  fieldTime(tau?: number): FieldTime {
    return fieldTimeOf(this.kind.parametrisation, tau ?? this.pathTime, this.schedule, this.sigmas);
  }

  /**
   * The field the particles step with: the model's field (see modelField), for a DDPM with its predicted
   * x_0 clipped to the data's box unless sampling.clipX0 is off (safe at t = T on the cosine schedule;
   * models/denoised-clip.ts). Does not own the result's parts.
   */
  samplingField(): FieldModel {
    const field = this.modelField(this.config.sampling.field);
    return this.x0Clip !== null && this.config.sampling.clipX0 ? clipDenoised(field, this.x0Clip.path, this.x0Clip.box) : field;
  }

  /** The model's field in its own parametrisation (epsilon, sigma times the score, or velocity): the network's EMA copy, or the exact one. */
  modelField(source: FieldSource): FieldModel {
    return source === 'learned' ? this.trainer.samplingNet : this.exactField;
  }

  /** The arrows of the configured field on an n x n grid (see DiffusionProbes.fieldGrid); null for 3D data. */
  fieldGrid(n: number, extent: number, tau?: number): Promise<FieldGrid | null> {
    return this.probes.fieldGrid(n, extent, tau);
  }

  /** A heat map on an n x n grid (see DiffusionProbes.heatMapGrid); null for 3D data or 'off'. */
  heatMapGrid(heat: HeatMap, n: number, extent: number, tau?: number): Promise<HeatGrid | null> {
    return this.probes.heatMapGrid(heat, n, extent, tau);
  }

  /** The Gaussian path the current model samples on (the VP path of the DDPM schedule, the score model's VE path, or the straight path). */
  get samplingPath(): GaussianPath {
    return this.kind.path(this.config);
  }

  /** The particles' time on {@link samplingPath}, in [0, 1] (0 = data). */
  get pathTime(): number {
    return this.particles.currentProcess.pathTime(this.particles.t);
  }

  /** One reverse pass of the particles' process: simulation steps and network evaluations (NFE). */
  get pass(): PassLength {
    const p = this.particles.currentProcess;
    return { steps: p.passSteps, nfe: p.nfe };
  }

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
    this.readback.afterStep(trainer.steps, loss, {
      read: async (l) => {
        try {
          return (await l.data())[0];
        } finally {
          l.dispose();
        }
      },
      release: (l) => l.dispose(),
      total: (v) => v,
      stale: () => this.disposed || this.trainer !== trainer, // the model was rebuilt meanwhile
      accept: (v, step) => {
        this.loss = v;
        this.lossStep = step;
        this.onLoss?.(step, v);
      },
      diverged: (step) => this.recoverFromDivergence(step),
    });
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

  /** Particles thrown out of the finite numbers by the learned field count as a divergence (see finite-check.ts); the exact field's are put back. */
  private checkParticles(): void {
    const { particles, trainer } = this;
    this.finiteCheck.afterStep(() => particles.current, () => {
      if (this.disposed || this.particles !== particles || this.trainer !== trainer) return;
      if (this.config.sampling.field === 'exact') particles.replaceNonFinite();
      else this.recoverFromDivergence(trainer.steps, 'particles');
    });
  }

  get trainingStopped(): string | null {
    return this.guard.stopped;
  }

  /** Training steps taken by the current network. */
  get trainSteps(): number {
    return this.trainer.steps;
  }

  /**
   * One fixed simulation step of the particles under the configured phase. Reverse steps use the EMA
   * weights, or with field = 'exact' the exact field of the data.
   */
  simulate(): void {
    this.fitting.settle();
    this.particles.step(this.config.sampling.phase, this.samplingField());
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

  /** The first min(m, N) particles as they are now, [m, D] row-major; one asynchronous readback. */
  sampleReadback(m: number): Promise<Float32Array> {
    return readRows(this.particles.current, m);
  }

  /** Gives the particles the configured process (the kind's, with the configured sampler) and trails. */
  private configureParticles(): void {
    this.particles.setTrails(this.config.view.trails, TRAIL_PARTICLES);
    this.particles.setProcess(processFor(this.kind, this.config, this.schedule, { noise: this.noise, rng: this.particleRng }, this.fitting.inUse));
  }

  private buildAll(): void {
    const data = trainingDataOf(this.config.data, this.custom);
    this.sceneData = data.sceneData;
    this.reference = data.reference;
    this.trainingData = data.training.points;
    this.dataRng = data.rng;
    this.denoiser = exactDenoiser(this.sceneData, data.training, this.config, this.dataRng.fork());
    this.buildModel();
    this.buildParticles();
  }

  /** The DDPM's path and the data's box for clipping predicted x_0 (see samplingField); null for the other kinds. */
  private x0Clip: DiffusionModelParts['x0Clip'] = null;

  /** Schedule, levels, exact field, network and trainer of the configured kind (diffusion-model.ts). */
  private buildModel(): void {
    ({ schedule: this.schedule, exactField: this.exactField, sigmas: this.sigmas, x0Clip: this.x0Clip, net: this.net, trainer: this.trainer } = buildDiffusionModel(this.kind, this.config, this.denoiser, this.trainingData, this.dim));
  }

  private buildParticles(): void {
    const { particles, seed } = this.config.data;
    const rng = createRng(seed ^ 0x9a27);
    const set = this.sceneData.sample(particles, rng.fork());
    this.particleLabels = set.labels;
    this.noise = new GaussianNoisePool(set.dim, rng.fork());
    this.particleRng = rng.fork();
    const process = processFor(this.kind, this.config, this.schedule, { noise: this.noise, rng: this.particleRng }, this.fitting.inUse);
    this.particles = new DiffusionParticles({ x0: set.points, dim: set.dim, process, rng: this.particleRng, holdSteps: this.holdSteps });
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
    this.denoiser.dispose();
  }
}
