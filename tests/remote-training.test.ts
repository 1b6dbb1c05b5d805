/**
 * Training in a Web Worker (issue 14), minus the Worker: the page's session and the worker's TrainingHost in
 * one process, the messages passed through structuredClone with their buffers transferred, as postMessage does.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { PlaygroundConfig } from '../src/config/playground-config';
import { createSession, type Session } from '../src/session/create-session';
import { DiffusionSession } from '../src/session/diffusion-session';
import { GanSession } from '../src/session/gan-session';
import { assignNetworks, idleAfter, MIN_DUTY, nextDuty, readNetworks, TrainingHost, TrainingMirror, transferablesOf, WORKER_PARTICLES, type FromWorker, type NetworkWeights, type ProgressMessage, type SyncMessage, type ToWorker } from '../src/session/remote-training';
import { chooseTrainingThread, WorkerTraining, type TrainingPort } from '../src/app/worker-training';
import { settle, smallConfig } from './session-helpers';

const gan = (): PlaygroundConfig => smallConfig({ model: { kind: 'gan' }, data: { dataset: 'gaussians-8' } });

/** A clock that moves 1 ms each time it is read: trainFor(k) takes exactly k steps. */
function stepClock(): () => number {
  let t = 0;
  return () => t++;
}

/** A message as the other side receives it: cloned, its weight buffers transferred (the sender's detached). */
function deliver<T extends ToWorker | FromWorker>(msg: T): T {
  const weights = 'weights' in msg && msg.weights !== null ? transferablesOf(msg.weights) : [];
  return structuredClone(msg, { transfer: weights });
}

const flat = (w: NetworkWeights): number[] => Object.values(w).flatMap((vars) => vars.flatMap((v) => [...v.values]));

/** The host trains k steps and its progress reaches the page's session through the mirror. */
async function trainRemote(host: TrainingHost, mirror: TrainingMirror, page: Session, k: number, nowMs = 0): Promise<ProgressMessage> {
  expect(host.trainFor(k, stepClock())).toBe(k);
  await settle(); // the worker's loss readbacks land
  const msg = host.progress();
  if (msg === null) throw new Error('no progress');
  page.simulate(); // what the first step allocates (the particles' previous positions) is not the mirror's
  const before = tf.memory().numTensors;
  expect(mirror.receive(page, deliver(msg), nowMs)).toBe(true);
  page.simulate();
  // Taking the worker's weights leaves no tensor behind (the page's simulate() included: a GAN redraws G(z) into its particles).
  expect(tf.memory().numTensors).toBe(before);
  return msg;
}

describe('the weights between worker and page', () => {
  for (const [name, config] of [['DDPM', smallConfig()], ['GAN', gan()]] as const) {
    it(`${name}: read, transferred and assigned, the weights arrive equal and every variable is sent`, () => {
      const a = createSession(config);
      const b = createSession(config);
      for (let i = 0; i < 3; i++) a.trainStep(); // other weights than b's
      const sent = readNetworks(a);
      const expected = flat(sent);
      expect(flat(readNetworks(b))).not.toEqual(expected);
      const count = Object.values(sent).reduce((n, vars) => n + vars.length, 0);
      expect(transferablesOf(sent)).toHaveLength(count);
      const before = tf.memory().numTensors;
      assignNetworks(b, structuredClone(sent, { transfer: transferablesOf(sent) }));
      expect(tf.memory().numTensors).toBe(before);
      expect(flat(readNetworks(b))).toEqual(expected);
      a.dispose();
      b.dispose();
    });
  }

  it('weights of another shape are refused before any variable is written', () => {
    const page = createSession(smallConfig());
    const other = createSession(smallConfig({ model: { width: 32 } }));
    const kept = flat(readNetworks(page));
    expect(() => assignNetworks(page, readNetworks(other))).toThrow(RangeError);
    expect(flat(readNetworks(page))).toEqual(kept);
    page.dispose();
    other.dispose();
  });
});

