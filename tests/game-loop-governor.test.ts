import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/loop/clock';
import { FrameGovernor, MIN_TRAIN_SHARE } from '../src/loop/frame-governor';
import { GameLoop, type LoopOptions } from '../src/loop/game-loop';

/** Simulated costs of a frame's parts, ms (the clock moves by them inside the hooks). */
interface Costs {
  renderMs: number;
  simMs: number;
  trainMs: number;
  /** ms between the end of one tick and the start of the next (the browser, the other core). */
  gapMs?: number;
  /** Display refresh period, ms: the next frame starts on the next multiple of it (vsync); 0: none. */
  vsyncMs?: number;
}

const TARGET = 1000 / 30;

function scene(costs: Costs, options: Partial<LoopOptions> = {}) {
  const clock = new ManualClock(0);
  const c = { ...costs };
  const counts = { sims: 0, trains: 0 };
  const loop = new GameLoop(
    {
      simulate: () => {
        counts.sims++;
        clock.advance(c.simMs);
      },
      trainStep: () => {
        counts.trains++;
        clock.advance(c.trainMs);
        return true;
      },
      render: () => clock.advance(c.renderMs),
    },
    // 60 steps/s with a simulation budget of one step's cost: exactly one simulation step a frame.
    { clock, stepsPerSecond: 60, simBudgetMs: Math.max(c.simMs, 1e-3), trainBudgetMs: 200, targetFrameMs: TARGET, ...options },
  );
  /** Runs `n` frames; returns the frame intervals (ms) and the training steps of each frame. */
  const frames = (n: number) => {
    const intervals: number[] = [];
    const steps: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = clock.now();
      const before = counts.trains;
      loop.tick();
      clock.advance(c.gapMs ?? 0);
      if (c.vsyncMs) clock.set(Math.ceil(clock.now() / c.vsyncMs - 1e-9) * c.vsyncMs);
      intervals.push(clock.now() - t0);
      steps.push(counts.trains - before);
    }
    return { intervals, steps, fps: (n * 1000) / intervals.reduce((a, b) => a + b, 0) };
  };
  return { clock, loop, counts, costs: c, frames };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('frame governor in the game loop', () => {
  it('holds 30 fps with render 12 ms, simulation 8 ms, a 3 ms step: (33.3 - 20) / 3 steps a frame', () => {
    const s = scene({ renderMs: 12, simMs: 8, trainMs: 3 });
    s.frames(60); // the estimate settles
    const { steps, fps, intervals } = s.frames(300);
    expect(fps).toBeGreaterThanOrEqual(30 - 1e-9);
    expect(fps).toBeLessThanOrEqual(31.5);
    // (33.3 - 20) / 3 = 4.4: four whole steps fit in every frame.
    expect(mean(steps)).toBe(4);
    // No frame runs over the target.
    expect(Math.max(...intervals)).toBeLessThanOrEqual(TARGET + 1e-9);
    expect(s.loop.stats.trainBudgetMs).toBeCloseTo(TARGET - 20, 1);
    expect(s.loop.stats.fps).toBeGreaterThan(29);
  });

  it('counts the time between frames (the other core, the browser) as the frame\'s cost', () => {
    const s = scene({ renderMs: 4, simMs: 4, trainMs: 2, gapMs: 12 });
    s.frames(60);
    const { steps, fps } = s.frames(300);
    expect(fps).toBeGreaterThanOrEqual(29.5);
    // (33.3 - 20) / 2 = 6.7 steps a frame, less the probing for headroom.
    expect(mean(steps)).toBeGreaterThan(6);
    expect(mean(steps)).toBeLessThanOrEqual(7);
  });

  it('runs a 50 ms step every few frames, not every frame, and holds the mean frame rate', () => {
    const s = scene({ renderMs: 12, simMs: 8, trainMs: 50 });
    s.frames(60);
    const { steps, fps } = s.frames(300);
    const trainingFrames = steps.filter((n) => n > 0).length;
    // (33.3 - 20) / 50 of the frames: about one in four.
    expect(trainingFrames / steps.length).toBeGreaterThan(0.2);
    expect(trainingFrames / steps.length).toBeLessThan(0.32);
    expect(Math.max(...steps)).toBe(1);
    expect(fps).toBeGreaterThanOrEqual(29);
  });

  it('never starves training where the frame alone exceeds the target: a fifth of the frame\'s other work, and a step every few frames however slow', () => {
    const late = scene({ renderMs: 40, simMs: 8, trainMs: 3 });
    late.frames(60);
    const shared = late.frames(60);
    expect(late.loop.stats.trainBudgetMs).toBeCloseTo(MIN_TRAIN_SHARE * 48, 0); // 9.6 ms of a 48 ms frame
    expect(mean(shared.steps)).toBe(3); // 3 steps of 3 ms fit in 9.6 ms
    expect(Math.max(...shared.intervals)).toBeLessThanOrEqual(48 * (1 + MIN_TRAIN_SHARE) + 1); // the frame slows by at most a fifth
    const slow = scene({ renderMs: 40, simMs: 8, trainMs: 100 });
    slow.frames(60);
    const { steps } = slow.frames(60);
    expect(steps.reduce((a, b) => a + b, 0)).toBe(10); // one in 6 frames (DEFAULT_FLOOR_EVERY_FRAMES): a 100 ms step never fits a 9.6 ms grant
  });

  it('comes back from a slow start: a 2 s first frame (kernels compiling) does not leave the estimate high while every frame is late', () => {
    const g = new FrameGovernor({ targetFrameMs: TARGET, capMs: 34 });
    let trainMs = 0;
    for (let f = 0; f < 40; f++) {
      g.beginFrame(f === 0 ? 0 : f === 1 ? 2000 : 35 + trainMs); // then 35 ms of drawing and simulating, late every frame
      let spent = 0;
      let steps = 0;
      while (steps < 64 && g.mayStep(spent, steps)) {
        spent += 6;
        steps++;
      }
      g.endTraining(spent, steps);
      g.endFrame(4);
      trainMs = spent;
    }
    expect(g.othersEstimateMs).toBeCloseTo(35, 0);
    expect(g.grantedMs).toBeCloseTo(MIN_TRAIN_SHARE * 35, 0); // 7 ms, not the 34 ms cap
  });

  it('gives training the simulation\'s time while the simulation is paused, and takes it back on resume', () => {
    const s = scene({ renderMs: 12, simMs: 8, trainMs: 3 });
    s.frames(60);
    s.loop.paused = true;
    s.frames(30);
    const paused = s.frames(120);
    expect(mean(paused.steps)).toBe(7); // (33.3 - 12) / 3 = 7.1
    expect(paused.fps).toBeGreaterThanOrEqual(29.5);
    s.loop.paused = false;
    const back = s.frames(30);
    expect(Math.max(...back.intervals.slice(6))).toBeLessThanOrEqual(TARGET * 1.05); // late for a few frames at most
    const resumed = s.frames(300);
    expect(resumed.fps).toBeGreaterThanOrEqual(29.5);
    expect(mean(resumed.steps)).toBe(4);
  });

  it('stops training at a cap of 0 (training paused) and trains again when the cap returns', () => {
    const s = scene({ renderMs: 12, simMs: 8, trainMs: 3 });
    s.frames(60);
    s.loop.setTrainBudgetMs(0);
    const off = s.frames(60);
    expect(off.steps.every((n) => n === 0)).toBe(true);
    s.loop.setTrainBudgetMs(200);
    s.frames(30);
    expect(mean(s.frames(120).steps)).toBe(4);
  });

  it('a cap below what the frame leaves is the budget', () => {
    const s = scene({ renderMs: 12, simMs: 8, trainMs: 2 }, { trainBudgetMs: 6 });
    s.frames(60);
    const { steps, fps } = s.frames(120);
    expect(mean(steps)).toBeCloseTo(3, 1);
    expect(fps).toBeGreaterThan(35);
    expect(s.loop.stats.trainBudgetMs).toBe(6);
  });

  it('with a 60 Hz display (frames start on vsync), holds 30 fps and fills the frame', () => {
    const s = scene({ renderMs: 12, simMs: 8, trainMs: 1, vsyncMs: 1000 / 60 });
    s.frames(120);
    const { steps, fps, intervals } = s.frames(600);
    expect(fps).toBeGreaterThanOrEqual(30 - 1e-6);
    expect(Math.max(...intervals)).toBeLessThanOrEqual(TARGET + 1e-6);
    expect(mean(steps)).toBeGreaterThanOrEqual(12); // (33.3 - 20) / 1, less the probing
  });

  it('leaves frame-exact stepping alone: advanceExact runs its fixed steps', () => {
    const s = scene({ renderMs: 12, simMs: 8, trainMs: 50 });
    s.frames(10);
    const taken = [1, 2, 3].map(() => s.loop.advanceExact(1000 / 30, 4));
    expect(taken.map((t) => t.trainSteps)).toEqual([4, 4, 4]);
    expect(taken.map((t) => t.simSteps)).toEqual([2, 2, 2]);
  });

  it('rejects a bad target or floor', () => {
    const clock = new ManualClock(0);
    const hooks = { simulate() {}, trainStep: () => true, render() {} };
    expect(() => new GameLoop(hooks, { clock, stepsPerSecond: 60, trainBudgetMs: 5, targetFrameMs: 0 })).toThrow(RangeError);
    expect(() => new GameLoop(hooks, { clock, stepsPerSecond: 60, trainBudgetMs: 5, targetFrameMs: Infinity })).toThrow(RangeError);
    expect(() => new GameLoop(hooks, { clock, stepsPerSecond: 60, trainBudgetMs: 5, targetFrameMs: 33, trainFloorEveryFrames: 0 })).toThrow(RangeError);
  });
});

