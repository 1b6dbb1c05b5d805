/**
 * The game loop's training phase, chosen once at construction: a fixed wall-time budget a frame (held
 * per frame, or on average with `amortize`), or the grant of a {@link FrameGovernor} (with `targetFrameMs`).
 */
import type { Clock } from './clock';
import { FrameGovernor } from './frame-governor';
import { AMORTIZE_MAX_DEBT, type LoopHooks, type LoopLimits, type LoopOptions } from './loop-options';

/** Times of the frame the phase runs in (clock ms). */
export interface TrainFrame {
  /** ms since the previous frame began (0 for the first frame after a reset). */
  readonly elapsedMs: number;
  /** When the frame's simulation began and ended (training starts at simEnd). */
  readonly simStart: number;
  readonly simEnd: number;
}

/** One way of spending a frame on training. */
export interface TrainPhase {
  /** ms granted to training in the last frame run. */
  readonly grantedMs: number;
  /** Runs training for one frame; returns the steps taken (trainStep() calls that returned true). */
  run(frame: TrainFrame): number;
  /** End of the frame: ms of the tick outside training. */
  endFrame(workMs: number): void;
  /** New budget (the cap, for the governor), ms >= 0 (checked by the loop). */
  setBudget(ms: number): void;
  /** Forgets balances and the previous frame (after a pause in timing). */
  reset(): void;
}

/** The fixed budget: trainStep() while the clock is before the deadline (see {@link LoopOptions.amortize}). */
class BudgetedTraining implements TrainPhase {
  private balance = 0;
  constructor(
    private readonly hooks: LoopHooks,
    private readonly clock: Clock,
    private readonly limits: LoopLimits,
    private budgetMs: number,
  ) {}

  get grantedMs(): number {
    return this.budgetMs;
  }

  run({ simStart, simEnd }: TrainFrame): number {
    const { amortize, maxTrainSteps } = this.limits;
    const budget = this.budgetMs;
    let trained = 0;
    if (amortize && budget > 0) this.balance = Math.min(this.balance + budget, budget);
    if (budget > 0 && maxTrainSteps > 0 && (!amortize || this.balance > 0)) {
      // Deadline from the frame start; amortized: from the start of training, for as long as the balance allows.
      const deadline = amortize ? simEnd + this.balance : simStart + budget;
      do {
        if (!this.hooks.trainStep()) break;
        trained++;
      } while (trained < maxTrainSteps && this.clock.now() < deadline);
      if (amortize) this.balance = Math.max(this.balance - (this.clock.now() - simEnd), -AMORTIZE_MAX_DEBT * budget);
    }
    return trained;
  }

  endFrame(): void {}

  setBudget(ms: number): void {
    this.budgetMs = ms;
  }

  reset(): void {
    this.balance = 0;
  }
}

/** The governor's grant: steps while {@link FrameGovernor.mayStep} says so. */
class GovernedTraining implements TrainPhase {
  constructor(
    private readonly hooks: LoopHooks,
    private readonly clock: Clock,
    private readonly limits: LoopLimits,
    private readonly governor: FrameGovernor,
  ) {}

  get grantedMs(): number {
    return this.governor.grantedMs;
  }

  run({ elapsedMs, simEnd }: TrainFrame): number {
    const governor = this.governor;
    governor.beginFrame(elapsedMs);
    let trained = 0;
    while (trained < this.limits.maxTrainSteps && governor.mayStep(this.clock.now() - simEnd, trained)) {
      if (!this.hooks.trainStep()) break;
      trained++;
    }
    governor.endTraining(this.clock.now() - simEnd, trained);
    return trained;
  }

  endFrame(workMs: number): void {
    this.governor.endFrame(workMs);
  }

  setBudget(ms: number): void {
    this.governor.setCap(ms);
  }

  reset(): void {
    this.governor.reset();
  }
}

/**
 * The training phase `options` ask for: governed when `targetFrameMs` is given, else the fixed budget.
 * @throws RangeError if targetFrameMs is not finite and > 0 or trainFloorEveryFrames is not an integer >= 1.
 */
export function trainPhase(hooks: LoopHooks, clock: Clock, limits: LoopLimits, options: LoopOptions, budgetMs: number): TrainPhase {
  if (options.targetFrameMs === undefined) return new BudgetedTraining(hooks, clock, limits, budgetMs);
  const governor = new FrameGovernor({ targetFrameMs: options.targetFrameMs, capMs: budgetMs, floorEveryFrames: options.trainFloorEveryFrames });
  return new GovernedTraining(hooks, clock, limits, governor);
}
