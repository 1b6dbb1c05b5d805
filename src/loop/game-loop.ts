/**
 * The game-engine loop: the one owner of time in the playground.
 *
 * Each frame ({@link GameLoop.tick}) does three things, in order:
 *  1. **Simulate** with a fixed timestep. Elapsed wall time (clamped to `maxFrameDeltaMs`) is added to an
 *     accumulator measured in *steps*; every whole step runs `simulate()` once (one diffusion step).
 *     If more than `maxSimStepsPerFrame` whole steps are owed, the excess is dropped ("panic") instead
 *     of being caught up, so a slow machine never falls into a spiral of death.
 *  2. **Train** under a wall-time budget: `trainStep()` is called while `clock.now()` is before
 *     `frameStart + trainBudgetMs` (always at least one attempt when the budget is > 0), up to
 *     `maxTrainStepsPerFrame`, or until a call returns false. Measuring the deadline from the start of the
 *     frame means an expensive simulation eats into the training time rather than into the frame rate.
 *  3. **Render** with `alpha` = the accumulator's fraction in [0, 1), for interpolating between the
 *     previous and the current simulation state.
 *  4. **Scheduled work** ({@link GameLoop.every}): periodic jobs (HUD, views, metrics) whose period is
 *     complete run, on the frame's clock time (scene time in {@link GameLoop.advanceExact}).
 *
 * With `amortize` (software rendering, where one step can cost more than a frame should), the two
 * budgets hold on average instead of per frame: a phase that overspent skips the next frames until
 * its balance is positive again (see {@link LoopOptions.amortize}).
 *
 * Ideas from "Fix Your Timestep" (G. Fiedler) and MainLoop.js; the code is our own. The loop knows no
 * tfjs, three.js or DOM: the clock, the frame scheduler and the hooks are injected.
 */
import { Cadence, type EveryOptions } from './cadence';
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
  /** Wall time per frame given to training in ms, >= 0 (0 disables training; Infinity: only the step cap limits it). */
  trainBudgetMs: number;
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
const EXACT_EPSILON = 1e-9;

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
/** Length of the window the rate statistics average over, ms. */
export const STATS_WINDOW_MS = 1000;
/** Most frames kept in the statistics window (bounds memory when tick() is called with no time passing). */
const STATS_MAX_FRAMES = 1024;

interface FrameRecord {
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
}

function checkStepsPerSecond(n: number): number {
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`stepsPerSecond must be a finite number > 0, got ${n}`);
  return n;
}

function checkTrainBudget(ms: number): number {
  if (!(ms >= 0)) throw new RangeError(`trainBudgetMs must be >= 0 ms, got ${ms}`);
  return ms;
}

