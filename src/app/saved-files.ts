/**
 * Browser glue for the files a user saves and opens: preset JSON (config/preset-file) and weights
 * (models/weights-file via session/saved-weights). Reading checks the size before anything is read
 * and tells the two kinds apart; a saved file downloads through ui/dom download(). Nothing here touches
 * the running scene.
 */
import { PresetFileError, presetFromJson, type LoadedPreset } from '../config/preset-file';
import type { PlaygroundConfig } from '../config/playground-config';
import { MAX_WEIGHTS_CHARS, WEIGHTS_FORMAT, WeightsFileError } from '../models/weights-file';
import { readWeights, type ReadWeights } from '../session/saved-weights';

/** Largest preset or weights file opened (bytes), 32 MiB, the same as a data file. */
export const MAX_SAVED_FILE_BYTES = MAX_WEIGHTS_CHARS;

/** A file opened: a preset, or trained weights. */
export type SavedFile = { readonly kind: 'preset'; readonly preset: LoadedPreset } | { readonly kind: 'weights'; readonly read: ReadWeights };

/** Whether a dropped or picked file is one of ours (JSON) rather than data (CSV, image): by name, then by its first byte. */
export async function isSavedFile(file: File): Promise<boolean> {
  if (/\.json$/i.test(file.name)) return true;
  const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
  const first = head.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
  return first === 0x7b; // '{'
}

/**
 * Reads a preset or weights file. @throws PresetFileError or WeightsFileError with a message for the
 * user (too large, not JSON, neither kind, a newer version, malformed networks, ...).
 */
export async function readSavedFile(file: File, defaults: PlaygroundConfig): Promise<SavedFile> {
  if (file.size > MAX_SAVED_FILE_BYTES) throw new PresetFileError('too-large', `the file is ${(file.size / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_SAVED_FILE_BYTES / 2 ** 20} MiB`);
  const text = await file.text();
  // The format string sits near the start of the files we write; a hand-edited file may move it.
  if (text.includes(`"${WEIGHTS_FORMAT}"`)) return { kind: 'weights', read: readWeights(text, defaults) };
  return { kind: 'preset', preset: presetFromJson(text, defaults) };
}

/** The message of a failed read: ours as they are, anything else named as unexpected. */
export function savedFileMessage(name: string, e: unknown): string {
  const shown = name.length > 60 ? `${name.slice(0, 57)}...` : name;
  if (e instanceof PresetFileError || e instanceof WeightsFileError) return `${shown}: ${e.message}; the scene is unchanged`;
  return `Could not read ${shown}: ${e instanceof Error ? e.message : String(e)}; the scene is unchanged`;
}

/** A file name from free text: lower-case letters, digits and dashes, at most 60 characters. */
export function fileSlug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'scene';
}
