/**
 * Time sources and frame schedulers for the game loop. The loop never reads the wall clock or the DOM
 * itself: it is handed a {@link Clock} and, optionally, a {@link FrameScheduler}, so that tests can run it
 * in Node with a {@link ManualClock} and a fake scheduler.
 */

/** Monotonic time source in milliseconds (only differences matter; the origin is arbitrary). */
export interface Clock {
  /** Current time in ms. Should never decrease; the loop treats a backwards jump as zero elapsed time. */
  now(): number;
}

/** The real clock: `globalThis.performance.now()` in ms (browser and Node ≥ 16). */
export const performanceClock: Clock = {
  now: () => globalThis.performance.now(),
};

/** Test clock: time only moves when {@link ManualClock.advance} or {@link ManualClock.set} is called. */
export class ManualClock implements Clock {
  private t: number;

  /**
   * @param startMs initial reading in ms (default 0).
   * @throws RangeError if `startMs` is not finite.
   */
  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError(`ManualClock start must be finite ms, got ${startMs}`);
    this.t = startMs;
  }

  /** Current reading in ms. */
  now(): number {
    return this.t;
  }

  /**
   * Moves time forward.
   * @param ms elapsed ms, finite and >= 0.
   * @throws RangeError if `ms` is negative or not finite.
   */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ManualClock.advance needs finite ms >= 0, got ${ms}`);
    this.t += ms;
  }

  /**
   * Jumps to an absolute reading in ms. May go backwards (to test how consumers cope with a
   * misbehaving clock).
   * @throws RangeError if `ms` is not finite.
   */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`ManualClock.set needs finite ms, got ${ms}`);
    this.t = ms;
  }
}

/**
 * Requests the next frame; the browser passes requestAnimationFrame/cancelAnimationFrame (see
 * {@link animationFrameScheduler}). A request fires its callback at most once.
 */
export interface FrameScheduler {
  /** Schedules `callback` for the next frame; returns a handle for {@link FrameScheduler.cancel}. */
  request(callback: () => void): number;
  /** Cancels a pending request; cancelling a fired or unknown handle is a no-op. */
  cancel(handle: number): void;
}

/**
 * A {@link FrameScheduler} over `globalThis.requestAnimationFrame` / `cancelAnimationFrame`
 * (the rAF timestamp is ignored: the loop times itself with its injected {@link Clock}).
 * @throws Error if requestAnimationFrame is not available (e.g. in Node).
 */
export function animationFrameScheduler(): FrameScheduler {
  const g = globalThis as {
    requestAnimationFrame?: (cb: (t: number) => void) => number;
    cancelAnimationFrame?: (handle: number) => void;
  };
  const raf = g.requestAnimationFrame;
  const caf = g.cancelAnimationFrame;
  if (typeof raf !== 'function' || typeof caf !== 'function') {
    throw new Error('animationFrameScheduler: requestAnimationFrame is not available in this environment');
  }
  return {
    request: (callback) => raf.call(globalThis, () => callback()),
    cancel: (handle) => caf.call(globalThis, handle),
  };
}
