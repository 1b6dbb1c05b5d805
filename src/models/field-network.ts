/**
 * The field network f_theta(x_t, t) (models/field.ts): an MLP with a sinusoidal time embedding whose
 * output is the model's parametrisation: epsilon_theta for DDPM (seed §4.2–4.3), sigma times the score
 * for the score model, v_theta for flow matching (seed §5.2). Weights are plain `tf.Variable`s (no layers API: it spends most of its time outside the
 * matrix products), initialised from the seeded {@link Rng}, so the same seed gives the same network.
 *
 * Architecture: h_1 = act(x W_x + emb(t) W_t + b_1), h_{k+1} = act(h_k W_k + b_k), out = h_L W_out + b_out.
 * Splitting the first layer into W_x and W_t is the same as concatenating [x, emb(t)], but lets one
 * time embedding of shape [1, E] broadcast over all particles when every particle shares t.
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldModel } from './field';
import { ACTIVATION, initWeights, mlpProblems, type MlpSpec } from './mlp';
import type { Rng } from './random';
import { TIME_SCALE } from './time-scale';
import { useFastWasmTransposedMatMul } from './wasm-matmul';

/**
 * Sinusoidal embedding (Vaswani et al. 2017, §3.5; as used by Ho et al. 2020) of the relative time
 * tau = t / T in [0, 1], placed at position p = timeScale tau (default {@link TIME_SCALE} = 50) so that
 * it does not depend on T: emb(p)_k = sin(p w_k), emb(p)_{E/2+k} = cos(p w_k), w_k = 10000^(-k / (E/2)),
 * so every angle is in [0, timeScale] rad (w_0 = 1).
 * @param tau relative time, a number (gives shape [1, E]) or a tensor of shape [N] (gives [N, E]).
 * @param dim E, even and >= 2.
 * @param freqs the [1, E/2] frequencies from {@link embeddingFrequencies} (computed here when omitted).
 */
export function timeEmbedding(tau: number | tf.Tensor1D, dim: number, timeScale = TIME_SCALE, freqs?: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const w = freqs ?? embeddingFrequencies(dim);
    const p = (typeof tau === 'number' ? tf.tensor2d([[tau * timeScale]]) : tf.mul(tau, timeScale).reshape([-1, 1])) as tf.Tensor2D;
    const angles = tf.matMul(p, w);
    return tf.concat([tf.sin(angles), tf.cos(angles)], 1) as tf.Tensor2D;
  });
}

/** The frequencies w_k = 10000^(-k / (E/2)), k < E/2, of {@link timeEmbedding}, shape [1, E/2]; caller owns it. */
export function embeddingFrequencies(dim: number): tf.Tensor2D {
  return tf.tidy(() => {
    const half = dim / 2;
    return tf.exp(tf.mul(tf.range(0, half, 1, 'float32'), -Math.log(10000) / half)).reshape([1, half]) as tf.Tensor2D;
  });
}

/**
 * epsilon_theta: R^D x [0, 1] -> R^D. Owns its variables: call {@link dispose}.
 */
export class FieldNetwork implements FieldModel {
  readonly dim: number;
  /** Its shape; `timeScale` changes only through {@link useTimeScale}. */
  spec: Required<MlpSpec>;
  /** All trainable variables, in a fixed order (for optimizers and weight files). */
  readonly variables: tf.Variable[];
  private readonly wx: tf.Variable;
  private readonly wt: tf.Variable;
  private readonly hidden: { w: tf.Variable; b: tf.Variable }[];
  private readonly b1: tf.Variable;
  private readonly wOut: tf.Variable;
  private readonly bOut: tf.Variable;
  private readonly freqs: tf.Tensor2D;
  private disposed = false;

