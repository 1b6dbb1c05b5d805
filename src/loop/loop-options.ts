/**
 * The game loop's contract: the hooks it drives, its options and statistics, their defaults and the
 * checks of their ranges (see {@link GameLoop} in ./game-loop).
 */
import type { Clock, FrameScheduler } from './clock';

/** Callbacks the loop drives. Exceptions thrown by a hook propagate out of tick() (and stop a scheduled loop). */
export interface LoopHooks {
  /** Advance the simulation by exactly one fixed step (one diffusion step). */
  simulate(): void;
  /**
   * Take one training step if there is one to take; return false to end training for this frame early
   * (e.g. GPU still busy). A call that returns false is not counted as a training step.
   */
  trainStep(): boolean;
  /** Draw. alpha in [0, 1) (in [0, 1] with renderFirst): how far real time is between the previous and the current simulation state (render interpolation). */
  render(alpha: number): void;
}

/** Construction options for {@link GameLoop}. All times in ms. */
export interface LoopOptions {
  /** Time source (ms). */
  clock: Clock;
  /** Frame scheduler; omitted: drive with tick() manually (tests, frame-exact rendering). */
  scheduler?: FrameScheduler;
  /** Simulation rate in steps per second, finite and > 0, e.g. 60 diffusion steps per second. */
  stepsPerSecond: number;
  /**
   * Wall time per frame given to training in ms, >= 0 (0 disables training; Infinity: only the step cap
   * limits it). With {@link targetFrameMs} it is a cap: training gets what the frame leaves, at most this.
   */
  trainBudgetMs: number;
  /**
   * The frame time to hold while training, ms, finite and > 0 (1000 / 30 for 30 fps). Given, a
   * FrameGovernor (./frame-governor) measures the frame interval and grants training what the
   * rest of the frame leaves, capped by trainBudgetMs (with a floor of one step every few frames); omitted,
   * training gets the fixed trainBudgetMs.
   */
  targetFrameMs?: number;
  /** With targetFrameMs: a training step at least once in this many frames, integer >= 1 (default 6). */
  trainFloorEveryFrames?: number;
  /** Cap on training steps per frame, integer >= 0 (default 64). */
  maxTrainStepsPerFrame?: number;
  /** Panic threshold, integer >= 1 (default 8): whole steps owed beyond it are dropped (no spiral of death). */
  maxSimStepsPerFrame?: number;
  /** Clamp of one frame's elapsed time in ms, > 0 (default 250); the excess is dropped. */
  maxFrameDeltaMs?: number;
  /**
   * Wall time per frame for simulation in ms, > 0 (default 30): once a frame has spent this long, the
   * remaining owed steps are dropped, so a slow machine runs the simulation slower instead of stalling.
   * At least one owed step always runs.
   */
  simBudgetMs?: number;
  /**
   * Budgets as averages (default false). A step that costs more than its budget (one reverse step of
   * 10,000 particles on a CPU: about 25 ms) would otherwise run every frame and set the frame rate. With
   * this on, each phase keeps a balance: every frame adds its budget (simBudgetMs, trainBudgetMs; the
   * balance never exceeds one budget), the phase runs only while the balance is positive, and what it
   * spends is taken off, so an expensive step is paid for by the next frames, which skip that phase.
   * Over many frames each phase then takes about its budget per frame, and the frame rate follows.
   * Skipped simulation time is dropped like any other (see droppedMs); the render interpolation
   * (alpha) still moves every frame. The debt is capped at {@link AMORTIZE_MAX_DEBT} budgets, so a
   * one-off slow step (the first one compiles kernels: seconds) costs a few frames, not hundreds.
   */
  amortize?: boolean;
  /**
   * Render at the start of the frame instead of the end (default false): render(alpha) draws the state
   * the last frame left (alpha = the owed fraction, clamped to 1), then the frame simulates and trains.
   * The drawing commands then reach the GPU (or a software renderer's threads) before the CPU work,
   * instead of after it, so the two overlap. What is drawn lags the simulation by one frame.
   */
  renderFirst?: boolean;
}

