/**
 * A live GAN / WGAN / WGAN-GP scene without drawing (seed §3): data, generator and discriminator/critic,
 * their trainer, and the particles x = G(z) for fixed latent draws z, which move as G trains. Rebuilds as
 * little as a config change requires, like the diffusion session; the game's settings come from its
 * registry entry (models/kinds). The views (landscape of D, optimal D*, generator manifold, push arrows,
 * the theory figures) are the probes of gan-probes.ts; the scene only draws them.
 */
import * as tf from '@tensorflow/tfjs';
import { cloneConfig, CONFIG_SCHEMA, type Invalidates, type PlaygroundConfig } from '../config/playground-config';
import type { PointSet } from '../data/datasets';
import { DivergenceGuard, type DivergenceEvent } from '../models/divergence-guard';
import { Gan, type GanTrainingSpec } from '../models/gan';
import { GanTrainer, readGanLosses, type GanStepLosses } from '../models/gan-trainer';
import { adversarialKind, type AdversarialKindEntry } from '../models/kinds';
import { createRng } from '../models/random';
import { GeneratedParticles } from '../particles/generated-particles';
import { GanProbes, type GanTheory } from './gan-probes';
import type { SceneData } from './scene-data';
import { changedInvalidations, diffInvalidation, LossReadback, nextCustomData, readRows, trainingDataOf, TRAIL_PARTICLES, type LiveSession } from './session';

export { CRITIC_FLOOR_QUANTILE, D_STAR_MASK, THEORY_POINTS, W1_POINTS, type GanTheory } from './gan-probes';

/** The latest losses of a GAN step (NaN until read back). */
export interface GanLosses {
  /** The minimised discriminator/critic loss (incl. lambda times the penalty for WGAN-GP). */
  critic: number;
  /** L(G, D) on the batch for a GAN (seed §3.1); the critic's Wasserstein estimate E_r f - E_g f for a WGAN. */
  value: number;
  /** Gradient penalty without lambda (WGAN-GP), else 0. */
  penalty: number;
  /** The minimised generator loss. */
  generator: number;
}

/** The training spec of the trainer from a config. @throws RangeError for a diffusion-family model. */
export function ganTrainingOf(config: PlaygroundConfig): GanTrainingSpec {
  const g = config.gan;
  const game = adversarialKind(config.model.kind);
  return {
    loss: game.id,
    generatorObjective: g.objective,
    generatorLearningRate: g.generatorLearningRate,
    criticLearningRate: g.criticLearningRate,
    criticSteps: game.criticSteps(config),
    batchSize: config.model.batchSize,
    clip: g.clip,
    penalty: g.gpLambda,
  };
}

/** The live GAN scene state. Owns every tensor it creates: call {@link dispose}. */
export class GanSession implements LiveSession {
  readonly family = 'adversarial' as const;
  config: PlaygroundConfig;
  /** The registry entry of the game. */
  game: AdversarialKindEntry;
  gan!: Gan;
  trainer!: GanTrainer;
  particles!: GeneratedParticles;
  /** Colour label per particle: the sector of its latent z (so a user sees which z goes where), length N. */
  particleLabels!: Uint16Array;
  /** A sample of the data set for the reference layer. */
  reference!: PointSet;
  /** The critic/discriminator loss last read back (NaN until the first). */
  loss = Number.NaN;
  lossStep = 0;
  losses: GanLosses = { critic: Number.NaN, value: Number.NaN, penalty: Number.NaN, generator: Number.NaN };
  onLoss: ((step: number, loss: number) => void) | null = null;
  /** The data the scene trains on (built-in or custom; see scene-data). */
  sceneData!: SceneData;
  /** Called after training diverged and was rolled back (see {@link recoverFromDivergence}); `config` then holds the halved learning rates. */
  onDivergence: ((event: DivergenceEvent) => void) | null = null;
  /** The training points [M, D] row-major (read by the probes). */
  trainingData!: Float32Array;
  private readonly guard = new DivergenceGuard(() => [...this.gan.generator.variables, ...this.gan.critic.variables]);
  private readonly readback = new LossReadback(this.guard);
  private readonly probes = new GanProbes(this);
  private custom: PointSet | null;
  private z!: tf.Tensor2D;
  private generatedAt = -1;
  private disposed = false;

  /**
   * @param config a validated config whose model.kind is gan, wgan or wgan-gp.
   * @param customData the point set used when config.data.source is 'custom' (see DiffusionSession).
   * @throws RangeError for another model kind, or a 'custom' source without a valid point set.
   */
  constructor(config: PlaygroundConfig, customData: PointSet | null = null) {
    this.game = adversarialKind(config.model.kind);
    this.config = cloneConfig(config);
    this.custom = customData;
    this.buildData();
    this.buildModel();
    this.buildParticles();
  }

