/**
 * A {@link FrameScheduler} that lets a frame run only when `ready()` is true, re-asking the inner
 * scheduler until then. Used for GPU back-pressure: with WebGPU, tfjs work is queued asynchronously,
 * so the next frame waits until the GPU has finished the previous one instead of piling up work.
 */
import type { FrameScheduler } from './clock';

/** @param inner e.g. animationFrameScheduler(); @param ready polled once per inner frame. */
export function gatedScheduler(inner: FrameScheduler, ready: () => boolean): FrameScheduler {
  const live = new Map<number, number>();
  let next = 1;
  return {
    request(callback) {
      const id = next++;
      const attempt = (): void => {
        if (!live.has(id)) return;
        if (ready()) {
          live.delete(id);
          callback();
        } else {
          live.set(id, inner.request(attempt));
        }
      };
      live.set(id, inner.request(attempt));
      return id;
    },
    cancel(id) {
      const h = live.get(id);
      if (h !== undefined) inner.cancel(h);
      live.delete(id);
    },
  };
}
