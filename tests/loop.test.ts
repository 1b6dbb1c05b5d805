import { describe, expect, it } from 'vitest';
import { ManualClock, performanceClock, type FrameScheduler } from '../src/loop/clock';
import { GameLoop, type LoopHooks, type LoopOptions } from '../src/loop/game-loop';

/** Fake scheduler: callbacks wait until fire() runs them. */
class FakeScheduler implements FrameScheduler {
  private next = 1;
  readonly pending = new Map<number, () => void>();
  requests = 0;
  cancels = 0;
  request(callback: () => void): number {
    const h = this.next++;
    this.requests++;
    this.pending.set(h, callback);
    return h;
  }
  cancel(handle: number): void {
    this.cancels++;
    this.pending.delete(handle);
  }
  /** Runs the callbacks pending now (those they request wait for the next fire). */
  fire(): number {
    const cbs = [...this.pending.values()];
    this.pending.clear();
    for (const cb of cbs) cb();
    return cbs.length;
  }
}

interface Recorder extends LoopHooks {
  sims: number;
  trains: number;
  trainCalls: number;
  alphas: number[];
}

function recorder(opts: { trainMs?: number; clock?: ManualClock; trainResult?: () => boolean } = {}): Recorder {
  const r: Recorder = {
    sims: 0,
    trains: 0,
    trainCalls: 0,
    alphas: [],
    simulate: () => {
      r.sims++;
    },
    trainStep: () => {
      r.trainCalls++;
      if (opts.trainResult && !opts.trainResult()) return false;
      r.trains++;
      if (opts.clock && opts.trainMs) opts.clock.advance(opts.trainMs);
      return true;
    },
    render: (alpha) => {
      r.alphas.push(alpha);
    },
  };
  return r;
}

function setup(options: Partial<LoopOptions> = {}, hookOpts: { trainMs?: number; trainResult?: () => boolean } = {}) {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(1000);
  const hooks = recorder({ ...hookOpts, clock });
  const loop = new GameLoop(hooks, { clock, stepsPerSecond: 60, trainBudgetMs: 0, ...options });
  return { clock, hooks, loop };
}

/** Ticks once, then `frames` times after advancing the clock by `frameMs` each. */
function run(loop: GameLoop, clock: ManualClock, frameMs: number, frames: number): void {
  for (let i = 0; i < frames; i++) {
    clock.advance(frameMs);
    loop.tick();
  }
}

describe('clocks', () => {
  it('ManualClock moves only when told', () => {
    const c = new ManualClock(5);
    expect(c.now()).toBe(5);
    c.advance(2.5);
    expect(c.now()).toBe(7.5);
    c.set(100);
    expect(c.now()).toBe(100);
    expect(new ManualClock().now()).toBe(0);
    expect(() => c.advance(-1)).toThrow(RangeError);
    expect(() => c.advance(NaN)).toThrow(RangeError);
    expect(() => new ManualClock(Infinity)).toThrow(RangeError);
  });

  it('performanceClock reads a monotonic number', () => {
    const a = performanceClock.now();
    const b = performanceClock.now();
    expect(Number.isFinite(a)).toBe(true);
    expect(b).toBeGreaterThanOrEqual(a);
  });
});

