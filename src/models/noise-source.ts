/**
 * Sources of standard normal noise epsilon ~ N(0, I) of shape [N, D], all seeded.
 *
 * tfjs draws `tf.randomNormal` on the CPU and uploads it, which costs milliseconds per frame at
 * 200,000 particles. {@link GaussianNoisePool} draws once and then, per call, mixes two random windows
 * of the pool with a random rotation, which is again exactly N(0, I) per row and runs on the GPU.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './random';

/** Anything that hands out standard normal noise. Owns tensors: call dispose(). */
export interface NoiseSource {
  /** A fresh [n, dim] tensor of N(0, 1) draws; the caller owns it. */
  sample(n: number): tf.Tensor2D;
  dispose(): void;
}

/** Exact i.i.d. noise from seeded `tf.randomNormal` (CPU-drawn). Use in tests and for training batches. */
export class SeededGaussianNoise implements NoiseSource {
  constructor(private readonly dim: number, private readonly rng: Rng) {}
  sample(n: number): tf.Tensor2D {
    return tf.randomNormal([n, this.dim], 0, 1, 'float32', this.rng.nextSeed()) as tf.Tensor2D;
  }
  dispose(): void {}
}

/**
 * GPU-friendly noise: a pool P of i.i.d. N(0, 1) rows drawn once; each call returns
 * cos(theta) P[a : a+n] + sin(theta) P[b : b+n] for random offsets a != b and angle theta.
 * Every row is exactly N(0, I) (a rotation of two independent standard normals); rows of one call are
 * independent except for pairs that share a pool row (correlation at most 1/2), which has no spatial
 * structure because particle order is random. Pool size: max(4 n, 65536) rows, grown on demand.
 */
export class GaussianNoisePool implements NoiseSource {
  private pool: tf.Tensor2D | null = null;
  private rows = 0;
  constructor(private readonly dim: number, private readonly rng: Rng) {}

  sample(n: number): tf.Tensor2D {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`noise count must be a positive integer, got ${n}`);
    if (this.pool === null || this.rows < 4 * n) {
      this.pool?.dispose();
      this.rows = Math.max(4 * n, 65536);
      this.pool = tf.randomNormal([this.rows, this.dim], 0, 1, 'float32', this.rng.nextSeed()) as tf.Tensor2D;
    }
    const span = this.rows - n;
    const a = this.rng.int(span + 1);
    let b = this.rng.int(span + 1);
    if (b === a) b = (a + 1 + this.rng.int(span)) % (span + 1);
    const theta = 2 * Math.PI * this.rng.uniform();
    const pool = this.pool;
    return tf.tidy(() =>
      tf.add(tf.mul(tf.slice(pool, [a, 0], [n, this.dim]), Math.cos(theta)), tf.mul(tf.slice(pool, [b, 0], [n, this.dim]), Math.sin(theta))),
    ) as tf.Tensor2D;
  }

  dispose(): void {
    this.pool?.dispose();
    this.pool = null;
  }
}
