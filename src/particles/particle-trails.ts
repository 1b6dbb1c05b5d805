/**
 * Trails: the last K positions of the first M particles, kept on the GPU as a ring of K tensors [M, D].
 * The scene draws them as fading polylines; nothing here reads them back.
 */
import * as tf from '@tensorflow/tfjs';

/** A ring of recent positions. Owns tensors: call {@link dispose}. */
export class ParticleTrails {
  private readonly ring: tf.Tensor2D[] = [];
  /** Incremented whenever the trails change (the renderer uploads only then). */
  version = 0;

  /**
   * @param length K, positions kept per particle (>= 2). @param count M, particles with a trail (>= 1).
   * @throws RangeError on a length below 2 or a count below 1.
   */
  constructor(
    readonly length: number,
    readonly count: number,
    readonly dim: number,
  ) {
    if (!Number.isInteger(length) || length < 2) throw new RangeError(`a trail needs at least 2 positions, got ${length}`);
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`trails need at least 1 particle, got ${count}`);
  }

  /**
   * `current` kept if it already has `length` positions of min(N, count) particles of x ([N, D], borrowed);
   * else disposed and replaced by new trails filled at x, or by null when length < 2 (trails off).
   */
  static resized(current: ParticleTrails | null, length: number, count: number, x: tf.Tensor2D): ParticleTrails | null {
    const m = Math.min(x.shape[0], count);
    if (current !== null && current.length === length && current.count === m) return current;
    current?.dispose();
    if (length < 2) return null;
    const trails = new ParticleTrails(length, m, x.shape[1]);
    trails.fill(x);
    return trails;
  }

  /** Appends the positions of the first M rows of x ([N >= M, D], borrowed), dropping the oldest. */
  push(x: tf.Tensor2D): void {
    if (this.ring.length === 0) return this.fill(x);
    this.ring.push(this.head(x));
    if (this.ring.length > this.length) this.ring.shift()?.dispose();
    this.version++;
  }

  /** Restarts every trail at x (after a jump, e.g. fresh noise): K copies of the first M rows. */
  fill(x: tf.Tensor2D): void {
    this.clear();
    const head = this.head(x);
    for (let k = 0; k < this.length; k++) this.ring.push(k === 0 ? head : tf.clone(head));
    this.version++;
  }

  /** All trails, oldest position first: [K * M, D] with row k * M + m = particle m, k steps from the oldest. Caller owns it. */
  ordered(): tf.Tensor2D {
    if (this.ring.length === 0) return tf.zeros([this.length * this.count, this.dim]);
    return tf.concat(this.ring, 0);
  }

  private head(x: tf.Tensor2D): tf.Tensor2D {
    if (x.shape[0] < this.count || x.shape[1] !== this.dim) throw new RangeError(`trails need [>= ${this.count}, ${this.dim}] positions, got [${x.shape}]`);
    return tf.slice(x, [0, 0], [this.count, this.dim]);
  }

  private clear(): void {
    tf.dispose(this.ring);
    this.ring.length = 0;
  }

  dispose(): void {
    this.clear();
  }
}
