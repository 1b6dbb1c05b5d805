/**
 * The start of the page: the tfjs backend (with a `?backend=` override, and the backends a lost GPU
 * left to skip), then the three.js stage on the same device where it can share it (`?renderer=webgl`
 * forces WebGL2); then the scene fitted to the machine from a short measured probe, and re-fitted when
 * the frame rate stays low (issue 14; the decisions are app/machine-fit's).
 */
import { ColorManagement } from 'three/webgpu';
import { defaultConfig, FRAME_TARGET_MS, withProfile, type PlaygroundConfig } from '../config/playground-config';
import type { GameLoop } from '../loop';
import { initTfBackend, parseBackendOverride, type BackendChoice, type BackendName } from '../platform/tf-backend';
import { Stage } from '../scene/stage';
import { sessionNoteStorage, takeRecovery, type NoteStorage, type RecoveryNote } from './device-recovery';
import { fitMachine, FITTED_KEYS, fitProfile, RefitWatch, type MachineFit, type ProbeMeasurement } from './machine-fit';
import { measureCosts, PROBE_BATCHES, PROBE_PARTICLES } from './machine-probe';
import type { SceneController, Toast } from './scene-controller';

/** What the start chose. */
export interface Started {
  readonly choice: BackendChoice;
  readonly stage: Stage;
  /** The GPUDevice tfjs and three share (GPU-to-GPU uploads), or null. */
  readonly sharedDevice: GPUDevice | null;
  /** Where a recovery note goes, or null. */
  readonly notes: NoteStorage | null;
  /** The note of a lost GPU this start recovers from, or null. */
  readonly recovered: RecoveryNote | null;
}

/**
 * The backend choice as the HUD names it after a lost GPU (`recovered`): "… · the webgpu GPU was lost
 * (reason); restarted on the CPU" instead of "no hardware GPU found" (what was passed over is explained by
 * the loss, not by missing hardware; the tooltip's reason keeps the whole story). Unchanged without a recovery note.
 */
export function recoveredChoice(choice: BackendChoice, recovered: Pick<RecoveryNote, 'lostBackend' | 'reason'> | null): BackendChoice {
  if (recovered === null) return choice;
  const where = choice.software ? 'restarted on the CPU' : `restarted on ${choice.name}`;
  return {
    ...choice,
    short: `${choice.short} · the ${recovered.lostBackend} GPU was lost (${recovered.reason.slice(0, 60)}); ${where}`,
    // The backends passed over now are explained by the loss (the tooltip's reason keeps the whole story).
    skipped: [],
  };
}

/** Chooses the backend and creates the stage; problems with the URL's choices are toasts. @throws Error if no renderer starts. */
export async function startBackendAndStage(canvas: HTMLCanvasElement, params: URLSearchParams, toast: Toast): Promise<Started> {
  let override: BackendName | null = null;
  try {
    override = parseBackendOverride(params.get('backend'));
  } catch (e) {
    toast(`${(e as Error).message}; choosing automatically`, 'error');
  }
  // After a lost GPU the page reloads with a note of the scene (app/recovery).
  const notes = sessionNoteStorage();
  const recovered = notes === null ? null : takeRecovery(notes, Date.now());
  const choice = recoveredChoice(await initTfBackend(override, recovered?.skip ?? []), recovered);
  // A backend that broke while starting (not merely absent) is worth a message: the scene runs slower than it should.
  for (const failure of choice.failed) toast(`tfjs backend ${failure}; running on ${choice.name} instead.`, 'error', 10);
  const rendererParam = params.get('renderer');
  if (rendererParam !== null && rendererParam !== 'webgl') toast(`unknown renderer '${rendererParam.slice(0, 20)}': the only choice is ?renderer=webgl; drawing with the default`, 'error');
  const forceWebGL = rendererParam === 'webgl' || (recovered?.skip.includes('webgpu') ?? false);
  // Software rendering (SwiftShader) pays for every pass and pixel on the CPU: one device pixel per CSS
  // pixel, and no separate colour-space pass (colours are then given and blended in sRGB, so colour
  // management is off before any colour is made).
  const soft = choice.software;
  if (soft) ColorManagement.enabled = false;
  const stage = await Stage.create({ canvas, device: forceWebGL ? null : choice.device, forceWebGL, antialias: !soft, pixelRatio: soft ? 1 : undefined, directOutput: soft, eagerFlush: soft });
  const sharedDevice = choice.device !== null && stage.backendName === 'WebGPU' && !forceWebGL ? choice.device : null;
  return { choice, stage, sharedDevice, notes, recovered };
}

/** After this long (ms) the probe measures no further sizes (a loaded machine or a slow software GPU). */
const PROBE_DEADLINE_MS = 1500;
/** Frames of the empty stage the probe times (the first ones are dropped). */
const PROBE_FRAMES = 6;

