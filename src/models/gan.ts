/**
 * Generative adversarial networks (seed §3; Goodfellow et al. 2014) and Wasserstein GANs (seed §3.5;
 * Arjovsky et al. 2017, with the gradient penalty of Gulrajani et al. 2017), trained live on tfjs.
 *
 * Notation of the seed: z ~ p_z = N(0, I_k) in R^k, a generator G: R^k -> R^D with x = G(z) ~ p_g, real
 * data x ~ p_r, and a discriminator D(x) = sigmoid(l(x)) in (0, 1) (the probability that x is real) whose
 * network outputs the logit l(x). For a WGAN the same network is the critic f_w(x) in R (no sigmoid).
 *
 * The minimax game (seed §3.1): min_G max_D L(G, D) = E_{p_r}[log D(x)] + E_{p_g}[log(1 - D(x))].
 * Every log-sigmoid is written with softplus on logits (log sigmoid(l) = -softplus(-l),
 * log(1 - sigmoid(l)) = -softplus(l)), which neither overflows nor returns log(0).
 *
 * The seed's §3.6 casts the game as bilevel optimisation (Pfau & Vinyals 2016): D the outer model with
 * objective -L(G, D), G the inner one with -E_z log D(G(z)) (the non-saturating loss). Training simply
 * alternates: `criticSteps` discriminator/critic updates (k; n_critic = 5 for WGAN) per generator update
 * (GanTrainer, gan-trainer.ts). This module holds the networks and the losses.
 */
import * as tf from '@tensorflow/tfjs';
import { DenseNetwork, type LayerGain } from './dense-network';
import type { MlpSpec } from './mlp';
import type { GanLoss, GeneratorObjective } from './gan-training';
import type { Rng } from './random';

// The games, their settings and optimizers live in gan-training.ts; importers of gan.ts keep finding them here.
export { GAN_LOSSES, GENERATOR_OBJECTIVES, defaultGanTraining, ganTrainingProblems, type GanLoss, type GanTrainingSpec, type GeneratorObjective } from './gan-training';

/** Shapes of the two networks. */
export interface GanNetworkSpec {
  /** Latent dimension k, integer in [1, 16]; default the data dimension D. */
  readonly latentDim?: number;
  /**
   * Build the critic for weight clipping (WGAN): its layers read their stored weights through the fixed
   * gains of {@link clippedCriticGains}. Default false (a plain network).
   */
  readonly clippedCritic?: boolean;
  readonly generator: MlpSpec;
  readonly critic: MlpSpec;
}

/**
 * A regular grid in latent space for drawing the generator manifold G(grid): over the first
 * m = min(k, 2) latent coordinates, `resolution` points per axis from -extent to +extent (both ends
 * included), the other k - m coordinates 0. Row i * resolution + j has z_1 at step j and z_2 at step i
 * (for k >= 2), so rows of the grid are consecutive and columns have stride `resolution`.
 * @returns [resolution^m, k]; the caller owns it.
 * @throws RangeError unless k is an integer in [1, 16], resolution an integer in [2, 1024] and extent > 0.
 */
export function latentGrid(latentDim: number, resolution: number, extent: number): tf.Tensor2D {
  if (!Number.isInteger(latentDim) || latentDim < 1 || latentDim > 16) throw new RangeError(`latentDim must be an integer in [1, 16], got ${latentDim}`);
  if (!Number.isInteger(resolution) || resolution < 2 || resolution > 1024) throw new RangeError(`resolution must be an integer in [2, 1024], got ${resolution}`);
  if (!(extent > 0 && Number.isFinite(extent))) throw new RangeError(`extent must be positive, got ${extent}`);
  const axes = Math.min(latentDim, 2);
  const rows = resolution ** axes;
  const z = new Float32Array(rows * latentDim);
  const at = (step: number): number => -extent + (2 * extent * step) / (resolution - 1);
  for (let r = 0; r < rows; r++) {
    z[r * latentDim] = at(r % resolution);
    if (axes === 2) z[r * latentDim + 1] = at(Math.floor(r / resolution));
  }
  return tf.tensor2d(z, [rows, latentDim]);
}

/**
 * The clip bound at which a weight-clipped critic's box equals its initialisation scale (the WGAN paper's
 * default c = 0.01, Arjovsky et al. 2017, Algorithm 1).
 */
export const CLIP_REFERENCE = 0.01;

