/**
 * The optimizers of the adversarial games (see gan.ts defaultGanTraining): Adam(0.5, 0.999) for a GAN
 * (Radford et al. 2016), RMSProp(decay 0.99, no momentum) for WGAN with weight clipping (Arjovsky et al.
 * 2017, Algorithm 1), Adam(0, 0.9) for WGAN-GP (Gulrajani et al. 2017, Algorithm 1), with learning rates
 * that change live without losing the moments, and steps taken in the units a layer reads its weights in.
 */
import * as tf from '@tensorflow/tfjs';
import { TunableAdam } from './live-trainer';

/** Which adversarial game an optimizer serves (gan.ts GanLoss). */
export type GameLoss = 'gan' | 'wgan' | 'wgan-gp';

/** RMSProp whose learning rate can change without losing its mean-square estimates. */
class TunableRMSProp extends tf.RMSPropOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

type TunableOptimizer = TunableAdam | TunableRMSProp;

/** The optimizer of each game at step size lr. */
function optimizerFor(loss: GameLoss, lr: number): TunableOptimizer {
  if (loss === 'wgan') return new TunableRMSProp(lr, 0.99, 0, 1e-8, false);
  return loss === 'gan' ? new TunableAdam(lr, 0.5, 0.999, 1e-8) : new TunableAdam(lr, 0, 0.9, 1e-8);
}

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
 * @throws RangeError if `gains` is given and its length differs from the variables' or a gain is not positive.
 */
export class GameOptimizer {
  private readonly groups: { optimizer: TunableOptimizer; gain: number; variables: tf.Variable[] }[] = [];

  /**
   * @param loss the game. @param lr step size in effective units, > 0.
   * @param variables the network's variables. @param gains the fixed gain each variable is read through
   *   (same order; default 1 for all).
   */
  constructor(loss: GameLoss, lr: number, variables: readonly tf.Variable[], gains?: readonly number[]) {
    if (gains !== undefined && (gains.length !== variables.length || gains.some((g) => !(g > 0 && Number.isFinite(g))))) {
      throw new RangeError(`gains must be ${variables.length} positive numbers, one per variable`);
    }
    variables.forEach((v, i) => {
      const gain = gains?.[i] ?? 1;
      const group = this.groups.find((g) => g.gain === gain);
      if (group !== undefined) group.variables.push(v);
      else this.groups.push({ optimizer: optimizerFor(loss, lr / gain), gain, variables: [v] });
    });
  }

  /**
   * One step down the gradient of `loss` for every variable. @returns the loss before the step; the caller
   * owns it.
   */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const variables = this.groups.flatMap((g) => g.variables);
    const { value, grads } = tf.variableGrads(loss, variables);
    for (const group of this.groups) group.optimizer.applyGradients(group.variables.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    tf.dispose(grads);
    return value;
  }

  /** Changes the step size (effective units) without losing the moments. @param lr > 0. */
  setLearningRate(lr: number): void {
    for (const group of this.groups) group.optimizer.setLearningRate(lr / group.gain);
  }

  /** Frees the moments. */
  dispose(): void {
    for (const group of this.groups) group.optimizer.dispose();
  }
}
