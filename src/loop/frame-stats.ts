/**
 * The game loop's rate statistics: a window of about the last second of frames (on the injected clock),
 * from which fps, training and simulation rates and per-phase ms are averaged.
 */
import type { LoopStats } from './loop-options';

/** Length of the window the rate statistics average over, ms. */
export const STATS_WINDOW_MS = 1000;
/** Most frames kept in the statistics window (bounds memory when tick() is called with no time passing). */
const STATS_MAX_FRAMES = 1024;

/** One frame's record. */
export interface FrameRecord {
  /** Frame start, ms (clock time). */
  readonly t: number;
  /** Training steps taken in the frame. */
  readonly train: number;
  /** Simulation steps taken in this frame. */
  readonly sim: number;
  /** ms spent inside tick. */
  readonly work: number;
  /** Of work: ms in simulate(), in trainStep() and in render(). */
  readonly simMs: number;
  readonly trainMs: number;
  readonly renderMs: number;
  /** ms granted to training this frame. */
  readonly budgetMs: number;
}

/** Totals kept by the loop, reported with the window's rates. */
export type LoopTotals = Pick<LoopStats, 'trainSteps' | 'simSteps' | 'droppedMs' | 'frames'>;

/** The window of recent frames. */
export class FrameWindow {
  private window: FrameRecord[] = [];

  /** Adds a frame and drops those older than the window (keeping one at or before its start). */
  record(r: FrameRecord): void {
    const w = this.window;
    w.push(r);
    // Keep one frame at or before the window's start so the span covers the whole window.
    const cutoff = r.t - STATS_WINDOW_MS;
    while (w.length > 2 && w[1].t <= cutoff) w.shift();
    while (w.length > STATS_MAX_FRAMES) w.shift();
  }

  /** Forgets every frame (after a pause in timing: start, visible again, dispose). */
  clear(): void {
    this.window = [];
  }

  /** The statistics of the window with the loop's totals (a new object on each call). */
  stats(totals: LoopTotals): LoopStats {
    const w = this.window;
    let fps = 0;
    let trainStepsPerSecond = 0;
    let simStepsPerSecond = 0;
    let work = 0;
    let simMs = 0;
    let trainMs = 0;
    let renderMs = 0;
    let budgetMs = 0;
    for (const r of w) {
      budgetMs += r.budgetMs;
      work += r.work;
      simMs += r.simMs;
      trainMs += r.trainMs;
      renderMs += r.renderMs;
    }
    const n = Math.max(1, w.length);
    if (w.length >= 2) {
      const span = w[w.length - 1].t - w[0].t;
      if (span > 0) {
        let train = 0;
        let sim = 0;
        for (let i = 1; i < w.length; i++) {
          train += w[i].train;
          sim += w[i].sim;
        }
        fps = ((w.length - 1) * 1000) / span;
        trainStepsPerSecond = (train * 1000) / span;
        simStepsPerSecond = (sim * 1000) / span;
      }
    }
    return {
      fps,
      frameMs: work / n,
      simMs: simMs / n,
      trainMs: trainMs / n,
      renderMs: renderMs / n,
      trainBudgetMs: budgetMs / n,
      trainStepsPerSecond,
      simStepsPerSecond,
      ...totals,
    };
  }
}
