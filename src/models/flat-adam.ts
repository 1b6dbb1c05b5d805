/**
 * Adam (Kingma & Ba 2015, Algorithm 1) over all of a network's variables as one flat vector: the same
 * float32 operations, element by element and in the same order, as tfjs's `tf.train.adam`
 * (m <- beta1 m + (1 - beta1) g, v <- beta2 v + (1 - beta2) g^2,
 * w <- w - lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)), but about 45 kernels a step
 * instead of 14 per variable: on the wasm backend each small kernel costs tens of microseconds of
 * engine bookkeeping, and the default network's 10 variables took ~145 of the training step's ~215.
 * The moments live in two flat variables; the weights stay the network's own variables.
 */
import * as tf from '@tensorflow/tfjs';

/** A non-trainable variable holding `init`'s values (tf.variable copies them: the initial tensor is freed). */
function ownVariable(init: tf.Tensor): tf.Variable {
  const v = tf.variable(init, false);
  init.dispose();
  return v;
}

/** Adam over a fixed list of variables, their gradients concatenated into one vector. Owns its moments: call dispose(). */
export class FlatAdam {
  private m: tf.Variable | null = null;
  private v: tf.Variable | null = null;
  private readonly accBeta1: tf.Variable;
  private readonly accBeta2: tf.Variable;

  /**
   * @param learningRate step size lr > 0. @param beta1 @param beta2 moment decays in [0, 1).
   * @param epsilon added to sqrt(vHat) (tfjs's default placement).
   */
  constructor(
    private learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {
    this.accBeta1 = ownVariable(tf.scalar(beta1));
    this.accBeta2 = ownVariable(tf.scalar(beta2));
  }

  /** Changes the step size; the moments are kept. */
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  /**
   * One Adam step: every variable moves by its gradient (same shapes, same order).
   * @throws RangeError when the lists differ in length or a gradient's size differs from its variable's,
   * or when the parameter count changed since the first step.
   */
  applyGradients(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    if (variables.length !== grads.length || variables.some((w, i) => w.size !== grads[i].size)) {
      throw new RangeError('FlatAdam: one gradient of the same size per variable expected');
    }
    const sizes = variables.map((w) => w.size);
    const total = sizes.reduce((a, b) => a + b, 0);
    if (this.m === null || this.v === null) {
      this.m = ownVariable(tf.zeros([total]));
      this.v = ownVariable(tf.zeros([total]));
    }
    if (this.m.size !== total) throw new RangeError(`FlatAdam: ${total} parameters, the moments hold ${this.m.size}`);
    const [m, v] = [this.m, this.v];
    tf.tidy(() => {
      const g = tf.concat(grads.map((x) => x.reshape([-1])));
      const oneMinusAccBeta1 = tf.sub(1, this.accBeta1);
      const oneMinusAccBeta2 = tf.sub(1, this.accBeta2);
      const newM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
      const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      const mHat = tf.div(newM, oneMinusAccBeta1);
      const vHat = tf.div(newV, oneMinusAccBeta2);
      m.assign(newM);
      v.assign(newV);
      const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.epsilon)), -this.learningRate);
      tf.split(step, sizes).forEach((s, i) => variables[i].assign(tf.add(s.reshape(variables[i].shape), variables[i])));
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
  }

  /** Frees the moments. Idempotent. */
  dispose(): void {
    tf.dispose([this.m, this.v, this.accBeta1, this.accBeta2].filter((x): x is tf.Variable => x !== null && !x.isDisposed));
    this.m = null;
    this.v = null;
  }
}
