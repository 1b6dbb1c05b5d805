/**
 * A plain MLP R^in -> R^out without a time input: the generator G(z) and the discriminator / critic D(x)
 * of the GAN scenes (seed §3). It shares the building blocks of {@link FieldNetwork} (the spec and its
 * validation, the activations, the seeded uniform initialisation) and, like it, keeps its weights as
 * plain `tf.Variable`s.
 *
 * Architecture: h_0 = x, h_l = act(h_{l-1} W_l + b_l) for l = 1..L (L = depth), out = h_L W_out + b_out.
 *
 * It also computes its input gradient J(x)^T v in closed form ({@link DenseNetwork.inputGradient}),
 * built from first-order ops only, so that a loss may contain it (WGAN-GP's gradient penalty) and still
 * be differentiated once by the optimizer. tfjs 4.22's nested `tf.grad` cannot do this reliably: it
 * throws for leakyRelu ("gradient function not found for Greater") and gave second derivatives off by
 * up to 10% for SiLU against finite differences.
 *
 * For training, {@link DenseNetwork.trace} and {@link DenseNetwork.backward} give every gradient by
 * backpropagation written out (dense-backprop.ts; the GAN fast path, gan-gradients.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { backpropagate, traceForward, type AffineLayer, type DenseGradients, type DenseTrace } from './dense-backprop';
import { ACTIVATION, initWeights, mlpProblems, type MlpSpec } from './mlp';
import type { Rng } from './random';
import { useFastWasmTransposedMatMul } from './wasm-matmul';

/** One affine layer h W + b. */
interface Layer {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
}

/**
 * Fixed gains of one layer: it computes h (W * w) + b * b_gain from its stored variables W, b. A
 * reparametrisation for constraints on the stored values (the WGAN critic clips them: models/gan.ts).
 */
export interface LayerGain {
  readonly w: number;
  readonly b: number;
}

/** An MLP R^in -> R^out. Owns its variables: call {@link dispose}. */
export class DenseNetwork {
  readonly spec: MlpSpec;
  /** All trainable variables in a fixed order: W_1, b_1, ..., W_L, b_L, W_out, b_out. */
  readonly variables: tf.Variable[];
  /** Hidden layers then the output layer. */
  private readonly layers: Layer[];
  private disposed = false;

  /**
   * @param inDim input width (latent dimension k for a generator, data dimension D for a critic), integer in [1, 16].
   * @param outDim output width (D for a generator, 1 for a critic), integer in [1, 16].
   * @param spec width, depth and activation (the time-embedding fields of {@link MlpSpec} are ignored); see {@link mlpProblems}.
   * @param rng seeded source of the initial weights: the same seed gives the same network.
   * @param outputGain scale of the output layer's initial weights, uniform in +-outputGain sqrt(3 / width):
   *   1 gives outputs of about unit variance, 0.1 starts near the constant b_out = 0. Default 1.
   * @param gains optional fixed gains per layer (hidden layers then the output layer, depth + 1 entries):
   *   layer l computes h (W_l * gains[l].w) + b_l * gains[l].b. The stored initial weights are divided by
   *   gains[l].w, so the network computes the same function at initialisation as without gains.
   * @throws RangeError on an invalid spec, dimension or gain.
   */
  constructor(readonly inDim: number, readonly outDim: number, spec: MlpSpec, rng: Rng, outputGain = 1, readonly gains?: readonly LayerGain[]) {
    const problems = mlpProblems(spec);
    for (const [name, d] of [['inDim', inDim], ['outDim', outDim]] as const) {
      if (!Number.isInteger(d) || d < 1 || d > 16) problems.push(`${name} must be an integer in [1, 16], got ${d}`);
    }
    if (!(outputGain > 0 && outputGain <= 10)) problems.push(`outputGain must be in (0, 10], got ${outputGain}`);
    if (gains !== undefined && (gains.length !== spec.depth + 1 || gains.some((g) => !(g.w > 0 && g.b > 0 && Number.isFinite(g.w) && Number.isFinite(g.b))))) {
      problems.push(`gains must be depth + 1 = ${spec.depth + 1} positive pairs`);
    }
    if (problems.length > 0) throw new RangeError(`invalid network: ${problems.join('; ')}`);
    this.spec = { ...spec };
    const gain = spec.activation === 'tanh' ? 1 : Math.SQRT2;
    const layer = (fanIn: number, fanOut: number, limit: number): Layer => {
      // tf.variable copies its initial value: dispose the initial tensors right away.
      const init = initWeights(rng, fanIn, fanOut, limit / (gains?.[this.layers.length].w ?? 1));
      const zero = tf.zeros([fanOut]);
      const made = { w: tf.variable(init, true), b: tf.variable(zero, true) };
      tf.dispose([init, zero]);
      return made;
    };
    this.layers = [];
    let fanIn = inDim;
    for (let l = 0; l < spec.depth; l++) {
      this.layers.push(layer(fanIn, spec.width, gain * Math.sqrt(3 / fanIn)));
      fanIn = spec.width;
    }
    this.layers.push(layer(spec.width, outDim, outputGain * Math.sqrt(3 / spec.width)));
    this.variables = this.layers.flatMap((l) => [l.w, l.b]);
    // Autograd's transposed products are 10x slow on wasm without it (see wasm-matmul.ts).
    useFastWasmTransposedMatMul();
  }

