/**
 * How the adversarial games of gan.ts are trained (seed §3): which game, the generator's objective, the
 * settings and their defaults, and the optimizers: Adam(0.5, 0.999) for a GAN (Radford et al. 2016),
 * RMSProp(decay 0.99, no momentum) for WGAN with weight clipping (Arjovsky et al. 2017, Algorithm 1),
 * Adam(0, 0.9) for WGAN-GP (Gulrajani et al. 2017, Algorithm 1), with learning rates that change live
 * without losing the moments, and steps taken in the units a layer reads its weights in.
 */
import * as tf from '@tensorflow/tfjs';
import { FlatAdam, FlatRmsProp, type FlatOptimizer } from './flat-optimizers';

/** Which adversarial game is played. */
export type GanLoss = 'gan' | 'wgan' | 'wgan-gp';
/** Every {@link GanLoss}, in menu order. */
export const GAN_LOSSES: readonly GanLoss[] = ['gan', 'wgan', 'wgan-gp'];

/**
 * The generator's loss in the GAN game. 'minimax' minimises E_z log(1 - D(G(z))) as in the seed's §3.1;
 * it saturates (vanishing gradient, seed §3.4) when D confidently rejects the fakes early in training.
 * 'non-saturating' minimises -E_z log D(G(z)) instead (Goodfellow et al. 2014, §3; the inner objective of
 * the seed's §3.6 table): same fixed point, strong gradients exactly where the minimax one vanishes.
 */
export type GeneratorObjective = 'minimax' | 'non-saturating';
/** Every {@link GeneratorObjective}, in menu order. */
export const GENERATOR_OBJECTIVES: readonly GeneratorObjective[] = ['minimax', 'non-saturating'];

/** Optimisation settings of a GAN scene. */
export interface GanTrainingSpec {
  readonly loss: GanLoss;
  /** The generator's loss in the 'gan' game (ignored by the WGANs). */
  readonly generatorObjective: GeneratorObjective;
  /** Step size of the generator's optimizer, in (0, 100]. */
  readonly generatorLearningRate: number;
  /** Step size of the discriminator/critic's optimizer, in (0, 100]. */
  readonly criticLearningRate: number;
  /** Discriminator/critic updates per generator update (k of Goodfellow et al., n_critic of WGAN), integer in [1, 50]. */
  readonly criticSteps: number;
  /** Real rows and latent draws per batch, integer in [1, 65536]. */
  readonly batchSize: number;
  /** WGAN weight-clipping bound c > 0, in (0, 10] (ignored by the others). */
  readonly clip: number;
  /** WGAN-GP penalty weight lambda, in [0, 1000] (ignored by the others). */
  readonly penalty: number;
}

/**
 * Defaults per game (batch 256, the non-saturating generator loss for 'gan'). Optimizers are fixed by
 * the game: GAN Adam(beta1 0.5, beta2 0.999) (Radford et al. 2016), WGAN RMSProp(decay 0.99, no
 * momentum) (Arjovsky et al. 2017: Adam with beta1 > 0 made the critic unstable), WGAN-GP Adam(beta1 0, beta2 0.9)
 * (Gulrajani et al. 2017, Algorithm 1).
 *
 * Chosen for live 2D scenes rather than copied from the papers, measured on 8 gaussians (energy distance
 * of 500 G(z) to the data, 600 generator steps, 3 x 64 leakyRelu networks, batch 128, wasm):
 * - GAN: step 5e-4 for both (0.82 -> 0.06, smooth; 1e-3 gets there with more oscillation, DCGAN's 2e-4
 *   more slowly), k = 1.
 * - WGAN: step 5e-4 for both, n_critic 5, c = 0.01. The paper's 5e-5 is for 10^5 steps. The clipped
 *   weights are read through gan.ts clippedCriticGains (and step in its units since issue 15, see
 *   {@link GameOptimizer}): without them the SiLU critic of the app's
 *   defaults (3 x 128, step 1e-3) was almost affine, its estimate of order 1e-7 and W1 to the data went
 *   only 0.97 -> 0.93 in 600 steps; with them (3 x 64 SiLU, step 1e-3, batch 128, 8 Gaussians, exact W1 on
 *   200 points) 1.16 -> 0.41 in 300 steps with a critic estimate of order 1 (3 x 64 leakyRelu: 1.17 -> 0.66).
 * - WGAN-GP: step 1e-3, n_critic 5, lambda = 1 (0.82 -> 0.06 and 0.23 -> 0.03 on two seeds, penalty
 *   about 0.05, so ||grad f|| stays near 1 and E_r f - E_g f estimates W_1). The paper's lambda = 10
 *   (images) kept the generator oscillating here (energy distance between 0.2 and 2 for 600 steps at
 *   steps 1e-4 to 1e-3); Gulrajani et al.'s own 2D toy code uses 0.1, which also trains but lets
 *   ||grad f|| grow to 2-3 (penalty 2-5).
 */
export function defaultGanTraining(loss: GanLoss): GanTrainingSpec {
  const common = { loss, generatorObjective: 'non-saturating' as const, batchSize: 256, clip: 0.01, penalty: 1 };
  switch (loss) {
    case 'gan':
      return { ...common, generatorLearningRate: 5e-4, criticLearningRate: 5e-4, criticSteps: 1 };
    case 'wgan':
      return { ...common, generatorLearningRate: 5e-4, criticLearningRate: 5e-4, criticSteps: 5 };
    case 'wgan-gp':
      return { ...common, generatorLearningRate: 1e-3, criticLearningRate: 1e-3, criticSteps: 5 };
  }
}

