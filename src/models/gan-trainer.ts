/**
 * Live training of a {@link Gan} (seed §3.6): `criticSteps` discriminator / critic updates on fresh batches
 * per generator update (k; n_critic = 5 for a WGAN), the losses of gan.ts, weight clipping or the gradient
 * penalty, and the asynchronous readback of a step's losses. The networks and losses are in gan.ts, the
 * games' settings and optimizers in gan-training.ts.
 *
 * Every update but WGAN-GP's critic update takes the fast path (issue 14): gradients by backpropagation
 * written out (gan-gradients.ts) and one flat optimizer update per network (GameOptimizer.applyGradients).
 * Measured on the preset "GAN on 8 Gaussians" (3 x 64 SiLU, batch 128, Node wasm, interleaved with the
 * autograd path in one run): 785 -> 276 kernels and about 1.8x less CPU time per generator step; WGAN
 * (n_critic 5) 2976 -> 927 kernels, about 2x.
 */
import * as tf from '@tensorflow/tfjs';
import { clipWeights, criticLoss, generatorSlope, gradientPenalty, type Gan } from './gan';
import { criticGradients, generatorGradients } from './gan-gradients';
import { GameOptimizer, ganTrainingProblems, type GanTrainingSpec } from './gan-training';
import type { Rng } from './random';

/** What one critic update returns; scalars the caller owns (read them asynchronously, then dispose). */
export type CriticStepLosses = {
  /** The minimised critic loss: {@link criticLoss} plus lambda times the penalty for WGAN-GP. */
  critic: tf.Scalar;
  /**
   * The game's value on this batch: L(G, D) = E_r log D + E_g log(1 - D) in (-inf, 0] for a GAN (seed §3.1;
   * -log 4 at the equilibrium p_g = p_r, D = 1/2), the critic's Wasserstein estimate E_r f - E_g f for a WGAN.
   */
  value: tf.Scalar;
  /** The gradient penalty without lambda (WGAN-GP), 0 for the others. */
  penalty: tf.Scalar;
};

/** What one {@link GanTrainer.step} returns: the last critic update's losses and the generator's loss. */
export type GanStepLosses = CriticStepLosses & {
  /** The minimised generator loss ({@link generatorLoss}) on its batch. */
  generator: tf.Scalar;
};

/** Reads the losses of a step (one asynchronous readback each) and disposes them. */
export async function readGanLosses(losses: GanStepLosses): Promise<{ critic: number; value: number; penalty: number; generator: number }> {
  const [critic, value, penalty, generator] = await Promise.all(
    [losses.critic, losses.value, losses.penalty, losses.generator].map(async (t) => (await t.data())[0]),
  );
  tf.dispose(losses);
  return { critic, value, penalty, generator };
}

/**
 * Trains a {@link Gan} live: {@link step} = `criticSteps` discriminator/critic updates on fresh batches,
 * then one generator update. All draws (batch rows, z, interpolation weights) are seeded tfjs ops: no
 * readback happens in a step. Owns the data tensor and the optimizers, not the networks: call dispose().
 */
export class GanTrainer {
  /** Generator updates so far. */
  generatorSteps = 0;
  /** Critic updates so far. */
  criticUpdates = 0;
  private readonly data: tf.Tensor2D;
  private spec: GanTrainingSpec;
  private generatorOptimizer: GameOptimizer;
  private criticOptimizer: GameOptimizer;

  /**
   * @param gan the networks (not owned). @param data real points [M, D] row-major.
   * @param rng seeded source of every draw. @param spec see {@link ganTrainingProblems}.
   * @throws RangeError on invalid settings or data that is not a non-empty multiple of D.
   */
  constructor(readonly gan: Gan, data: Float32Array, private readonly rng: Rng, spec: GanTrainingSpec) {
    const problems = ganTrainingProblems(spec);
    if (data.length === 0 || data.length % gan.dim !== 0) problems.push(`data length ${data.length} is not a positive multiple of D = ${gan.dim}`);
    if (problems.length > 0) throw new RangeError(`invalid GAN training: ${problems.join('; ')}`);
    this.spec = spec;
    this.data = tf.tensor2d(data, [data.length / gan.dim, gan.dim]);
    this.generatorOptimizer = this.optimizer('generator', spec);
    this.criticOptimizer = this.optimizer('critic', spec);
  }