describe('fixed timestep', () => {
  it('60 steps/s over 1000 ms of 16.7 ms frames gives 60 ± 1 steps', () => {
    const { clock, hooks, loop } = setup({ stepsPerSecond: 60 });
    loop.tick(); // first frame: no elapsed time
    expect(hooks.sims).toBe(0);
    let elapsed = 0;
    while (elapsed + 16.7 <= 1000 + 1e-9) {
      clock.advance(16.7);
      elapsed += 16.7;
      loop.tick();
    }
    expect(Math.abs(hooks.sims - 60)).toBeLessThanOrEqual(1);
    expect(loop.stats.simSteps).toBe(hooks.sims);
  });

  it('30 steps/s over 1000 ms of 7 ms frames gives 30 ± 1 steps', () => {
    const { clock, hooks, loop } = setup({ stepsPerSecond: 30 });
    loop.tick();
    run(loop, clock, 7, Math.round(1000 / 7));
    expect(Math.abs(hooks.sims - 30)).toBeLessThanOrEqual(1);
  });

  it('alpha is in [0, 1) and equals the accumulator fraction', () => {
    const { clock, hooks, loop } = setup({ stepsPerSecond: 60 });
    loop.tick();
    const frames = [16.7, 5, 33.3, 1, 0, 12.25, 40, 16.7, 16.7, 8];
    let elapsed = 0;
    for (const ms of frames) {
      clock.advance(ms);
      elapsed += ms;
      loop.tick();
      const alpha = hooks.alphas[hooks.alphas.length - 1];
      expect(alpha).toBeGreaterThanOrEqual(0);
      expect(alpha).toBeLessThan(1);
      expect(alpha).toBeCloseTo((elapsed * 60) / 1000 - hooks.sims, 9);
      expect(loop.alpha).toBe(alpha);
    }
  });

  it('changing stepsPerSecond keeps the fraction and applies to later time', () => {
    const { clock, hooks, loop } = setup({ stepsPerSecond: 10 });
    loop.tick();
    run(loop, clock, 50, 1); // half a step owed
    expect(hooks.sims).toBe(0);
    expect(loop.alpha).toBeCloseTo(0.5, 12);
    loop.setStepsPerSecond(100);
    expect(loop.alpha).toBeCloseTo(0.5, 12);
    run(loop, clock, 25, 1); // 0.5 + 2.5 steps
    expect(hooks.sims).toBe(3);
    expect(loop.alpha).toBeCloseTo(0, 9);
    expect(loop.stepsPerSecond).toBe(100);
    expect(() => loop.setStepsPerSecond(0)).toThrow(RangeError);
  });
});

describe('pause', () => {
  it('paused: no simulation, training and rendering continue; stepOnce gives exactly one', () => {
    const { clock, hooks, loop } = setup({ trainBudgetMs: 5, maxTrainStepsPerFrame: 2 });
    loop.tick();
    loop.paused = true;
    run(loop, clock, 16.7, 30);
    expect(hooks.sims).toBe(0);
    expect(hooks.alphas.length).toBe(31);
    expect(hooks.trains).toBe(31 * 2);
    const renders = hooks.alphas.length;
    loop.stepOnce();
    expect(hooks.sims).toBe(1);
    expect(hooks.alphas.length).toBe(renders + 1);
    expect(loop.stats.simSteps).toBe(1);
    // Unpausing does not catch up on the paused time.
    loop.paused = false;
    run(loop, clock, 16.7, 1);
    expect(hooks.sims).toBe(2);
  });
});

describe('training budget', () => {
  it('trainStep costing 3 ms with a 10 ms budget runs 4 steps per frame (stops once now >= deadline)', () => {
    const { clock, hooks, loop } = setup({ trainBudgetMs: 10 }, { trainMs: 3 });
    loop.tick();
    expect(hooks.trains).toBe(4);
    run(loop, clock, 16.7, 5);
    expect(hooks.trains).toBe(24);
    expect(loop.stats.trainSteps).toBe(24);
  });

  it('at least one attempt per frame when the budget is already spent by simulation', () => {
    const clock = new ManualClock(0);
    const hooks = recorder({ clock, trainMs: 1 });
    hooks.simulate = () => clock.advance(20);
    const loop = new GameLoop(hooks, { clock, stepsPerSecond: 60, trainBudgetMs: 5 });
    loop.tick(); // no simulation yet: 5 steps of 1 ms fill the 5 ms budget
    expect(hooks.trains).toBe(5);
    clock.advance(17);
    loop.tick(); // one simulate (20 ms) > budget, still one training attempt
    expect(loop.stats.simSteps).toBe(1);
    expect(hooks.trains).toBe(6);
  });

  it('budget 0 runs no training', () => {
    const { clock, hooks, loop } = setup({ trainBudgetMs: 0 }, { trainMs: 3 });
    run(loop, clock, 16.7, 10);
    expect(hooks.trainCalls).toBe(0);
    loop.setTrainBudgetMs(10);
    run(loop, clock, 16.7, 1);
    expect(hooks.trains).toBe(4);
    expect(() => loop.setTrainBudgetMs(-1)).toThrow(RangeError);
  });

  it('maxTrainStepsPerFrame caps the steps', () => {
    const { clock, hooks, loop } = setup({ trainBudgetMs: 1000, maxTrainStepsPerFrame: 5 });
    run(loop, clock, 16.7, 3);
    expect(hooks.trains).toBe(15);
  });

  it('trainStep returning false ends training for that frame and is not counted', () => {
    let calls = 0;
    const { clock, hooks, loop } = setup(
      { trainBudgetMs: 1000, maxTrainStepsPerFrame: 10 },
      { trainResult: () => ++calls % 3 !== 0 },
    );
    run(loop, clock, 16.7, 2);
    expect(hooks.trainCalls).toBe(6);
    expect(hooks.trains).toBe(4);
    expect(loop.stats.trainSteps).toBe(4);
  });
});