  /**
   * @param dim data dimension D (2 or 3).
   * @param spec MLP shape; see {@link mlpProblems}.
   * @param rng seeded source of the initial weights.
   * @throws RangeError if the spec or dim is invalid.
   */
  constructor(dim: number, spec: MlpSpec, rng: Rng) {
    const problems = mlpProblems(spec);
    if (!Number.isInteger(dim) || dim < 1 || dim > 16) problems.push(`dim must be an integer in [1, 16], got ${dim}`);
    if (problems.length > 0) throw new RangeError(`invalid network: ${problems.join('; ')}`);
    this.dim = dim;
    this.spec = { ...spec, timeEmbeddingDim: spec.timeEmbeddingDim ?? 32, timeScale: spec.timeScale ?? TIME_SCALE };
    const { width, depth, timeEmbeddingDim: e } = this.spec;
    const gain = spec.activation === 'tanh' ? 1 : Math.SQRT2;
    const lim = (fanIn: number): number => gain * Math.sqrt(3 / fanIn);
    // tf.variable copies its initial value: dispose the initial tensor right away.
    const own = (init: tf.Tensor): tf.Variable => {
      const v = tf.variable(init, true);
      init.dispose();
      return v;
    };
    this.wx = own(initWeights(rng, dim, width, lim(dim + e)));
    this.wt = own(initWeights(rng, e, width, lim(dim + e)));
    this.b1 = own(tf.zeros([width]));
    this.hidden = [];
    for (let k = 1; k < depth; k++) {
      this.hidden.push({ w: own(initWeights(rng, width, width, lim(width))), b: own(tf.zeros([width])) });
    }
    // Small output layer: the untrained network predicts epsilon near 0 instead of large noise.
    this.wOut = own(initWeights(rng, width, dim, 0.1 * Math.sqrt(3 / width)));
    this.bOut = own(tf.zeros([dim]));
    // Constant, so built once rather than on every predict (a hot path: every sampler step calls it).
    this.freqs = embeddingFrequencies(e);
    this.variables = [this.wx, this.wt, this.b1, ...this.hidden.flatMap((l) => [l.w, l.b]), this.wOut, this.bOut];
    // Autograd's transposed products are 10x slow on wasm without it (see wasm-matmul.ts).
    useFastWasmTransposedMatMul();
  }

  /** Number of trainable scalars. */
  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  /**
   * epsilon_theta(x_t, t).
   * @param x noisy points x_t, shape [N, D].
   * @param tau relative time t / T in [0, 1]: one number shared by all rows, or a tensor of shape [N].
   * @returns predicted noise, shape [N, D]. Not tidied: call inside `tf.tidy` or dispose the result.
   */
  predict(x: tf.Tensor2D, tau: number | tf.Tensor1D): tf.Tensor2D {
    if (this.disposed) throw new Error('FieldNetwork used after dispose()');
    return tf.tidy(() => {
      const emb = timeEmbedding(tau, this.spec.timeEmbeddingDim, this.spec.timeScale, this.freqs);
      // One time for all rows (a sampler step): emb W_t + b_1 is one [1, width] row, folded into the
      // fused product's bias, which saves two [N, width] additions.
      // (The wasm kernel wants a bias that is rank 1 in storage, not a reshaped view: add to b_1 last.)
      const timeProduct = tf.matMul(emb, this.wt as tf.Tensor2D);
      let h =
        emb.shape[0] === 1
          ? (tf.fused.matMul({ a: x, b: this.wx as tf.Tensor2D, bias: tf.add(this.b1, timeProduct.reshape([-1])) }) as tf.Tensor2D)
          : (tf.add(tf.matMul(x, this.wx as tf.Tensor2D), tf.add(timeProduct, this.b1)) as tf.Tensor2D);
      const act = ACTIVATION[this.spec.activation];
      h = act.apply(h);
      for (const layer of this.hidden) {
        h = act.apply(tf.fused.matMul({ a: h, b: layer.w as tf.Tensor2D, bias: layer.b }) as tf.Tensor2D);
      }
      return tf.fused.matMul({ a: h, b: this.wOut as tf.Tensor2D, bias: this.bOut }) as tf.Tensor2D;
    });
  }

