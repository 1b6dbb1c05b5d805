/**
 * Time boxes of `npm run bench`, in Node (scripts/bench.ts) and in headless Chromium (bench.html),
 * and the sentence that describes them under each table.
 */
import type { CellPlan } from './ddpm-cells';

export const BATCH = 1024;
export const PARTICLE_COUNTS: readonly number[] = [10_000, 100_000];

/** Node: wasm and cpu only, so every cell is bounded by the predicted-skip box; nothing is abandoned. */
export function nodePlan(quick: boolean, all: boolean): CellPlan {
  return {
    batch: BATCH,
    extraTrain: [{ batch: 4 * BATCH }, { batch: BATCH, autograd: true }],
    particleCounts: PARTICLE_COUNTS,
    train: quick ? { warmup: 2, minIters: 3, targetMs: 500 } : { warmup: 3, minIters: 5, targetMs: 2500 },
    sample: quick ? { warmup: 1, minIters: 2, targetMs: 400 } : { warmup: 1, minIters: 2, targetMs: 2500, maxIters: 200 },
    cellBoxMs: quick ? 2000 : 5000,
    all,
    measureHint: '--all measures it',
  };
}

/**
 * Browser: four backends in about three minutes on two cores, and a software WebGPU adapter that can
 * take seconds per step, so every cell is boxed at about 5 s and a first warm-up call over the box ends
 * the cell ("> 5 s (skipped)") instead of waiting minutes. `boxMs` overrides the box (bench.html?box=seconds).
 */
export function browserPlan(quick: boolean, boxMs?: number): CellPlan {
  const box = boxMs ?? (quick ? 2000 : 5000);
  return {
    batch: BATCH,
    particleCounts: PARTICLE_COUNTS,
    train: quick ? { warmup: 1, minIters: 2, targetMs: 500, abandonAfterMs: box } : { warmup: 2, minIters: 3, targetMs: 2500, abandonAfterMs: box },
    sample: quick ? { warmup: 1, minIters: 2, targetMs: 400, abandonAfterMs: box } : { warmup: 1, minIters: 2, targetMs: 2500, maxIters: 200, abandonAfterMs: box },
    cellBoxMs: box,
    all: false,
    measureHint: 'a larger --box measures it',
  };
}

/** The "Timing: ..." note under a table. */
export function timingNote(plan: CellPlan): string {
  const { train, sample } = plan;
  const abandon =
    train.abandonAfterMs !== undefined
      ? ` A cell whose first warm-up call takes longer than ${train.abandonAfterMs / 1000} s is skipped (its time includes tfjs's shader compilation on webgl / webgpu).`
      : '';
  return (
    `Timing: median wall-clock ms per iteration after ${train.warmup} (train) / ${sample.warmup} (sampler) warm-up calls; each iteration awaits a read-back; ` +
    `each cell stops once >= ${train.targetMs} ms (train) / ${sample.targetMs} ms (sampler) have passed and >= ${train.minIters} / ${sample.minIters} iterations are done.` +
    abandon +
    ' Sampler noise z is drawn once and reused (measures the network and the update, not the RNG).'
  );
}