describe('panic', () => {
  it('a 10 s stall runs at most maxSimStepsPerFrame steps, drops the backlog, then recovers', () => {
    const { clock, hooks, loop } = setup({ stepsPerSecond: 60, maxSimStepsPerFrame: 8 });
    loop.tick();
    run(loop, clock, 16.7, 10);
    expect(loop.stats.droppedMs).toBe(0);
    const before = hooks.sims;
    clock.advance(10_000);
    loop.tick();
    expect(hooks.sims - before).toBeLessThanOrEqual(8);
    expect(hooks.sims - before).toBeGreaterThan(0);
    expect(loop.stats.droppedMs).toBeGreaterThan(9000);
    expect(loop.alpha).toBeLessThan(1);
    const dropped = loop.stats.droppedMs;
    const after = hooks.sims;
    run(loop, clock, 16.7, 60); // 1002 ms
    expect(Math.abs(hooks.sims - after - 60)).toBeLessThanOrEqual(1);
    expect(loop.stats.droppedMs).toBe(dropped);
  });

  it('panics without the delta clamp too', () => {
    const { clock, hooks, loop } = setup({ stepsPerSecond: 100, maxSimStepsPerFrame: 4, maxFrameDeltaMs: 1e9 });
    loop.tick();
    clock.advance(1005); // 100.5 steps owed
    loop.tick();
    expect(hooks.sims).toBe(4);
    expect(loop.stats.droppedMs).toBeCloseTo(960, 6);
    expect(loop.alpha).toBeCloseTo(0.5, 9);
  });
});