/** Mean ms between animation frames while the stage draws itself (the renderer's own cost, vsync included). */
async function frameTime(stage: Stage): Promise<number> {
  const times: number[] = [];
  await new Promise<void>((done) => {
    const frame = (): void => {
      stage.render();
      times.push(performance.now());
      if (times.length < PROBE_FRAMES) requestAnimationFrame(frame);
      else done();
    };
    requestAnimationFrame(frame);
  });
  return (times[times.length - 1] - times[2]) / (times.length - 3);
}

/**
 * The probe of issue 14 (a few hundred ms at start, on the tfjs backend in use): the costs of the scene's
 * network ({@link measureCosts}) and the frame time of the empty stage.
 * @param config the scene whose network, schedule and data set are measured (the defaults).
 */
export async function probeMachine(choice: BackendChoice, stage: Stage, config: PlaygroundConfig): Promise<ProbeMeasurement> {
  const costs = await measureCosts(config, choice.software ? PROBE_PARTICLES.software : PROBE_PARTICLES.gpu, PROBE_BATCHES, PROBE_DEADLINE_MS);
  return { backend: choice.name, software: choice.software, ...costs, frameMs: await frameTime(stage) };
}

/** What the start's fit chose: the defaults to use, and the fit (null when the probe failed). */
export interface FittedStart {
  readonly defaults: PlaygroundConfig;
  readonly fit: MachineFit | null;
  /** The probe's wall time, ms. */
  readonly probeMs: number;
}

/**
 * Fits the defaults to this machine (issue 14): `fallback` (the defaults for a GPU, or with CPU_PROFILE)
 * with the particles and batch that {@link fitMachine} chooses from {@link probeMachine}, never more than
 * the full defaults; the toast says what was measured and chosen (and a narrower network where it would
 * help: advice, never applied). A link that sets both fields needs no probe; a failed probe keeps `fallback`.
 * @param linkKeys the keys the link's hash sets (keysSetByLink).
 */
export async function fitSceneToMachine(choice: BackendChoice, stage: Stage, fallback: PlaygroundConfig, linkKeys: ReadonlySet<string>, toast: Toast): Promise<FittedStart> {
  const full = defaultConfig();
  const where = choice.software ? `the CPU (${choice.name})` : `the GPU (${choice.name})`;
  const t0 = performance.now();
  if (FITTED_KEYS.every((k) => linkKeys.has(k))) {
    if (choice.software) toast(`No hardware GPU: the math runs on ${where}. The link sets the particles and the batch, so no start-up probe was run.`, 'info', 8);
    return { defaults: fallback, fit: null, probeMs: 0 };
  }
  try {
    const m = await probeMachine(choice, stage, full);
    const fit = fitMachine(m, { particles: full.data.particles, batchSize: full.model.batchSize, width: full.model.width }, FRAME_TARGET_MS);
    const probeMs = performance.now() - t0;
    const narrower = fit.width < full.model.width ? ` A network of width ${fit.width} (model.width) would train faster here.` : '';
    toast(
      `Measured this machine in ${Math.round(probeMs)} ms: the math runs on ${where}; ${fit.particles.toLocaleString('en')} particles and batch ${fit.batchSize} fit a 30 fps frame (a network pass ${fit.forwardMs.toFixed(1)} ms, a training step ${fit.trainStepMs.toFixed(1)} ms). A link's own settings win.${narrower}`,
      'info',
      8,
    );
    return { defaults: withProfile(fallback, fitProfile(fit)), fit, probeMs };
  } catch (e) {
    toast(`The start-up probe failed (${(e as Error).message.slice(0, 80)}); using the ${choice.software ? 'CPU' : 'GPU'} defaults.`, 'error', 8);
    return { defaults: fallback, fit: null, probeMs: performance.now() - t0 };
  }
}

/** What the re-fit watch reads and changes. */
export interface RefitHost {
  readonly loop: GameLoop;
  readonly scene: Pick<SceneController, 'config' | 'refit'>;
  /** True while a recording runs (live or frame-exact). */
  readonly recording: () => boolean;
  readonly toast: Toast;
  /** Keys the link's hash set (see keysSetByLink; at start, or the last link pasted): never changed. */
  readonly locked: () => ReadonlySet<string>;
}

/**
 * Re-fits the scene when the frame rate stays below 90 % of 30 fps for 5 s ({@link RefitWatch}): fewer
 * particles first, then a smaller batch, with a toast, at most 3 times, never while recording or with
 * training or the loop stopped. Runs once a second of loop time. @returns a function that stops it.
 */
export function startRefitWatch(host: RefitHost): () => void {
  const watch = new RefitWatch({ targetFps: 1000 / FRAME_TARGET_MS });
  let t = 0;
  return host.loop.every(1000, () => {
    t += 1000;
    const c = host.scene.config;
    const busy = host.recording() || !host.loop.running || host.loop.hidden;
    const r = watch.sample(t, host.loop.stats.fps, { particles: c.data.particles, batchSize: c.model.batchSize, locked: host.locked(), busy });
    if (r === null) return;
    host.scene.refit(r); // the machine's baseline moves with it: the URL does not take the fit up
    host.toast(`${r.message}: the frame rate stayed below 30 fps, so the scene is lighter (re-fit ${watch.count} of 3).`, 'info', 8);
  });
}
