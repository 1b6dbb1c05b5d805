/**
 * Backpropagation written out for a plain MLP (the GAN's generator and critic, dense-network.ts): a
 * forward pass that keeps what the backward pass needs, and the backward pass itself, as a few large tfjs
 * ops instead of autograd's tape. The approach of field-network.ts's `regressionGradients` (the diffusion
 * trainers' fast path), for networks without a time input. No DOM, no three.js.
 *
 * Notation: layer l = 0..L-1 computes a_l = h_l W_l + b_l from its input h_l (h_0 = x); the hidden
 * layers l < L-1 pass on h_{l+1} = act(a_l), the last one is the output out = a_{L-1}. The chain rule
 * for a cotangent dOut = dLoss/dout: da_{L-1} = dOut; dW_l = h_l^T da_l; db_l = 1^T da_l (a row of ones times da_l);
 * dh_l = da_l W_l^T; da_{l-1} = dh_l * act'(a_{l-1}); dx = dh_0.
 */
import * as tf from '@tensorflow/tfjs';
import type { ActivationRule } from './mlp';

/** One affine layer h W + b as the network reads it (any fixed gains already applied). */
export interface AffineLayer {
  /** [fanIn, fanOut]. */
  readonly w: tf.Tensor2D;
  /** [fanOut]. */
  readonly b: tf.Tensor;
}

/** What a forward pass keeps for the backward pass. Plain tensors: tidy or dispose them. */
export interface DenseTrace {
  /** The input h_l of every layer, h_0 = x first: L entries, [N, fanIn_l]. */
  readonly inputs: tf.Tensor2D[];
  /** act'(a_l) of every hidden layer, L - 1 entries, [N, width]. */
  readonly slopes: tf.Tensor2D[];
  /** The network's output a_{L-1}, [N, outDim]. */
  readonly out: tf.Tensor2D;
}

/**
 * The forward pass keeping every layer's input and every hidden activation's slope. Not tidied.
 * @param layers the affine layers in order (L >= 1). @param act the hidden activation.
 * @param x inputs [N, fanIn_0].
 */
export function traceForward(layers: readonly AffineLayer[], act: ActivationRule, x: tf.Tensor2D): DenseTrace {
  const inputs: tf.Tensor2D[] = [x];
  const slopes: tf.Tensor2D[] = [];
  let h = x;
  const last = layers.length - 1;
  for (let l = 0; l < last; l++) {
    const a = tf.fused.matMul({ a: h, b: layers[l].w, bias: layers[l].b }) as tf.Tensor2D;
    h = act.apply(a);
    slopes.push(act.slope(a, h));
    inputs.push(h);
  }
  return { inputs, slopes, out: tf.fused.matMul({ a: h, b: layers[last].w, bias: layers[last].b }) as tf.Tensor2D };
}

/** What {@link backpropagate} computes. */
export interface DenseGradients {
  /** dLoss/dW_l and dLoss/db_l of every layer, in the order W_0, b_0, ..., W_{L-1}, b_{L-1} (empty unless asked for). */
  readonly grads: tf.Tensor[];
  /** dLoss/dx, [N, fanIn_0] (only when asked for). */
  readonly dx?: tf.Tensor2D;
}

/**
 * The backward pass (chain rule in the file comment) from a cotangent of the output. Built from
 * first-order ops only, so a loss may contain its `dx` and still be differentiated once (WGAN-GP's
 * penalty). Products with a transposed operand are asked for as such (one kernel each; on wasm,
 * wasm-matmul.ts routes them through XNNPACK). Not tidied.
 * @param layers, trace the layers and their forward pass ({@link traceForward}).
 * @param dOut dLoss/dout [N, outDim]; for input gradients only, [1, outDim] broadcasts over the rows.
 * @param want which gradients: the weights' and/or the input's.
 * @throws RangeError if the weights' gradients are asked for with a broadcast cotangent.
 */
export function backpropagate(layers: readonly AffineLayer[], trace: DenseTrace, dOut: tf.Tensor2D, want: { weights: boolean; input: boolean }): DenseGradients {
  if (want.weights && dOut.shape[0] !== trace.out.shape[0]) throw new RangeError(`weight gradients need one cotangent row per input row, got ${dOut.shape[0]} for ${trace.out.shape[0]}`);
  const grads: tf.Tensor[] = [];
  // Bias gradients as products with a row of ones: on wasm a sum over rows transposes its input first.
  const ones = want.weights ? (tf.ones([1, dOut.shape[0]]) as tf.Tensor2D) : null;
  let da = dOut;
  for (let l = layers.length - 1; l >= 0; l--) {
    if (ones !== null) grads.unshift(tf.matMul(trace.inputs[l], da, true, false), tf.matMul(ones, da).reshape([-1]));
    if (l === 0 && !want.input) break;
    const dh = tf.matMul(da, layers[l].w, false, true) as tf.Tensor2D;
    da = l > 0 ? (tf.mul(dh, trace.slopes[l - 1]) as tf.Tensor2D) : dh;
  }
  return want.input ? { grads, dx: da } : { grads };
}
