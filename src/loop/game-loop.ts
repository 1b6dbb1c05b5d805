/**
 * The game-engine loop: the one owner of time in the playground.
 *
 * Each frame ({@link GameLoop.tick}) does three things, in order:
 *  1. **Simulate** with a fixed timestep. Elapsed wall time (clamped to `maxFrameDeltaMs`) is added to an
 *     accumulator measured in *steps*; every whole step runs `simulate()` once (one diffusion step).
 *     If more than `maxSimStepsPerFrame` whole steps are owed, the excess is dropped ("panic") instead
 *     of being caught up, so a slow machine never falls into a spiral of death.
 *  2. **Train**: with `targetFrameMs`, a {@link FrameGovernor} measures the frame interval (render,
 *     simulation and what the browser does between frames) and grants training what the target frame
 *     time leaves, capped by `trainBudgetMs` (./frame-governor, ./train-phase). Without it, `trainStep()`
 *     is called while `clock.now()` is before `frameStart + trainBudgetMs` (always at least one attempt
 *     when the budget is > 0). Either way up to `maxTrainStepsPerFrame`, or until a call returns false.
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
import type { Clock } from './clock';
import { FrameRequests } from './frame-requests';
import { FrameWindow } from './frame-stats';
import { trainPhase, type TrainPhase } from './train-phase';
import { AMORTIZE_MAX_DEBT, checkInt, checkStepsPerSecond, checkTrainBudget, EXACT_EPSILON, loopLimits, type LoopHooks, type LoopLimits, type LoopOptions, type LoopStats } from './loop-options';

export { AMORTIZE_MAX_DEBT, DEFAULT_MAX_FRAME_DELTA_MS, DEFAULT_MAX_SIM_STEPS_PER_FRAME, DEFAULT_MAX_TRAIN_STEPS_PER_FRAME, DEFAULT_SIM_BUDGET_MS, type LoopHooks, type LoopOptions, type LoopStats } from './loop-options';
export { STATS_WINDOW_MS } from './frame-stats';

/** Fixed-timestep game loop with budgeted training and interpolated rendering. */
export class GameLoop {
  /** Simulation paused: no simulate() calls and no time accrues (training and rendering continue). */
  paused = false;

  private readonly hooks: LoopHooks;
  private readonly clock: Clock;
  private readonly frames: FrameRequests;
  /** The fixed limits (panic cap, frame-delta clamp, simulation budget, amortize, renderFirst). */
  private readonly limits: LoopLimits;
  /** With amortize: ms each phase may still spend (a budget per frame added, what it spends taken off). */
  private simBalance = 0;
  private sps: number;
  private budgetMs: number;
  /** The training phase: the fixed budget, or the governor's grant (with targetFrameMs). */
  private readonly training: TrainPhase;

  /** Owed simulation time, in steps; in [0, 1) between frames. */
  private acc = 0;
  /** Start of the previous frame (ms), or null after a reset: the next frame then counts no elapsed time. */
  private lastTime: number | null = null;
  private _running = false;
  private _hidden = false;
  private disposed = false;
  private inTick = false;

  private trainTotal = 0;
  private simTotal = 0;
  private droppedTotal = 0;
  private frameTotal = 0;
  private readonly window = new FrameWindow();
  private readonly cadence = new Cadence();

  /**
   * @throws RangeError if stepsPerSecond is not finite and > 0, trainBudgetMs is negative or NaN,
   *   maxTrainStepsPerFrame is not an integer >= 0, maxSimStepsPerFrame is not an integer >= 1, or
   *   maxFrameDeltaMs is not > 0, targetFrameMs is not finite and > 0, or trainFloorEveryFrames is not an integer >= 1.
   */
  constructor(hooks: LoopHooks, options: LoopOptions) {
    this.hooks = hooks;
    this.clock = options.clock;
    this.frames = new FrameRequests(options.scheduler, () => this.onFrame());
    this.sps = checkStepsPerSecond(options.stepsPerSecond);
    this.budgetMs = checkTrainBudget(options.trainBudgetMs);
    this.limits = loopLimits(options);
    this.training = trainPhase(hooks, this.clock, this.limits, options, this.budgetMs);
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
    this.frames.cancel();
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
    this.training.setBudget(this.budgetMs);
  }