describe('FrameGovernor (pure)', () => {
  it('grants the target less the measured cost outside training, capped', () => {
    const g = new FrameGovernor({ targetFrameMs: 40, capMs: 100 });
    expect(g.beginFrame(0)).toBe(40); // nothing measured yet
    g.endTraining(40, 10);
    g.endFrame(25);
    // The frame took 65 ms, 40 of them training: late, the estimate moves half way to 25.
    expect(g.beginFrame(65)).toBeCloseTo(40 - 12.5, 9);
    g.endTraining(27.5, 7);
    g.endFrame(25);
    expect(g.beginFrame(52.5)).toBeCloseTo(40 - 18.75, 9);
    g.endTraining(21.25, 5);
    g.endFrame(25);
    // 46.25 > 42 is late again: half way from 18.75 to 25.
    expect(g.beginFrame(46.25)).toBeCloseTo(40 - 21.875, 9);
    g.setCap(5);
    g.endTraining(18.125, 4);
    g.endFrame(25);
    expect(g.beginFrame(43.125)).toBe(5);
    expect(g.capMs).toBe(5);
  });

  it('an on-time frame takes the work measured inside the tick as the floor of the estimate', () => {
    const g = new FrameGovernor({ targetFrameMs: 40, capMs: Infinity });
    g.beginFrame(0);
    g.endTraining(10, 2);
    g.endFrame(12);
    expect(g.beginFrame(22)).toBe(40 - 12);
    expect(g.othersEstimateMs).toBe(12);
    expect(g.stepEstimateMs).toBe(5);
  });

  it('keeps the mean step cost: a fall at once, a rise slowly', () => {
    const g = new FrameGovernor({ targetFrameMs: 33, capMs: 20 });
    g.beginFrame(0);
    g.endTraining(10, 1);
    expect(g.stepEstimateMs).toBe(10);
    g.endTraining(4, 1);
    expect(g.stepEstimateMs).toBe(4);
    g.endTraining(14, 1);
    expect(g.stepEstimateMs).toBeCloseTo(6, 9);
  });

  it('rejects bad options', () => {
    expect(() => new FrameGovernor({ targetFrameMs: -1, capMs: 1 })).toThrow(RangeError);
    expect(() => new FrameGovernor({ targetFrameMs: 33, capMs: -1 })).toThrow(RangeError);
    expect(() => new FrameGovernor({ targetFrameMs: 33, capMs: Number.NaN })).toThrow(RangeError);
    expect(() => new FrameGovernor({ targetFrameMs: 33, capMs: 1, floorEveryFrames: 1.5 })).toThrow(RangeError);
    expect(() => new FrameGovernor({ targetFrameMs: 33, capMs: 1 }).setCap(-2)).toThrow(RangeError);
  });
});