/** Checks GAN training settings; returns human-readable problems (empty when valid). */
export function ganTrainingProblems(spec: GanTrainingSpec): string[] {
  const p: string[] = [];
  if (!GAN_LOSSES.includes(spec.loss)) p.push(`unknown loss '${spec.loss}'`);
  if (!GENERATOR_OBJECTIVES.includes(spec.generatorObjective)) p.push(`unknown generatorObjective '${spec.generatorObjective}'`);
  for (const key of ['generatorLearningRate', 'criticLearningRate'] as const) {
    if (!(spec[key] > 0 && spec[key] <= 100)) p.push(`${key} must be in (0, 100], got ${spec[key]}`);
  }
  if (!Number.isInteger(spec.criticSteps) || spec.criticSteps < 1 || spec.criticSteps > 50) p.push(`criticSteps must be an integer in [1, 50], got ${spec.criticSteps}`);
  if (!Number.isInteger(spec.batchSize) || spec.batchSize < 1 || spec.batchSize > 65536) p.push(`batchSize must be an integer in [1, 65536], got ${spec.batchSize}`);
  if (!(spec.clip > 0 && spec.clip <= 10)) p.push(`clip must be in (0, 10], got ${spec.clip}`);
  if (!(spec.penalty >= 0 && spec.penalty <= 1000)) p.push(`penalty must be in [0, 1000], got ${spec.penalty}`);
  return p;
}

/**
 * The flat optimizer of each game (see {@link defaultGanTraining}), with tfjs's epsilon placement so
 * that the steps equal tf.train.adam / tf.train.rmsprop's: Adam(beta1, beta2) (Kingma & Ba 2015,
 * Algorithm 1) or RMSProp(decay) without momentum (Tieleman & Hinton 2012).
 */
const GAME_OPTIMIZERS: Readonly<Record<GanLoss, (lr: number) => FlatOptimizer>> = {
  gan: (lr) => new FlatAdam(lr, 0.5, 0.999, 1e-8),
  wgan: (lr) => new FlatRmsProp(lr, 0.99, 1e-8),
  'wgan-gp': (lr) => new FlatAdam(lr, 0, 0.9, 1e-8),
};

/**
 * The game's optimizer over one network's variables, each variable stepping in the units its layer
 * reads it in: a variable read through a fixed gain g (the effective weight is g w, as in a weight-clipped
 * critic, gan.ts clippedCriticGains) gets the step size lr / g, so that its effective weight moves by the
 * step lr that the same optimizer takes on a network without gains.
 *
 * Why it matters: Adam and RMSProp divide each gradient by its own running scale, so their step on a
 * stored weight is about lr whatever the gradient's size: reading the weight through a gain g multiplies
 * the step on the effective weight by g (12.5 to 100 for the clipped critic's layers), and a layer whose
 * fan-in weights move together shifts its pre-activations by about fanIn * g * lr * |h| per update.
 *
 * The update itself is flat-optimizers.ts's (one update over all variables as one flat vector, the step
 * scaled by 1 / gain per scalar); the steps equal tf.train.adam's / tf.train.rmsprop's (tests check it).
 * @throws RangeError if `gains` is given and its length differs from the variables' or a gain is not positive.
 */
export class GameOptimizer {
  private readonly optimizer: FlatOptimizer;
  private readonly variables: readonly tf.Variable[];
  /** 1 / gain per scalar [P] (undefined when every gain is 1). */
  private readonly inverseGains: tf.Tensor1D | undefined;

  /**
   * @param loss the game. @param lr step size in effective units, > 0.
   * @param variables the network's variables. @param gains the fixed gain each variable is read through
   *   (same order; default 1 for all).
   */
  constructor(loss: GanLoss, lr: number, variables: readonly tf.Variable[], gains?: readonly number[]) {
    if (gains !== undefined && (gains.length !== variables.length || gains.some((g) => !(g > 0 && Number.isFinite(g))))) {
      throw new RangeError(`gains must be ${variables.length} positive numbers, one per variable`);
    }
    this.optimizer = GAME_OPTIMIZERS[loss](lr);
    this.variables = [...variables];
    this.inverseGains =
      gains === undefined || gains.every((g) => g === 1)
        ? undefined
        : tf.tensor1d(Float32Array.from(variables.flatMap((v, i) => new Array<number>(v.size).fill(1 / gains[i]))));
  }

  /**
   * One step down the gradient of `loss` for every variable (autograd). @returns the loss before the step;
   * the caller owns it.
   */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, [...this.variables]);
    this.applyGradients(this.variables.map((v) => grads[v.name]));
    tf.dispose(grads);
    return value;
  }

  /**
   * One step with given gradients (e.g. from gan-gradients.ts), one per variable in the constructor's order
   * and of its shape; they stay the caller's. The game's rule (see GAME_OPTIMIZERS) with the step size
   * lr / gain per scalar.
   * @throws RangeError if the count or a size differs.
   */
  applyGradients(grads: readonly tf.Tensor[]): void {
    this.optimizer.applyGradients(this.variables, grads, this.inverseGains);
  }

  /** Changes the step size (effective units) without losing the moments. @param lr > 0. */
  setLearningRate(lr: number): void {
    this.optimizer.setLearningRate(lr);
  }

  /** Frees the moments and the gains. Idempotent. */
  dispose(): void {
    this.optimizer.dispose();
    this.inverseGains?.dispose();
  }
}
