import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { integrate, type OdeMethod, type VectorField } from '../src/models/ode-solvers';

/** dx/dt = t x (applied per coordinate): x(t) = x(0) exp(t^2 / 2). A time-dependent field with a known solution. */
const field: VectorField = (x, t) => tf.mul(x, t) as tf.Tensor2D;
const exact = (x0: number, t: number): number => x0 * Math.exp((t * t) / 2);

function error(method: OdeMethod, steps: number): number {
  const x0 = tf.tensor2d([[1, -0.5]]);
  const x1 = integrate(method, field, x0, 0, 1.5, steps);
  const v = x1.dataSync();
  const e = Math.max(Math.abs(v[0] - exact(1, 1.5)), Math.abs(v[1] - exact(-0.5, 1.5)));
  tf.dispose([x0, x1]);
  return e;
}

describe('ODE solvers show their order on dx/dt = t x', () => {
  // Step counts chosen so every error stays well above float32 round-off (~1e-6 relative).
  const cases: [OdeMethod, number[], number][] = [
    ['euler', [16, 32, 64], 2],
    ['heun', [8, 16, 32], 4],
    ['rk4', [4, 8, 16], 16],
  ];
  for (const [method, steps, ratio] of cases) {
    it(`${method}: halving the step divides the error by about ${ratio}`, () => {
      const errs = steps.map((n) => error(method, n));
      for (let i = 1; i < errs.length; i++) {
        const r = errs[i - 1] / errs[i];
        expect(r).toBeGreaterThan(ratio * 0.75);
        expect(r).toBeLessThan(ratio * 1.35);
      }
    });
  }

  it('integrates backwards in time (t = 1 to 0) and does not leak', () => {
    const x1 = tf.tensor2d([[exact(1, 1)]]);
    const before = tf.memory().numTensors;
    const x0 = integrate('rk4', field, x1, 1, 0, 20);
    expect(x0.dataSync()[0]).toBeCloseTo(1, 5);
    x0.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => integrate('euler', field, x1, 0, 1, 0)).toThrow(RangeError);
  });
});
