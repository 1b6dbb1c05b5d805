/**
 * The fast path of GAN training (seed §3): the gradients of the discriminator/critic loss and of the
 * generator loss (gan.ts criticLoss, generatorLoss) by backpropagation written out (DenseNetwork.trace and
 * backward, dense-backprop.ts) instead of autograd's tape: about a third of the kernels per step on wasm,
 * where a GAN step of two small MLPs is bound by the count of kernels, not by arithmetic. Tests check every
 * gradient against `tf.variableGrads` of the same loss to 1e-5 (tests/gan-fast-gradients.test.ts).
 *
 * WGAN-GP's critic loss contains the critic's input gradient, so its gradient needs second derivatives:
 * it keeps autograd (gan-trainer.ts); its generator loss is the WGAN one and takes the fast path.
 */
import * as tf from '@tensorflow/tfjs';
import { generatorLoss, generatorSlope, type Gan } from './gan';
import type { GanLoss, GeneratorObjective } from './gan-training';

/** The games whose critic loss is first-order in the critic's output (no gradient penalty). */
export type FirstOrderGame = Exclude<GanLoss, 'wgan-gp'>;

/** A loss and the gradients of the variables it was differentiated in, in their order; the caller owns them all. */
export interface LossGradients {
  readonly loss: tf.Scalar;
  readonly grads: tf.Tensor[];
}

/**
 * Per-row constants of a stacked batch (real rows, then fake rows), each [n, 1]: the sign s = -1 on real
 * rows and +1 on fake ones, the weight w = 1 / (rows of its kind), and c = s w.
 */
interface RowWeights {
  readonly s: tf.Tensor2D;
  readonly w: tf.Tensor2D;
  readonly c: tf.Tensor2D;
}

/**
 * The critic's loss from its outputs l [n, 1] on a stacked batch, and dLoss/dl [n, 1]:
 * GAN: sum_i w_i softplus(s_i l_i) = E_r softplus(-l) + E_g softplus(l) (seed §3.1), dl = c sigmoid(s l);
 * WGAN: sum_i c_i l_i = E_g f - E_r f (seed §3.5, Arjovsky et al. 2017 Algorithm 1 line 5), dl = c.
 */
const CRITIC_HEADS: Readonly<Record<FirstOrderGame, (l: tf.Tensor2D, rows: RowWeights) => { loss: tf.Scalar; dl: tf.Tensor2D }>> = {
  gan: (l, { s, w, c }) => {
    const sl = tf.mul(l, s);
    return { loss: tf.sum(tf.mul(tf.softplus(sl), w)) as tf.Scalar, dl: tf.mul(tf.sigmoid(sl), c) as tf.Tensor2D };
  },
  wgan: (l, { c }) => ({ loss: tf.sum(tf.mul(l, c)) as tf.Scalar, dl: c }),
};

/**
 * The discriminator/critic loss {@link criticLoss} (gan.ts) of `game` on a real and a fake batch, and its
 * gradient in the critic's stored variables (order of `gan.critic.variables`; a weight-clipped critic's
 * gains included), from one forward and one backward pass over both batches stacked.
 * @param real [B, D]; @param fake [B', D] (e.g. G(z), not differentiated).
 * @returns the loss (a scalar, any sign for WGAN, >= 0 for GAN) and the gradients; the caller owns them.
 * @throws RangeError on wrong shapes.
 */
export function criticGradients(gan: Gan, game: FirstOrderGame, real: tf.Tensor2D, fake: tf.Tensor2D): LossGradients {
  const nr = real.shape[0];
  const nf = fake.shape[0];
  const n = nr + nf;
  const [s, w, c] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  for (let i = 0; i < n; i++) {
    s[i] = i < nr ? -1 : 1;
    w[i] = 1 / (i < nr ? nr : nf);
    c[i] = s[i] * w[i];
  }
  return tf.tidy(() => {
    const trace = gan.critic.trace(tf.concat([real, fake], 0) as tf.Tensor2D);
    const column = (v: Float32Array): tf.Tensor2D => tf.tensor2d(v, [n, 1]);
    const { loss, dl } = CRITIC_HEADS[game](trace.out, { s: column(s), w: column(w), c: column(c) });
    return { loss, grads: gan.critic.backward(trace, dl, { weights: true, input: false }).grads };
  });
}

/**
 * The generator loss {@link generatorLoss} (gan.ts) of `game` and `objective` on G(z), and its gradient in
 * the generator's variables (order of `gan.generator.variables`): forward through G and D, then back
 * through D to its input (dLoss/dl = -slope / B with {@link generatorSlope}) and on through G.
 * @param z latent draws [B, k]. @returns the loss and the gradients; the caller owns them.
 * @throws RangeError on a wrong shape.
 */
export function generatorGradients(gan: Gan, game: GanLoss, objective: GeneratorObjective, z: tf.Tensor2D): LossGradients {
  return tf.tidy(() => {
    const g = gan.generator.trace(z);
    const d = gan.critic.trace(g.out);
    const l = d.out.reshape([-1]) as tf.Tensor1D;
    const dl = tf.mul(generatorSlope(game, objective, l), -1 / z.shape[0]).reshape([-1, 1]) as tf.Tensor2D;
    const { dx } = gan.critic.backward(d, dl, { weights: false, input: true });
    return { loss: generatorLoss(game, objective, l), grads: gan.generator.backward(g, dx as tf.Tensor2D, { weights: true, input: false }).grads };
  });
}