/** Snapshot of loop statistics. Rates are averaged over about the last second of frames (injected clock). */
export interface LoopStats {
  /** Frames per second over about the last second; 0 until two frames have been timed. */
  readonly fps: number;
  /** Mean ms spent inside tick() (simulate + train + render) over about the last second. */
  readonly frameMs: number;
  /** Of {@link frameMs}: mean ms per frame in simulate() calls over about the last second. */
  readonly simMs: number;
  /** Of {@link frameMs}: mean ms per frame in trainStep() calls over about the last second. */
  readonly trainMs: number;
  /** Of {@link frameMs}: mean ms per frame in render() over about the last second. */
  readonly renderMs: number;
  /** Mean ms per frame granted to training over about the last second (the governor's choice, or the fixed budget). */
  readonly trainBudgetMs: number;
  /** Training steps per second over about the last second. */
  readonly trainStepsPerSecond: number;
  /** Simulation steps per second actually taken over about the last second (below stepsPerSecond when the machine cannot keep up). */
  readonly simStepsPerSecond: number;
  /** Total training steps taken (calls to trainStep() that returned true). */
  readonly trainSteps: number;
  /** Total simulate() calls, including those from stepOnce(). */
  readonly simSteps: number;
  /** Total ms of simulation time dropped: the frame-delta clamp, backlog dropped by panic, and steps over the simulation budget. */
  readonly droppedMs: number;
  /** Total frames (tick() calls that completed). */
  readonly frames: number;
}

/** Tolerance of {@link GameLoop.advanceExact} when it counts whole owed steps. */
export const EXACT_EPSILON = 1e-9;

/** With amortize: the most a phase can owe, in budgets (frames it may skip after one very slow step). */
export const AMORTIZE_MAX_DEBT = 4;

/** Default simulation wall-time budget per frame (ms). */
export const DEFAULT_SIM_BUDGET_MS = 30;

/** Default cap on training steps per frame. */
export const DEFAULT_MAX_TRAIN_STEPS_PER_FRAME = 64;
/** Default panic threshold: simulation steps per frame. */
export const DEFAULT_MAX_SIM_STEPS_PER_FRAME = 8;
/** Default clamp of one frame's elapsed time, ms. */
export const DEFAULT_MAX_FRAME_DELTA_MS = 250;


export function checkStepsPerSecond(n: number): number {
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`stepsPerSecond must be a finite number > 0, got ${n}`);
  return n;
}

export function checkTrainBudget(ms: number): number {
  if (!(ms >= 0)) throw new RangeError(`trainBudgetMs must be >= 0 ms, got ${ms}`);
  return ms;
}

export function checkInt(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

/** The loop's fixed limits, resolved from {@link LoopOptions} with their defaults. */
export interface LoopLimits {
  readonly maxTrainSteps: number;
  readonly maxSimSteps: number;
  readonly maxFrameDeltaMs: number;
  readonly simBudgetMs: number;
  readonly amortize: boolean;
  readonly renderFirst: boolean;
}

/**
 * The fixed limits of `options`, defaults filled in.
 * @throws RangeError if maxTrainStepsPerFrame is not an integer >= 0, maxSimStepsPerFrame not an integer
 *   >= 1, or maxFrameDeltaMs or simBudgetMs not > 0.
 */
export function loopLimits(options: LoopOptions): LoopLimits {
  const maxFrameDeltaMs = options.maxFrameDeltaMs ?? DEFAULT_MAX_FRAME_DELTA_MS;
  if (!(maxFrameDeltaMs > 0)) throw new RangeError(`maxFrameDeltaMs must be > 0 ms, got ${maxFrameDeltaMs}`);
  const simBudgetMs = options.simBudgetMs ?? DEFAULT_SIM_BUDGET_MS;
  if (!(simBudgetMs > 0)) throw new RangeError(`simBudgetMs must be > 0 ms, got ${simBudgetMs}`);
  return {
    maxTrainSteps: checkInt('maxTrainStepsPerFrame', options.maxTrainStepsPerFrame ?? DEFAULT_MAX_TRAIN_STEPS_PER_FRAME, 0),
    maxSimSteps: checkInt('maxSimStepsPerFrame', options.maxSimStepsPerFrame ?? DEFAULT_MAX_SIM_STEPS_PER_FRAME, 1),
    maxFrameDeltaMs,
    simBudgetMs,
    amortize: options.amortize ?? false,
    renderFirst: options.renderFirst ?? false,
  };
}
