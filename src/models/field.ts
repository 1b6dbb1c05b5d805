/**
 * The field contract: what a sampler, a particle process or a view asks of a model, learned or exact.
 * A field maps points x [N, D] and relative time tau in [0, 1] to a vector [N, D] in the model's
 * parametrisation (seed §4–5): the noise epsilon (DDPM), sigma times the score (the NCSN score model,
 * Song & Ermon 2020 §3.3), or the velocity dx/dt (flow matching). Samplers depend on this, never on a
 * network class.
 */
import type * as tf from '@tensorflow/tfjs';

/** What a field's output means: epsilon, sigma grad log p_sigma(x), or the velocity v(x, t). */
export type FieldParametrisation = 'epsilon' | 'sigma-score' | 'velocity';

/** A model's field: f(x, tau) for x [N, D] and relative time tau (a number, or [N]). */
export interface FieldModel {
  readonly dim: number;
  /** The field [N, D] at x [N, D]; the caller owns the result. */
  predict(x: tf.Tensor2D, tau: number | tf.Tensor1D): tf.Tensor2D;
}
