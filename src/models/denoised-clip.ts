/**
 * Clipping the predicted x_0 to the data's range: the `clip_denoised` of Ho et al. 2020's reference code
 * (x_0 clipped to [-1, 1], the images' range) and DDIM's (Song, Meng & Ermon 2021); Saharia et al. 2022
 * (§2.3) call it static thresholding.
 *
 * Why the samplers need it near t = T: the prediction x_0 = (x - sigma epsilon_theta) / alpha divides
 * the network's error by alpha(T) = sqrt(alphaBar_T), which is 4.9e-5 for the clipped cosine schedule at
 * T = 1000. DDIM's first jump multiplies that error by sqrt(alphaBar_s / alphaBar_T) (hundreds), and the
 * probability-flow ODE and reverse SDE take it through their velocity alpha' x_0 + sigma' epsilon. With
 * x_0 clipped, what comes back is bounded by the data's range whatever the error. The exact fields' x_0
 * lies inside the data's hull (an empirical law) or within a few component std of it (a mixture), so a
 * box with a margin leaves them unchanged. Ancestral sampling does not need it (its coefficients are
 * bounded once beta_t <= 0.999, Nichol & Dhariwal 2021 §3.2) but, as in Ho et al.'s code, gets it too.
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldModel } from './field';
import type { GaussianPath } from './gaussian-path';

/** An axis-aligned box, per coordinate [min_d, max_d], d < D. */
export interface DataBox {
  readonly min: readonly number[];
  readonly max: readonly number[];
}

/**
 * The bounding box of a point set, widened by `margin` times its extent on each side.
 * @param points row-major [M, D], M >= 1. @param margin >= 0 (default 0.1).
 * @throws RangeError on an empty or ragged point set, a non-finite coordinate or a negative margin.
 */
export function dataBox(points: Float32Array, dim: number, margin = 0.1): DataBox {
  if (!Number.isInteger(dim) || dim < 1 || points.length === 0 || points.length % dim !== 0) throw new RangeError(`a data box needs a non-empty [M, ${dim}] point set`);
  if (!(margin >= 0)) throw new RangeError(`margin must be >= 0, got ${margin}`);
  const min = new Array<number>(dim).fill(Infinity);
  const max = new Array<number>(dim).fill(-Infinity);
  for (let i = 0; i < points.length; i++) {
    const v = points[i];
    if (!Number.isFinite(v)) throw new RangeError(`a data box needs finite points, got ${v}`);
    const d = i % dim;
    if (v < min[d]) min[d] = v;
    if (v > max[d]) max[d] = v;
  }
  const pad = min.map((lo, d) => margin * (max[d] - lo));
  return { min: min.map((lo, d) => lo - pad[d]), max: max.map((hi, d) => hi + pad[d]) };
}

/**
 * An epsilon-model whose implied x_0 is clipped to `box`: with D = (x - sigma eps) / alpha and
 * D_c = clip(D, box), it returns eps + alpha (D - D_c) / sigma, the epsilon of (x, D_c) (the same eps
 * where D is inside the box, to the last bit). alpha and sigma are `path`'s at the relative time tau
 * (for a DDPM: vpPath of its schedule, which is the discrete alphaBar_t at tau = t / T for the cosine
 * schedule and within 7% of it for the linear one).
 * Where alpha or sigma vanishes, or tau is a per-row tensor (training, not sampling), the model's
 * prediction passes through unchanged. Does not own `model`.
 * @throws RangeError if the box's dimension is not the model's.
 */
export function clipDenoised(model: FieldModel, path: GaussianPath, box: DataBox): FieldModel {
  if (box.min.length !== model.dim || box.max.length !== model.dim) throw new RangeError(`a ${box.min.length}-D box cannot clip a ${model.dim}-D model`);
  return {
    dim: model.dim,
    predict: (x, tau) => {
      if (typeof tau !== 'number') return model.predict(x, tau);
      const a = path.alpha(tau);
      const s = path.sigma(tau);
      if (!(a > 0 && s > 0)) return model.predict(x, tau);
      return tf.tidy(() => {
        const eps = model.predict(x, tau);
        const d = tf.div(tf.sub(x, tf.mul(eps, s)), a);
        const clipped = tf.minimum(tf.maximum(d, tf.tensor1d([...box.min])), tf.tensor1d([...box.max]));
        return tf.add(eps, tf.mul(tf.sub(d, clipped), a / s)) as tf.Tensor2D;
      });
    },
  };
}
