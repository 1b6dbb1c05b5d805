import { describe, expect, it } from 'vitest';
import { msPerEvaluation, PassPace } from '../src/loop/pass-pace';

/** A loop window that spent `ms` per second simulating and took `steps` steps of `perStep` evaluations. */
const window = (ms: number, steps: number, perStep = 1) => ({ simMsPerSecond: ms, stepsPerSecond: steps, evaluationsPerStep: perStep });

describe('the pace in seconds per pass', () => {
  it('measures ms per network evaluation from the loop statistics', () => {
    expect(msPerEvaluation(window(300, 50))).toBe(6);
    expect(msPerEvaluation(window(300, 25, 2))).toBe(6);
    expect(msPerEvaluation(window(300, 0))).toBeNaN();
    expect(msPerEvaluation(window(Number.NaN, 10))).toBeNaN();
  });

  it('fits the evaluations a pass affords: 300 ms of simulation a second at 6 ms each hold 4 s with 200 of 1000', () => {
    const pace = new PassPace({ secondsPerPass: 4, mode: 'fit', simMsPerSecond: 300 });
    expect(pace.evaluations(1000, Infinity)).toBe(100); // the first guess, before any measurement
    pace.observe(window(300, 50));
    expect(pace.msPerEvaluation).toBe(6);
    expect(pace.evaluations(1000, 100)).toBe(200);
    expect(pace.passSeconds(200)).toBeCloseTo(4, 12);
    // Never more than the whole pass, never fewer than the minimum.
    expect(pace.evaluations(120, 50)).toBe(120);
    pace.observe(window(300, 1)); // a very slow machine: 300 ms an evaluation (mean (6 + 300) / 2)
    expect(pace.evaluations(1000, 200)).toBe(10);
  });

  it('keeps the evaluations in use within the hysteresis band, and follows a real change', () => {
    const pace = new PassPace({ secondsPerPass: 4, mode: 'fit', simMsPerSecond: 300, smoothing: 1 });
    pace.observe(window(300, 50)); // affords 200
    expect(pace.evaluations(1000, 180)).toBe(180);
    expect(pace.evaluations(1000, 230)).toBe(230);
    expect(pace.evaluations(1000, 150)).toBe(200);
    pace.observe(window(300, 25)); // twice as slow: affords 100
    expect(pace.evaluations(1000, 200)).toBe(100);
    pace.observe(window(300, 0)); // says nothing: ignored
    expect(pace.msPerEvaluation).toBe(12);
  });

  it('when the loop falls behind the steps asked, fits to what it delivered', () => {
    const pace = new PassPace({ secondsPerPass: 4, mode: 'fit', simMsPerSecond: 300, smoothing: 1 });
    // 100 ms a second at 2 ms an evaluation, but only 50 of the 100 steps asked: 300 / 50 = 6 ms counts.
    pace.observe({ ...window(100, 50), askedStepsPerSecond: 100 });
    expect(pace.msPerEvaluation).toBe(6);
    expect(pace.evaluations(1000, 400)).toBe(200);
    // Keeping up: the measured cost alone.
    pace.observe({ ...window(100, 50), askedStepsPerSecond: 55 });
    expect(pace.msPerEvaluation).toBe(2);
  });

  it("'all' takes the whole pass and says how long it takes", () => {
    const pace = new PassPace({ secondsPerPass: 4, mode: 'all', simMsPerSecond: 300 });
    expect(pace.evaluations(1000, 100)).toBe(1000);
    pace.observe(window(300, 50));
    expect(pace.passSeconds(1000)).toBeCloseTo(20, 12);
  });

  it('rejects a pace that is not a positive number of seconds', () => {
    expect(() => new PassPace({ secondsPerPass: 0, mode: 'fit', simMsPerSecond: 300 })).toThrow(RangeError);
    expect(() => new PassPace({ secondsPerPass: 4, mode: 'fit', simMsPerSecond: Number.NaN })).toThrow(RangeError);
  });
});
