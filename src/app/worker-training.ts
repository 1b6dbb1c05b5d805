/**
 * The page's side of training in a Web Worker (issue 14). Where tfjs runs on the CPU (wasm, cpu) the
 * page's frame leaves training about 3 ms while the second core idles; there a worker
 * (app/train-worker) trains a copy of the scene and the page's session takes its weights a few times a
 * second (session/remote-training). On a GPU backend (webgpu, webgl) training stays in the frame loop:
 * the GPU is shared. Frame-exact recordings train in the page (same seed, same clip) and hand back after.
 * A worker that fails falls back to in-page training with one message, for good.
 */
import type { BackendChoice } from '../platform/tf-backend';
import type { Session } from '../session/create-session';
import { nextDuty, TrainingMirror, transferablesOf, type FromWorker, type SyncMessage, type ToWorker, type TrainingThread } from '../session/remote-training';
import type { Toast } from './scene-controller';

/**
 * Where training runs, resolved once at start: 'worker' when tfjs runs on wasm or cpu and Workers exist,
 * unless `?training=page` asks for the frame loop; 'page' on webgpu / webgl (the GPU is shared) and otherwise.
 */
export function chooseTrainingThread(backend: BackendChoice['name'], search: URLSearchParams, workers = typeof Worker !== 'undefined'): TrainingThread {
  if (search.get('training') === 'page') return 'page';
  return workers && (backend === 'wasm' || backend === 'cpu') ? 'worker' : 'page';
}

/** The minimum of a Worker this uses (a real one, or a stand-in in tests). */
export interface TrainingPort {
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
  postMessage(msg: ToWorker, transfer: Transferable[]): void;
  terminate(): void;
}

/** The training worker module (Vite bundles it as a module worker). */
export function startTrainingWorker(): TrainingPort {
  return new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: 'training' }) as unknown as TrainingPort;
}

/** Keeps the worker told of the page's session and takes its training into the page. */
export class WorkerTraining {
  private port: TrainingPort | null = null;
  private ready = false;
  /** The page trains for now (a frame-exact recording): the worker waits. */
  private onPage = false;
  private failed = false;
  private duty = 1;
  private readonly mirror = new TrainingMirror();

  /**
   * @param chosen where training runs (see {@link chooseTrainingThread}); 'page' starts no worker.
   * @param session the page's running session, read on every message.
   * @param now the page clock (ms), for the worker's steps per second.
   */
  constructor(
    readonly chosen: TrainingThread,
    private readonly session: () => Session,
    private readonly toast: Toast,
    private readonly now: () => number,
    start: () => TrainingPort = startTrainingWorker,
  ) {
    if (chosen !== 'worker') return;
    try {
      const port = start();
      port.onmessage = (e) => this.receive(e.data);
      port.onerror = (e) => this.fail(e.message || 'the worker stopped');
      this.port = port;
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }

  /** Where training runs now: 'worker' while the worker trains the scene, else 'page'. */
  get thread(): TrainingThread {
    return this.port !== null && this.ready && !this.onPage ? 'worker' : 'page';
  }

  /** The worker's training steps per second (0 while the page trains). */
  get stepsPerSecond(): number {
    return this.thread === 'worker' ? this.mirror.stepsPerSecond : 0;
  }

  /** Why the worker's training stopped (divergence), or null (also while the page trains). */
  get trainingStopped(): string | null {
    return this.thread === 'worker' ? this.mirror.trainingStopped : null;
  }

  /**
   * Once a frame and from the loop's training hook: tells the worker what changed in the page's session.
   * @param training false while training is paused.
   * @param recording a frame-exact recording runs: the page trains, the worker waits.
   * @returns true when the worker trains (the page must not).
   */
  update(training: boolean, recording: boolean): boolean {
    const port = this.port;
    if (port === null || !this.ready) return false;
    const session = this.session();
    if (recording) {
      // The page's training takes over from the worker's last weights.
      if (!this.onPage) {
        this.post(this.mirror.sync(session, false, false));
        this.mirror.forget(); // progress still in flight is not taken: the clip is the page's own training
      }
      this.onPage = true;
      return false;
    }
    if (this.onPage) {
      this.onPage = false;
      this.mirror.forget(); // the page trained meanwhile: the worker starts from its weights
    }
    const msg = this.mirror.follow(session, training);
    if (msg !== null) this.post(msg);
    return true;
  }

  /**
   * Every second or so: the worker trains a smaller share of its time while the page's frames are below
   * `targetFps` and a larger one above it (see nextDuty), so that training never takes the frame rate.
   */
  pace(fps: number, targetFps: number): void {
    if (this.thread !== 'worker') return;
    const duty = nextDuty(this.duty, fps, targetFps);
    if (duty === this.duty) return;
    this.duty = duty;
    this.port?.postMessage({ type: 'duty', duty }, []);
  }

  /** The share of its time the worker trains (1: all of it). */
  get workerDuty(): number {
    return this.duty;
  }

  /** Stops the worker. */
  dispose(): void {
    this.port?.postMessage({ type: 'close' }, []);
    this.port = null;
  }

  private post(msg: SyncMessage): void {
    this.port?.postMessage(msg, msg.weights === null ? [] : transferablesOf(msg.weights));
  }

  private receive(msg: FromWorker): void {
    if (msg.type === 'ready') {
      this.ready = true;
      this.mirror.forget();
    } else if (msg.type === 'error') {
      this.fail(msg.message);
    } else {
      try {
        this.mirror.receive(this.session(), msg, this.now());
      } catch (e) {
        this.fail(e instanceof Error ? e.message : String(e));
      }
    }
  }

  /** Falls back to training in the page, for good, with one message. */
  private fail(why: string): void {
    if (this.failed) return;
    this.failed = true;
    const port = this.port;
    this.port = null;
    this.ready = false;
    port?.terminate();
    this.toast(`Training in a worker failed (${why}): training in the page instead.`, 'error', 8);
  }
}
