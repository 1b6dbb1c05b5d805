/**
 * The trainable half of the parallel-lines scene (parallel-lines.ts; Arjovsky et al. 2017, Example 1 and
 * §2, seed §3.4-3.5): a generator that is a learned shift theta, x_g = (theta, u) with u ~ U[0, 1], against
 * real points x_r = (0, u), played under one of three games:
 * - 'gan-minimax': a sigmoid discriminator D, generator loss E log(1 - D(x_g)) (seed §3.1). Once D
 *   separates the lines it saturates, D(x_g) -> 0, and the generator's gradient D grad l vanishes
 *   (Arjovsky & Bottou 2017, Theorem 2.4): theta stays where it is.
 * - 'gan-non-saturating': the same D, generator loss -E log D(x_g) (Goodfellow et al. 2014, §3): its
 *   gradient (1 - D) grad l does not vanish, but its size is that of grad l, which the separating D
 *   makes as large as it likes (Arjovsky & Bottou 2017, Theorem 2.6: unstable).
 * - 'wgan-gp': a critic f with the gradient penalty (Gulrajani et al. 2017), generator loss -E f(x_g)
 *   (seed §3.5): f is close to 1-Lipschitz with slope about 1 between the lines, so theta moves to 0.
 *
 * The discriminator/critic is a {@link DenseNetwork} trained with gan.ts's losses and penalty and
 * gan-training.ts's optimizers; only the generator is new. Theta steps by plain gradient descent:
 * theta <- theta - lr dL/dtheta. Adam or RMSProp would divide the gradient by its own running scale and
 * move theta by about lr even when the gradient is 1e-9, hiding exactly the vanishing gradient the scene
 * is about.
 */
import * as tf from '@tensorflow/tfjs';
import { DenseNetwork } from './dense-network';
import { criticLoss, generatorLoss, generatorSlope, gradientPenalty } from './gan';
import { GameOptimizer, type GanLoss, type GeneratorObjective } from './gan-training';
import type { MlpSpec } from './mlp';
import { parallelLineDivergences, sampledLineDivergences, type LineDivergences } from './parallel-lines';
import type { Rng } from './random';

/** The game that trains the shift. */
export type ShiftGameLoss = 'gan-minimax' | 'gan-non-saturating' | 'wgan-gp';
/** Every {@link ShiftGameLoss}, in menu order. */
export const SHIFT_GAME_LOSSES: readonly ShiftGameLoss[] = ['gan-minimax', 'gan-non-saturating', 'wgan-gp'];

/** Each game as gan.ts names it, resolved once. */
const GAME: Readonly<Record<ShiftGameLoss, { readonly loss: GanLoss; readonly objective: GeneratorObjective }>> = {
  'gan-minimax': { loss: 'gan', objective: 'minimax' },
  'gan-non-saturating': { loss: 'gan', objective: 'non-saturating' },
  'wgan-gp': { loss: 'wgan-gp', objective: 'non-saturating' },
};

/** Settings of a {@link ShiftGame}. */
export interface ShiftGameSpec {
  readonly loss: ShiftGameLoss;
  /** Initial shift theta_0 in data units, finite, |theta_0| <= 10. */
  readonly theta0: number;
  /** The discriminator/critic network R^2 -> R. */
  readonly critic: MlpSpec;
  /** Step size of the discriminator/critic (Adam of gan-training.ts for each game), in (0, 1]. */
  readonly criticLearningRate: number;
  /** Discriminator/critic updates per shift update, integer in [1, 50]. */
  readonly criticSteps: number;
  /** Extra discriminator/critic updates before the first shift update (train D first), integer in [0, 5000]. */
  readonly warmupCriticSteps: number;
  /** Gradient-descent step of theta, in (0, 10]. */
  readonly shiftLearningRate: number;
  /** Points per line per batch, integer in [2, 4096]. */
  readonly batchSize: number;
  /** WGAN-GP penalty weight lambda in [0, 1000] (ignored by the GANs). */
  readonly penalty: number;
  /**
   * Whether theta trains (false: only the discriminator/critic trains and theta stays where it is set,
   * the scene's slider or animation moving it with {@link ShiftGame.setTheta}).
   */
  readonly trainShift: boolean;
  /** Points per line for the estimates of each step (W1, JS, KL from samples), 0 for none, integer in [0, 2048]. */
  readonly estimatePoints: number;
  /** Kernel bandwidth h of the JS and KL estimates, in (0, 10]. */
  readonly bandwidth: number;
}

