/**
 * A live GAN / WGAN / WGAN-GP scene without drawing (seed §3): data, generator and discriminator/critic,
 * their trainer, and the particles x = G(z) for fixed latent draws z, which move as G trains. Rebuilds as
 * little as a config change requires, like the diffusion session. The views (landscape of D, optimal D*,
 * generator manifold, push arrows, the theory figures) are computed here as one tfjs pass each with one
 * asynchronous readback; the scene only draws them.
 */
import * as tf from '@tensorflow/tfjs';
import { cloneConfig, CONFIG_SCHEMA, type Invalidates, type PlaygroundConfig } from '../config/playground-config';
import { DivergenceGuard, type DivergenceEvent } from '../models/divergence-guard';
import type { PointSet } from '../data/datasets';
import { Gan, GanTrainer, readGanLosses, type GanLoss, type GanTrainingSpec } from '../models/gan';
import { optimalDiscriminator, optimalValue, wasserstein1 } from '../models/gan-theory';
import { createRng } from '../models/random';
import { GeneratedParticles } from '../particles/generated-particles';
import { gridPoints } from './field-views';
import { changedInvalidations, diffInvalidation, readRows, LOSS_READBACK_EVERY, REFERENCE_POINTS, TRAIL_PARTICLES, TRAINING_POINTS } from './diffusion-session';
import { sceneDataOf, type SceneData } from './scene-data';

/** Model kinds played as an adversarial game. */
export const ADVERSARIAL_KINDS = ['gan', 'wgan', 'wgan-gp'] as const;
export type AdversarialKind = (typeof ADVERSARIAL_KINDS)[number];
/** Whether a model kind is a GAN game (else a diffusion-family model). */
export const isAdversarial = (kind: string): kind is AdversarialKind => (ADVERSARIAL_KINDS as readonly string[]).includes(kind);

/** Points per set (real and generated) behind the theory figures: KDEs are O(M^2), exact W1 is O(M^3). */
export const THEORY_POINTS = 600;
/** Points per set of the exact W1 (optimal assignment). */
export const W1_POINTS = 256;

/**
 * The D* landscape is NaN (drawn transparent / neutral) where both KDE densities are below this fraction
 * of their peak over the grid: there D* is a 0/0 ratio of kernel tails (see gan-theory.optimalDiscriminator).
 */
export const D_STAR_MASK = 1e-3;

/** The WGAN critic landscape's floor: this quantile of its values over the grid (see {@link GanSession.landscape}). */
export const CRITIC_FLOOR_QUANTILE = 0.25;

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

/** The seed's theory, estimated live from the particles and the data (see {@link GanSession.theory}). */
export interface GanTheory {
  /** L(G, D*) with D* = p_r / (p_r + p_g) from KDEs (seed §3.2). */
  optimalValue: number;
  /** 2 JS(p_r || p_g) - log 4 from the same KDEs (seed §3.3); equal to optimalValue up to estimation noise. */
  jsForm: number;
  /** L(G, D) of the learned D on the same sets (GAN only, else NaN). */
  learnedValue: number;
  /** The critic's estimate E_r f - E_g f (WGANs; NaN for a GAN). */
  criticEstimate: number;
  /** Exact W1 between {@link W1_POINTS} real and generated points (optimal assignment). */
  exactW1: number;
  /**
   * E_g D(x), the discriminator's mean belief that generated points are real (GAN only, else NaN). The
   * minimax generator gradient is scaled by D(G(z)) and vanishes as this goes to 0 (seed §3.4).
   */
  fakeD: number;
}

/** The training spec of the trainer from a config. */
export function ganTrainingOf(config: PlaygroundConfig): GanTrainingSpec {
  const g = config.gan;
  const loss = config.model.kind as GanLoss;
  return {
    loss,
    generatorObjective: g.objective,
    generatorLearningRate: g.generatorLearningRate,
    criticLearningRate: g.criticLearningRate,
    criticSteps: loss === 'gan' ? g.dSteps : g.nCritic,
    batchSize: config.model.batchSize,
    clip: g.clip,
    penalty: g.gpLambda,
  };
}

