/**
 * The frame governor (issue 14, "fit the training to the frame"): training gets what the frame leaves.
 *
 * A frame costs what it draws, what it simulates and what the browser does around it (compositing, and on
 * 2 cores with software rendering the drawing on the other core, which shows only in the time between two
 * frames, not inside the loop's tick). The governor keeps an estimate of that cost, `othersMs`, from the
 * frame interval minus the training it contained, and grants training `targetFrameMs - othersMs` a frame
 * (never more than the cap, the config's `model.trainBudgetMs`). Steps that fit in the grant run while they
 * still fit (no frame overshoots, so a 60 Hz display's vsync does not turn a 34 ms frame into 50 ms); a
 * step costing more than a frame's grant runs every few frames from a balance, as the loop's amortized
 * budgets do; a debt left by a very slow step (the first one compiles kernels) is capped; and a step is
 * forced at least once every `floorEveryFrames` frames so training never starves. Where the frame is late
 * without any training (drawing alone misses the target), training still gets {@link MIN_TRAIN_SHARE} of
 * the frame's other work.
 *
 * The estimate moves with hysteresis: a late frame (interval above the target by more than 5 %) moves
 * it half way towards what was measured (up or down: a late frame's interval is all work, no waiting); on-time frames lower it slowly (0.25 ms a frame, never below the
 * work measured inside the tick), and only after 30 on-time frames since the last late one; a frame just
 * over the target (within the 5 %) raises it by the excess only, so the grant moves little with the jitter of vsync.
 *
 * Pure: no clock and no DOM; the loop hands in the measurements. Tested with an injected clock (tests/frame-governor.test.ts).
 */
import { AMORTIZE_MAX_DEBT, checkTrainBudget } from './loop-options';

/** Options of a {@link FrameGovernor}. All times in ms. */
export interface GovernorOptions {
  /** The frame time to hold, ms, > 0 (1000 / 30 for 30 frames a second). */
  readonly targetFrameMs: number;
  /** The most training may take of a frame, ms, >= 0 (0: no training; Infinity: whatever the frame leaves). */
  readonly capMs: number;
  /** A training step is taken at least once in this many frames, integer >= 1 (default {@link DEFAULT_FLOOR_EVERY_FRAMES}). */
  readonly floorEveryFrames?: number;
}

/**
 * Share of the frame's other work that training may always take, however late the frames already are:
 * where drawing alone misses the target (software WebGPU: hundreds of ms a frame) training would otherwise
 * get nothing but the floor, and a scene that trains live would hardly train. It then slows the frame by
 * at most this fraction. Below the target the grant is what the frame leaves, which is more.
 */
export const MIN_TRAIN_SHARE = 0.2;

/** Default: at least one training step every 6 frames (5 a second at 30 fps), whatever the frame costs. */
export const DEFAULT_FLOOR_EVERY_FRAMES = 6;
/** A frame is late when its interval exceeds the target by this fraction. */
const TOLERANCE = 0.05;
/** A frame is on time when its interval is at most the target by this fraction (rounding, vsync). */
const ON_TIME_EPSILON = 1e-3;
/** ms a frame the estimate of the non-training cost falls while frames are on time (the probe for headroom). */
const PROBE_MS = 0.25;
/** On-time frames after a late one before the probe starts again (about a second at 30 fps). */
const HOLD_FRAMES = 30;
/** How far a late frame moves the estimate towards what it measured (1 = all the way). */
const RISE = 0.5;
/** Weight of a new sample in the mean cost of a training step when it rises (a fall is taken at once). */
const STEP_RISE = 0.2;

/** Per-frame training budget from the measured frame: see the module comment. */
export class FrameGovernor {
  readonly targetFrameMs: number;
  readonly floorEveryFrames: number;
  private cap: number;
  /** Estimated ms a frame costs outside training (render, simulation, the browser, the other core). */
  private othersMs = 0;
  /** Mean ms of one training step (0 until one was measured). */
  private stepMs = 0;
  /** ms training may still spend (a grant added every frame, what it spends taken off). */
  private balance = 0;
  private grantMs = 0;
  private framesSinceStep = 0;
  private onTimeFrames = HOLD_FRAMES;
  /** The previous frame's training ms and its other work inside the tick, or null after a reset. */
  private last: { trainMs: number; workMs: number } | null = null;

  /** @throws RangeError if targetFrameMs is not > 0, capMs is negative or NaN, or floorEveryFrames is not an integer >= 1. */
  constructor(options: GovernorOptions) {
    if (!(options.targetFrameMs > 0) || !Number.isFinite(options.targetFrameMs)) throw new RangeError(`targetFrameMs must be a finite number > 0, got ${options.targetFrameMs}`);
    const floor = options.floorEveryFrames ?? DEFAULT_FLOOR_EVERY_FRAMES;
    if (!Number.isInteger(floor) || floor < 1) throw new RangeError(`floorEveryFrames must be an integer >= 1, got ${floor}`);
    this.targetFrameMs = options.targetFrameMs;
    this.floorEveryFrames = floor;
    this.cap = checkTrainBudget(options.capMs);
  }

