/**
 * Periodic work on the loop's time (the HUD, the field views, metrics, a weights copy), instead of
 * `setInterval`s that run beside it. The {@link GameLoop} advances a {@link Cadence} at the end of each
 * frame by the frame's elapsed clock time, and in frame-exact stepping by the scene time it was asked to
 * advance, so a frame-exact recording runs the same jobs after the same frames whatever the wall time.
 * A hidden tab has no frames, so nothing runs; a paused loop runs only the jobs that ask for it.
 *
 * Like three's `Timer`, the time is handed in (never read here); the module knows no DOM.
 */

/** When a job runs: only while the loop is not paused ('running'), or also while paused ('always'). */
export type CadenceWhen = 'running' | 'always';

/** Options of {@link Cadence.every}. */
export interface EveryOptions {
  /** Default 'running': the job's time stands still while the loop is paused. */
  readonly when?: CadenceWhen;
}

interface Job {
  readonly periodMs: number;
  readonly run: () => void;
  readonly when: CadenceWhen;
  /** Time gathered towards the next run, ms, in [0, periodMs) between advances. */
  elapsedMs: number;
}

/** A set of jobs, each run once per `periodMs` of the time it is advanced by. */
export class Cadence {
  private jobs: Job[] = [];

  /**
   * Adds a job that runs once every `periodMs` of loop time (the first run after one whole period).
   * At most one run per advance: a frame longer than the period does not run a job twice.
   * @param periodMs ms, finite and > 0. @param run the work; an exception propagates out of {@link advance}.
   * @returns a function that removes the job (idempotent; safe to call from inside a job).
   * @throws RangeError if periodMs is not finite and > 0.
   */
  every(periodMs: number, run: () => void, options: EveryOptions = {}): () => void {
    if (!Number.isFinite(periodMs) || periodMs <= 0) throw new RangeError(`periodMs must be a finite number > 0, got ${periodMs}`);
    const job: Job = { periodMs, run, when: options.when ?? 'running', elapsedMs: 0 };
    this.jobs = [...this.jobs, job];
    return () => {
      this.jobs = this.jobs.filter((j) => j !== job);
    };
  }

  /** Jobs scheduled now. */
  get size(): number {
    return this.jobs.length;
  }

  /**
   * Moves every job's time on by `dtMs` (the 'running' ones only when not `paused`) and runs each job
   * whose period is complete, in the order they were added; the remainder of a period carries over.
   * @param dtMs ms, >= 0 (NaN and negatives count as 0).
   */
  advance(dtMs: number, paused: boolean): void {
    const dt = dtMs > 0 ? dtMs : 0;
    for (const job of this.jobs) {
      if (paused && job.when === 'running') continue;
      job.elapsedMs += dt;
      if (job.elapsedMs + 1e-9 < job.periodMs) continue;
      job.elapsedMs = (job.elapsedMs - job.periodMs) % job.periodMs;
      if (this.jobs.includes(job)) job.run();
    }
  }

  /**
   * Makes every job due: each runs on the next advance that moves its time (a frame-exact recording
   * starts with fresh views rather than ones left from before it).
   */
  makeDue(): void {
    for (const job of this.jobs) job.elapsedMs = job.periodMs;
  }

  /** Removes every job. */
  clear(): void {
    this.jobs = [];
  }
}