/**
 * Defaults: theta_0 = 1; a 2 x 32 leakyRelu network (piecewise linear, so a separating D's logit grows
 * without bound, as the theory's D* does); 5 critic updates per shift update after 100 warm-up updates;
 * lambda = 10 (Gulrajani et al. 2017: the critic maximising s theta - lambda (s - 1)^2 has slope
 * s = 1 + theta / (2 lambda), about 1); shift step 0.02.
 */
export function defaultShiftGame(loss: ShiftGameLoss): ShiftGameSpec {
  return {
    loss,
    theta0: 1,
    critic: { width: 32, depth: 2, activation: 'leakyRelu' },
    criticLearningRate: 5e-3,
    criticSteps: 5,
    warmupCriticSteps: 100,
    shiftLearningRate: 0.02,
    batchSize: 64,
    penalty: 10,
    trainShift: true,
    estimatePoints: 0,
    bandwidth: 0.05,
  };
}

/** Human-readable problems of a spec (empty when valid). */
export function shiftGameProblems(spec: ShiftGameSpec): string[] {
  const p: string[] = [];
  if (!SHIFT_GAME_LOSSES.includes(spec.loss)) p.push(`unknown loss '${spec.loss}'`);
  if (!(Number.isFinite(spec.theta0) && Math.abs(spec.theta0) <= 10)) p.push(`theta0 must be in [-10, 10], got ${spec.theta0}`);
  const within = (key: keyof ShiftGameSpec, lo: number, hi: number, integer: boolean, open = false): void => {
    const v = spec[key] as number;
    if (!((open ? v > lo : v >= lo) && v <= hi) || (integer && !Number.isInteger(v))) p.push(`${key} must be ${integer ? 'an integer ' : ''}in ${open ? '(' : '['}${lo}, ${hi}], got ${v}`);
  };
  within('criticLearningRate', 0, 1, false, true);
  within('criticSteps', 1, 50, true);
  within('warmupCriticSteps', 0, 5000, true);
  within('shiftLearningRate', 0, 10, false, true);
  within('batchSize', 2, 4096, true);
  within('penalty', 0, 1000, false);
  within('estimatePoints', 0, 2048, true);
  within('bandwidth', 0, 10, false, true);
  if (typeof spec.trainShift !== 'boolean') p.push(`trainShift must be true or false, got ${String(spec.trainShift)}`);
  return p;
}

/** What one {@link ShiftGame.step} reports, read back once. */
export interface ShiftGameReading {
  /** Shift updates so far. */
  readonly steps: number;
  /** theta after the step. */
  readonly theta: number;
  /** The last critic update's minimised loss (gan.ts criticLoss, plus lambda times the penalty for WGAN-GP). */
  readonly criticLoss: number;
  /** The generator loss on the step's batch before the update (gan.ts generatorLoss). */
  readonly generatorLoss: number;
  /**
   * The game's value on a fresh batch after the critic updates: L(G, D) = E_r log D + E_g log(1 - D) for
   * the GANs (seed §3.1; it tends to 2 JS - log 4 = 2 log 2 - log 4 = 0 as D separates the lines, seed §3.3),
   * the critic's estimate E_r f - E_g f for WGAN-GP (about s |theta| with slope s = 1 + |theta| / (2 lambda):
   * the W1 = |theta| of the closed form, seed §3.5).
   */
  readonly value: number;
  /** dL_G/dtheta on the step's batch: the mean over the batch of the first coordinate of {@link ShiftGame.pointGradients}. */
  readonly thetaGradient: number;
  /** Mean ||grad_x loss(x)|| over the generated batch: how hard the loss pushes the generator's points. */
  readonly meanPointGradient: number;
  /** The closed forms at the new theta (parallel-lines.ts). */
  readonly closedForm: LineDivergences;
  /** W1 (exact coupling), JS and KL (KDE) from `estimatePoints` fresh points per line, or null when 0. */
  readonly estimates: LineDivergences | null;
}