describe('scheduler and hidden tab', () => {
  it('start schedules frames, stop cancels', () => {
    const scheduler = new FakeScheduler();
    const { clock, hooks, loop } = setup({ scheduler });
    expect(loop.running).toBe(false);
    loop.start();
    expect(loop.running).toBe(true);
    expect(scheduler.pending.size).toBe(1);
    for (let i = 0; i < 61; i++) {
      scheduler.fire();
      clock.advance(16.7);
    }
    expect(hooks.alphas.length).toBe(61);
    expect(Math.abs(hooks.sims - 60)).toBeLessThanOrEqual(1);
    loop.stop();
    expect(loop.running).toBe(false);
    expect(scheduler.pending.size).toBe(0);
    expect(scheduler.fire()).toBe(0);
  });

  it('setHidden(true) cancels scheduling; becoming visible does not simulate the hidden time', () => {
    const scheduler = new FakeScheduler();
    const { clock, hooks, loop } = setup({ scheduler });
    loop.start();
    for (let i = 0; i < 10; i++) {
      scheduler.fire();
      clock.advance(16.7);
    }
    loop.setHidden(true);
    expect(loop.hidden).toBe(true);
    expect(loop.running).toBe(true);
    expect(scheduler.pending.size).toBe(0);
    expect(scheduler.fire()).toBe(0);
    const sims = hooks.sims;
    const dropped = loop.stats.droppedMs;
    clock.advance(5000);
    loop.setHidden(false);
    expect(scheduler.pending.size).toBe(1);
    scheduler.fire();
    expect(hooks.sims).toBe(sims);
    expect(loop.stats.droppedMs).toBe(dropped);
    clock.advance(16.7);
    scheduler.fire();
    expect(hooks.sims - sims).toBeLessThanOrEqual(2);
  });

  it('ignores a stale callback from a scheduler that does not honour cancel', () => {
    const callbacks: Array<() => void> = [];
    const scheduler: FrameScheduler = { request: (cb) => callbacks.push(cb), cancel: () => {} };
    const { hooks, loop } = setup({ scheduler });
    loop.start();
    loop.stop();
    callbacks[0]();
    expect(hooks.alphas.length).toBe(0);
  });

  it('a throwing hook stops the scheduled loop and propagates', () => {
    const scheduler = new FakeScheduler();
    const { hooks, loop } = setup({ scheduler });
    hooks.render = () => {
      throw new Error('boom');
    };
    loop.start();
    expect(() => scheduler.fire()).toThrow('boom');
    expect(loop.running).toBe(false);
    expect(scheduler.pending.size).toBe(0);
  });

  it('dispose stops and forbids further use', () => {
    const scheduler = new FakeScheduler();
    const { loop } = setup({ scheduler });
    loop.start();
    loop.dispose();
    loop.dispose();
    expect(scheduler.pending.size).toBe(0);
    expect(() => loop.start()).toThrow(Error);
    expect(() => loop.tick()).toThrow(Error);
  });

  it('rejects re-entrant tick from a hook', () => {
    const { hooks, loop } = setup();
    hooks.render = () => loop.tick();
    expect(() => loop.tick()).toThrow(/re-entrantly/);
  });
});

describe('stats', () => {
  it('counts totals and smooths rates over about a second', () => {
    const { clock, loop } = setup({ trainBudgetMs: 10 }, { trainMs: 3 });
    expect(loop.stats.fps).toBe(0);
    loop.tick();
    // Each frame: 4 training steps (12 ms) inside a 16.7 ms frame period.
    for (let i = 0; i < 120; i++) {
      clock.advance(16.7 - 12);
      loop.tick();
    }
    const s = loop.stats;
    expect(s.frames).toBe(121);
    expect(s.trainSteps).toBe(121 * 4);
    expect(s.fps).toBeCloseTo(1000 / 16.7, 6);
    expect(s.trainStepsPerSecond).toBeCloseTo((4 * 1000) / 16.7, 6);
    expect(s.frameMs).toBeCloseTo(12, 9);
    expect(s.simSteps).toBeGreaterThan(110);
    expect(s.droppedMs).toBe(0);
  });

  it('rates follow a change within about a second', () => {
    const { clock, loop } = setup();
    run(loop, clock, 16.7, 120);
    expect(loop.stats.fps).toBeCloseTo(59.88, 1);
    run(loop, clock, 33.4, 40);
    expect(loop.stats.fps).toBeCloseTo(29.94, 1);
  });
});

describe('validation', () => {
  const clock = new ManualClock();
  const hooks = recorder();
  const make = (o: Partial<LoopOptions>) => () => new GameLoop(hooks, { clock, stepsPerSecond: 60, trainBudgetMs: 4, ...o });

  it('throws RangeError for bad options', () => {
    expect(make({})).not.toThrow();
    expect(make({ stepsPerSecond: 0 })).toThrow(RangeError);
    expect(make({ stepsPerSecond: NaN })).toThrow(RangeError);
    expect(make({ stepsPerSecond: -5 })).toThrow(RangeError);
    expect(make({ stepsPerSecond: Infinity })).toThrow(RangeError);
    expect(make({ trainBudgetMs: -1 })).toThrow(RangeError);
    expect(make({ trainBudgetMs: NaN })).toThrow(RangeError);
    expect(make({ maxTrainStepsPerFrame: -1 })).toThrow(RangeError);
    expect(make({ maxTrainStepsPerFrame: 1.5 })).toThrow(RangeError);
    expect(make({ maxSimStepsPerFrame: 0 })).toThrow(RangeError);
    expect(make({ maxFrameDeltaMs: 0 })).toThrow(RangeError);
    expect(make({ stepsPerSecond: 0 })).toThrow(/stepsPerSecond/);
  });
});

