/**
 * Surviving a lost GPU device (issue 8): WebGPU's `device.lost` or a lost WebGL context takes every
 * tensor and buffer with it. The app keeps a recent copy of the trained weights off the GPU (a weights
 * file, see saved-weights), and on a loss writes the scene (URL hash, weights, the user's own points)
 * to sessionStorage and reloads: the normal start path rebuilds device, renderer and tensors, and
 * picks up the note. A second loss of the same backend soon after makes the next start skip it, so the
 * app falls back to the next backend instead of looping.
 *
 * Browser-free: storage is injected (sessionStorage in the app, a Map in tests).
 */
import { base64ToFloats, floatsToBase64 } from '../models/weights-file';

/** The sessionStorage key of the note. */
export const RECOVERY_KEY = 'generative-playground:recovery';
/** A note older than this is ignored (ms): it belongs to another visit. */
export const RECOVERY_MAX_AGE_MS = 5 * 60_000;
/** A loss within this long of the previous recovery counts as repeated (ms): the lost backend is skipped next time. */
export const REPEATED_LOSS_MS = 60_000;
/** Most coordinates of the user's own points carried across the restart (4 bytes each, base64 in storage). */
export const MAX_CARRIED_COORDINATES = 400_000;

/** The minimal Storage this needs (sessionStorage satisfies it). */
export interface NoteStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What survives a restart after a device loss. */
export interface RecoveryNote {
  /** URL hash of the scene (with '#', or empty). */
  readonly hash: string;
  /** A weights file (JSON text) of the latest copy, or null when none was taken yet or it did not fit. */
  readonly weights: string | null;
  /** The user's own points, row-major, or null (built-in data, or too many to carry). */
  readonly custom: { readonly dim: 2 | 3; readonly points: Float32Array } | null;
  /** The tfjs backend that was lost. */
  readonly lostBackend: string;
  /** The browser's reason (device.lost message, 'WebGL context lost'). */
  readonly reason: string;
  /** When the loss happened (ms since the epoch). */
  readonly at: number;
  /** Backends to skip at the next start (grows with repeated losses). */
  readonly skip: readonly string[];
}

/** What {@link stashRecovery} managed to keep. */
export interface StashResult {
  readonly weightsKept: boolean;
  readonly customKept: boolean;
  /** The note was written at all (storage may be unavailable or full). */
  readonly written: boolean;
}

/**
 * Writes the note for the next start. A previous note less than {@link REPEATED_LOSS_MS} old that lost
 * the same backend (the recovery itself failed again) adds that backend to `skip`. When storage is
 * full, the note is retried without the custom points, then without the weights.
 */
export function stashRecovery(storage: NoteStorage, note: Omit<RecoveryNote, 'skip'>, previous: RecoveryNote | null): StashResult {
  const recent = previous !== null && note.at - previous.at < REPEATED_LOSS_MS;
  const skip = recent ? [...new Set([...previous.skip, ...(previous.lostBackend === note.lostBackend ? [note.lostBackend] : [])])] : [];
  const custom = note.custom !== null && note.custom.points.length <= MAX_CARRIED_COORDINATES ? note.custom : null;
  const attempts: [string | null, RecoveryNote['custom']][] = [
    [note.weights, custom],
    [note.weights, null],
    [null, null],
  ];
  for (const [weights, points] of attempts) {
    const body = {
      hash: note.hash,
      weights,
      custom: points === null ? null : { dim: points.dim, count: points.points.length / points.dim, data: floatsToBase64(points.points) },
      lostBackend: note.lostBackend,
      reason: note.reason.slice(0, 300),
      at: note.at,
      skip,
    };
    try {
      storage.setItem(RECOVERY_KEY, JSON.stringify(body));
      return { weightsKept: weights !== null, customKept: points !== null, written: true };
    } catch {
      // QuotaExceededError: try a smaller note.
    }
  }
  return { weightsKept: false, customKept: false, written: false };
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Reads and removes the note of a device loss, or null when there is none, it is older than
 * {@link RECOVERY_MAX_AGE_MS}, or it is malformed (it is our own data, but storage can be edited).
 * Never throws.
 */
export function takeRecovery(storage: NoteStorage, now: number): RecoveryNote | null {
  let text: string | null;
  try {
    text = storage.getItem(RECOVERY_KEY);
    storage.removeItem(RECOVERY_KEY);
  } catch {
    return null;
  }
  if (text === null || text.length > 64 * 2 ** 20) return null;
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    if (typeof raw !== 'object' || raw === null) return null;
    const { hash, weights, custom, lostBackend, reason, at, skip } = raw;
    if (typeof hash !== 'string' || typeof lostBackend !== 'string' || typeof reason !== 'string' || typeof at !== 'number' || !isStringArray(skip)) return null;
    if (weights !== null && typeof weights !== 'string') return null;
    if (!(now - at >= 0 && now - at < RECOVERY_MAX_AGE_MS)) return null;
    let points: RecoveryNote['custom'] = null;
    if (custom !== null && typeof custom === 'object') {
      const c = custom as Record<string, unknown>;
      if ((c.dim === 2 || c.dim === 3) && Number.isInteger(c.count) && typeof c.data === 'string' && (c.count as number) * c.dim <= MAX_CARRIED_COORDINATES) {
        points = { dim: c.dim, points: base64ToFloats(c.data, (c.count as number) * c.dim, 'recovered points') };
      }
    }
    return { hash, weights, custom: points, lostBackend, reason, at, skip };
  } catch {
    return null;
  }
}

/** sessionStorage, or null where the browser refuses it (sandboxed frames, storage disabled). */
export function sessionNoteStorage(): NoteStorage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Calls `onLost` once (with what was lost) when the GPU goes away: the shared WebGPU device is lost (for any reason but our
 * own teardown), or the canvas's WebGL context is lost. @returns a function that stops watching (call
 * it before tearing down on purpose).
 */
export function watchDeviceLoss(canvas: HTMLCanvasElement, device: GPUDevice | null, onLost: (reason: string, lost: 'webgpu' | 'webgl') => void): () => void {
  let active = true;
  const fire = (reason: string, lost: 'webgpu' | 'webgl'): void => {
    if (!active) return;
    active = false;
    onLost(reason, lost);
  };
  const onContextLost = (e: Event): void => {
    e.preventDefault(); // lets the browser restore the context; we rebuild everything anyway
    fire('the WebGL context was lost', 'webgl');
  };
  canvas.addEventListener('webglcontextlost', onContextLost);
  device?.lost.then(
    (info) => fire(`the WebGPU device was lost (${info.reason}${info.message ? `: ${info.message.slice(0, 160)}` : ''})`, 'webgpu'),
    () => undefined,
  );
  return () => {
    active = false;
    canvas.removeEventListener('webglcontextlost', onContextLost);
  };
}
