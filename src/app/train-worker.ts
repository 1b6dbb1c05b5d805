/**
 * The training worker (issue 14): a module Web Worker that starts tfjs on wasm as the page does
 * (platform/tf-backend), trains the page's scene (session/remote-training's TrainingHost) in slices of
 * {@link SLICE_MS}, yielding to its message queue between them (and idling as the page's duty asks), and posts the weights, the step count
 * and the losses every {@link POST_EVERY_MS}. Created by app/worker-training.
 */
import { startWasmBackend } from '../platform/tf-backend';
import { idleAfter, TrainingHost, transferablesOf, type FromWorker, type ToWorker } from '../session/remote-training';

/** Training time between two looks at the message queue (ms). */
const SLICE_MS = 20;
/** Time between two posts of the weights to the page (ms). */
const POST_EVERY_MS = 200;

/** The worker's global scope as far as it is used here (the DOM lib's types describe a window). */
interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(msg: FromWorker, transfer?: Transferable[]): void;
  close(): void;
}
const scope = self as unknown as WorkerScope;
const host = new TrainingHost();
let lastPost = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
/** The share of its time the worker trains (the page lowers it while its frames are slow). */
let duty = 1;

const fail = (e: unknown): void => scope.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });

/** Steps taken since the last post (only new progress is posted). */
let unposted = false;

/**
 * One slice of training, a post when one is due (at once when training has just stopped), then back to the
 * message queue; with nothing to train (paused, or stopped by the divergence guard) the slices end until
 * the page's next sync starts them again.
 */
function slice(): void {
  timer = null;
  const start = performance.now();
  try {
    if (host.trainFor(SLICE_MS, () => performance.now()) > 0) unposted = true;
    const idle = !host.trains;
    if (unposted && (idle || performance.now() - lastPost >= POST_EVERY_MS)) {
      lastPost = performance.now();
      unposted = false;
      const msg = host.progress();
      if (msg !== null) scope.postMessage(msg, transferablesOf(msg.weights));
    }
    if (idle) return;
  } catch (e) {
    fail(e);
    return;
  }
  timer = setTimeout(slice, idleAfter(performance.now() - start, duty));
}

const started = startWasmBackend();
started.then(
  () => scope.postMessage({ type: 'ready' }),
  (e: unknown) => fail(e),
);
scope.onmessage = (e) => {
  const msg = e.data;
  void started.then(() => {
    if (msg.type === 'duty') {
      duty = msg.duty;
      return;
    }
    if (msg.type === 'close') {
      if (timer !== null) clearTimeout(timer);
      host.dispose();
      scope.close();
      return;
    }
    try {
      host.sync(msg);
    } catch (err) {
      fail(err);
      return;
    }
    if (timer === null) timer = setTimeout(slice, 0);
  }, () => undefined); // a backend that did not start was reported once
};