describe('simulation time budget', () => {
  it('drops owed steps once a frame has spent simBudgetMs on simulation, and always runs one', () => {
    const clock = new ManualClock(0);
    let sims = 0;
    const loop = new GameLoop(
      { simulate: () => { sims++; clock.advance(20); }, trainStep: () => false, render: () => undefined },
      { clock, stepsPerSecond: 1000, trainBudgetMs: 0, simBudgetMs: 30, maxSimStepsPerFrame: 100 },
    );
    loop.tick(); // first frame: no elapsed time
    clock.advance(50); // 50 steps owed; each takes 20 ms: 2 fit in 30 ms (20, 40 >= 30 -> stop)
    loop.tick();
    expect(sims).toBe(2);
    expect(loop.stats.droppedMs).toBeCloseTo(48, 6);
    expect(loop.alpha).toBeGreaterThanOrEqual(0);
    expect(loop.alpha).toBeLessThan(1);
    expect(() => new GameLoop({ simulate() {}, trainStep: () => false, render() {} }, { clock, stepsPerSecond: 1, trainBudgetMs: 0, simBudgetMs: 0 })).toThrow(RangeError);
  });
});

describe('frame-exact stepping (recording)', () => {
  it('advances exactly steps/frame however slow the hooks are, with a fixed number of training steps', () => {
    // Each hook call "takes" 500 ms of wall time: a live tick would clamp, panic and drop; advanceExact must not.
    const clock = new ManualClock(0);
    const hooks = recorder({ clock, trainMs: 500 });
    const slowSim = hooks.simulate;
    hooks.simulate = () => {
      slowSim();
      clock.advance(500);
    };
    const loop = new GameLoop(hooks, { clock, stepsPerSecond: 250, trainBudgetMs: 1, maxSimStepsPerFrame: 2 });
    // 250 steps/s at 30 fps: 8.333 steps per frame; 60 frames = 2 s = exactly 500 steps.
    const perFrame: number[] = [];
    for (let i = 0; i < 60; i++) perFrame.push(loop.advanceExact(1000 / 30, 3).simSteps);
    expect(hooks.sims).toBe(500);
    expect(perFrame.reduce((a, b) => a + b, 0)).toBe(500);
    expect(new Set(perFrame)).toEqual(new Set([8, 9]));
    expect(hooks.trains).toBe(180);
    expect(hooks.alphas.length).toBe(60);
    expect(loop.stats.droppedMs).toBe(0);
    expect(loop.stats.simSteps).toBe(500);
    expect(loop.stats.trainSteps).toBe(180);
    expect(loop.alpha).toBeLessThan(1e-6);
  });

  it('lands on the exact whole number of steps when the speed is fitted to the frame count', () => {
    // A pass of T = 1000 steps fitted to 17 frames at 24 fps: stepsPerSecond = 1000 * 24 / 17.
    const { hooks, loop } = setup({ stepsPerSecond: (1000 * 24) / 17 });
    for (let i = 0; i < 17; i++) loop.advanceExact(1000 / 24, 0);
    expect(hooks.sims).toBe(1000);
  });

  it('is reproducible: the same calls give the same hook sequence, independent of the clock', () => {
    const trace = (clockStart: number): string[] => {
      const clock = new ManualClock(clockStart);
      const log: string[] = [];
      const loop = new GameLoop(
        { simulate: () => log.push('s'), trainStep: () => (log.push('t'), clock.advance(123), true), render: (a) => log.push(`r${a.toFixed(6)}`) },
        { clock, stepsPerSecond: 37, trainBudgetMs: 5 },
      );
      for (let i = 0; i < 20; i++) loop.advanceExact(1000 / 60, 2, i % 3 !== 0);
      return log;
    };
    expect(trace(0)).toEqual(trace(98765));
  });

  it('renders only when asked, holds still while paused, and trains fewer steps when trainStep says stop', () => {
    let allow = 2;
    const { hooks, loop } = setup({ stepsPerSecond: 60 }, { trainResult: () => allow-- > 0 });
    loop.paused = true;
    const r = loop.advanceExact(1000, 5, false);
    expect(r).toEqual({ simSteps: 0, trainSteps: 2 });
    expect(hooks.sims).toBe(0);
    expect(hooks.alphas).toEqual([]);
    loop.renderFrame();
    expect(hooks.alphas).toEqual([0]);
    loop.paused = false;
    loop.advanceExact(1000 / 120, 0); // half a step owed
    expect(loop.alpha).toBeCloseTo(0.5, 9);
    loop.resetAccumulator();
    expect(loop.alpha).toBe(0);
  });

  it('refuses to run while the loop is scheduled, on bad arguments and after dispose', () => {
    const { loop } = setup();
    expect(() => loop.advanceExact(-1, 0)).toThrow(RangeError);
    expect(() => loop.advanceExact(Number.NaN, 0)).toThrow(RangeError);
    expect(() => loop.advanceExact(10, 1.5)).toThrow(RangeError);
    const scheduler = new FakeScheduler();
    const clock = new ManualClock(0);
    const running = new GameLoop(recorder(), { clock, scheduler, stepsPerSecond: 60, trainBudgetMs: 0 });
    running.start();
    expect(() => running.advanceExact(10, 0)).toThrow(/stop\(\)/);
    running.stop();
    expect(() => running.advanceExact(10, 0)).not.toThrow();
    loop.dispose();
    expect(() => loop.advanceExact(10, 0)).toThrow(/dispose/);
    expect(() => loop.renderFrame()).toThrow(/dispose/);
  });
});

