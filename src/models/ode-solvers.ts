/**
 * Fixed-step ODE solvers for dx/dt = f(x, t) on tfjs tensors: explicit Euler (order 1), Heun (order 2)
 * and classic Runge–Kutta (order 4). The samplers of the probability-flow ODE (seed §5.1) and of flow
 * matching (seed §5.2–5.3) integrate a {@link VectorField} with these, from t = 1 (noise) to t = 0 (data).
 * Solvers depend only on the field contract, never on a network class.
 */
import * as tf from '@tensorflow/tfjs';

/** A time-dependent vector field f(x, t): x of shape [N, D], t a number; returns [N, D] (caller owns it). */
export type VectorField = (x: tf.Tensor2D, t: number) => tf.Tensor2D;

export type OdeMethod = 'euler' | 'heun' | 'rk4';
export const ODE_METHODS: readonly OdeMethod[] = ['euler', 'heun', 'rk4'];

/** Field evaluations per step of each method (NFE = steps x this). */
export const EVALS_PER_STEP: Readonly<Record<OdeMethod, number>> = { euler: 1, heun: 2, rk4: 4 };

/**
 * One step x(t) -> x(t + dt) (dt may be negative).
 * euler: x + dt f(x, t).
 * heun:  k1 = f(x, t), k2 = f(x + dt k1, t + dt), x + dt (k1 + k2) / 2 (Heun's method / explicit trapezoid).
 * rk4:   the classic fourth-order Runge–Kutta step.
 * @param x [N, D] (borrowed). @returns [N, D], owned by the caller.
 */
export function odeStep(method: OdeMethod, f: VectorField, x: tf.Tensor2D, t: number, dt: number): tf.Tensor2D {
  return tf.tidy(() => {
    const k1 = f(x, t);
    if (method === 'euler') return tf.add(x, tf.mul(k1, dt)) as tf.Tensor2D;
    if (method === 'heun') {
      const k2 = f(tf.add(x, tf.mul(k1, dt)) as tf.Tensor2D, t + dt);
      return tf.add(x, tf.mul(tf.add(k1, k2), dt / 2)) as tf.Tensor2D;
    }
    const k2 = f(tf.add(x, tf.mul(k1, dt / 2)) as tf.Tensor2D, t + dt / 2);
    const k3 = f(tf.add(x, tf.mul(k2, dt / 2)) as tf.Tensor2D, t + dt / 2);
    const k4 = f(tf.add(x, tf.mul(k3, dt)) as tf.Tensor2D, t + dt);
    const sum = tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]);
    return tf.add(x, tf.mul(sum, dt / 6)) as tf.Tensor2D;
  });
}

/**
 * Integrates from t0 to t1 in `steps` equal steps.
 * @param x0 the state at t0, [N, D] (borrowed). @param steps integer >= 1.
 * @returns the state at t1, [N, D], owned by the caller.
 * @throws RangeError if steps is not a positive integer or the times are not finite.
 */
export function integrate(method: OdeMethod, f: VectorField, x0: tf.Tensor2D, t0: number, t1: number, steps: number): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) throw new RangeError(`times must be finite, got ${t0} and ${t1}`);
  const dt = (t1 - t0) / steps;
  let x = tf.clone(x0);
  for (let i = 0; i < steps; i++) {
    const next = odeStep(method, f, x, t0 + i * dt, dt);
    x.dispose();
    x = next;
  }
  return x;
}