  /**
   * Hidden tab: stop scheduling frames; when visible again, resume without a huge delta (reset the last
   * timestamp, so the first visible frame counts no elapsed time and nothing is dropped).
   */
  setHidden(hidden: boolean): void {
    if (hidden === this._hidden) return;
    this._hidden = hidden;
    if (hidden) {
      this.frames.cancel();
    } else {
      this.resetTiming();
      this.schedule();
    }
  }

  /** Statistics snapshot (a new object on each read). */
  get stats(): LoopStats {
    return this.window.stats({ trainSteps: this.trainTotal, simSteps: this.simTotal, droppedMs: this.droppedTotal, frames: this.frameTotal });
  }

  /** Stops the loop and releases the hooks for good; later start()/tick()/stepOnce() throw. Idempotent. */
  dispose(): void {
    this.stop();
    this.disposed = true;
    this.window.clear();
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
      if (delta > this.limits.maxFrameDeltaMs) {
        this.droppedTotal += delta - this.limits.maxFrameDeltaMs;
        delta = this.limits.maxFrameDeltaMs;
      }
      this.acc += (delta * this.sps) / 1000;
    }
    // 0. renderFirst: draw the state as it is (alpha clamped to 1 while steps are owed), so that the
    //    GPU (or a software renderer's own threads) draws while the CPU simulates and trains.
    let renderMs = 0;
    if (this.limits.renderFirst) {
      hooks.render(Math.min(this.acc, 1));
      renderMs = this.clock.now() - frameStart;
    }
    const simStart = this.limits.renderFirst ? this.clock.now() : frameStart;
    // 1. Fixed-step simulation.
    if (!this.paused) {
      let steps = Math.floor(this.acc);
      if (this.limits.amortize) {
        this.simBalance = Math.min(this.simBalance + this.limits.simBudgetMs, this.limits.simBudgetMs);
        if (this.simBalance <= 0 && steps > 0) {
          // In debt from an expensive step: this frame's owed steps are dropped (keep the fraction).
          this.acc -= steps;
          this.droppedTotal += (steps * 1000) / this.sps;
          steps = 0;
        }
      }
      if (steps > this.limits.maxSimSteps) {
        const drop = steps - this.limits.maxSimSteps;
        this.acc -= drop; // keep the fraction: alpha stays meaningful
        this.droppedTotal += (drop * 1000) / this.sps;
        steps = this.limits.maxSimSteps;
      }
      for (let i = 0; i < steps; i++) {
        hooks.simulate();
        this.acc -= 1;
        this.simTotal++;
        const left = steps - i - 1;
        if (left > 0 && this.clock.now() - simStart >= this.limits.simBudgetMs) {
          this.acc -= left; // over the frame's simulation budget: drop the rest, keep the fraction
          this.droppedTotal += (left * 1000) / this.sps;
          break;
        }
      }
    }

    const simEnd = this.clock.now();
    if (this.limits.amortize && this.simTotal > simBefore) this.simBalance = Math.max(this.simBalance - (simEnd - simStart), -AMORTIZE_MAX_DEBT * this.limits.simBudgetMs);

    // 2. Training: what the governor grants (targetFrameMs), or the fixed wall-time budget.
    const trained = this.training.run({ elapsedMs: elapsed, simStart, simEnd });
    this.trainTotal += trained;

    // 3. Render with the interpolation factor.
    const trainEnd = this.clock.now();
    if (!this.limits.renderFirst) hooks.render(this.acc);

    const end = this.clock.now();
    if (!this.limits.renderFirst) renderMs = end - trainEnd;
    this.frameTotal++;
    this.window.record({
      t: frameStart,
      train: trained,
      sim: this.simTotal - simBefore,
      work: Math.max(0, end - frameStart),
      simMs: Math.max(0, simEnd - simStart),
      trainMs: Math.max(0, trainEnd - simEnd),
      renderMs: Math.max(0, renderMs),
      budgetMs: this.training.grantedMs,
    });
    this.training.endFrame(end - frameStart - (trainEnd - simEnd));
    // 4. Scheduled work, on the clock's elapsed time (stands still while paused for 'running' jobs).
    // A frame ticked by hand while hidden runs none (the time a tab is hidden never counts).
    if (!this._hidden) this.cadence.advance(elapsed, this.paused);
  }

  private resetTiming(): void {
    this.training.reset();
    this.lastTime = null;
    this.simBalance = 0;
    this.window.clear();
  }

  private schedule(): void {
    if (this._running && !this._hidden && !this.disposed) this.frames.request();
  }

  private onFrame(): void {
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