/**
 * Fixed layer gains of a weight-clipped WGAN critic ({@link DenseNetwork}'s `gains`): layer l computes
 * h (W_l s_l / c0) + b_l / c0 with c0 = {@link CLIP_REFERENCE} and s_l the bound of its usual uniform
 * initialisation (gain sqrt(3 / fan-in), gain sqrt 2 except for tanh, as in field-network). The stored W_l,
 * b_l are what is clipped to [-c, c] (Arjovsky et al. 2017, Algorithm 1 line 7, unchanged); the gains only
 * fix the units they are read in, so that at c = c0 the box of the effective weights is the box of a
 * freshly initialised network and every activation keeps unit scale.
 *
 * Why: with c = 0.01 read directly, every layer shrinks its input about 10x to 100x, so a 3-layer critic's
 * output and input gradient are of order 1e-6; for a smooth activation (SiLU, tanh) the pre-activations sit
 * in its linear part and the critic degenerates to almost an affine function, which can only match means
 * (measured: 8 Gaussians, W1 1.16 -> 1.06 in 300 steps, critic estimate 4e-7). The paper notes that the clip
 * only fixes the Lipschitz constant K up to a scale and the critic estimates K W_1; the gains choose that
 * scale once (K of order 1 at c = c0) and leave c its meaning: a larger c still allows a larger K
 * (up to (c / c0)^(L+1) times for L hidden layers).
 *
 * The gains change units, so the optimizer must step in the same units: {@link GanTrainer} gives each
 * stored weight the step lr / gain (GameOptimizer in gan-training.ts), so that the effective weights
 * move by lr as in a plain network. Why (issue 15, the dying critic): RMSProp divides each gradient by
 * its running scale, so it moves every stored weight by about lr per update whatever the gradient's
 * size; read through the gains, that is 12.5x (fan-in 64) to 100x (biases) the effective step of a plain
 * network, 10% of the clip box per update at lr = 1e-3. When a layer's fan-in weights move together
 * (their gradients share the sign of the layer's inputs) its pre-activations shift by about
 * sqrt(fanIn) lr / c0 |h| per update (about 3 for 3 x 64 SiLU), and a few critic updates pin whole
 * columns at -c: the pre-activations of a whole layer reach -29 for every input, where SiLU and its slope
 * are about 1e-12. The critic is then a constant (estimate and losses -0.000, landscape 1e-16 .. 1e-4),
 * its gradients fall below RMSProp's epsilon floor so it never recovers, the generator's gradient is 0
 * and exact W1 freezes (measured: the WGAN presets, W1 0.448 from about 1,000 generator steps on). With
 * the steps in effective units the same preset brings W1 to 0.30 in 250 steps and the critic's
 * estimate (the panel's) stays between 0.07 and 0.64 over the 2,250 steps measured.
 */
export function clippedCriticGains(dim: number, spec: MlpSpec): LayerGain[] {
  const gains: LayerGain[] = [];
  let fanIn = dim;
  for (let l = 0; l <= spec.depth; l++) {
    gains.push({ w: 1 / (Math.sqrt(fanIn) * CLIP_REFERENCE), b: 1 / CLIP_REFERENCE });
    fanIn = spec.width;
  }
  return gains;
}

/** The generator and the discriminator/critic of one scene. Owns both networks: call {@link dispose}. */
export class Gan {
  /** Latent dimension k. */
  readonly latentDim: number;
  /** G: R^k -> R^D. */
  readonly generator: DenseNetwork;
  /** The discriminator's logit l(x) (GAN) or the critic f_w(x) (WGAN): R^D -> R. */
  readonly critic: DenseNetwork;

  /**
   * @param dim data dimension D, integer in [1, 16]. @param rng seeded source of both networks' initial weights.
   * @throws RangeError on invalid shapes.
   */
  constructor(readonly dim: number, spec: GanNetworkSpec, rng: Rng) {
    this.latentDim = spec.latentDim ?? dim;
    this.generator = new DenseNetwork(this.latentDim, dim, spec.generator, rng);
    try {
      this.critic = new DenseNetwork(dim, 1, spec.critic, rng, 1, spec.clippedCritic === true ? clippedCriticGains(dim, spec.critic) : undefined);
    } catch (e) {
      this.generator.dispose();
      throw e;
    }
  }

  /** n seeded latent draws z ~ N(0, I_k), [n, k]; the caller owns it (keep it fixed to watch G(z) move as G trains). */
  sampleLatent(n: number, seed: number): tf.Tensor2D {
    return tf.randomNormal([n, this.latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
  }

  /**
   * x = G(z). @param z latent points [N, k]. @returns samples [N, D]; the caller owns it.
   * @throws RangeError on a wrong shape.
   */
  generate(z: tf.Tensor2D): tf.Tensor2D {
    return this.generator.apply(z);
  }

  /**
   * The raw critic output: the logit l(x) = log(D / (1 - D)) for a GAN, f_w(x) for a WGAN.
   * @param x [N, D]. @returns [N]; the caller owns it. @throws RangeError on a wrong shape.
   */
  criticOutput(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => this.critic.apply(x).reshape([-1]) as tf.Tensor1D);
  }

  /**
   * The critic's estimate of the Wasserstein-1 distance, E_{p_r} f(x) - E_{p_g} f(x) over the given sets
   * (seed §3.5, Kantorovich–Rubinstein duality). It is a lower bound on K W_1(p_r, p_g) when f is
   * K-Lipschitz: with weight clipping K is unknown (compare {@link criticGradientNorms}); with the
   * gradient penalty K is close to 1.
   * @param real [N, D], @param fake [M, D]. @returns a scalar; the caller owns it.
   */
  criticGap(real: tf.Tensor2D, fake: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => tf.sub(tf.mean(this.criticOutput(real)), tf.mean(this.criticOutput(fake))) as tf.Scalar);
  }