/** The live GAN scene state. Owns every tensor it creates: call {@link dispose}. */
export class GanSession {
  readonly family = 'adversarial' as const;
  config: PlaygroundConfig;
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
  /** GANs have no reverse pass to measure. */
  readonly straightness = Number.NaN;
  onStraightness: ((step: number, value: number) => void) | null = null;
  /** Range of the last landscape read back, used to normalise the particles' heights. */
  private landscapeRange = { min: 0, max: 1 };
  /** The data the scene trains on (built-in or custom; see scene-data). */
  sceneData!: SceneData;
  /** Called after training diverged and was rolled back (see {@link recoverFromDivergence}); `config` then holds the halved learning rates. */
  onDivergence: ((event: DivergenceEvent) => void) | null = null;
  private readonly guard = new DivergenceGuard(() => [...this.gan.generator.variables, ...this.gan.critic.variables]);
  private custom: PointSet | null;
  private trainingData!: Float32Array;
  private z!: tf.Tensor2D;
  private generatedAt = -1;
  private readbackPending = false;
  private disposed = false;

  /**
   * @param config a validated config whose model.kind is gan, wgan or wgan-gp.
   * @param customData the point set used when config.data.source is 'custom' (see DiffusionSession).
   * @throws RangeError for another model kind, or a 'custom' source without a valid point set.
   */
  constructor(config: PlaygroundConfig, customData: PointSet | null = null) {
    if (!isAdversarial(config.model.kind)) throw new RangeError(`a GAN session needs model gan, wgan or wgan-gp, got ${config.model.kind}`);
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
  get trainSteps(): number {
    return this.trainer.generatorSteps;
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
    if (!isAdversarial(next.model.kind)) throw new RangeError('a GAN session cannot play a diffusion model');
    const custom = customData === undefined ? this.custom : customData;
    sceneDataOf(next.data, custom); // checked before anything changes
    // Between two games (GAN -> WGAN-GP) the networks stay: only the losses and optimizers change.
    const sameGame = { ...next, model: { ...next.model, kind: this.config.model.kind } };
    const changed = changedInvalidations(this.config, sameGame);
    const gameChanged = next.model.kind !== this.config.model.kind;
    if (gameChanged) changed.add('training');
    // WGAN's critic reads its clipped weights through fixed gains (models/gan.clippedCriticGains): a new critic.
    if ((next.model.kind === 'wgan') !== (this.config.model.kind === 'wgan')) changed.add('model');
    if (next.data.source === 'custom' && custom !== this.custom) changed.add('data');
    let what: Invalidates = changed.has('data') ? 'data' : changed.has('model') ? 'model' : diffInvalidation(this.config, sameGame);
    if (gameChanged && what === 'live') what = 'training';
    this.custom = custom;
    this.config = cloneConfig(next);
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
    const step = trainer.generatorSteps;
    this.guard.afterStep(step);
    if (step % LOSS_READBACK_EVERY === 0 && !this.readbackPending) {
      this.readbackPending = true;
      readGanLosses(losses)
        .then((l) => {
          if (this.disposed || this.trainer !== trainer) return; // the model was rebuilt meanwhile
          if (!this.guard.observe(step, l.critic + l.generator)) {
            this.recoverFromDivergence(step);
            return;
          }
          this.losses = l;
          this.loss = l.critic;
          this.lossStep = step;
          this.onLoss?.(step, l.critic);
        })
        .catch(() => undefined)
        .finally(() => (this.readbackPending = false));
    } else {
      tf.dispose(losses);
    }
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

  /**
   * The landscape over an n x n grid on [-extent, extent]^2 (2D data): the learned D(x) in (0, 1) (GAN)
   * or the critic f(x) (WGAN), or with `optimal` the optimal discriminator D*(x) = p_r / (p_r + p_g)
   * from KDEs of the data and the particles (seed §3.2), NaN where neither density has support
   * ({@link D_STAR_MASK}). One asynchronous readback.
   * @returns raw values [n * n] (row i * n + j at (x_j, y_i)) and their range (for a WGAN critic the floor is
   *   the {@link CRITIC_FLOOR_QUANTILE} of the values, `clippedLo` then true); null for 3D data.
   */
  async landscape(n: number, extent: number, optimal: boolean): Promise<{ values: Float32Array; min: number; max: number; clippedLo: boolean } | null> {
    if (this.dim !== 2) return null;
    const values = tf.tidy(() => {
      const grid = tf.tensor2d(gridPoints(n, extent), [n * n, 2]);
      if (!optimal) return this.trainer.discriminatorValues(grid);
      const [real, fake] = this.theorySets(THEORY_POINTS);
      return optimalDiscriminator(real, fake, grid, { maskBelow: D_STAR_MASK });
    });
    const data = (await values.data()) as Float32Array;
    values.dispose();
    let min = Infinity;
    let max = -Infinity;
    for (const v of data) {
      if (!Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    // A WGAN critic keeps falling linearly away from the data (it is only Lipschitz-bounded): with the
    // grid's minimum the corners would take the whole colour / height range. Its floor is the
    // CRITIC_FLOOR_QUANTILE of the grid's values instead (lower values are clamped to it).
    let clippedLo = false;
    if (this.config.model.kind !== 'gan' && !optimal) {
      const finite = Array.from(data).filter(Number.isFinite).sort((a, b) => a - b);
      if (finite.length > 0) {
        const floor = finite[Math.floor(CRITIC_FLOOR_QUANTILE * (finite.length - 1))];
        clippedLo = floor > min;
        min = floor;
      }
    }
    if (!(max > min)) {
      min = Number.isFinite(min) ? min - 0.5 : 0;
      max = min + 1;
    }
    // D and D* live in (0, 1): keep that scale so that 1/2 (the equilibrium) is always the middle.
    if (this.config.model.kind === 'gan' || optimal) {
      min = 0;
      max = 1;
    }
    if (!optimal) this.landscapeRange = { min, max };
    return { values: data, min, max, clippedLo };
  }

  /**
   * The particles' heights on the landscape: (D(x) - min) / (max - min) of the last landscape read back,
   * [N]; the caller owns it. For the renderer to lift G(z) onto the 3D surface.
   */
  heights(): tf.Tensor1D {
    return this.normalisedValues(this.particles.current);
  }

  /**
   * The same heights at any 2D points (the generator manifold, the push arrows, the faint real data, so
   * that they ride the surface with the particles): [n] for `points` [n, 2] row-major; one readback.
   */
  async heightsAt(points: Float32Array): Promise<Float32Array> {
    const n = Math.floor(points.length / 2);
    if (this.dim !== 2 || n === 0) return new Float32Array(n);
    const h = tf.tidy(() => this.normalisedValues(tf.tensor2d(points.subarray(0, 2 * n), [n, 2])));
    const data = (await h.data()) as Float32Array;
    h.dispose();
    return data;
  }

  /** (D(x) - min) / (max - min) over the last landscape's range, [N] for x [N, D]. Tidied; caller owns it. */
  private normalisedValues(x: tf.Tensor2D): tf.Tensor1D {
    const { min, max } = this.landscapeRange;
    return tf.tidy(() => tf.div(tf.sub(this.trainer.discriminatorValues(x), min), max - min) as tf.Tensor1D);
  }

  /** G on a regular r x r latent grid (the generator manifold), [r^min(k,2), D] row-major; one readback. */
  async manifold(resolution: number, extent = 2.5): Promise<Float32Array> {
    const m = this.gan.manifold(resolution, extent);
    const data = (await m.data()) as Float32Array;
    m.dispose();
    return data;
  }

  /**
   * The direction the generator's loss pushes the first m particles, -grad_x loss_G at x = G(z)
   * (models/gan.GanTrainer.generatorPush). @returns points and vectors, each [m, D]; one readback.
   */
  async pushArrows(m: number): Promise<{ points: Float32Array; vectors: Float32Array }> {
    const count = Math.min(m, this.particles.count);
    const both = tf.tidy(() => {
      const x = tf.slice(this.particles.current, [0, 0], [count, this.particles.dim]) as tf.Tensor2D;
      return tf.concat([x, this.trainer.generatorPush(x)], 0);
    });
    const data = (await both.data()) as Float32Array;
    both.dispose();
    const half = count * this.particles.dim;
    return { points: data.slice(0, half), vectors: data.slice(half) };
  }

  /**
   * The seed's theory on the current state, from {@link THEORY_POINTS} data points and as many particles:
   * L(G, D*) and 2 JS - log 4 (seed §3.3), the learned D's value L(G, D) (GAN), and for WGANs the critic's
   * Wasserstein estimate beside an exact W1 by optimal assignment on {@link W1_POINTS} points (seed §3.5).
   * One asynchronous readback.
   */
  async theory(): Promise<GanTheory> {
    const adversarial = this.config.model.kind;
    const scalars = tf.tidy(() => {
      const [real, fake] = this.theorySets(THEORY_POINTS);
      const opt = optimalValue(real, fake);
      const lr = this.gan.criticOutput(real);
      const lf = this.gan.criticOutput(fake);
      // L(G, D) = E_r log D + E_g log(1 - D) with log sigmoid(l) = -softplus(-l).
      const learned = tf.neg(tf.add(tf.mean(tf.softplus(tf.neg(lr))), tf.mean(tf.softplus(lf))));
      const gap = tf.sub(tf.mean(lr), tf.mean(lf));
      return tf.stack([opt.value, opt.js, learned, gap, tf.mean(tf.sigmoid(lf))]);
    });
    // The real rows are on the CPU already; only the generated ones are read back.
    const d = this.particles.dim;
    const real = this.trainingData.subarray(0, Math.min(W1_POINTS, this.trainingData.length / d) * d);
    const [v, fake] = await Promise.all([scalars.data(), readRows(this.particles.current, W1_POINTS)]);
    scalars.dispose();
    const w1 = wasserstein1(real, fake, d, undefined, W1_POINTS);
    return {
      optimalValue: v[0],
      jsForm: 2 * v[1] - Math.log(4),
      learnedValue: adversarial === 'gan' ? v[2] : Number.NaN,
      criticEstimate: adversarial === 'gan' ? Number.NaN : v[3],
      exactW1: w1,
      fakeD: adversarial === 'gan' ? v[4] : Number.NaN,
    };
  }

  /** The first m training points and the first m particles (not owned by a tidy's caller: use inside tf.tidy). */
  private theorySets(m: number): [tf.Tensor2D, tf.Tensor2D] {
    const d = this.particles.dim;
    const nReal = Math.min(m, this.trainingData.length / d);
    const nFake = Math.min(m, this.particles.count);
    const real = tf.tensor2d(this.trainingData.subarray(0, nReal * d), [nReal, d]);
    const fake = tf.slice(this.particles.current, [0, 0], [nFake, d]) as tf.Tensor2D;
    return [real, fake];
  }

  private buildData(): void {
    this.sceneData = sceneDataOf(this.config.data, this.custom);
    const rng = createRng(this.config.data.seed);
    this.trainingData = this.sceneData.sample(TRAINING_POINTS, rng.fork()).points;
    this.reference = this.sceneData.sample(REFERENCE_POINTS, rng.fork());
  }

  private buildModel(): void {
    const { model, gan, data } = this.config;
    const rng = createRng(data.seed ^ 0x6a4);
    const net = { width: model.width, depth: model.depth, activation: model.activation };
    this.gan = new Gan(this.dim, { latentDim: gan.latentDim, generator: net, critic: net, clippedCritic: model.kind === 'wgan' }, rng.fork());
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
