/**
 * The start of the page: the tfjs backend (with a `?backend=` override, and the backends a lost GPU
 * left to skip), then the three.js stage on the same device where it can share it (`?renderer=webgl`
 * forces WebGL2).
 */
import { ColorManagement } from 'three/webgpu';
import { initTfBackend, parseBackendOverride, type BackendChoice, type BackendName } from '../platform/tf-backend';
import { Stage } from '../scene/stage';
import { sessionNoteStorage, takeRecovery, type NoteStorage, type RecoveryNote } from './device-recovery';
import type { Toast } from './scene-controller';

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