  /** ||grad_x f(x)||_2 per row, [N], >= 0 (the critic's local Lipschitz constant); caller owns it. */
  criticGradientNorms(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.norm(this.critic.inputGradient(x), 'euclidean', 1) as tf.Tensor1D);
  }

  /**
   * The generator manifold: G applied to {@link latentGrid}(k, resolution, extent), [resolution^min(k,2), D],
   * rows in the grid's order (draw grid lines along rows and along columns). Caller owns it.
   * @param extent half-width of the latent grid in units of the latent std, e.g. 3.
   */
  manifold(resolution: number, extent = 3): tf.Tensor2D {
    return tf.tidy(() => this.generate(latentGrid(this.latentDim, resolution, extent)));
  }

  /** Frees both networks. Idempotent. */
  dispose(): void {
    this.generator.dispose();
    this.critic.dispose();
  }
}

/**
 * The discriminator/critic's loss, minimised over its weights, from its outputs on a real and a fake batch.
 * GAN: -L(G, D) = E_r softplus(-l(x)) + E_g softplus(l(x)) = -E_r log D - E_g log(1 - D) (seed §3.1), >= 0.
 * WGAN: -(E_r f - E_g f) (seed §3.5, Arjovsky et al. 2017 Algorithm 1 line 5), any sign; the gradient
 * penalty is added separately. Not tidied (use inside minimize or tidy).
 * @param real outputs on real rows [B], @param fake outputs on generated rows [B'].
 */
export function criticLoss(loss: GanLoss, real: tf.Tensor1D, fake: tf.Tensor1D): tf.Scalar {
  if (loss === 'gan') return tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))) as tf.Scalar;
  return tf.sub(tf.mean(fake), tf.mean(real)) as tf.Scalar;
}

/**
 * The generator's loss from the critic's outputs on generated rows [B], minimised over G's weights.
 * GAN minimax: E_g log(1 - D) = -E_g softplus(l) (seed §3.1), <= 0. GAN non-saturating: -E_g log D =
 * E_g softplus(-l) (Goodfellow et al. 2014, §3), >= 0. WGAN: -E_g f (Arjovsky et al. 2017, Algorithm 1
 * line 10). Not tidied.
 */
export function generatorLoss(loss: GanLoss, objective: GeneratorObjective, fake: tf.Tensor1D): tf.Scalar {
  if (loss !== 'gan') return tf.neg(tf.mean(fake)) as tf.Scalar;
  return (objective === 'minimax' ? tf.neg(tf.mean(tf.softplus(fake))) : tf.mean(tf.softplus(tf.neg(fake)))) as tf.Scalar;
}

/**
 * -d(loss per sample)/d(output) of {@link generatorLoss}, per row [B]: sigmoid(l) = D(x) for minimax (it
 * vanishes where D rejects the sample: seed §3.4), 1 - D(x) for non-saturating, 1 for WGAN. Not tidied.
 */
export function generatorSlope(loss: GanLoss, objective: GeneratorObjective, out: tf.Tensor1D): tf.Tensor1D {
  if (loss !== 'gan') return tf.onesLike(out);
  return tf.sigmoid(objective === 'minimax' ? out : tf.neg(out));
}

/**
 * WGAN-GP's penalty E[(||grad f(x^)||_2 - 1)^2] on the interpolates x^ = eps x_r + (1 - eps) x_g
 * (Gulrajani et al. 2017, eq. (3) and Algorithm 1 lines 4-7), without the factor lambda. The norm is
 * sqrt(sum g^2 + 1e-12) so that its gradient stays finite at g = 0. Not tidied.
 * @param gradientOf x [B, D] -> grad f(x) [B, D], differentiable in the critic's weights
 *   (e.g. `x => critic.inputGradient(x)`).
 * @param real, fake [B, D]; @param eps [B] in [0, 1].
 * @returns a scalar >= 0.
 */
export function gradientPenalty(gradientOf: (x: tf.Tensor2D) => tf.Tensor2D, real: tf.Tensor2D, fake: tf.Tensor2D, eps: tf.Tensor1D): tf.Scalar {
  const e = eps.reshape([-1, 1]);
  const xHat = tf.add(tf.mul(real, e), tf.mul(fake, tf.sub(1, e))) as tf.Tensor2D;
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(gradientOf(xHat)), 1), 1e-12));
  return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
}

/** w <- clip(w, -c, c) for every variable (Arjovsky et al. 2017, Algorithm 1 line 7). @throws RangeError unless c > 0. */
export function clipWeights(variables: readonly tf.Variable[], c: number): void {
  if (!(c > 0)) throw new RangeError(`clip bound must be positive, got ${c}`);
  tf.tidy(() => variables.forEach((v) => v.assign(tf.clipByValue(v, -c, c))));
}

