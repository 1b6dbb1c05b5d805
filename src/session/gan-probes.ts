/**
 * The adversarial scene's view grids ("probes"), each one tfjs pass and one asynchronous readback: the
 * landscape of D (or the critic f, or the optimal D*), the particles' heights on it, the generator
 * manifold, the generator's push arrows and the seed's theory figures (seed §3.2–3.5). The session
 * hands over its networks and particles; the scene only draws what comes back.
 */
import * as tf from '@tensorflow/tfjs';
import type { Gan } from '../models/gan';
import type { GanTrainer } from '../models/gan-trainer';
import { optimalDiscriminator, optimalValue, wasserstein1 } from '../models/gan-theory';
import type { GeneratedParticles } from '../particles/generated-particles';
import { gridPoints } from './field-views';
import { readRows } from './session';

/** Points per set (real and generated) behind the theory figures: KDEs are O(M^2), exact W1 is O(M^3). */
export const THEORY_POINTS = 600;
/** Points per set of the exact W1 (optimal assignment). */
export const W1_POINTS = 256;

/**
 * The D* landscape is NaN (drawn transparent / neutral) where both KDE densities are below this fraction
 * of their peak over the grid: there D* is a 0/0 ratio of kernel tails (see gan-theory.optimalDiscriminator).
 */
export const D_STAR_MASK = 1e-3;

/** The WGAN critic landscape's floor: this quantile of its values over the grid (see {@link GanProbes.landscape}). */
export const CRITIC_FLOOR_QUANTILE = 0.25;

/** The seed's theory, estimated live from the particles and the data (see {@link GanProbes.theory}). */
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

/** What the probes read from a GAN session. */
export interface GanProbeSource {
  readonly dim: 2 | 3;
  readonly gan: Gan;
  readonly trainer: GanTrainer;
  readonly particles: GeneratedParticles;
  /** The training points [M, D] row-major. */
  readonly trainingData: Float32Array;
  /** The GAN's discriminator D(x) in (0, 1), or a WGAN's critic f (only Lipschitz-bounded). */
  readonly critic: 'discriminator' | 'wasserstein';
}

/** The views of one GAN session; keeps the range of the last landscape (the particles' heights use it). */
export class GanProbes {
  /** Range of the last landscape read back, used to normalise the particles' heights. */
  private landscapeRange = { min: 0, max: 1 };

  constructor(private readonly source: GanProbeSource) {}