/**
 * The game of a learned shift theta against a discriminator or critic. Owns the network, the optimizer
 * and theta: call {@link dispose}. Every draw comes from the seeded rng.
 */
export class ShiftGame {
  /** D's logit l(x) (GANs) or the critic f(x) (WGAN-GP): R^2 -> R. */
  readonly critic: DenseNetwork;
  /** Shift updates so far. */
  steps = 0;
  private readonly theta: tf.Variable<tf.Rank.R0>;
  private readonly optimizer: GameOptimizer;
  private readonly loss: GanLoss;
  private readonly objective: GeneratorObjective;
  /** Whether {@link step} updates theta; starts as `spec.trainShift`, see {@link setShiftTraining}. */
  private trainShift: boolean;

  /** @throws RangeError on invalid settings ({@link shiftGameProblems}). */
  constructor(readonly spec: ShiftGameSpec, private readonly rng: Rng) {
    const problems = shiftGameProblems(spec);
    if (problems.length > 0) throw new RangeError(`invalid shift game: ${problems.join('; ')}`);
    ({ loss: this.loss, objective: this.objective } = GAME[spec.loss]);
    this.critic = new DenseNetwork(2, 1, spec.critic, rng);
    // Made in a tidy: tf.variable copies its initial value, which would otherwise stay behind as a tensor.
    this.theta = tf.tidy(() => tf.variable(tf.scalar(spec.theta0), true));
    this.optimizer = new GameOptimizer(this.loss, spec.criticLearningRate, this.critic.variables);
    this.trainShift = spec.trainShift;
  }

  /**
   * Turns the shift's training on or off from the next {@link step} on (a scene's "train the shift"
   * toggle, or its own warm-up of D before theta moves); the discriminator/critic trains either way.
   */
  setShiftTraining(on: boolean): void {
    this.trainShift = on;
  }

  /** theta as a scalar tensor; the caller owns it (read it asynchronously). */
  thetaValue(): tf.Scalar {
    return this.theta.clone();
  }

  /**
   * Moves p_g to x = theta (a slider, an animation); the discriminator/critic keeps its weights and
   * adapts in the next steps. @throws RangeError unless |theta| <= 10.
   */
  setTheta(theta: number): void {
    if (!(Number.isFinite(theta) && Math.abs(theta) <= 10)) throw new RangeError(`theta must be in [-10, 10], got ${theta}`);
    tf.tidy(() => this.theta.assign(tf.scalar(theta)));
  }

  /** B points (x, u), u ~ U[0, 1] from a tfjs seed, at the abscissa x (a number or a scalar tensor). [B, 2]. Not tidied. */
  private segment(x: number | tf.Scalar, seed: number): tf.Tensor2D {
    const b = this.spec.batchSize;
    const u = tf.randomUniform([b, 1], 0, 1, 'float32', seed);
    return tf.concat([tf.mul(tf.onesLike(u), x), u], 1) as tf.Tensor2D;
  }

  /** One discriminator/critic update on fresh batches of both lines. @returns its loss; the caller owns it. */
  private criticStep(): tf.Scalar {
    const seeds = [this.rng.nextSeed(), this.rng.nextSeed(), this.rng.nextSeed()];
    return this.optimizer.minimize(() => {
      const real = this.segment(0, seeds[0]);
      const fake = this.segment(this.theta, seeds[1]);
      const out = (x: tf.Tensor2D): tf.Tensor1D => this.critic.apply(x).reshape([-1]);
      const base = criticLoss(this.loss, out(real), out(fake));
      if (this.loss !== 'wgan-gp') return base;
      const eps = tf.randomUniform([this.spec.batchSize], 0, 1, 'float32', seeds[2]) as tf.Tensor1D;
      return tf.add(base, tf.mul(gradientPenalty((x) => this.critic.inputGradient(x), real, fake, eps), this.spec.penalty)) as tf.Scalar;
    });
  }