describe('phase times', () => {
  it('splits the tick into simulate, train and render ms per frame', () => {
    const clock = new ManualClock(0);
    const loop = new GameLoop(
      {
        simulate: () => clock.advance(5),
        trainStep: () => {
          clock.advance(3);
          return true;
        },
        render: () => clock.advance(2),
      },
      // 60 steps/s at 50 ms frames: 3 steps a frame (15 ms); training until 15 + 9 >= 22 ms: 3 steps (9 ms).
      { clock, stepsPerSecond: 60, trainBudgetMs: 22, maxSimStepsPerFrame: 8 },
    );
    loop.tick(); // no elapsed time: no simulation, 8 training steps (24 ms), render
    for (let i = 0; i < 40; i++) {
      clock.advance(50 - 26);
      loop.tick();
    }
    const s = loop.stats;
    expect(s.simMs).toBeCloseTo(15, 6);
    expect(s.trainMs).toBeCloseTo(9, 6);
    expect(s.renderMs).toBeCloseTo(2, 6);
    expect(s.frameMs).toBeCloseTo(s.simMs + s.trainMs + s.renderMs, 9);
  });
});

describe('amortized budgets', () => {
  it('pays for a one-off slow first step (kernel compilation) with a few frames, not hundreds', () => {
    const clock = new ManualClock(0);
    let sims = 0;
    let trains = 0;
    let first = true;
    const loop = new GameLoop(
      {
        simulate: () => {
          sims++;
          clock.advance(first ? 5000 : 1);
        },
        trainStep: () => {
          trains++;
          clock.advance(first ? 5000 : 1);
          first = false;
          return true;
        },
        render: () => undefined,
      },
      { clock, stepsPerSecond: 60, trainBudgetMs: 10, simBudgetMs: 10, amortize: true },
    );
    loop.tick();
    for (let i = 0; i < 20; i++) {
      clock.advance(1000 / 60);
      loop.tick();
    }
    // The debt is capped at AMORTIZE_MAX_DEBT budgets: both phases run again within about 5 frames.
    expect(sims).toBeGreaterThanOrEqual(14);
    expect(trains).toBeGreaterThanOrEqual(14);
  });

  it('holds each phase to its budget on average when one step costs more than the budget', () => {
    const clock = new ManualClock(0);
    let sims = 0;
    let trains = 0;
    const loop = new GameLoop(
      {
        simulate: () => {
          sims++;
          clock.advance(25);
        },
        trainStep: () => {
          trains++;
          clock.advance(20);
          return true;
        },
        render: () => clock.advance(1),
      },
      { clock, stepsPerSecond: 250, trainBudgetMs: 10, simBudgetMs: 10, amortize: true },
    );
    loop.tick();
    const simsBefore = sims;
    const trainsBefore = trains;
    for (let i = 0; i < 100; i++) {
      clock.advance(5);
      loop.tick();
    }
    // 10 ms a frame: a 25 ms step every 2.5 frames, a 20 ms step every 2 frames.
    expect(sims - simsBefore).toBeGreaterThanOrEqual(39);
    expect(sims - simsBefore).toBeLessThanOrEqual(41);
    expect(trains - trainsBefore).toBeGreaterThanOrEqual(49);
    expect(trains - trainsBefore).toBeLessThanOrEqual(51);
    const s = loop.stats;
    expect(s.simMs).toBeGreaterThan(9);
    expect(s.simMs).toBeLessThan(11);
    expect(s.trainMs).toBeGreaterThan(9);
    expect(s.trainMs).toBeLessThan(11);
    expect(s.droppedMs).toBeGreaterThan(0);
    expect(loop.alpha).toBeGreaterThanOrEqual(0);
    expect(loop.alpha).toBeLessThan(1);
  });

  it('skips nothing when steps are cheaper than the budgets', () => {
    const clock = new ManualClock(0);
    let sims = 0;
    const trainsPerFrame: number[] = [];
    let trains = 0;
    const loop = new GameLoop(
      {
        simulate: () => {
          sims++;
          clock.advance(1);
        },
        trainStep: () => {
          trains++;
          clock.advance(2);
          return true;
        },
        render: () => {
          trainsPerFrame.push(trains);
          trains = 0;
        },
      },
      { clock, stepsPerSecond: 60, trainBudgetMs: 8, simBudgetMs: 30, amortize: true },
    );
    loop.tick();
    const start = clock.now();
    for (let i = 0; i < 60; i++) {
      clock.advance(16);
      loop.tick();
    }
    expect(loop.stats.droppedMs).toBe(0);
    expect(sims).toBe(Math.floor(((clock.now() - start) * 60) / 1000 - loop.alpha + 1e-9));
    // Every frame trains for its 8 ms: four 2 ms steps.
    expect(trainsPerFrame.every((n) => n === 4)).toBe(true);
  });
});