  /**
   * The landscape over an n x n grid on [-extent, extent]^2 (2D data): the learned D(x) in (0, 1) (GAN)
   * or the critic f(x) (WGAN), or with `optimal` the optimal discriminator D*(x) = p_r / (p_r + p_g)
   * from KDEs of the data and the particles (seed §3.2), NaN where neither density has support
   * ({@link D_STAR_MASK}). One asynchronous readback.
   * @returns raw values [n * n] (row i * n + j at (x_j, y_i)) and their range (for a WGAN critic the floor is
   *   the {@link CRITIC_FLOOR_QUANTILE} of the values, `clippedLo` then true); null for 3D data.
   */
  async landscape(n: number, extent: number, optimal: boolean): Promise<{ values: Float32Array; min: number; max: number; clippedLo: boolean } | null> {
    if (this.source.dim !== 2) return null;
    const values = tf.tidy(() => {
      const grid = tf.tensor2d(gridPoints(n, extent), [n * n, 2]);
      if (!optimal) return this.source.trainer.discriminatorValues(grid);
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
    if (this.source.critic === 'wasserstein' && !optimal) {
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
    if (this.source.critic === 'discriminator' || optimal) {
      min = 0;
      max = 1;
    }
    if (!optimal) this.landscapeRange = { min, max };
    return { values: data, min, max, clippedLo };
  }

  /**
   * The particles' heights on the landscape: (D(x) - min) / (max - min) of the last landscape read back, in [0, 1],
   * [N]; the caller owns it. For the renderer to lift G(z) onto the 3D surface.
   */
  heights(): tf.Tensor1D {
    return this.normalisedValues(this.source.particles.current);
  }

  /**
   * The same heights at any 2D points (the generator manifold, the push arrows, the faint real data, so
   * that they ride the surface with the particles): [n] for `points` [n, 2] row-major; one readback.
   */
  async heightsAt(points: Float32Array): Promise<Float32Array> {
    const n = Math.floor(points.length / 2);
    if (this.source.dim !== 2 || n === 0) return new Float32Array(n);
    const h = tf.tidy(() => this.normalisedValues(tf.tensor2d(points.subarray(0, 2 * n), [n, 2])));
    const data = (await h.data()) as Float32Array;
    h.dispose();
    return data;
  }

  /**
   * (D(x) - min) / (max - min) over the last landscape's range, clamped to [0, 1] as the surface clamps its
   * own heights (scene/landscape-surface.surfaceLevel), [N] for x [N, D]. Tidied; caller owns it.
   */
  private normalisedValues(x: tf.Tensor2D): tf.Tensor1D {
    const { min, max } = this.landscapeRange;
    return tf.tidy(() => tf.clipByValue(tf.div(tf.sub(this.source.trainer.discriminatorValues(x), min), max - min), 0, 1) as tf.Tensor1D);
  }

  /** G on a regular r x r latent grid (the generator manifold), [r^min(k,2), D] row-major; one readback. */
  async manifold(resolution: number, extent = 2.5): Promise<Float32Array> {
    const m = this.source.gan.manifold(resolution, extent);
    const data = (await m.data()) as Float32Array;
    m.dispose();
    return data;
  }

  /**
   * The direction the generator's loss pushes the first m particles, -grad_x loss_G at x = G(z)
   * (models/gan.GanTrainer.generatorPush). @returns points and vectors, each [m, D]; one readback.
   */
  async pushArrows(m: number): Promise<{ points: Float32Array; vectors: Float32Array }> {
    const count = Math.min(m, this.source.particles.count);
    const both = tf.tidy(() => {
      const x = tf.slice(this.source.particles.current, [0, 0], [count, this.source.particles.dim]) as tf.Tensor2D;
      return tf.concat([x, this.source.trainer.generatorPush(x)], 0);
    });
    const data = (await both.data()) as Float32Array;
    both.dispose();
    const half = count * this.source.particles.dim;
    return { points: data.slice(0, half), vectors: data.slice(half) };
  }

  /**
   * The seed's theory on the current state, from {@link THEORY_POINTS} data points and as many particles:
   * L(G, D*) and 2 JS - log 4 (seed §3.3), the learned D's value L(G, D) (GAN), and for WGANs the critic's
   * Wasserstein estimate beside an exact W1 by optimal assignment on {@link W1_POINTS} points (seed §3.5).
   * One asynchronous readback.
   */
  async theory(): Promise<GanTheory> {
    const gan = this.source.critic === 'discriminator';
    const scalars = tf.tidy(() => {
      const [real, fake] = this.theorySets(THEORY_POINTS);
      const opt = optimalValue(real, fake);
      const lr = this.source.gan.criticOutput(real);
      const lf = this.source.gan.criticOutput(fake);
      // L(G, D) = E_r log D + E_g log(1 - D) with log sigmoid(l) = -softplus(-l).
      const learned = tf.neg(tf.add(tf.mean(tf.softplus(tf.neg(lr))), tf.mean(tf.softplus(lf))));
      const gap = tf.sub(tf.mean(lr), tf.mean(lf));
      return tf.stack([opt.value, opt.js, learned, gap, tf.mean(tf.sigmoid(lf))]);
    });
    // The real rows are on the CPU already; only the generated ones are read back.
    const d = this.source.particles.dim;
    const real = this.source.trainingData.subarray(0, Math.min(W1_POINTS, this.source.trainingData.length / d) * d);
    const [v, fake] = await Promise.all([scalars.data(), readRows(this.source.particles.current, W1_POINTS)]);
    scalars.dispose();
    const w1 = wasserstein1(real, fake, d, undefined, W1_POINTS);
    return {
      optimalValue: v[0],
      jsForm: 2 * v[1] - Math.log(4),
      learnedValue: gan ? v[2] : Number.NaN,
      criticEstimate: gan ? Number.NaN : v[3],
      exactW1: w1,
      fakeD: gan ? v[4] : Number.NaN,
    };
  }

  /** The first m training points and the first m particles (not owned by a tidy's caller: use inside tf.tidy). */
  private theorySets(m: number): [tf.Tensor2D, tf.Tensor2D] {
    const d = this.source.particles.dim;
    const nReal = Math.min(m, this.source.trainingData.length / d);
    const nFake = Math.min(m, this.source.particles.count);
    const real = tf.tensor2d(this.source.trainingData.subarray(0, nReal * d), [nReal, d]);
    const fake = tf.slice(this.source.particles.current, [0, 0], [nFake, d]) as tf.Tensor2D;
    return [real, fake];
  }
}