  /** The cap, ms a frame (the config's `model.trainBudgetMs`). */
  get capMs(): number {
    return this.cap;
  }

  /** ms granted to training this frame (after {@link beginFrame}). */
  get grantedMs(): number {
    return this.grantMs;
  }

  /** Estimated ms a frame costs outside training. */
  get othersEstimateMs(): number {
    return this.othersMs;
  }

  /** Mean ms of one training step (0 before the first). */
  get stepEstimateMs(): number {
    return this.stepMs;
  }

  /** Changes the cap, ms a frame, >= 0 (0 stops training, the floor included). @throws RangeError if negative or NaN. */
  setCap(ms: number): void {
    this.cap = checkTrainBudget(ms);
  }

  /**
   * Forgets the previous frame and the balance (after start, a hidden tab, a pause in timing): the next
   * interval is not taken as a late frame. The estimates of the costs are kept.
   */
  reset(): void {
    this.last = null;
    this.balance = 0;
  }

  /**
   * Start of a frame: updates the cost estimate from the interval since the previous frame started and
   * returns the ms granted to training this frame.
   * @param intervalMs ms since the previous frame began (0 for the first frame after a reset).
   */
  beginFrame(intervalMs: number): number {
    const last = this.last;
    const target = this.targetFrameMs;
    if (last !== null && intervalMs > 0) {
      const measured = intervalMs - last.trainMs;
      if (intervalMs > target * (1 + TOLERANCE)) {
        this.onTimeFrames = 0;
        // A late frame waited for nothing: what it measured is the cost itself, so the estimate follows it
        // both ways (down too: after a slow start, compiling kernels for seconds, it must come back).
        this.othersMs += RISE * (Math.max(0, measured) - this.othersMs);
      } else if (intervalMs <= target * (1 + ON_TIME_EPSILON)) {
        // On time: what the frame measured is an upper bound (it may include waiting for vsync).
        this.onTimeFrames++;
        const probe = this.onTimeFrames > HOLD_FRAMES ? PROBE_MS : 0;
        this.othersMs = Math.max(last.workMs, Math.min(this.othersMs, measured) - probe);
      } else {
        // Just over the target, within the tolerance: take off exactly the excess (vsync jitter moves it little).
        this.othersMs = Math.min(this.othersMs + (intervalMs - target), Math.max(this.othersMs, measured));
      }
    }
    if (this.cap === 0) {
      this.grantMs = 0;
      this.balance = 0;
      return 0;
    }
    this.grantMs = Math.min(this.cap, Math.max(MIN_TRAIN_SHARE * this.othersMs, target - this.othersMs));
    this.balance = Math.min(this.balance + this.grantMs, Math.max(this.grantMs, this.stepMs));
    return this.grantMs;
  }

  /**
   * Whether training takes another step now: a step that fits in this frame's grant runs if the balance is
   * positive and it still fits (a frame never spends more than its grant by the estimate); a step that costs
   * more than a frame's grant runs alone once the balance has gathered its cost; and the first step of a
   * frame runs whatever the balance when `floorEveryFrames - 1` frames in a row took none.
   * @param spentMs ms training has spent so far this frame; @param steps steps it took this frame.
   */
  mayStep(spentMs: number, steps: number): boolean {
    if (this.cap === 0) return false;
    if (steps === 0 && this.framesSinceStep + 1 >= this.floorEveryFrames) return true;
    const step = this.stepMs > 0 ? this.stepMs : steps > 0 ? spentMs / steps : 0;
    if (step > this.grantMs) return steps === 0 && this.balance >= step;
    return this.balance > 0 && spentMs + step <= this.grantMs;
  }

  /** End of the training phase: `spentMs` spent on `steps` steps. */
  endTraining(spentMs: number, steps: number): void {
    this.balance = Math.max(this.balance - spentMs, -AMORTIZE_MAX_DEBT * this.targetFrameMs);
    if (steps > 0) {
      const sample = spentMs / steps;
      this.stepMs = this.stepMs === 0 || sample < this.stepMs ? sample : this.stepMs + STEP_RISE * (sample - this.stepMs);
      this.framesSinceStep = 0;
    } else {
      this.framesSinceStep++;
    }
    this.last = { trainMs: spentMs, workMs: 0 };
  }

  /** End of the frame: `workMs` = ms of the tick outside training (render and simulation, measured). */
  endFrame(workMs: number): void {
    this.last = { trainMs: this.last?.trainMs ?? 0, workMs: Math.max(0, workMs) };
  }
}