  /**
   * A fresh optimizer of the game for one network. The critic's variables step in the units its layers
   * read them in (GameOptimizer with the critic's gains): with weight clipping, each stored weight gets the
   * step lr / gain, so that its effective weight moves by lr as in a plain network.
   */
  private optimizer(network: 'generator' | 'critic', spec: GanTrainingSpec): GameOptimizer {
    if (network === 'generator') return new GameOptimizer(spec.loss, spec.generatorLearningRate, this.gan.generator.variables);
    const gains = this.gan.critic.gains?.flatMap((g) => [g.w, g.b]);
    return new GameOptimizer(spec.loss, spec.criticLearningRate, this.gan.critic.variables, gains);
  }

  /** The settings in force. */
  get training(): GanTrainingSpec {
    return this.spec;
  }

  /**
   * Changes the settings in place. Learning rates change without losing the optimizers' moments; a
   * different `loss` replaces both optimizers (each game has its own, see {@link defaultGanTraining}) and
   * so restarts their moments; the networks are kept either way.
   * @throws RangeError if invalid (nothing changes then).
   */
  setTraining(spec: GanTrainingSpec): void {
    const problems = ganTrainingProblems(spec);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    if (spec.loss !== this.spec.loss) {
      this.generatorOptimizer.dispose();
      this.criticOptimizer.dispose();
      this.generatorOptimizer = this.optimizer('generator', spec);
      this.criticOptimizer = this.optimizer('critic', spec);
    } else {
      this.generatorOptimizer.setLearningRate(spec.generatorLearningRate);
      this.criticOptimizer.setLearningRate(spec.criticLearningRate);
    }
    this.spec = spec;
  }

  /** Forgets both optimizers' moments (after a rollback of diverged weights, they may hold NaN). */
  restartOptimizers(): void {
    this.generatorOptimizer.dispose();
    this.criticOptimizer.dispose();
    this.generatorOptimizer = this.optimizer('generator', this.spec);
    this.criticOptimizer = this.optimizer('critic', this.spec);
  }

  /** `batchSize` real rows drawn uniformly with replacement from a seed, [B, D]. Not tidied. */
  private realBatch(seed: number): tf.Tensor2D {
    const idx = tf.randomUniform([this.spec.batchSize], 0, this.data.shape[0], 'int32', seed) as tf.Tensor1D;
    return tf.gather(this.data, idx) as tf.Tensor2D;
  }

