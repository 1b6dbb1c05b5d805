/**
 * Flow matching on the straight path of the seed's §5.2: x_t = (1 - t) x_0 + t x_1 with x_0 data and
 * x_1 ~ N(0, I); a network v_theta(x_t, t) is regressed onto the constant speed x_1 - x_0, and samples
 * come from integrating dx/dt = v_theta from t = 1 (noise) to t = 0 (data) with an ODE solver.
 *
 * Couplings of (x_0, x_1) in a batch: independent (Lipman et al. 2023), or minibatch optimal transport
 * (Tong et al. 2023; Pooladian et al. 2023): x_1 rows re-ordered by the exact assignment that minimises
 * the total squared distance, which makes the learned paths straighter.
 */
import * as tf from '@tensorflow/tfjs';
import { munkres } from 'munkres';
import type { FieldNetwork } from './field-network';
import { LiveTrainer, regressionLoss, type RegressionBatch, type TrainingSpec } from './live-trainer';
import type { VectorField } from './ode-solvers';
import type { Rng } from './random';

/** How x_0 and x_1 are paired within a batch. */
export type Coupling = 'independent' | 'minibatch-ot';
export const COUPLINGS: readonly Coupling[] = ['independent', 'minibatch-ot'];

/**
 * The permutation p minimising sum_i ||x0_i - x1_{p(i)}||^power (exact, Munkres / Hungarian algorithm from
 * the `munkres` library; O(B^3) for B rows).
 * @param x0, x1 row-major [B, D] with the same B. @param power 2 (squared distances, the default) or 1
 *   (distances: the assignment of the exact empirical W1).
 * @returns p with p[i] the x1 row paired with x0 row i.
 * @throws RangeError if the sets differ in size.
 */
export function otPermutation(x0: Float32Array, x1: Float32Array, dim: number, power: 1 | 2 = 2): Int32Array {
  if (x0.length !== x1.length || x0.length % dim !== 0) throw new RangeError('otPermutation needs two [B, D] sets of the same size');
  const b = x0.length / dim;
  const cost: number[][] = [];
  for (let i = 0; i < b; i++) {
    const row = new Array<number>(b);
    for (let j = 0; j < b; j++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const d = x0[i * dim + k] - x1[j * dim + k];
        d2 += d * d;
      }
      row[j] = power === 2 ? d2 : Math.sqrt(d2);
    }
    cost.push(row);
  }
  const p = new Int32Array(b);
  for (const [i, j] of munkres(cost)) p[i] = j;
  return p;
}

/**
 * Conditional flow-matching loss: mean over rows of ||v_theta(x_t, t) - (x_1 - x_0)||^2 with
 * x_t = (1 - t) x_0 + t x_1 (seed §5.2). Not tidied (use inside minimize or tidy).
 * @param x0 data [B, D]; @param x1 noise [B, D]; @param t times [B] in [0, 1].
 */
export function flowMatchingLoss(net: FieldNetwork, x0: tf.Tensor2D, x1: tf.Tensor2D, t: tf.Tensor1D): tf.Scalar {
  return regressionLoss(net, flowMatchingBatch(x0, x1, t));
}

/** The regression batch of {@link flowMatchingLoss}: inputs x_t at t, target x_1 - x_0. Not tidied. */
export function flowMatchingBatch(x0: tf.Tensor2D, x1: tf.Tensor2D, t: tf.Tensor1D): RegressionBatch {
  const tc = t.reshape([-1, 1]);
  const xt = tf.add(tf.mul(x0, tf.sub(1, tc)), tf.mul(x1, tc)) as tf.Tensor2D;
  return { x: xt, tau: t, target: tf.sub(x1, x0) as tf.Tensor2D };
}

/** The learned velocity as a solver field (t in [0, 1], 1 = noise). */
export function learnedVelocity(net: FieldNetwork): VectorField {
  return (x, t) => net.predict(x, t);
}

/**
 * Trains v_theta with flow matching. With minibatch OT the batch is drawn and paired on the CPU (from a
 * copy of the data and the seeded rng) and only uploaded, so no GPU readback happens in the frame loop.
 */
