/**
 * Time-boxed timing of an awaited unit of work, shared by the Node benchmark (scripts/bench.ts, through
 * scripts/bench-lib.ts) and the browser bench page (src/bench/browser-bench.ts). No tfjs and no Node
 * modules here: the callers make each iteration synchronous (await a read-back) so that wall-clock time
 * is compute time, and the global `performance` exists in both places.
 */

/** How long to measure one cell. */
export interface TimingOptions {
  /** Untimed calls first (JIT, wasm compilation, shader compilation, lazily created buffers). */
  readonly warmup: number;
  /** At least this many timed iterations, however long they take. */
  readonly minIters: number;
  /**
   * Time box (ms): no new iteration starts once this much timed wall-clock time has passed and minIters
   * are done. A cell thus takes about max(targetMs, minIters x one iteration), plus the warm-up.
   */
  readonly targetMs: number;
  /** Never more iterations than this. */
  readonly maxIters?: number;
  /**
   * Give up when the FIRST warm-up call alone takes longer than this (ms): the result then has
   * `skipped` set and no timed iterations. Without it, every cell runs to completion.
   */
  readonly abandonAfterMs?: number;
}

/** Result of {@link timeIterations}. */
export interface Timing {
  /** Wall-clock ms of each timed iteration, in order. */
  readonly samples: readonly number[];
  readonly iterations: number;
  readonly medianMs: number;
  /** Fastest timed iteration (ms). */
  readonly fastestMs: number;
  /** Total timed ms. */
  readonly totalMs: number;
  /** Wall-clock ms of the first warm-up call (NaN without warm-up). */
  readonly firstWarmupMs: number;
  /**
   * Set when the first warm-up call took longer than `abandonAfterMs`: nothing was timed.
   * `pending` is then true if that call had not even finished when the box ran out (its work may
   * still be queued, e.g. on a GPU; the caller should not trust later timings in the same context).
   */
  readonly skipped?: { readonly pending: boolean };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times `iteration` (awaited) repeatedly: `warmup` untimed calls, then timed ones until at least
 * `minIters` are done and `targetMs` has passed (or `maxIters` are done). With `abandonAfterMs`, the
 * first warm-up call races a timer and the cell is given up (see {@link Timing.skipped}) if it loses.
 * @param iteration one unit of work; `i` counts all calls, warm-up included. It must finish its work
 *   before resolving (await a read-back of the result), or the clock measures only the enqueueing.
 */
export async function timeIterations(iteration: (i: number) => Promise<void> | void, opts: TimingOptions): Promise<Timing> {
  const maxIters = opts.maxIters ?? Number.POSITIVE_INFINITY;
  let call = 0;
  let firstWarmupMs = Number.NaN;
  for (let w = 0; w < opts.warmup; w++) {
    const t0 = performance.now();
    if (w === 0 && opts.abandonAfterMs !== undefined) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const box = opts.abandonAfterMs;
      const finished = Promise.resolve(iteration(call++)).then(() => true);
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), box);
      });
      const done = await Promise.race([finished, timedOut]);
      clearTimeout(timer);
      firstWarmupMs = performance.now() - t0;
      if (!done || firstWarmupMs > box) {
        // A synchronous backend (cpu, wasm) cannot be interrupted: it finishes late and lands here too.
        if (!done) finished.catch(() => undefined); // an abandoned call must not become an unhandled rejection
        return { samples: [], iterations: 0, medianMs: Number.NaN, fastestMs: Number.NaN, totalMs: 0, firstWarmupMs, skipped: { pending: !done } };
      }
    } else {
      await iteration(call++);
      if (w === 0) firstWarmupMs = performance.now() - t0;
    }
  }
  const samples: number[] = [];
  let total = 0;
  while (samples.length < maxIters) {
    if (samples.length >= opts.minIters && total >= opts.targetMs) break;
    const t0 = performance.now();
    await iteration(call++);
    const dt = performance.now() - t0;
    samples.push(dt);
    total += dt;
  }
  return { samples, iterations: samples.length, medianMs: median(samples), fastestMs: Math.min(...samples), totalMs: total, firstWarmupMs };
}
