/**
 * The field contract: what a sampler, a particle process or a view asks of a model, learned or exact.
 * A field maps points x [N, D] and relative time tau in [0, 1] to a vector [N, D] in the model's
 * parametrisation (seed §4–5): the noise epsilon (DDPM), sigma times the score (the NCSN score model,
 * Song & Ermon 2020 §3.3), or the velocity dx/dt (flow matching). Samplers depend on this, never on a
 * network class.
 */
import type * as tf from '@tensorflow/tfjs';

/** What the particles do over time along the path: forward (data to noise), reverse (noise to data), or loop (one, then the other). */
export type Phase = 'forward' | 'reverse' | 'loop';

/** What a field's output means: epsilon, sigma grad log p_sigma(x), or the velocity v(x, t). */
export type FieldParametrisation = 'epsilon' | 'sigma-score' | 'velocity';

/** A model's field: f(x, tau) for x [N, D] and relative time tau (a number, or [N]). */
export interface FieldModel {
  readonly dim: number;
  /** The field [N, D] at x [N, D]; the caller owns the result. */
  predict(x: tf.Tensor2D, tau: number | tf.Tensor1D): tf.Tensor2D;
}

/** A field wrapped by {@link countEvaluations}. */
export interface CountedModel extends FieldModel {
  /** Calls of predict so far (network / field evaluations on a whole batch each). */
  readonly evaluations: number;
  /** Sets the count back to 0. */
  reset(): void;
}

/**
 * Counts the number of function evaluations (NFE) a sampler makes: wraps a field so that every
 * predict(x, tau) on a batch counts 1 (the usual NFE of a solver: the network runs once per evaluation
 * point, however many particles the batch has).
 */
export function countEvaluations(model: FieldModel): CountedModel {
  let evaluations = 0;
  return {
    dim: model.dim,
    predict: (x, tau) => {
      evaluations++;
      return model.predict(x, tau);
    },
    get evaluations() {
      return evaluations;
    },
    reset: () => {
      evaluations = 0;
    },
  };
}