  /**
   * grad_x of the generator's per-sample loss at each point: -D(x) grad l(x) for minimax (log(1 - D)),
   * -(1 - D(x)) grad l(x) for non-saturating (-log D), -grad f(x) for WGAN-GP (-f); the generator's points
   * move along minus this. Same slopes as gan.ts GanTrainer.generatorPush (which returns minus this).
   * @param x points [N, 2] (e.g. the generated segment). @returns [N, 2]; the caller owns it.
   */
  pointGradients(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const slope = generatorSlope(this.loss, this.objective, this.critic.apply(x).reshape([-1]));
      return tf.neg(this.critic.inputGradient(x, slope.reshape([-1, 1]) as tf.Tensor2D));
    });
  }

  /**
   * What a heat map shows: D(x) = sigmoid(l(x)) in (0, 1) for the GANs, f(x) in R for WGAN-GP.
   * @param x [N, 2]. @returns [N]; the caller owns it.
   */
  criticValues(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const out = this.critic.apply(x).reshape([-1]) as tf.Tensor1D;
      return this.loss === 'gan' ? tf.sigmoid(out) : out;
    });
  }

  /**
   * One step of the game: (the warm-up updates before the first step, then) `criticSteps` critic
   * updates, then (with shift training on, {@link setShiftTraining}) theta <- theta - lr dL_G/dtheta, with dL_G/dtheta the batch mean of the first coordinate
   * of {@link pointGradients} (x_g = (theta, u), so dx_g/dtheta = (1, 0)). One async readback, then the
   * estimates on fresh seeded points (CPU W1 by the sorted coupling, KDE JS and KL).
   * @returns the step's reading.
   */
  async step(): Promise<ShiftGameReading> {
    const updates = this.spec.criticSteps + (this.steps === 0 ? this.spec.warmupCriticSteps : 0);
    let last = this.criticStep();
    for (let i = 1; i < updates; i++) {
      last.dispose();
      last = this.criticStep();
    }
    const seed = this.rng.nextSeed();
    const realSeed = this.rng.nextSeed();
    const read = tf.tidy(() => {
      const fake = this.segment(this.theta, seed);
      const value = tf.neg(criticLoss(this.loss, this.critic.apply(this.segment(0, realSeed)).reshape([-1]), this.critic.apply(fake).reshape([-1])));
      const gradients = this.pointGradients(fake);
      const thetaGradient = tf.mean(gradients.slice([0, 0], [-1, 1]));
      const lossG = generatorLoss(this.loss, this.objective, this.critic.apply(fake).reshape([-1]));
      if (this.trainShift) this.theta.assign(tf.sub(this.theta, tf.mul(thetaGradient, this.spec.shiftLearningRate)));
      return tf.stack([this.theta, last, lossG, value, thetaGradient, tf.mean(tf.norm(gradients, 'euclidean', 1))]);
    });
    last.dispose();
    this.steps++;
    const [theta, criticLossValue, generatorLossValue, value, thetaGradient, meanPointGradient] = await read.data();
    read.dispose();
    return {
      steps: this.steps,
      theta,
      criticLoss: criticLossValue,
      generatorLoss: generatorLossValue,
      value,
      thetaGradient,
      meanPointGradient,
      closedForm: parallelLineDivergences(theta),
      estimates: this.spec.estimatePoints > 1 ? await sampledLineDivergences(this.rng, theta, this.spec.estimatePoints, this.spec.bandwidth) : null,
    };
  }

  /** Frees the network, the optimizer's moments and theta. Idempotent. */
  dispose(): void {
    this.critic.dispose();
    this.optimizer.dispose();
    if (!this.theta.isDisposed) this.theta.dispose();
  }
}
