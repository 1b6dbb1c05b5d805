/**
 * The asynchronous readbacks a view has in flight, so that a frame-exact recording can wait for them
 * before it captures a frame (the views then show the same state in every recording of a clip).
 */

/** A set of promises in flight. */
export class PendingWork {
  private readonly live = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles (a rejection counts as settled and is not rethrown). @returns work. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.live.add(settled);
    void settled.then(() => this.live.delete(settled));
    return work;
  }

  /** Resolves once every piece of work tracked so far has settled (at once when none is in flight). */
  async whenIdle(): Promise<void> {
    while (this.live.size > 0) await Promise.all([...this.live]);
  }
}
