/**
 * The particles' side of the divergence guard: a network can be finite and still throw particles to
 * Infinity (a learning rate far too large), which counts as a divergence too. Checked by one scalar read
 * back every few simulation steps, asynchronously, never in the way of a frame.
 */
import type * as tf from '@tensorflow/tfjs';
import { allFinite } from '../models/divergence-guard';

/** Simulation steps between two checks that every particle is finite (one scalar read back each). */
export const FINITE_CHECK_EVERY = 50;

/** Counts simulation steps and every {@link FINITE_CHECK_EVERY} of them checks a tensor, one check in flight at a time. */
export class FiniteCheck {
  private since = 0;
  private pending = false;

  /**
   * One simulation step taken. When a check is due (and none is in flight), `x()` (borrowed, e.g. the
   * positions [N, D]) is checked asynchronously and `onNonFinite` called if it holds a NaN or an Infinity.
   */
  afterStep(x: () => tf.Tensor, onNonFinite: () => void): void {
    if (++this.since < FINITE_CHECK_EVERY || this.pending) return;
    this.since = 0;
    this.pending = true;
    allFinite([x()])
      .then((finite) => finite || onNonFinite())
      .catch(() => undefined)
      .finally(() => (this.pending = false));
  }
}
