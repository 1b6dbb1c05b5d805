/**
 * The pace of a diffusion scene in seconds per pass (issue 14): how many network evaluations a pass from
 * noise to data (or back) may take so that it lasts the seconds asked while the frame rate holds. A game
 * engine's dynamic resolution for the sampler: the clock is kept, the work per pass is scaled. Pure: the
 * measurements come in, a number of evaluations goes out; nothing here reads a clock or a tensor.
 */

/** How many evaluations a pass takes: as many as the machine affords within the seconds asked ('fit'), or the whole pass ('all', slower where the machine cannot keep up). */
export type PassStepsMode = 'fit' | 'all';
export const PASS_STEPS_MODES: readonly PassStepsMode[] = ['fit', 'all'];

/** Settings of a {@link PassPace}. */
export interface PaceOptions {
  /** Seconds of one forward or reverse pass, > 0. */
  readonly secondsPerPass: number;
  readonly mode: PassStepsMode;
  /** ms of simulation a second of wall time may hold, > 0 (the simulation's share of the frame; e.g. 300: 30 %). */
  readonly simMsPerSecond: number;
  /** Evaluations per pass before the first measurement (default 100). */
  readonly firstGuess?: number;
  /** Fewest evaluations a fitted pass takes (default 10). */
  readonly minEvaluations?: number;
  /** Hysteresis: the fit changes only when the affordable evaluations differ from those in use by more than this fraction (default 0.2). */
  readonly hysteresis?: number;
  /** Weight of a new measurement in the running mean of ms per evaluation, in (0, 1] (default 0.5). */
  readonly smoothing?: number;
}

/** One measurement of the simulation over a window spent in the reverse pass (the loop's statistics). */
export interface SimSample {
  /** ms per second of wall time spent simulating (the loop's simMs times its fps). */
  readonly simMsPerSecond: number;
  /** Simulation steps per second taken. */
  readonly stepsPerSecond: number;
  /** Network evaluations per simulation step (the pass's NFE over its steps: 1 for ancestral, about 2 for Heun). */
  readonly evaluationsPerStep: number;
  /** The steps per second the loop was asked for (absent: not known). */
  readonly askedStepsPerSecond?: number;
}

/** A window took fewer than this share of the steps asked: the loop could not keep up (its own budgets, a slow frame). */
export const BEHIND = 0.85;

/**
 * ms per network evaluation from one window of the loop's statistics: simMsPerSecond / (stepsPerSecond *
 * evaluationsPerStep); NaN when the window took no steps or the numbers are not finite.
 */
export function msPerEvaluation(sample: SimSample): number {
  const evals = sample.stepsPerSecond * sample.evaluationsPerStep;
  const ms = sample.simMsPerSecond / evals;
  return evals > 0 && Number.isFinite(ms) && ms > 0 ? ms : Number.NaN;
}

/**
 * Chooses the evaluations per pass from measured costs: affordable = simMsPerSecond / msPerEvaluation *
 * secondsPerPass, clamped to [minEvaluations, full]; with hysteresis, so that the grid changes only when the
 * machine's pace has really moved. The caller applies the choice between passes, never mid-pass.
 */
export class PassPace {
  private cost = Number.NaN;
  private readonly options: Required<PaceOptions>;

  /** @throws RangeError unless secondsPerPass and simMsPerSecond are finite and > 0. */
  constructor(options: PaceOptions) {
    if (!(options.secondsPerPass > 0 && Number.isFinite(options.secondsPerPass))) throw new RangeError(`secondsPerPass must be a finite number > 0, got ${options.secondsPerPass}`);
    if (!(options.simMsPerSecond > 0 && Number.isFinite(options.simMsPerSecond))) throw new RangeError(`simMsPerSecond must be a finite number > 0, got ${options.simMsPerSecond}`);
    this.options = { firstGuess: 100, minEvaluations: 10, hysteresis: 0.2, smoothing: 0.5, ...options };
  }

  get secondsPerPass(): number {
    return this.options.secondsPerPass;
  }

  get mode(): PassStepsMode {
    return this.options.mode;
  }

  /** The running mean of ms per network evaluation (NaN until a measurement). */
  get msPerEvaluation(): number {
    return this.cost;
  }

  /**
   * Takes one measurement (ignored when it says nothing: no steps taken). When the loop fell behind the steps
   * asked ({@link BEHIND}), what it delivered counts too: the cost is at least simMsPerSecond over the
   * evaluations per second taken, so that the next fit asks only for what the loop delivers.
   */
  observe(sample: SimSample): void {
    let ms = msPerEvaluation(sample);
    if (Number.isNaN(ms)) return;
    const asked = sample.askedStepsPerSecond ?? 0;
    if (sample.stepsPerSecond < BEHIND * asked) ms = Math.max(ms, this.options.simMsPerSecond / (sample.stepsPerSecond * sample.evaluationsPerStep));
    this.cost = Number.isNaN(this.cost) ? ms : this.cost + this.options.smoothing * (ms - this.cost);
  }

  /** Evaluations per pass the measured cost affords within the seconds asked (unclamped; NaN before a measurement). */
  affordable(): number {
    return (this.options.simMsPerSecond / this.cost) * this.options.secondsPerPass;
  }

  /**
   * The evaluations the next pass takes: `full` with 'all'; else the affordable ones within
   * [min(minEvaluations, full), full], kept at `current` while within the hysteresis band, the first guess
   * before any measurement.
   * @param full evaluations of the whole pass as set (e.g. T for ancestral). @param current those in use now.
   */
  evaluations(full: number, current: number): number {
    if (this.options.mode === 'all') return full;
    const low = Math.min(this.options.minEvaluations, full);
    const clamp = (n: number): number => Math.max(low, Math.min(full, Math.floor(n)));
    if (Number.isNaN(this.cost)) return clamp(Math.min(current, this.options.firstGuess));
    const target = clamp(this.affordable());
    const within = Math.abs(target - current) <= this.options.hysteresis * current;
    return within && current >= low && current <= full ? current : target;
  }

  /** Seconds a pass of `evaluations` takes at the measured cost and the simulation's share (NaN before a measurement). */
  passSeconds(evaluations: number): number {
    return (evaluations * this.cost) / this.options.simMsPerSecond;
  }
}