describe('render first', () => {
  it('draws before simulating and training, with the owed fraction clamped to 1', () => {
    const clock = new ManualClock(0);
    const calls: string[] = [];
    const alphas: number[] = [];
    const loop = new GameLoop(
      {
        simulate: () => {
          calls.push('sim');
          clock.advance(4);
        },
        trainStep: () => {
          calls.push('train');
          clock.advance(3);
          return true;
        },
        render: (alpha) => {
          calls.push('render');
          alphas.push(alpha);
          clock.advance(2);
        },
      },
      { clock, stepsPerSecond: 50, trainBudgetMs: 3, renderFirst: true },
    );
    loop.tick(); // no time owed: render (alpha 0), train
    clock.advance(30); // 1.5 steps owed
    loop.tick(); // render with alpha 1 (a step is owed), then one step, then training
    expect(calls).toEqual(['render', 'train', 'render', 'sim', 'train']);
    expect(alphas[0]).toBe(0);
    expect(alphas[1]).toBe(1);
    expect(loop.alpha).toBeCloseTo(0.5 + (5 * 50) / 1000, 9); // 0.5 left + the 5 ms of the first frame's work
    const s = loop.stats;
    expect(s.renderMs).toBeCloseTo(2, 9);
    expect(s.simMs).toBeCloseTo(2, 9); // 0 and 4 ms over two frames
    expect(s.trainMs).toBeCloseTo(3, 9);
  });
});