  get dim(): 2 | 3 {
    return this.sceneData.dim;
  }

  /** The custom point set given to the session (used when config.data.source is 'custom'), or null. */
  get customData(): PointSet | null {
    return this.custom;
  }

  /** Generator updates so far. */
  get trainingStopped(): string | null {
    return this.guard.stopped;
  }

  get trainSteps(): number {
    return this.trainer.generatorSteps;
  }

  /** The game's discriminator D(x) in (0, 1) (GAN), or a WGAN's critic f (for the probes). */
  get critic(): 'discriminator' | 'wasserstein' {
    return this.game.critic;
  }

  /**
   * Applies a new (validated) adversarial config, rebuilding only what changed.
   * @param customData a new custom point set (undefined: keep the current one); a different set counts
   *   as a data change when the source is 'custom'.
   * @returns the most costly invalidation.
   * @throws RangeError, with the scene left as it was, when the new model is not adversarial or the source
   *   is 'custom' without a valid point set.
   */
  apply(next: PlaygroundConfig, customData?: PointSet | null): Invalidates {
    const game = adversarialKind(next.model.kind);
    const { custom, changesData } = nextCustomData(next, this.custom, customData);
    // Between two games (GAN -> WGAN-GP) the networks stay: only the losses and optimizers change.
    const sameGame = { ...next, model: { ...next.model, kind: this.config.model.kind } };
    const changed = changedInvalidations(this.config, sameGame);
    const gameChanged = game !== this.game;
    if (gameChanged) changed.add('training');
    // WGAN's critic reads its clipped weights through fixed gains (models/gan.clippedCriticGains): a new critic.
    if (game.clippedCritic !== this.game.clippedCritic) changed.add('model');
    if (changesData) changed.add('data');
    let what: Invalidates = changed.has('data') ? 'data' : changed.has('model') ? 'model' : diffInvalidation(this.config, sameGame);
    if (gameChanged && what === 'live') what = 'training';
    this.custom = custom;
    this.config = cloneConfig(next);
    this.game = game;
    if (what !== 'live') this.guard.resume(); // a change of data, model or training may train again after a stop
    if (changed.has('data')) {
      this.disposeModel();
      this.disposeParticles();
      this.buildData();
      this.buildModel();
      this.buildParticles();
      return what;
    }
    if (changed.has('model')) {
      this.disposeModel();
      this.buildModel();
      this.disposeParticles();
      this.buildParticles(); // the latent dimension may have changed
    } else {
      if (changed.has('training')) this.trainer.setTraining(ganTrainingOf(this.config));
      if (changed.has('particles')) {
        this.disposeParticles();
        this.buildParticles();
      }
    }
    this.particles.setTrails(this.config.view.trails, TRAIL_PARTICLES);
    return what;
  }

  /** One generator step after k (or n_critic) discriminator/critic steps; losses read back every few steps. */
  trainStep(): void {
    if (this.guard.stopped !== null) return; // too many failed recoveries in a row (see DivergenceGuard)
    const trainer = this.trainer;
    const losses = trainer.step();
    this.readback.afterStep(trainer.generatorSteps, losses, {
      read: (l: GanStepLosses) => readGanLosses(l),
      release: (l) => tf.dispose(l),
      total: (l) => l.critic + l.generator,
      stale: () => this.disposed || this.trainer !== trainer, // the model was rebuilt meanwhile
      accept: (l, step) => {
        this.losses = l;
        this.loss = l.critic;
        this.lossStep = step;
        this.onLoss?.(step, l.critic);
      },
      diverged: (step) => this.recoverFromDivergence(step),
    });
  }

  /**
   * After a loss that is not finite: puts back the last generator and critic weights known to be good
   * (fresh ones when none are), restarts both optimizers, halves both learning rates (within the GUI's
   * range, written to `config`) and redraws G(z). Reports through {@link onDivergence}.
   */
  recoverFromDivergence(step: number): void {
    const { restoredFrom, stopped } = this.guard.rollback(step);
    const half = (key: 'generatorLearningRate' | 'criticLearningRate', now: number): number => {
      const range = CONFIG_SCHEMA.gan[key];
      return Math.min(range.max, Math.max(range.min, now / 2));
    };
    const spec = this.trainer.training;
    const learningRates = { generatorLearningRate: half('generatorLearningRate', spec.generatorLearningRate), criticLearningRate: half('criticLearningRate', spec.criticLearningRate) };
    this.config.gan = { ...this.config.gan, ...learningRates };
    if (restoredFrom === null) {
      this.rebuildWeights();
    } else {
      this.trainer.setTraining(ganTrainingOf(this.config));
      this.trainer.restartOptimizers();
      this.generatedAt = -1;
      this.simulate();
    }
    this.onDivergence?.({ step, restoredFrom, learningRates, cause: 'loss', stopped });
  }