  /**
   * One discriminator/critic update on a fresh real batch and fresh fakes G(z) (G is not updated). WGAN
   * then clips every critic weight to [-clip, clip]; WGAN-GP adds lambda times {@link gradientPenalty}.
   * @returns the update's losses; the caller owns them.
   */
  criticStep(): CriticStepLosses {
    const { batchSize: b, loss, penalty: lambda } = this.spec;
    const seeds = [this.rng.nextSeed(), this.rng.nextSeed(), this.rng.nextSeed()];
    const kept: { penalty?: tf.Scalar } = {};
    const batch = (): { real: tf.Tensor2D; fake: tf.Tensor2D } => ({ real: this.realBatch(seeds[0]), fake: this.gan.generate(this.gan.sampleLatent(b, seeds[1])) });
    let critic: tf.Scalar;
    if (loss === 'wgan-gp') {
      // The penalty contains grad_x f: its gradient needs second derivatives, so autograd here.
      critic = this.criticOptimizer.minimize(() => {
        const { real, fake } = batch();
        const base = criticLoss(loss, this.gan.criticOutput(real), this.gan.criticOutput(fake));
        const eps = tf.randomUniform([b], 0, 1, 'float32', seeds[2]) as tf.Tensor1D;
        kept.penalty = tf.keep(gradientPenalty((x) => this.gan.critic.inputGradient(x), real, fake, eps));
        return tf.add(base, tf.mul(kept.penalty, lambda)) as tf.Scalar;
      });
    } else {
      // The fast path: gradients by backpropagation written out (gan-gradients.ts), one flat update.
      critic = tf.tidy(() => {
        const { real, fake } = batch();
        const found = criticGradients(this.gan, loss, real, fake);
        this.criticOptimizer.applyGradients(found.grads);
        return found.loss;
      });
    }
    if (loss === 'wgan') clipWeights(this.gan.critic.variables, this.spec.clip);
    this.criticUpdates++;
    const penalty = kept.penalty ?? tf.scalar(0);
    // critic = -value + lambda penalty (WGAN-GP), -value otherwise.
    const value = tf.tidy(() => (loss === 'wgan-gp' ? tf.sub(tf.mul(penalty, lambda), critic) : tf.neg(critic)) as tf.Scalar);
    return { critic, value, penalty };
  }

  /**
   * One generator update on fresh latent draws (the critic is not updated), by the fast path of
   * gan-gradients.ts for every game. @returns the generator loss; caller owns it.
   */
  generatorStep(): tf.Scalar {
    const { batchSize: b, loss, generatorObjective } = this.spec;
    const seed = this.rng.nextSeed();
    const value = tf.tidy(() => {
      const found = generatorGradients(this.gan, loss, generatorObjective, this.gan.sampleLatent(b, seed));
      this.generatorOptimizer.applyGradients(found.grads);
      return found.loss;
    });
    this.generatorSteps++;
    return value;
  }

  /**
   * `criticSteps` critic updates, then one generator update.
   * @returns the last critic update's losses and the generator loss, scalars the caller owns
   *   (e.g. {@link readGanLosses}, or `tf.dispose(losses)`).
   */
  step(): GanStepLosses {
    let last = this.criticStep();
    for (let i = 1; i < this.spec.criticSteps; i++) {
      tf.dispose(last);
      last = this.criticStep();
    }
    return { ...last, generator: this.generatorStep() };
  }

  /**
   * What the heat map shows: D(x) = sigmoid(l(x)) in (0, 1) for a GAN (the probability that x is real),
   * the critic f_w(x) in R for a WGAN. @param x [N, D] (e.g. a grid). @returns [N]; caller owns it.
   */
  discriminatorValues(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const out = this.gan.criticOutput(x);
      return this.spec.loss === 'gan' ? tf.sigmoid(out) : out;
    });
  }

  /**
   * The direction in which the generator's loss pushes each generated sample, -grad_x loss(x) per row
   * (the per-sample loss of {@link generatorLoss}, not divided by the batch size): D(x) grad l(x) for
   * minimax (vanishing where D(x) -> 0, seed §3.4), (1 - D(x)) grad l(x) for non-saturating, grad f(x)
   * for WGAN. G itself moves its samples only through its Jacobian: G(z) changes by about
   * -lr J_G J_G^T grad loss, not along this vector exactly.
   * @param x points [N, D], typically G(z) for the scene's fixed z. @returns [N, D]; caller owns it.
   */
  generatorPush(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const slope = generatorSlope(this.spec.loss, this.spec.generatorObjective, this.gan.criticOutput(x));
      return this.gan.critic.inputGradient(x, slope.reshape([-1, 1]) as tf.Tensor2D);
    });
  }

  /** Frees the data tensor and both optimizers (not the networks). */
  dispose(): void {
    this.data.dispose();
    this.generatorOptimizer.dispose();
    this.criticOptimizer.dispose();
  }
}
