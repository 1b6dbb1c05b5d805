/**
 * Pacing of a live recording: which of the running loop's renders become frames, when each frame is
 * stamped, and what happens when the encoder falls behind. Pure (no DOM): the sink is handed in, so the
 * pacing is unit-tested in Node with a fake slow sink.
 *
 * - Real time: a frame is stamped with the recorded time at which it was drawn (the clock, not its index),
 *   so a clip lasts as long as the recording did however slowly the loop renders. At most one frame per
 *   1 / fps slot of recorded time is taken, stamped with its slot's start floor(t fps) / fps: the clock on
 *   the track's frame grid (mediabunny snaps a track with a frame rate to that grid, and two frames
 *   rounded onto one grid point would share a timestamp).
 * - Back-pressure by dropping: while the previous frame is still with the encoder (its `add` has not
 *   resolved), a due frame is dropped rather than queued, and counted. The encoder's queue thus holds at
 *   most one frame of ours, and memory stays flat however slow the encoder is.
 */

/** Takes the frame drawn just now (synchronously, before it returns); resolves when it can take the next. */
export type AddFrame = (index: number, timestamp: number, duration: number) => Promise<void>;

/** What became of one render offered to the pacer. */
export type LiveOffer = 'captured' | 'dropped' | 'early';

/** Paces one live recording. */
export class LivePacer {
  /** Frames handed to the sink. */
  written = 0;
  /** Due frames dropped because the sink was still busy with the previous one. */
  dropped = 0;
  private lastSlot = -1;
  private busy = false;
  private last: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  /**
   * @param fps frames per second at most, a positive integer. @param add the sink.
   * @param onError called once with the sink's first failure (nothing is captured after it).
   * @throws RangeError if fps is not a positive integer.
   */
  constructor(readonly fps: number, private readonly add: AddFrame, private readonly onError: (e: unknown) => void = () => undefined) {
    if (!Number.isInteger(fps) || fps <= 0) throw new RangeError(`fps must be a positive integer, got ${fps}`);
  }

  /**
   * A render was drawn at `seconds` of recorded time (>= 0, non-decreasing across calls). If a new 1 / fps
   * slot has begun and the sink is free, `capture` copies the frame and the sink gets it stamped with the
   * slot's start floor(seconds fps) / fps, with the nominal duration 1 / fps ('captured'); if the sink is still busy the frame is dropped
   * ('dropped', once per slot); inside a slot already served nothing happens ('early').
   */
  offer(seconds: number, capture: () => void): LiveOffer {
    if (this.failure !== null) return 'early';
    const slot = Math.floor(seconds * this.fps);
    if (slot <= this.lastSlot) return 'early';
    this.lastSlot = slot;
    if (this.busy) {
      this.dropped++;
      return 'dropped';
    }
    capture();
    const index = this.written++;
    this.busy = true;
    this.last = this.add(index, slot / this.fps, 1 / this.fps).then(
      () => {
        this.busy = false;
      },
      (error: unknown) => {
        this.busy = false;
        if (this.failure !== null) return;
        this.failure = { error };
        this.onError(error);
      },
    );
    return 'captured';
  }

  /** Waits for the frame with the sink. @returns the frames written. @throws the sink's failure, if any. */
  async drain(): Promise<number> {
    await this.last;
    if (this.failure !== null) throw this.failure.error;
    return this.written;
  }
}
