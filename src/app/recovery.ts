/**
 * Recovery from a lost GPU, wired to the running app: a lost device takes every tensor and buffer with
 * it, so a recent copy of the weights is kept off the GPU (on the loop's cadence, not while paused), and
 * on a loss the scene is written down and the page reloads, so the normal start rebuilds device,
 * renderer and tensors. On that start, {@link restoreRecovered} puts the user's points and weights back.
 * The note itself (storage, limits, repeated losses) is app/device-recovery.
 */
import { pointsFromCoordinates } from '../data/point-data';
import type { GameLoop } from '../loop';
import { readWeights, saveWeights } from '../session/saved-weights';
import { stashRecovery, watchDeviceLoss, type NoteStorage, type RecoveryNote } from './device-recovery';
import type { ProblemReport } from './file-intake';
import { savedFileMessage } from './saved-files';
import type { SceneController, Toast } from './scene-controller';

/** How often a copy of the trained weights is read back off the GPU for recovery from a lost device (ms). */
export const WEIGHTS_COPY_EVERY_MS = 5000;

/** What recovery watches and writes. */
export interface RecoveryParts {
  readonly canvas: HTMLCanvasElement;
  readonly device: GPUDevice | null;
  readonly loop: GameLoop;
  readonly scene: SceneController;
  /** Where the note goes (null: storage unavailable; the link alone carries the settings). */
  readonly notes: NoteStorage | null;
  /** The note this start recovered from, if any (a second loss soon after skips the backend). */
  readonly recovered: RecoveryNote | null;
  readonly toast: Toast;
}

/** Starts the weights copy and the device-loss watch. @returns a function that stops both. */
export function watchForLoss(parts: RecoveryParts): () => void {
  const { canvas, device, loop, scene, notes, recovered, toast } = parts;
  let weightsCopy: string | null = null;
  let copying = false;
  const cancelCopy = loop.every(WEIGHTS_COPY_EVERY_MS, () => {
    if (copying) return;
    copying = true;
    saveWeights(scene.session, 'recovery')
      .then((text) => (weightsCopy = text))
      .catch(() => undefined)
      .finally(() => (copying = false));
  });
  const stopWatching = watchDeviceLoss(canvas, device, (reason, lost) => {
    loop.stop();
    const custom = scene.config.data.source === 'custom' && scene.customData ? { dim: scene.customData.dim, points: scene.customData.points } : null;
    const kept = notes === null ? { weightsKept: false, customKept: false, written: false } : stashRecovery(notes, { hash: location.hash, weights: weightsCopy, custom, lostBackend: lost, reason, at: Date.now() }, recovered);
    const what = kept.written ? `restarting with the same settings${kept.weightsKept ? ' and the trained weights' : ''}` : 'restarting (the settings are in the link)';
    toast(`GPU lost: ${reason}. ${what[0].toUpperCase()}${what.slice(1)}…`, 'error', 10);
    setTimeout(() => location.reload(), 1500);
  });
  return () => {
    cancelCopy();
    stopWatching();
  };
}

/** After a restart from a lost GPU: the user's points, then the weights kept, back into the scene; the HUD says what came back. */
export function restoreRecovered(recovered: RecoveryNote, scene: SceneController, toast: Toast, report: ProblemReport): void {
  if (recovered.custom !== null) {
    try {
      scene.useData(pointsFromCoordinates(recovered.custom.points, recovered.custom.dim), 'Your points (kept across the restart)');
    } catch (e) {
      toast(`Your points could not be restored: ${(e as Error).message}`, 'error');
    }
  }
  if (recovered.weights !== null) {
    const source = 'the copy kept before the GPU was lost';
    try {
      const read = readWeights(recovered.weights, scene.defaults);
      report(source, read.problems);
      scene.useWeights(read, source);
    } catch (e) {
      toast(savedFileMessage('the weights kept before the GPU was lost', e), 'error');
    }
  }
  const avoided = recovered.skip.length > 0 ? ` ${recovered.skip.join(', ')} was lost twice, so it is skipped now.` : '';
  toast(`Recovered after ${recovered.reason}: settings${recovered.weights !== null ? ' and trained weights' : ''} restored.${avoided}`, 'info', 10);
}