describe('scheduled work (loop.every)', () => {
  it('runs a job once per period of clock time, at the end of a frame, keeping the remainder', () => {
    const { clock, loop, hooks } = setup();
    const at: number[] = [];
    loop.every(500, () => at.push(hooks.alphas.length));
    loop.tick(); // first frame: no elapsed time
    run(loop, clock, 100, 12); // 1200 ms
    // Runs after the frames that complete 500 and 1000 ms (frames 5 and 10 after the first), after their render.
    expect(at).toEqual([6, 11]);
  });

  it('a paused loop skips the running jobs (their time stands still) and runs the always jobs', () => {
    const { clock, loop } = setup();
    let running = 0;
    let always = 0;
    loop.every(250, () => running++);
    loop.every(250, () => always++, { when: 'always' });
    loop.tick();
    loop.paused = true;
    run(loop, clock, 50, 20); // 1000 ms paused
    expect(running).toBe(0);
    expect(always).toBe(4);
    loop.paused = false;
    run(loop, clock, 50, 5); // 250 ms running
    expect(running).toBe(1);
    expect(always).toBe(5);
  });

  it('a hidden tab skips it, and the hidden time does not count once visible', () => {
    const clock = new ManualClock(0);
    const scheduler = new FakeScheduler();
    const { loop } = setup({ clock, scheduler });
    let runs = 0;
    loop.every(100, () => runs++, { when: 'always' });
    loop.start();
    for (let i = 0; i < 3; i++) {
      clock.advance(40);
      scheduler.fire();
    }
    expect(runs).toBe(0); // 80 ms counted (the first frame counts none)
    loop.setHidden(true);
    clock.advance(10_000);
    expect(scheduler.fire()).toBe(0);
    loop.tick(); // a frame ticked by hand while hidden runs nothing either
    expect(runs).toBe(0);
    loop.setHidden(false);
    scheduler.fire(); // first visible frame: no elapsed time
    expect(runs).toBe(0);
    clock.advance(20);
    scheduler.fire(); // 80 + 20 = 100 ms
    expect(runs).toBe(1);
    loop.dispose();
  });

  it('frame-exact stepping advances it by scene time, not by the clock, so a clip runs it on the same frames', () => {
    const frames = (): number[] => {
      const clock = new ManualClock(0);
      const { loop } = setup({ clock });
      const at: number[] = [];
      let frame = 0;
      loop.every(500, () => at.push(frame), { when: 'always' });
      for (frame = 1; frame <= 40; frame++) {
        clock.advance(frame * 37); // the wall clock moves anyhow: ignored
        loop.advanceExact(1000 / 30, 0);
      }
      return at;
    };
    const a = frames();
    expect(a).toEqual([15, 30]); // 500 ms of scene time = 15 frames at 30 fps
    expect(frames()).toEqual(a);
  });

  it('makeScheduledWorkDue runs every job at the end of the next frame; a paused exact frame skips running jobs', () => {
    const { loop } = setup();
    let running = 0;
    let always = 0;
    loop.every(10_000, () => running++);
    loop.every(10_000, () => always++, { when: 'always' });
    loop.makeScheduledWorkDue();
    loop.paused = true;
    loop.advanceExact(10, 0);
    expect([running, always]).toEqual([0, 1]);
    loop.paused = false;
    loop.advanceExact(10, 0);
    expect([running, always]).toEqual([1, 1]);
  });

  it('cancel removes a job (also from inside a job), at most one run per frame, bad periods throw', () => {
    const { clock, loop } = setup();
    let a = 0;
    let b = 0;
    const cancelA = loop.every(100, () => a++);
    const cancelB: () => void = loop.every(100, () => {
      b++;
      cancelB();
    });
    loop.tick();
    clock.advance(1000); // one long frame: one run, not ten
    loop.tick();
    expect([a, b]).toEqual([1, 1]);
    cancelA();
    cancelA();
    run(loop, clock, 100, 5);
    expect([a, b]).toEqual([1, 1]);
    expect(() => loop.every(0, () => undefined)).toThrow(RangeError);
    expect(() => loop.every(Number.NaN, () => undefined)).toThrow(RangeError);
  });
});