function checkInt(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

/** Fixed-timestep game loop with budgeted training and interpolated rendering. */
export class GameLoop {
  /** Simulation paused: no simulate() calls and no time accrues (training and rendering continue). */
  paused = false;

  private readonly hooks: LoopHooks;
  private readonly clock: Clock;
  private readonly scheduler: FrameScheduler | undefined;
  private readonly maxTrainSteps: number;
  private readonly maxSimSteps: number;
  private readonly maxFrameDeltaMs: number;
  private readonly simBudgetMs: number;
  private readonly amortize: boolean;
  private readonly renderFirst: boolean;
  /** With amortize: ms each phase may still spend (a budget per frame added, what it spends taken off). */
  private simBalance = 0;
  private trainBalance = 0;
  private sps: number;
  private budgetMs: number;

  /** Owed simulation time, in steps; in [0, 1) between frames. */
  private acc = 0;
  /** Start of the previous frame (ms), or null after a reset: the next frame then counts no elapsed time. */
  private lastTime: number | null = null;
  private _running = false;
  private _hidden = false;
  private disposed = false;
  private inTick = false;
  private handle: number | null = null;
  /** Bumped whenever a pending frame is cancelled, so a stale callback is ignored. */
  private generation = 0;

  private trainTotal = 0;
  private simTotal = 0;
  private droppedTotal = 0;
  private frameTotal = 0;
  private window: FrameRecord[] = [];
  private readonly cadence = new Cadence();

  /**
   * @throws RangeError if stepsPerSecond is not finite and > 0, trainBudgetMs is negative or NaN,
   *   maxTrainStepsPerFrame is not an integer >= 0, maxSimStepsPerFrame is not an integer >= 1, or
   *   maxFrameDeltaMs is not > 0.
   */
  constructor(hooks: LoopHooks, options: LoopOptions) {
    this.hooks = hooks;
    this.clock = options.clock;
    this.scheduler = options.scheduler;
    this.sps = checkStepsPerSecond(options.stepsPerSecond);
    this.budgetMs = checkTrainBudget(options.trainBudgetMs);
    this.maxTrainSteps = checkInt('maxTrainStepsPerFrame', options.maxTrainStepsPerFrame ?? DEFAULT_MAX_TRAIN_STEPS_PER_FRAME, 0);
    this.maxSimSteps = checkInt('maxSimStepsPerFrame', options.maxSimStepsPerFrame ?? DEFAULT_MAX_SIM_STEPS_PER_FRAME, 1);
    const maxDelta = options.maxFrameDeltaMs ?? DEFAULT_MAX_FRAME_DELTA_MS;
    if (!(maxDelta > 0)) throw new RangeError(`maxFrameDeltaMs must be > 0 ms, got ${maxDelta}`);
    this.maxFrameDeltaMs = maxDelta;
    const simBudget = options.simBudgetMs ?? DEFAULT_SIM_BUDGET_MS;
    if (!(simBudget > 0)) throw new RangeError(`simBudgetMs must be > 0 ms, got ${simBudget}`);
    this.simBudgetMs = simBudget;
    this.amortize = options.amortize ?? false;
    this.renderFirst = options.renderFirst ?? false;
  }

  /**
   * Runs `job` once every `periodMs` of loop time, at the end of a frame: by the injected clock's elapsed
   * time between frames, by the scene time `dtMs` in {@link advanceExact}. No frames run while the tab is
   * hidden, so neither does the job; with `when: 'running'` (the default) the job's time also stands
   * still while the loop is paused, with 'always' it runs paused too. See {@link Cadence.every}.
   * @returns a function that cancels the job. @throws RangeError if periodMs is not finite and > 0.
   */
  every(periodMs: number, job: () => void, options: EveryOptions = {}): () => void {
    return this.cadence.every(periodMs, job, options);
  }

  /** Makes every scheduled job due at the end of the next frame (a frame-exact recording starts with fresh views). */
  makeScheduledWorkDue(): void {
    this.cadence.makeDue();
  }

  /** True between start() and stop() (also while hidden, when no frames are scheduled). */
  get running(): boolean {
    return this._running;
  }

  /** True while the tab is hidden (see {@link GameLoop.setHidden}). */
  get hidden(): boolean {
    return this._hidden;
  }

  /** Current simulation rate, steps per second. */
  get stepsPerSecond(): number {
    return this.sps;
  }

  /** Current training budget, ms per frame. */
  get trainBudgetMs(): number {
    return this.budgetMs;
  }

  /** Current interpolation alpha in [0, 1): the accumulator's fraction of a step. */
  get alpha(): number {
    return this.acc;
  }

  /**
   * Starts scheduling frames with the scheduler (if any; without one, call tick() yourself). The first
   * frame counts no elapsed time. No-op if already running.
   * @throws Error after dispose().
   */
  start(): void {
    this.assertLive('start');
    if (this._running) return;
    this._running = true;
    this.resetTiming();
    this.schedule();
  }

  /** Stops scheduling frames (a pending frame is cancelled). No-op if not running. */
  stop(): void {
    this._running = false;
    this.cancelPending();
  }

  /**
   * One frame: measure elapsed time, run fixed simulation steps from the accumulator (none while paused),
   * then training steps while clock.now() < frameStart + trainBudgetMs (and count < maxTrainStepsPerFrame;
   * at least one attempt per frame if budget > 0), then render(alpha).
   * Works whether or not the loop is running (manual driving).
   * @throws Error after dispose() or when called from inside a hook; rethrows a hook's exception.
   */
  tick(): void {
    this.assertLive('tick');
    if (this.inTick) throw new Error('GameLoop.tick() called re-entrantly from a hook');
    this.inTick = true;
    try {
      this.runFrame();
    } finally {
      this.inTick = false;
    }
  }

  /**
   * Single step while paused: runs simulate() once and renders (alpha unchanged, since a paused
   * accumulator does not move). Also works while unpaused, as one extra step.
   * @throws Error after dispose() or when called from inside tick().
   */
  stepOnce(): void {
    this.assertLive('stepOnce');
    if (this.inTick) throw new Error('GameLoop.stepOnce() called from inside tick()');
    this.hooks.simulate();
    this.simTotal++;
    this.hooks.render(this.acc);
  }

  /**
   * Frame-exact stepping, for recordings that must be smooth and reproducible however slow the machine:
   * advances simulation time by exactly `dtMs` (no frame-delta clamp, no panic cap, no simulation
   * budget: every owed step runs), then runs exactly `trainSteps` training steps (fewer only if a
   * trainStep() returns false), then renders unless `render` is false, then moves the scheduled work
   * ({@link every}) on by `dtMs` of scene time (a hidden tab does not stop it here). The clock is not read, so the
   * same calls give the same hook calls whatever the wall time. Owed fractions carry over between calls
   * (see {@link resetAccumulator}); while paused no simulation time accrues. The loop must be stopped
   * (a scheduled tick would interleave with the recording).
   * @param dtMs simulation time to advance, ms, finite and >= 0 (1000 / fps per encoded frame).
   * @param trainSteps training steps to take, integer >= 0.
   * @returns the simulation and training steps taken.
   * @throws Error after dispose(), while running, or from inside a hook; RangeError on bad arguments.
   */
  advanceExact(dtMs: number, trainSteps: number, render = true): { simSteps: number; trainSteps: number } {
    this.assertLive('advanceExact');
    if (this._running) throw new Error('GameLoop.advanceExact() needs a stopped loop: call stop() first');
    if (this.inTick) throw new Error('GameLoop.advanceExact() called from inside a hook');
    if (!Number.isFinite(dtMs) || dtMs < 0) throw new RangeError(`dtMs must be a finite number >= 0, got ${dtMs}`);
    checkInt('trainSteps', trainSteps, 0);
    this.inTick = true;
    try {
      let sims = 0;
      if (!this.paused) {
        this.acc += (dtMs * this.sps) / 1000;
        // A hair of tolerance: steps * (1000 / fps) * fps / 1000 summed in floating point may land at 0.9999999.
        const steps = Math.floor(this.acc + EXACT_EPSILON);
        for (; sims < steps; sims++) {
          this.hooks.simulate();
          this.simTotal++;
        }
        this.acc = Math.max(0, this.acc - steps);
      }
      let trained = 0;
      while (trained < trainSteps && this.hooks.trainStep()) trained++;
      this.trainTotal += trained;
      this.frameTotal++;
      if (render) this.hooks.render(this.acc);
      this.cadence.advance(dtMs, this.paused);
      return { simSteps: sims, trainSteps: trained };
    } finally {
      this.inTick = false;
    }
  }

  /** Renders the current state once more (alpha unchanged), e.g. after an asynchronous upload landed. @throws Error after dispose() or from inside a hook. */
  renderFrame(): void {
    this.assertLive('renderFrame');
    if (this.inTick) throw new Error('GameLoop.renderFrame() called from inside a hook');
    this.hooks.render(this.acc);
  }

  /** Drops the owed fraction of a step (alpha becomes 0): a frame-exact recording starts from a whole step. */
  resetAccumulator(): void {
    this.acc = 0;
  }

  /**
   * Changes the simulation rate from the next frame on. The accumulator is kept in steps, so the
   * fraction of a step already owed (and hence the interpolation alpha) is unchanged.
   * @param n steps per second, finite and > 0.
   * @throws RangeError otherwise.
   */
  setStepsPerSecond(n: number): void {
    this.sps = checkStepsPerSecond(n);
  }

  /**
   * Changes the per-frame training budget.
   * @param ms wall ms per frame, >= 0.
   * @throws RangeError if negative or NaN.
   */
  setTrainBudgetMs(ms: number): void {
    this.budgetMs = checkTrainBudget(ms);
  }

  /**
   * Hidden tab: stop scheduling frames; when visible again, resume without a huge delta (reset the last
   * timestamp, so the first visible frame counts no elapsed time and nothing is dropped).
   */
  setHidden(hidden: boolean): void {
    if (hidden === this._hidden) return;
    this._hidden = hidden;
    if (hidden) {
      this.cancelPending();
    } else {
      this.resetTiming();
      this.schedule();
    }
  }

  /** Statistics snapshot (a new object on each read). */
  get stats(): LoopStats {
    const w = this.window;
    let fps = 0;
    let trainStepsPerSecond = 0;
    let simStepsPerSecond = 0;
    let work = 0;
    let simMs = 0;
    let trainMs = 0;
    let renderMs = 0;
    for (const r of w) {
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
      trainStepsPerSecond,
      simStepsPerSecond,
      trainSteps: this.trainTotal,
      simSteps: this.simTotal,
      droppedMs: this.droppedTotal,
      frames: this.frameTotal,
    };
  }

  /** Stops the loop and releases the hooks for good; later start()/tick()/stepOnce() throw. Idempotent. */
  dispose(): void {
    this.stop();
    this.disposed = true;
    this.window = [];
    this.cadence.clear();
  }

  private runFrame(): void {
    const hooks = this.hooks;
    const frameStart = this.clock.now();
    let delta = this.lastTime === null ? 0 : frameStart - this.lastTime;
    this.lastTime = frameStart;
    if (!(delta > 0)) delta = 0; // first frame, clock went backwards, or NaN
    const elapsed = delta; // before the clamp: scheduled work follows the clock

    const simBefore = this.simTotal;
    if (!this.paused) {
      if (delta > this.maxFrameDeltaMs) {
        this.droppedTotal += delta - this.maxFrameDeltaMs;
        delta = this.maxFrameDeltaMs;
      }
      this.acc += (delta * this.sps) / 1000;
    }
    // 0. renderFirst: draw the state as it is (alpha clamped to 1 while steps are owed), so that the
    //    GPU (or a software renderer's own threads) draws while the CPU simulates and trains.
    let renderMs = 0;
    if (this.renderFirst) {
      hooks.render(Math.min(this.acc, 1));
      renderMs = this.clock.now() - frameStart;
    }
    const simStart = this.renderFirst ? this.clock.now() : frameStart;
    // 1. Fixed-step simulation.
    if (!this.paused) {
      let steps = Math.floor(this.acc);
      if (this.amortize) {
        this.simBalance = Math.min(this.simBalance + this.simBudgetMs, this.simBudgetMs);
        if (this.simBalance <= 0 && steps > 0) {
          // In debt from an expensive step: this frame's owed steps are dropped (keep the fraction).
          this.acc -= steps;
          this.droppedTotal += (steps * 1000) / this.sps;
          steps = 0;
        }
      }
      if (steps > this.maxSimSteps) {
        const drop = steps - this.maxSimSteps;
        this.acc -= drop; // keep the fraction: alpha stays meaningful
        this.droppedTotal += (drop * 1000) / this.sps;
        steps = this.maxSimSteps;
      }
      for (let i = 0; i < steps; i++) {
        hooks.simulate();
        this.acc -= 1;
        this.simTotal++;
        const left = steps - i - 1;
        if (left > 0 && this.clock.now() - simStart >= this.simBudgetMs) {
          this.acc -= left; // over the frame's simulation budget: drop the rest, keep the fraction
          this.droppedTotal += (left * 1000) / this.sps;
          break;
        }
      }
    }

    const simEnd = this.clock.now();
    if (this.amortize && this.simTotal > simBefore) this.simBalance = Math.max(this.simBalance - (simEnd - simStart), -AMORTIZE_MAX_DEBT * this.simBudgetMs);

    // 2. Training under the wall-time budget (deadline measured from the frame start; amortized: from
    //    the start of training, for as long as the balance allows).
    let trained = 0;
    if (this.amortize && this.budgetMs > 0) this.trainBalance = Math.min(this.trainBalance + this.budgetMs, this.budgetMs);
    const trainAllowed = this.amortize ? this.trainBalance > 0 : true;
    if (this.budgetMs > 0 && this.maxTrainSteps > 0 && trainAllowed) {
      const deadline = this.amortize ? simEnd + this.trainBalance : simStart + this.budgetMs;
      do {
        if (!hooks.trainStep()) break;
        trained++;
        this.trainTotal++;
      } while (trained < this.maxTrainSteps && this.clock.now() < deadline);
      if (this.amortize) this.trainBalance = Math.max(this.trainBalance - (this.clock.now() - simEnd), -AMORTIZE_MAX_DEBT * this.budgetMs);
    }

    // 3. Render with the interpolation factor.
    const trainEnd = this.clock.now();
    if (!this.renderFirst) hooks.render(this.acc);

    const end = this.clock.now();
    if (!this.renderFirst) renderMs = end - trainEnd;
    this.frameTotal++;
    this.record({
      t: frameStart,
      train: trained,
      sim: this.simTotal - simBefore,
      work: Math.max(0, end - frameStart),
      simMs: Math.max(0, simEnd - simStart),
      trainMs: Math.max(0, trainEnd - simEnd),
      renderMs: Math.max(0, renderMs),
    });
    // 4. Scheduled work, on the clock's elapsed time (stands still while paused for 'running' jobs).
    // A frame ticked by hand while hidden runs none (the time a tab is hidden never counts).
    if (!this._hidden) this.cadence.advance(elapsed, this.paused);
  }

  private record(r: FrameRecord): void {
    const w = this.window;
    w.push(r);
    // Keep one frame at or before the window's start so the span covers the whole window.
    const cutoff = r.t - STATS_WINDOW_MS;
    while (w.length > 2 && w[1].t <= cutoff) w.shift();
    while (w.length > STATS_MAX_FRAMES) w.shift();
  }

  private resetTiming(): void {
    this.lastTime = null;
    this.simBalance = 0;
    this.trainBalance = 0;
    this.window = [];
  }

  private schedule(): void {
    if (!this.scheduler || !this._running || this._hidden || this.disposed || this.handle !== null) return;
    const gen = this.generation;
    this.handle = this.scheduler.request(() => this.onFrame(gen));
  }

  private cancelPending(): void {
    this.generation++;
    if (this.handle !== null) {
      this.scheduler?.cancel(this.handle);
      this.handle = null;
    }
  }

  private onFrame(gen: number): void {
    if (gen !== this.generation) return; // stale callback from a cancelled request
    this.handle = null;
    if (!this._running || this._hidden || this.disposed) return;
    try {
      this.tick();
    } catch (err) {
      this.stop();
      throw err;
    }
    this.schedule();
  }

  private assertLive(what: string): void {
    if (this.disposed) throw new Error(`GameLoop.${what}() called after dispose()`);
  }
}