  /**
   * The mean-squared-error regression loss L = (1/N) sum_i ||net(x_i, tau_i) - target_i||^2 and its
   * gradient with respect to every variable, by backpropagation written out (the fast path of the live
   * trainers; tests check it against `tf.variableGrads` of the same loss to 1e-5):
   * forward a_l = h_{l-1} W_l + b_l, h_l = act(a_l) (keeping h_l and act'(a_l)); backward
   * dOut = (2/N)(out - target), then per layer da_l = (dh_l * act'(a_l)), dW_l = h_{l-1}^T da_l,
   * db_l = 1^T da_l, dh_{l-1} = da_l W_l^T. On the wasm backend a matMul with a transposed operand takes
   * a slow scalar loop (about 10x slower than XNNPACK's), so the transposes are explicit and every
   * product is an untransposed one; bias gradients are products with a row of ones, not sums.
   * @param x inputs [N, D]; @param tau relative times [N] (or one number); @param target [N, D].
   * @returns the loss and the gradients in the order of {@link variables}; the caller owns them all.
   * @throws RangeError on mismatched shapes; Error after dispose().
   */
  regressionGradients(x: tf.Tensor2D, tau: number | tf.Tensor1D, target: tf.Tensor2D): { loss: tf.Scalar; grads: tf.Tensor[] } {
    if (this.disposed) throw new Error('FieldNetwork used after dispose()');
    const n = x.shape[0];
    if (x.rank !== 2 || x.shape[1] !== this.dim || target.shape[0] !== n || target.shape[1] !== this.dim) {
      throw new RangeError(`expected x and target [N, ${this.dim}], got [${x.shape.join(', ')}] and [${target.shape.join(', ')}]`);
    }
    const act = ACTIVATION[this.spec.activation];
    return tf.tidy(() => {
      const ones = tf.ones([1, n]) as tf.Tensor2D;
      const colSum = (g: tf.Tensor2D): tf.Tensor1D => tf.matMul(ones, g).reshape([-1]) as tf.Tensor1D;
      const tr = (m: tf.Tensor2D | tf.Variable): tf.Tensor2D => tf.transpose(m as tf.Tensor2D);
      // Forward, keeping what the backward pass needs.
      let emb = timeEmbedding(tau, this.spec.timeEmbeddingDim, this.spec.timeScale, this.freqs);
      const embRows = emb.shape[0];
      const a1 = tf.add(tf.matMul(x, this.wx as tf.Tensor2D), tf.add(tf.matMul(emb, this.wt as tf.Tensor2D), this.b1)) as tf.Tensor2D;
      const hs: tf.Tensor2D[] = [];
      const slopes: tf.Tensor2D[] = [];
      let { h, slope } = act.applyWithSlope(a1);
      hs.push(h);
      slopes.push(slope);
      for (const layer of this.hidden) {
        ({ h, slope } = act.applyWithSlope(tf.fused.matMul({ a: h, b: layer.w as tf.Tensor2D, bias: layer.b }) as tf.Tensor2D));
        hs.push(h);
        slopes.push(slope);
      }
      const out = tf.fused.matMul({ a: h, b: this.wOut as tf.Tensor2D, bias: this.bOut }) as tf.Tensor2D;
      const diff = tf.sub(out, target) as tf.Tensor2D;
      const loss = tf.div(tf.sum(tf.square(diff)), n) as tf.Scalar;
      // Backward.
      const dOut = tf.mul(diff, 2 / n) as tf.Tensor2D;
      const gOut = [tf.matMul(tr(h), dOut), colSum(dOut)];
      let g = tf.matMul(dOut, tr(this.wOut));
      const gHidden: tf.Tensor[] = [];
      for (let k = this.hidden.length - 1; k >= 0; k--) {
        const da = tf.mul(g, slopes[k + 1]) as tf.Tensor2D;
        gHidden.unshift(tf.matMul(tr(hs[k]), da), colSum(da));
        g = tf.matMul(da, tr(this.hidden[k].w));
      }
      const da1 = tf.mul(g, slopes[0]) as tf.Tensor2D;
      // A shared time (emb [1, E]) broadcasts over the rows: its gradient sums over them.
      if (embRows === 1 && n !== 1) emb = tf.tile(emb, [n, 1]);
      const grads = [tf.matMul(tr(x), da1), tf.matMul(tr(emb), da1), colSum(da1), ...gHidden, ...gOut];
      return { loss, grads };
    });
  }

  /** A new network with the same shape and a copy of these weights (owns its own variables). */
  /**
   * Feeds the time embedding at another scale from now on (weights trained at that scale, e.g. DDPM
   * networks of a version-1 weights file at 1000). @throws RangeError outside (0, 1e5].
   */
  useTimeScale(timeScale: number): void {
    if (!(timeScale > 0 && timeScale <= 1e5)) throw new RangeError(`timeScale must be in (0, 100000], got ${timeScale}`);
    this.spec = { ...this.spec, timeScale };
  }

  clone(): FieldNetwork {
    const copy = new FieldNetwork(this.dim, this.spec, { uniform: () => 0.5 } as Rng);
    copy.assignFrom(this);
    return copy;
  }

  /** Overwrites these weights with `other`'s. @throws RangeError if the shapes differ. */
  assignFrom(other: FieldNetwork): void {
    if (other.variables.length !== this.variables.length || other.variables.some((v, i) => v.size !== this.variables[i].size)) {
      throw new RangeError('assignFrom: networks have different shapes');
    }
    this.variables.forEach((v, i) => v.assign(other.variables[i]));
  }

  /** Copies the weights into plain arrays (for saving, tests and benchmarks). Reads back: not for the frame loop. */
  async getWeights(): Promise<Float32Array[]> {
    return Promise.all(this.variables.map(async (v) => (await v.data()) as Float32Array));
  }

  /** Frees all variables. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.variables) v.dispose();
    this.freqs.dispose();
  }
}