  /** Number of trainable scalars. */
  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  private check(x: tf.Tensor2D): void {
    if (this.disposed) throw new Error('DenseNetwork used after dispose()');
    if (x.rank !== 2 || x.shape[1] !== this.inDim) throw new RangeError(`expected input [N, ${this.inDim}], got [${x.shape.join(', ')}]`);
  }

  /** Layer l's effective weights W_l * gain (the stored variable itself without gains). Not tidied. */
  private weight(l: number): tf.Tensor2D {
    const w = this.layers[l].w as tf.Tensor2D;
    const g = this.gains?.[l].w ?? 1;
    return g === 1 ? w : tf.mul(w, g);
  }

  /** Layer l's effective bias b_l * gain. Not tidied. */
  private bias(l: number): tf.Tensor {
    const b = this.layers[l].b;
    const g = this.gains?.[l].b ?? 1;
    return g === 1 ? b : tf.mul(b, g);
  }

  /** Every layer as it computes (effective weights and biases), hidden layers then the output. Not tidied. */
  private affineLayers(): AffineLayer[] {
    return this.layers.map((_, l) => ({ w: this.weight(l), b: this.bias(l) }));
  }

  /**
   * The network's output.
   * @param x inputs [N, inDim]. @returns outputs [N, outDim]; the caller owns it.
   * @throws RangeError on a wrong input shape; Error after dispose().
   */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    this.check(x);
    return tf.tidy(() => {
      const act = ACTIVATION[this.spec.activation];
      const last = this.layers.length - 1;
      let h = x;
      for (let l = 0; l < last; l++) h = act.apply(tf.fused.matMul({ a: h, b: this.weight(l), bias: this.bias(l) }) as tf.Tensor2D);
      return tf.fused.matMul({ a: h, b: this.weight(last), bias: this.bias(last) }) as tf.Tensor2D;
    });
  }

  /**
   * The forward pass keeping what {@link backward} needs (dense-backprop.ts); `out` is the output [N, outDim].
   * Not tidied: call inside `tf.tidy` (or dispose every tensor of the trace).
   * @param x inputs [N, inDim]. @throws RangeError on a wrong input shape; Error after dispose().
   */
  trace(x: tf.Tensor2D): DenseTrace {
    this.check(x);
    return traceForward(this.affineLayers(), ACTIVATION[this.spec.activation], x);
  }

  /**
   * Backpropagation written out (dense-backprop.ts) from a cotangent dOut = dLoss/dout of a {@link trace}:
   * the gradients of the stored variables in the order of {@link variables} (a layer read through gains
   * (g_w, g_b) gets g_w dW_eff and g_b db_eff) and/or the input gradient dLoss/dx [N, inDim]. Tests check
   * it against `tf.variableGrads` to 1e-5. Not tidied.
   * @param dOut [N, outDim] ([1, outDim] broadcasts over the rows when only the input gradient is asked for).
   * @throws RangeError on a wrong cotangent shape; Error after dispose().
   */
  backward(trace: DenseTrace, dOut: tf.Tensor2D, want: { weights: boolean; input: boolean }): DenseGradients {
    if (this.disposed) throw new Error('DenseNetwork used after dispose()');
    if (dOut.rank !== 2 || dOut.shape[1] !== this.outDim || (dOut.shape[0] !== 1 && dOut.shape[0] !== trace.out.shape[0])) {
      throw new RangeError(`expected cotangents [${trace.out.shape[0]}, ${this.outDim}], got [${dOut.shape.join(', ')}]`);
    }
    const found = backpropagate(this.affineLayers(), trace, dOut, want);
    if (this.gains === undefined) return found;
    const gains = this.gains.flatMap((g) => [g.w, g.b]);
    return { ...found, grads: found.grads.map((grad, i) => (gains[i] === 1 ? grad : tf.mul(grad, gains[i]))) };
  }

  /**
   * The vector-Jacobian product J(x)^T v per row, by the chain rule written out ({@link backward}):
   * g_L = v W_out^T, then g_{l-1} = (g_l * act'(a_l)) W_l^T, with a_l the pre-activations. For a critic
   * (outDim 1) and the default v = 1 this is the gradient grad_x D(x). Built from first-order ops, so it
   * can sit inside a loss that the optimizer differentiates (see the file comment).
   * @param x inputs [N, inDim]. @param v cotangents [N, outDim] (default all ones).
   * @returns [N, inDim]; the caller owns it.
   * @throws RangeError on wrong shapes; Error after dispose().
   */
  inputGradient(x: tf.Tensor2D, v?: tf.Tensor2D): tf.Tensor2D {
    this.check(x);
    if (v !== undefined && (v.rank !== 2 || v.shape[0] !== x.shape[0] || v.shape[1] !== this.outDim)) {
      throw new RangeError(`expected cotangents [${x.shape[0]}, ${this.outDim}], got [${v.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      // With v = 1 the first product is the same row W_out^T for every input: one row broadcasts.
      const { dx } = this.backward(this.trace(x), v ?? tf.ones([1, this.outDim]), { weights: false, input: true });
      return dx as tf.Tensor2D;
    });
  }

  /** A new network with the same shape and a copy of these weights (owns its own variables). */
  clone(): DenseNetwork {
    const copy = new DenseNetwork(this.inDim, this.outDim, this.spec, { uniform: () => 0.5 } as Rng, 1, this.gains);
    copy.variables.forEach((v, i) => v.assign(this.variables[i]));
    return copy;
  }

  /** Copies the weights into plain arrays (W_1, b_1, ..., b_out; for tests and saving). Reads back: not for the frame loop. */
  async getWeights(): Promise<Float32Array[]> {
    return Promise.all(this.variables.map(async (v) => (await v.data()) as Float32Array));
  }

  /**
   * Overwrites the weights from plain arrays in the order of {@link variables} (tests use it to set a
   * known function). @throws RangeError if the count or a size differs.
   */
  setWeights(weights: readonly Float32Array[]): void {
    if (weights.length !== this.variables.length || weights.some((w, i) => w.length !== this.variables[i].size)) {
      throw new RangeError('setWeights: weights do not match the network shape');
    }
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.tensor(weights[i], v.shape))));
  }

  /** Frees all variables. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.variables) v.dispose();
  }
}
