/**
 * Measures of sampling trajectories, kept on the GPU while a pass runs.
 *
 * Straightness of one path x(t_0), ..., x(t_K): |x(t_K) - x(t_0)| / sum_k |x(t_{k+1}) - x(t_k)|, the chord
 * over the arc length, in (0, 1], 1 for a straight line travelled in one direction (the inverse of the
 * tortuosity). A flow with straight paths can be integrated in few steps (Liu et al. 2023, rectified flow,
 * §2.2; seed §5.2); Langevin and SDE paths wander and score low.
 */
import * as tf from '@tensorflow/tfjs';

/** Accumulates the arc length of N paths step by step. Owns tensors: call {@link dispose}. */
export class StraightnessMeter {
  private start: tf.Tensor2D | null = null;
  private length: tf.Tensor1D | null = null;

  /** Whether a pass is being measured. */
  get active(): boolean {
    return this.start !== null;
  }

  /** Starts a pass at x, [N, D] (copied; a pass in progress is dropped). */
  begin(x: tf.Tensor2D): void {
    this.cancel();
    this.start = tf.clone(x);
    this.length = tf.zeros([x.shape[0]]);
  }

  /** Adds the step prev -> next (both [N, D], borrowed) to the arc length; ignored when no pass runs. */
  record(prev: tf.Tensor2D, next: tf.Tensor2D): void {
    if (this.length === null) return;
    const old = this.length;
    this.length = tf.tidy(() => tf.add(old, tf.norm(tf.sub(next, prev), 'euclidean', 1)) as tf.Tensor1D);
    old.dispose();
  }

  /**
   * Ends the pass at x ([N, D]): the mean straightness over the N paths, a scalar in (0, 1] owned by the
   * caller (read it back asynchronously). Paths that did not move count as straight. null when no pass ran.
   */
  finish(x: tf.Tensor2D): tf.Scalar | null {
    if (this.start === null || this.length === null) return null;
    const start = this.start;
    const length = this.length;
    const value = tf.tidy(() => {
      const chord = tf.norm(tf.sub(x, start), 'euclidean', 1);
      const moved = tf.greater(length, 1e-12);
      return tf.mean(tf.where(moved, tf.div(chord, tf.maximum(length, 1e-12)), tf.onesLike(chord))) as tf.Scalar;
    });
    this.cancel();
    return value;
  }

  /** Drops the pass in progress. */
  cancel(): void {
    this.start?.dispose();
    this.length?.dispose();
    this.start = null;
    this.length = null;
  }

  dispose(): void {
    this.cancel();
  }
}
