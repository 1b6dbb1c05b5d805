/**
 * Optimizers over all of a network's variables as one flat vector [P]: the gradients are concatenated,
 * one update runs over the flat moments, and the step is split back onto the variables. The updates are
 * the same float32 operations, element by element and in the same order, as tfjs's `tf.train.adam` and
 * `tf.train.rmsprop` (momentum 0, not centered), but in about 20 kernels a step instead of a dozen per
 * variable: on the wasm backend each small kernel costs tens of microseconds of engine bookkeeping, and
 * the default network's 10 variables took ~145 of the training step's ~215.
 * Used by the diffusion trainers (live-trainer.ts, Adam) and the adversarial games (gan-training.ts).
 * The moments live in flat variables; the weights stay the network's own variables.
 */
import * as tf from '@tensorflow/tfjs';

/** A non-trainable variable holding `init`'s values (tf.variable copies them: the initial tensor is freed). */
function ownVariable(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, false);
  init.dispose();
  return v;
}

/**
 * The shared flat-buffer core: checks and concatenates the gradients, keeps the flat moment buffers
 * (made, zero, on the first step) and adds the rule's step to each variable. Owns its moments: call dispose().
 */
export abstract class FlatOptimizer {
  /** The rule's moment buffers, [P] each, in the rule's order; null before the first step. */
  private moments: tf.Variable[] | null = null;

  /** @param learningRate step size lr > 0. @param momentCount how many flat moment buffers the rule keeps. */
  protected constructor(
    protected learningRate: number,
    private readonly momentCount: number,
  ) {}

  /** Changes the step size; the moments are kept. */
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  /**
   * The rule's signed change of the weights, [P], from the flat gradient g [P] (called inside a tidy);
   * it assigns the new values of its `moments` itself.
   */
  protected abstract delta(g: tf.Tensor1D, moments: readonly tf.Variable[]): tf.Tensor1D;

  /**
   * One step: every variable moves by its gradient (same shapes, same order), w <- w + scale * delta.
   * @param scale optional per-scalar factor on the step [P] (e.g. 1 / gain, gan-training.ts); omitted: 1.
   * @throws RangeError when the lists differ in length or a gradient's size differs from its variable's,
   * or when the parameter count changed since the first step.
   */
  applyGradients(variables: readonly tf.Variable[], grads: readonly tf.Tensor[], scale?: tf.Tensor1D): void {
    if (variables.length !== grads.length || variables.some((w, i) => w.size !== grads[i].size)) {
      throw new RangeError(`flat optimizer: one gradient of the same size per variable expected`);
    }
    const sizes = variables.map((w) => w.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    this.moments ??= Array.from({ length: this.momentCount }, () => ownVariable(tf.zeros([total])));
    const moments = this.moments;
    if (moments.length > 0 && moments[0].size !== total) throw new RangeError(`flat optimizer: ${total} parameters, the moments hold ${moments[0].size}`);
    if (scale !== undefined && scale.size !== total) throw new RangeError(`flat optimizer: ${total} parameters, the scale holds ${scale.size}`);
    tf.tidy(() => {
      const g = tf.concat(grads.map((x) => x.reshape([-1]))) as tf.Tensor1D;
      const step = scale === undefined ? this.delta(g, moments) : tf.mul(this.delta(g, moments), scale);
      tf.split(step, sizes).forEach((s, i) => variables[i].assign(tf.add(s.reshape(variables[i].shape), variables[i])));
    });
  }

  /** Frees the moments. Idempotent. */
  dispose(): void {
    tf.dispose((this.moments ?? []).filter((x) => !x.isDisposed));
    this.moments = null;
  }
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1) as tf.train.adam computes it, with g the flat gradient:
 * m <- beta1 m + (1 - beta1) g, v <- beta2 v + (1 - beta2) g^2,
 * w <- w - lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon), the powers beta^t kept as float32
 * products. With beta1 = 0 (WGAN-GP), m = g and its buffer is not kept.
 */
export class FlatAdam extends FlatOptimizer {
  /**
   * beta1^t and beta2^t as float32 products, kept in JS: Math.fround of a product of two float32 values
   * rounds exactly as a float32 multiplication does, and 1 - beta^t is exact in double before its
   * rounding, so the bias corrections equal tfjs's while its kernels for them are saved.
   */
  private accBeta1: number;
  private accBeta2: number;

  /**
   * @param learningRate step size lr > 0. @param beta1 @param beta2 moment decays in [0, 1).
   * @param epsilon added to sqrt(vHat) (tfjs's default placement).
   */
  constructor(
    learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    super(learningRate, beta1 === 0 ? 1 : 2);
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
  }

  protected override delta(g: tf.Tensor1D, moments: readonly tf.Variable[]): tf.Tensor1D {
    const v = moments[moments.length - 1];
    const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
    const vHat = tf.div(newV, Math.fround(1 - this.accBeta2));
    v.assign(newV);
    let mHat: tf.Tensor = g; // beta1 = 0: m = g exactly, and 1 - 0^t = 1
    if (this.beta1 !== 0) {
      const m = moments[0];
      const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
      mHat = tf.div(newM, Math.fround(1 - this.accBeta1));
      m.assign(newM);
      this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    }
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
    return tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate);
  }
}

/**
 * RMSProp (Tieleman & Hinton 2012) without momentum, not centered, as tf.train.rmsprop computes it:
 * v <- decay v + (1 - decay) g^2, w <- w - lr g / sqrt(v + epsilon).
 */
export class FlatRmsProp extends FlatOptimizer {
  /** @param learningRate step size lr > 0. @param decay in [0, 1). @param epsilon added to v under the root (tfjs's placement). */
  constructor(
    learningRate: number,
    private readonly decay = 0.9,
    private readonly epsilon = 1e-8,
  ) {
    super(learningRate, 1);
  }

  protected override delta(g: tf.Tensor1D, [v]: readonly tf.Variable[]): tf.Tensor1D {
    const newV = tf.add(tf.mul(v, this.decay), tf.mul(tf.square(g), 1 - this.decay));
    v.assign(newV);
    // -(lr g) / s rounds exactly as (lr g) / s, negated: the same weights as tf.train.rmsprop's w - lr g / s.
    return tf.div(tf.mul(g, -this.learningRate), tf.sqrt(tf.add(newV, this.epsilon)));
  }
}
