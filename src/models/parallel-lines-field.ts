/**
 * What a panel of the "why Wasserstein" scene (parallel-lines-scene.ts) shows of its game's field: D(x)
 * or f(x) on a grid of cell centres over the plane, and the push -grad_x loss_G on points of the
 * generated segment {theta} x [0, 1] (the arrows), read back together in one asynchronous readback.
 */
import * as tf from '@tensorflow/tfjs';
import type { ShiftGame } from './parallel-lines-game';

/** The plane under the two panels: x in [xMin, xMax], y in [yMin, yMax], sampled on cols x rows cell centres. */
export const PLANE = { xMin: -2.4, xMax: 2.4, yMin: -0.6, yMax: 1.6, cols: 72, rows: 33 } as const;
/** Arrows on the generated segment (their heights are evenly spread over (0, 1)). */
export const ARROW_COUNT = 11;
/** Heights u in (0, 1) of the arrow points. */
export const ARROW_HEIGHTS: readonly number[] = Array.from({ length: ARROW_COUNT }, (_, i) => (i + 0.5) / ARROW_COUNT);

/** One panel's field, read back together. */
export interface FieldSnapshot {
  /** theta the field and the arrows were evaluated at. */
  readonly theta: number;
  /** D(x) in (0, 1) (discriminator) or f(x) (critic) at the cell centres, row-major [rows, cols], row 0 at yMin. */
  readonly values: Float32Array;
  /** The push on each arrow point, -grad_x loss_G, [ARROW_COUNT, 2] row-major. */
  readonly push: Float32Array;
  /** Mean ||grad_x loss_G|| over the arrow points. */
  readonly meanGradient: number;
}

/** The cell centres of {@link PLANE}, [rows * cols, 2] (x, y), row-major with row 0 at yMin. The caller owns it. */
export function planeGrid(): tf.Tensor2D {
  const xs: number[] = [];
  for (let r = 0; r < PLANE.rows; r++) {
    for (let c = 0; c < PLANE.cols; c++) {
      xs.push(PLANE.xMin + ((c + 0.5) * (PLANE.xMax - PLANE.xMin)) / PLANE.cols, PLANE.yMin + ((r + 0.5) * (PLANE.yMax - PLANE.yMin)) / PLANE.rows);
    }
  }
  return tf.tensor2d(xs, [PLANE.rows * PLANE.cols, 2]);
}

/**
 * The game's field at its current theta: D / f on `grid` ([cells, 2], e.g. {@link planeGrid}) and the
 * push on the {@link ARROW_HEIGHTS} points; computed now, read back asynchronously (one readback).
 */
export function readFieldSnapshot(game: ShiftGame, grid: tf.Tensor2D): Promise<FieldSnapshot> {
  const cells = grid.shape[0];
  const flat = tf.tidy(() => {
    const theta = game.thetaValue();
    const heights = tf.tensor2d(ARROW_HEIGHTS as number[], [ARROW_COUNT, 1]);
    const points = tf.concat([tf.mul(tf.onesLike(heights), theta), heights], 1) as tf.Tensor2D;
    const push = tf.neg(game.pointGradients(points));
    const norm = tf.mean(tf.norm(push, 'euclidean', 1));
    return tf.concat([game.criticValues(grid), push.reshape([-1]), tf.stack([norm, theta])]);
  });
  return flat.data().then((data) => {
    flat.dispose();
    const values = data as Float32Array;
    return {
      values: values.slice(0, cells),
      push: values.slice(cells, cells + 2 * ARROW_COUNT),
      meanGradient: values[cells + 2 * ARROW_COUNT],
      theta: values[cells + 2 * ARROW_COUNT + 1],
    };
  });
}