describe('TrainingHost and TrainingMirror', () => {
  it('DDPM: the worker trains, the page takes its weights, steps and losses, with no tensor left behind', async () => {
    const page = createSession(smallConfig()) as DiffusionSession;
    const host = new TrainingHost();
    const mirror = new TrainingMirror();
    host.sync(deliver(mirror.sync(page, true)));
    const worker = host.current as DiffusionSession;
    expect(worker.particles.count).toBe(WORKER_PARTICLES);
    expect(flat(readNetworks(worker))).toEqual(flat(readNetworks(page)));
    const losses: [number, number][] = [];
    page.onLoss = (step, loss) => losses.push([step, loss]);
    await trainRemote(host, mirror, page, 25, 0);
    expect(page.trainSteps).toBe(25);
    expect(worker.trainSteps).toBe(25);
    expect(flat(readNetworks(page))).toEqual(flat(readNetworks(worker)));
    // The loss of step 10 or 20 (one readback in flight at a time) reached the page's chart hook.
    expect(losses.length).toBeGreaterThanOrEqual(1);
    for (const [step, loss] of losses) {
      expect(step % 10).toBe(0);
      expect(Number.isFinite(loss)).toBe(true);
    }
    expect(page.loss).toBe(losses[losses.length - 1][1]);
    // Two posts 1 s apart, 25 steps between them: 25 steps/s.
    await trainRemote(host, mirror, page, 25, 1000);
    expect(page.trainSteps).toBe(50);
    expect(mirror.stepsPerSecond).toBeCloseTo(25, 9);
    // Paused: the host trains nothing (the worker's slices stop until the next sync) and the rate reads 0.
    host.sync(deliver(mirror.sync(page, false, false)));
    expect(host.trains).toBe(false);
    expect(host.trainFor(50, () => 0)).toBe(0);
    expect(mirror.stepsPerSecond).toBe(0);
    host.sync(deliver(mirror.sync(page, true, false)));
    expect(host.trains).toBe(true);
    host.dispose();
    page.dispose();
  });

  it('GAN: the generator steps reach the page and its particles are redrawn from the worker\'s G', async () => {
    const page = createSession(gan()) as GanSession;
    const host = new TrainingHost();
    const mirror = new TrainingMirror();
    host.sync(deliver(mirror.sync(page, true)));
    const before = page.particles.version;
    await trainRemote(host, mirror, page, 4);
    expect(page.trainSteps).toBe(4);
    page.simulate();
    expect(page.particles.version).toBeGreaterThan(before);
    const worker = host.current as GanSession;
    worker.simulate();
    const expected = await worker.sampleReadback(50);
    const got = await page.sampleReadback(50);
    // The worker keeps the fewest particles, the page its own: the first latent draws differ, so compare G on one z.
    const z = tf.randomNormal([16, page.config.gan.latentDim], 0, 1, 'float32', 7) as tf.Tensor2D;
    const gPage = page.gan.generate(z);
    const gWorker = worker.gan.generate(z);
    expect([...(await gPage.data())]).toEqual([...(await gWorker.data())]);
    tf.dispose([z, gPage, gWorker]);
    expect(got).toHaveLength(expected.length);
    host.dispose();
    page.dispose();
  });

  it('a change of the page\'s config reaches the worker: a new network rebuilds it from the page\'s weights, a learning rate keeps its training', async () => {
    const config = smallConfig();
    const page = createSession(config) as DiffusionSession;
    const host = new TrainingHost();
    const mirror = new TrainingMirror();
    host.sync(deliver(mirror.sync(page, true)));
    await trainRemote(host, mirror, page, 12);
    expect(mirror.follow(page, true)).toBeNull(); // nothing changed
    // A learning rate: the config travels, the worker's own weights and steps go on, and its progress in flight still counts.
    host.trainFor(2, stepClock());
    const inFlight = host.progress() as ProgressMessage;
    page.apply({ ...config, model: { ...config.model, learningRate: 2e-3 } });
    const rate = mirror.follow(page, true) as SyncMessage;
    expect(rate.weights).toBeNull();
    expect(mirror.receive(page, deliver(inFlight), 0)).toBe(true);
    expect(page.trainSteps).toBe(14);
    host.sync(deliver(rate));
    const worker = host.current as DiffusionSession;
    expect(worker.trainSteps).toBe(14);
    expect(worker.trainer.training.learningRate).toBe(2e-3);
    // A wider network: the page rebuilt it, the worker takes the page's fresh weights and starts at step 0.
    page.apply({ ...page.config, model: { ...page.config.model, width: 32 } });
    const wider = mirror.follow(page, true) as SyncMessage;
    expect(wider.weights).not.toBeNull();
    expect(wider.trainSteps).toBe(0);
    host.sync(deliver(wider));
    expect(host.current).toBe(worker);
    expect(worker.trainSteps).toBe(0);
    expect(worker.net.variables[0].shape).toEqual(page.net.variables[0].shape);
    expect(flat(readNetworks(worker))).toEqual(flat(readNetworks(page)));
    // Reset weights on the page: new variables, sent.
    page.resetWeights();
    const reset = mirror.follow(page, true) as SyncMessage;
    expect(reset.weights).not.toBeNull();
    host.sync(deliver(reset));
    // A step the page took itself (step once while paused): the worker goes on from the page's weights and steps.
    page.trainStep();
    const stepped = mirror.follow(page, true) as SyncMessage;
    expect(stepped.weights).not.toBeNull();
    expect(stepped.trainSteps).toBe(1);
    host.sync(deliver(stepped));
    expect(worker.trainSteps).toBe(1);
    expect(flat(readNetworks(worker))).toEqual(flat(readNetworks(page)));
    // Pause: the worker is told and trains nothing.
    host.sync(deliver(mirror.follow(page, false) as SyncMessage));
    expect(host.trainFor(5, stepClock())).toBe(0);
    host.dispose();
    page.dispose();
  });

  it('another family on the page: the worker builds a GAN session; progress for an earlier sync is ignored', async () => {
    const page = createSession(smallConfig());
    const host = new TrainingHost();
    const mirror = new TrainingMirror();
    host.sync(deliver(mirror.sync(page, true)));
    host.trainFor(3, stepClock());
    const stale = host.progress() as ProgressMessage;
    const next = createSession(gan());
    host.sync(deliver(mirror.follow(next, true) as SyncMessage));
    expect(host.current).toBeInstanceOf(GanSession);
    expect(mirror.receive(next, deliver(stale), 0)).toBe(false);
    expect(next.trainSteps).toBe(0);
    host.dispose();
    page.dispose();
    next.dispose();
  });

  it('a divergence in the worker halves the page\'s learning rate and reaches onDivergence, without a sync back', async () => {
    const page = createSession(smallConfig()) as DiffusionSession;
    const host = new TrainingHost();
    const mirror = new TrainingMirror();
    host.sync(deliver(mirror.sync(page, true)));
    host.trainFor(2, stepClock());
    const worker = host.current as DiffusionSession;
    const rate = page.config.model.learningRate;
    worker.recoverFromDivergence(2);
    const events: number[] = [];
    page.onDivergence = (e) => events.push(e.learningRates.learningRate);
    const msg = host.progress() as ProgressMessage;
    expect(msg.divergences).toHaveLength(1);
    expect(mirror.receive(page, deliver(msg), 0)).toBe(true);
    expect(events).toEqual([rate / 2]);
    expect(page.config.model.learningRate).toBe(rate / 2);
    expect(page.trainer.training.learningRate).toBe(rate / 2);
    expect(mirror.follow(page, true)).toBeNull();
    host.dispose();
    page.dispose();
  });
});

