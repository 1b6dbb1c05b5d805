/**
 * Seeded randomness. Every random draw in the playground goes through a {@link Rng} created from the
 * config's seed, so the same seed and settings give the same particles, batches and noise.
 *
 * The bit generator is xoroshiro128+ from the `pure-rand` library; this file only adds the
 * distributions we need (uniform in [0, 1), standard normal by Box–Muller, integers) and a way to hand
 * integer seeds to tfjs's own seeded ops (`tf.randomNormal(..., seed)`).
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** A seeded source of random numbers (mutable: each call advances the stream). */
export interface Rng {
  /** Uniform draw in [0, 1), 53-bit resolution. */
  uniform(): number;
  /** Standard normal draw N(0, 1) (Box–Muller, the spare value is cached). */
  normal(): number;
  /** Uniform integer in [0, n). Throws RangeError if n is not a positive integer. */
  int(n: number): number;
  /** A fresh 31-bit integer seed, e.g. for `tf.randomNormal(shape, 0, 1, 'float32', seed)`. */
  nextSeed(): number;
  /** An independent child stream (for sub-systems that must not perturb each other's draws). */
  fork(): Rng;
}

/**
 * Creates a seeded generator.
 * @param seed any finite number; it is truncated to a 32-bit integer.
 * @throws RangeError if `seed` is not finite.
 */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  const gen = xoroshiro128plus(seed | 0);
  let spare: number | null = null;
  const u32 = (): number => gen.next() >>> 0;
  const rng: Rng = {
    uniform: () => (u32() * 2 ** 21 + (u32() >>> 11)) / 2 ** 53,
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = rng.uniform();
      const v = rng.uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int: (n: number) => {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
      return Math.floor(rng.uniform() * n);
    },
    nextSeed: () => u32() >>> 1,
    fork: () => createRng(u32() | 0),
  };
  return rng;
}
