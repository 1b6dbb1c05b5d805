/**
 * One pending frame at a time on the injected {@link FrameScheduler}: a request while one is pending is a
 * no-op, and the callback of a cancelled request is ignored (its generation is stale), so a hidden tab or a
 * stopped loop never gets a late frame.
 */
import type { FrameScheduler } from './clock';

/** The game loop's frame requests. Without a scheduler (tests that tick by hand) it requests nothing. */
export class FrameRequests {
  private handle: number | null = null;
  /** Bumped whenever a pending frame is cancelled, so a stale callback is ignored. */
  private generation = 0;

  constructor(
    private readonly scheduler: FrameScheduler | undefined,
    private readonly onFrame: () => void,
  ) {}

  /** Asks for the next frame unless one is pending. */
  request(): void {
    if (!this.scheduler || this.handle !== null) return;
    const gen = this.generation;
    this.handle = this.scheduler.request(() => {
      if (gen !== this.generation) return; // stale callback from a cancelled request
      this.handle = null;
      this.onFrame();
    });
  }

  /** Cancels the pending frame, if any; its callback, should it still fire, does nothing. */
  cancel(): void {
    this.generation++;
    if (this.handle !== null) {
      this.scheduler?.cancel(this.handle);
      this.handle = null;
    }
  }
}
