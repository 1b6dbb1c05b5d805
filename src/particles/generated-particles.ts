/**
 * The particle cloud of a GAN scene: x = G(z) for a fixed set of latent draws z, refreshed as the
 * generator trains, so each particle moves with G (seed §3.1). Keeps the previous and the current
 * positions for render interpolation, and optional trails, like the diffusion particles. No DOM, no three.js.
 */
import * as tf from '@tensorflow/tfjs';
import { ParticleTrails } from './particle-trails';

/** Generated positions [N, D], GPU-resident. Owns its tensors: call {@link dispose}. */
export class GeneratedParticles {
  /** A GAN has no diffusion time: t = 0 of T = 1 (the data end), always. */
  readonly t = 0;
  readonly T = 1;
  readonly motion = 'generate';
  /** Generated particles are not measured (no reverse pass). */
  readonly measuring = false;
  /** Incremented whenever the positions change. */
  version = 0;
  trails: ParticleTrails | null = null;
  private prev: tf.Tensor2D;
  private cur: tf.Tensor2D;

  /** @param initial the first positions [N, D] (taken over: this object disposes them). */
  constructor(initial: tf.Tensor2D) {
    this.cur = initial;
    this.prev = tf.clone(initial);
  }

  get count(): number {
    return this.cur.shape[0];
  }
  get dim(): number {
    return this.cur.shape[1];
  }
  /** Positions now, [N, D]; borrowed until the next {@link update}. */
  get current(): tf.Tensor2D {
    return this.cur;
  }
  /** Positions before the last update, [N, D]; borrowed like {@link current}. */
  get previous(): tf.Tensor2D {
    return this.prev;
  }

  /** Makes `next` ([N, D], taken over) the current positions. @throws RangeError on a shape change. */
  update(next: tf.Tensor2D): void {
    if (next.shape[0] !== this.count || next.shape[1] !== this.dim) {
      next.dispose();
      throw new RangeError(`generated particles keep their shape [${this.cur.shape}], got [${next.shape}]`);
    }
    this.prev.dispose();
    this.prev = this.cur;
    this.cur = next;
    this.trails?.push(next);
    this.version++;
  }

  /** Keeps trails of the last `length` positions of the first `count` particles (length < 2: none). */
  setTrails(length: number, count: number): void {
    this.trails = ParticleTrails.resized(this.trails, length, count, this.cur);
  }

  /** No passes are measured here (see DiffusionParticles.takeStraightness). */
  takeStraightness(): null {
    return null;
  }

  dispose(): void {
    this.trails?.dispose();
    tf.dispose([this.prev, this.cur]);
  }
}