  /** Moves the particles to G(z) with the current generator (nothing to do if G has not changed). */
  simulate(): void {
    if (this.generatedAt === this.trainer.generatorSteps) return;
    this.generatedAt = this.trainer.generatorSteps;
    this.particles.update(this.gan.generate(this.z));
  }

  /** The first min(m, N) generated particles as they are now, [m, D] row-major; one asynchronous readback. */
  sampleReadback(m: number): Promise<Float32Array> {
    return readRows(this.particles.current, m);
  }

  /** Fresh latent draws for the particles (the restart action). */
  restartParticles(): void {
    this.disposeParticles();
    this.buildParticles();
  }

  /** Fresh networks and optimizers (same data, same latent draws). */
  resetWeights(): void {
    this.guard.resume();
    this.rebuildWeights();
  }

  /** Fresh networks and optimizers, the guard's record of failures kept (a recovery's re-initialisation). */
  private rebuildWeights(): void {
    this.disposeModel();
    this.buildModel();
    this.generatedAt = -1;
    this.simulate();
  }

  /** The landscape of D, the critic or D* on an n x n grid (see GanProbes.landscape); null for 3D data. */
  landscape(n: number, extent: number, optimal: boolean): Promise<{ values: Float32Array; min: number; max: number; clippedLo: boolean } | null> {
    return this.probes.landscape(n, extent, optimal);
  }

  /** The particles' heights on the last landscape, [N]; the caller owns it (see GanProbes.heights). */
  heights(): tf.Tensor1D {
    return this.probes.heights();
  }

  /** The same heights at any 2D points [n, 2] row-major; one readback (see GanProbes.heightsAt). */
  heightsAt(points: Float32Array): Promise<Float32Array> {
    return this.probes.heightsAt(points);
  }

  /** G on a regular latent grid (see GanProbes.manifold); one readback. */
  manifold(resolution: number, extent = 2.5): Promise<Float32Array> {
    return this.probes.manifold(resolution, extent);
  }

  /** The generator's push on the first m particles (see GanProbes.pushArrows); one readback. */
  pushArrows(m: number): Promise<{ points: Float32Array; vectors: Float32Array }> {
    return this.probes.pushArrows(m);
  }

  /** The seed's theory on the current state (see GanProbes.theory); one readback. */
  theory(): Promise<GanTheory> {
    return this.probes.theory();
  }

  private buildData(): void {
    const data = trainingDataOf(this.config.data, this.custom);
    this.sceneData = data.sceneData;
    this.trainingData = data.training.points;
    this.reference = data.reference;
  }

  private buildModel(): void {
    const { model, gan, data } = this.config;
    const rng = createRng(data.seed ^ 0x6a4);
    const net = { width: model.width, depth: model.depth, activation: model.activation };
    this.gan = new Gan(this.dim, { latentDim: gan.latentDim, generator: net, critic: net, clippedCritic: this.game.clippedCritic }, rng.fork());
    try {
      this.trainer = new GanTrainer(this.gan, this.trainingData, rng.fork(), ganTrainingOf(this.config));
    } catch (e) {
      this.gan.dispose();
      throw e;
    }
  }
  private buildParticles(): void {
    const { particles: n, seed } = this.config.data;
    const k = this.gan.latentDim;
    const rng = createRng(seed ^ 0x2a7);
    const z = new Float32Array(n * k);
    for (let i = 0; i < z.length; i++) z[i] = rng.normal();
    this.particleLabels = latentSectors(z, k);
    this.z = tf.tensor2d(z, [n, k]);
    this.particles = new GeneratedParticles(this.gan.generate(this.z));
    this.particles.setTrails(this.config.view.trails, TRAIL_PARTICLES);
    this.generatedAt = this.trainer.generatorSteps;
  }

  private disposeModel(): void {
    this.guard.reset();
    this.trainer.dispose();
    this.gan.dispose();
  }

  private disposeParticles(): void {
    this.particles.dispose();
    this.z.dispose();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.guard.dispose();
    this.disposeModel();
    this.disposeParticles();
  }
}

/** Labels 0..7 by the angle of (z_1, z_2) (k >= 2), or by octiles of z_1 under N(0, 1) (k = 1). */
function latentSectors(z: Float32Array, k: number): Uint16Array {
  const n = z.length / k;
  const out = new Uint16Array(n);
  // Octiles of N(0, 1).
  const cuts = [-1.15, -0.674, -0.319, 0, 0.319, 0.674, 1.15];
  for (let i = 0; i < n; i++) {
    const a = z[i * k];
    if (k >= 2) {
      const angle = Math.atan2(z[i * k + 1], a) + Math.PI;
      out[i] = Math.min(7, Math.floor((angle / (2 * Math.PI)) * 8));
    } else {
      out[i] = cuts.filter((c) => a > c).length;
    }
  }
  return out;
}