describe('where training runs', () => {
  it('a worker only where tfjs runs on the CPU and Workers exist, unless ?training=page', () => {
    const none = new URLSearchParams('');
    expect(chooseTrainingThread('wasm', none, true)).toBe('worker');
    expect(chooseTrainingThread('cpu', none, true)).toBe('worker');
    expect(chooseTrainingThread('webgl', none, true)).toBe('page');
    expect(chooseTrainingThread('webgpu', none, true)).toBe('page');
    expect(chooseTrainingThread('wasm', none, false)).toBe('page');
    expect(chooseTrainingThread('wasm', new URLSearchParams('training=page'), true)).toBe('page');
  });

  it('the worker\'s duty: a fifth less below 95 % of the target frame rate, a tenth more above, within [MIN_DUTY, 1]', () => {
    expect(nextDuty(1, 20, 30)).toBeCloseTo(0.8, 12);
    expect(nextDuty(0.8, 28.4, 30)).toBeCloseTo(0.64, 12);
    expect(nextDuty(0.6, 28.4, 30)).toBe(MIN_DUTY);
    expect(nextDuty(0.5, 28.6, 30)).toBeCloseTo(0.55, 12);
    expect(nextDuty(0.95, 60, 30)).toBe(1);
    expect(nextDuty(MIN_DUTY, 5, 30)).toBe(MIN_DUTY);
    expect(nextDuty(0.7, Number.NaN, 30)).toBe(0.7);
    // Training 20 ms at duty d idles 20 (1 - d) / d ms: the worker trains a share d of its time.
    expect(idleAfter(20, 1)).toBe(0);
    expect(idleAfter(20, 0.5)).toBeCloseTo(20, 12);
    expect(idleAfter(20, 0.25)).toBeCloseTo(20, 12); // never idles more than MIN_DUTY allows (0.5: as long as it trained)
  });

  /** A port whose worker is a TrainingHost in this process. */
  class HostPort implements TrainingPort {
    onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
    onerror: ((e: ErrorEvent) => void) | null = null;
    readonly host = new TrainingHost();
    readonly sent: ToWorker[] = [];
    terminated = false;
    postMessage(msg: ToWorker, transfer: Transferable[]): void {
      const got = structuredClone(msg, { transfer: transfer as ArrayBuffer[] });
      this.sent.push(got);
      if (got.type === 'sync') this.host.sync(got);
    }
    terminate(): void {
      this.terminated = true;
    }
    emit(msg: FromWorker): void {
      this.onmessage?.({ data: deliver(msg) } as MessageEvent<FromWorker>);
    }
  }

  it('the page side: the page trains until the worker is ready, then the worker; a recording trains in the page; an error falls back once', async () => {
    let page = createSession(smallConfig());
    const port = new HostPort();
    const toasts: string[] = [];
    const remote = new WorkerTraining('worker', () => page, (m) => toasts.push(m), () => 0, () => port);
    expect(remote.thread).toBe('page');
    expect(remote.update(true, false)).toBe(false);
    port.emit({ type: 'ready' });
    expect(remote.update(true, false)).toBe(true);
    expect(remote.thread).toBe('worker');
    expect(port.sent).toHaveLength(1);
    // Slow frames: the worker is asked to train a smaller share of its time, then more once they recover.
    remote.pace(20, 30);
    expect(port.sent.at(-1)).toEqual({ type: 'duty', duty: 0.8 });
    expect(remote.workerDuty).toBeCloseTo(0.8, 12);
    remote.pace(40, 30);
    expect(remote.workerDuty).toBeCloseTo(0.88, 12);
    port.host.trainFor(7, stepClock());
    port.emit(port.host.progress() as ProgressMessage);
    expect(page.trainSteps).toBe(7);
    // A frame-exact recording: the page trains, the worker is paused, its progress in flight is not taken.
    port.host.trainFor(2, stepClock());
    const inFlight = port.host.progress() as ProgressMessage;
    expect(remote.update(true, true)).toBe(false);
    port.emit(inFlight);
    expect(page.trainSteps).toBe(7);
    expect(remote.thread).toBe('page');
    expect(port.host.trainFor(3, stepClock())).toBe(0);
    page.trainStep();
    // After it, the worker starts from the page's weights and steps.
    expect(remote.update(true, false)).toBe(true);
    expect((port.sent.at(-1) as SyncMessage).trainSteps).toBe(8);
    expect(port.host.current?.trainSteps).toBe(8);
    expect(flat(readNetworks(port.host.current as Session))).toEqual(flat(readNetworks(page)));
    // Another session (a model of another family): sent whole.
    page.dispose();
    page = createSession(gan());
    remote.update(true, false);
    expect(port.host.current).toBeInstanceOf(GanSession);
    // An error: back to the page for good, one message.
    port.emit({ type: 'error', message: 'boom' });
    port.emit({ type: 'error', message: 'boom again' });
    expect(port.terminated).toBe(true);
    expect(remote.thread).toBe('page');
    expect(remote.update(true, false)).toBe(false);
    expect(toasts).toHaveLength(1);
    expect(toasts[0]).toContain('boom');
    port.host.dispose();
    page.dispose();
  });
});