export class FlowMatchingTrainer extends LiveTrainer {
  private readonly hostData: Float32Array;

  /**
   * @param net the velocity network (same MLP as the epsilon-network; not owned).
   * @param data training points [M, D] row-major. @param rng seeded source of batches, t and x_1.
   * @throws RangeError on invalid settings or data.
   */
  constructor(net: FieldNetwork, data: Float32Array, private readonly rng2: Rng, spec: TrainingSpec, public coupling: Coupling = 'independent') {
    super(net, data, rng2, spec);
    this.hostData = data.slice();
  }

  protected batchTargets(x0: tf.Tensor2D, seeds: readonly number[]): RegressionBatch {
    const b = x0.shape[0];
    const x1 = tf.randomNormal([b, this.net.dim], 0, 1, 'float32', seeds[0]) as tf.Tensor2D;
    const t = tf.randomUniform([b], 0, 1, 'float32', seeds[1]) as tf.Tensor1D;
    return flowMatchingBatch(x0, x1, t);
  }

  /** Fixed (x_0, x_1) pairs for rectified-flow reflow, row-major [P, D] each; null when not reflowing. */
  private reflow: { x0: Float32Array; x1: Float32Array } | null = null;

  /**
   * Rectified flow's reflow (Liu et al. 2023): from now on train on fixed pairs (x_0, x_1) = (the
   * model's own sample, the noise it came from), which straightens the paths; null returns to the coupling.
   * @throws RangeError if the two sets differ in size or are not [P, D].
   */
  setReflowPairs(pairs: { x0: Float32Array; x1: Float32Array } | null): void {
    if (pairs !== null && (pairs.x0.length !== pairs.x1.length || pairs.x0.length === 0 || pairs.x0.length % this.net.dim !== 0)) {
      throw new RangeError('reflow needs two non-empty [P, D] sets of the same size');
    }
    this.reflow = pairs === null ? null : { x0: pairs.x0.slice(), x1: pairs.x1.slice() };
  }

  /** Whether training runs on reflow pairs. */
  get reflowing(): boolean {
    return this.reflow !== null;
  }

  override step(): tf.Scalar {
    if (this.reflow !== null) return this.reflowStep(this.reflow);
    if (this.coupling === 'independent') return super.step();
    const b = this.batchSize;
    const d = this.net.dim;
    const m = this.hostData.length / d;
    const x0 = new Float32Array(b * d);
    const x1 = new Float32Array(b * d);
    for (let i = 0; i < b; i++) {
      const row = this.rng2.int(m);
      for (let k = 0; k < d; k++) {
        x0[i * d + k] = this.hostData[row * d + k];
        x1[i * d + k] = this.rng2.normal();
      }
    }
    const p = otPermutation(x0, x1, d);
    const paired = new Float32Array(b * d);
    for (let i = 0; i < b; i++) for (let k = 0; k < d; k++) paired[i * d + k] = x1[p[i] * d + k];
    return this.stepOn(x0, paired);
  }

  /** One Adam step on given rows x0, x1 (uploaded, t drawn on the GPU from a seed). */
  private stepOn(x0: Float32Array, x1: Float32Array): tf.Scalar {
    const d = this.net.dim;
    const b = x0.length / d;
    const tSeed = this.rng2.nextSeed();
    return this.optimise(() => {
      const t = tf.randomUniform([b], 0, 1, 'float32', tSeed) as tf.Tensor1D;
      return flowMatchingBatch(tf.tensor2d(x0, [b, d]), tf.tensor2d(x1, [b, d]), t);
    });
  }

  private reflowStep(pairs: { x0: Float32Array; x1: Float32Array }): tf.Scalar {
    const d = this.net.dim;
    const b = this.batchSize;
    const p = pairs.x0.length / d;
    const x0 = new Float32Array(b * d);
    const x1 = new Float32Array(b * d);
    for (let i = 0; i < b; i++) {
      const row = this.rng2.int(p);
      x0.set(pairs.x0.subarray(row * d, row * d + d), i * d);
      x1.set(pairs.x1.subarray(row * d, row * d + d), i * d);
    }
    return this.stepOn(x0, x1);
  }
}
