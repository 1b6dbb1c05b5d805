/**
 * The MLP building blocks shared by the field network (models/field-network.ts) and the GAN's plain
 * networks (models/dense-network.ts): the spec and its validation, the one activation table, and the
 * seeded uniform initialisation. No DOM, no three.js.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './random';
import { TIME_SCALE } from './time-scale';

/** Hidden-layer nonlinearity. */
export type Activation = 'silu' | 'relu' | 'leakyRelu' | 'elu' | 'tanh';
export const ACTIVATIONS: readonly Activation[] = ['silu', 'relu', 'leakyRelu', 'elu', 'tanh'];

/** One nonlinearity: h = act(a) and its slope act'(a), elementwise, for a pre-activation a. */
export interface ActivationRule {
  /** act(a). Not tidied. */
  apply(a: tf.Tensor2D): tf.Tensor2D;
  /**
   * act'(a) from first-order ops only (so a loss may contain the slope and still be differentiated once;
   * see dense-network.ts), given a and h = apply(a) (which some rules reuse). Not tidied.
   */
  slope(a: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D;
  /**
   * h = apply(a) and slope(a, h) together, the same values, computing shared parts once (SiLU's
   * sigmoid: one pass over [N, width] fewer; backpropagation's forward pass keeps both). Not tidied.
   */
  applyWithSlope(a: tf.Tensor2D): { h: tf.Tensor2D; slope: tf.Tensor2D };
}

/** An {@link ActivationRule} from apply and slope that share nothing. */
function rule(apply: ActivationRule['apply'], slope: ActivationRule['slope']): ActivationRule {
  return {
    apply,
    slope,
    applyWithSlope: (a) => {
      const h = apply(a);
      return { h, slope: slope(a, h) };
    },
  };
}

/** SiLU's slope s + h (1 - s) from the sigmoid s = s(a) and h = a s. */
const siluSlope = (s: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D => tf.add(s, tf.mul(h, tf.sub(1, s)));

/**
 * Every activation once: leakyRelu has slope 0.2 below 0; SiLU h = a s(a) has act'(a) = s(a) (1 + a (1 - s(a)))
 * = s + h (1 - s); ELU's slope is 1 for a > 0 and exp(a) = elu(a) + 1 otherwise; tanh's is 1 - h^2.
 */
export const ACTIVATION: Readonly<Record<Activation, ActivationRule>> = {
  silu: {
    apply: (a) => tf.mul(a, tf.sigmoid(a)),
    slope: (a, h) => siluSlope(tf.sigmoid(a), h),
    applyWithSlope: (a) => {
      const s = tf.sigmoid(a);
      const h = tf.mul(a, s) as tf.Tensor2D;
      return { h, slope: siluSlope(s, h) };
    },
  },
  relu: rule((a) => tf.relu(a), (a) => tf.step(a, 0)),
  leakyRelu: rule((a) => tf.leakyRelu(a, 0.2), (a) => tf.add(tf.mul(tf.step(a, 0), 0.8), 0.2)),
  elu: rule(
    (a) => tf.elu(a),
    (a, h) => {
      const pos = tf.step(a, 0);
      return tf.add(pos, tf.mul(tf.sub(1, pos), tf.add(h, 1)));
    },
  ),
  tanh: rule((a) => tf.tanh(a), (_a, h) => tf.sub(1, tf.square(h))),
};

/** Shape of an MLP. */
export interface MlpSpec {
  /** Units per hidden layer, integer in [4, 1024]. */
  readonly width: number;
  /** Number of hidden layers, integer in [1, 8]. */
  readonly depth: number;
  readonly activation: Activation;
  /** Size E of the sinusoidal time embedding (even, default 32). */
  readonly timeEmbeddingDim?: number;
  /**
   * Position of relative time tau in the embedding, p = timeScale tau, in (0, 1e5]; default
   * {@link TIME_SCALE} (50) for every model: the largest angle is timeScale rad (see time-scale.ts).
   * 1000 (DDPM's integer steps) only for networks of version-1 weights files.
   */
  readonly timeScale?: number;
}

/** The default of the issue: 3 hidden layers of 128, SiLU. */
export const DEFAULT_MLP: MlpSpec = { width: 128, depth: 3, activation: 'silu', timeEmbeddingDim: 32 };

/** Checks an MLP spec; returns human-readable problems (empty when valid). */
export function mlpProblems(spec: MlpSpec): string[] {
  const p: string[] = [];
  if (!Number.isInteger(spec.width) || spec.width < 4 || spec.width > 1024) p.push(`width must be an integer in [4, 1024], got ${spec.width}`);
  if (!Number.isInteger(spec.depth) || spec.depth < 1 || spec.depth > 8) p.push(`depth must be an integer in [1, 8], got ${spec.depth}`);
  if (!ACTIVATIONS.includes(spec.activation)) p.push(`unknown activation '${spec.activation}'`);
  const e = spec.timeEmbeddingDim ?? 32;
  if (!Number.isInteger(e) || e < 2 || e % 2 !== 0 || e > 512) p.push(`timeEmbeddingDim must be an even integer in [2, 512], got ${e}`);
  const ts = spec.timeScale ?? TIME_SCALE;
  if (!(ts > 0 && ts <= 1e5)) p.push(`timeScale must be in (0, 100000], got ${ts}`);
  return p;
}

/** Uniform(-limit, limit) weights of shape [fanIn, fanOut] from the seeded rng (Glorot/He style). */
export function initWeights(rng: Rng, fanIn: number, fanOut: number, limit: number): tf.Tensor2D {
  const w = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * limit;
  return tf.tensor2d(w, [fanIn, fanOut]);
}
