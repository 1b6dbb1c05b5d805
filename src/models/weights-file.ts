/**
 * The weights file: trained networks saved so that a talk can start from a trained model. Pure code
 * (no DOM, no tfjs): plain arrays in, one JSON text out, and back, with every field checked.
 *
 * Format (version 2), one JSON object:
 * ```
 * { "format": "generative-playground-weights", "version": 2,
 *   "name": "two moons, 3 x 128", "trainSteps": 4000, "savedAt": "2026-11-29T19:00:00.000Z",
 *   "timeScale": 50,
 *   "config": { ...the scene's whole config... },
 *   "networks": { "net": [ { "shape": [2, 128], "data": "<base64 of little-endian float32>" }, ... ],
 *                 "ema": [ ... ] } }
 * ```
 * Each network is its variables in their fixed order (FieldNetwork.variables, DenseNetwork.variables);
 * `data` is the raw IEEE-754 float32 bytes, little-endian, base64 (so values round-trip exactly).
 * The config is kept as untrusted JSON here; the session layer validates it (session/saved-weights).
 * `timeScale` is the position scale of the time embedding the networks were trained with (time-scale.ts).
 * Version 1 had no `timeScale`: its networks are read with the scale they were trained at
 * ({@link legacyTimeScale}: 1000 for DDPM, 50 otherwise), so old files load and sample as before.
 */
import { legacyTimeScale, TIME_SCALE } from './time-scale';

/** The `format` string of a weights file. */
export const WEIGHTS_FORMAT = 'generative-playground-weights';
/** The version this code writes and the newest it reads (2: `timeScale`, issue 16; 1 is still read). */
export const WEIGHTS_VERSION = 2;
/** Longest weights file read (characters of JSON), 32 MiB: a 6 x 512 network with its EMA copy is about 14 MiB. */
export const MAX_WEIGHTS_CHARS = 32 * 2 ** 20;
/** Most float32 values in one file (all networks together). */
export const MAX_WEIGHT_VALUES = 8 * 2 ** 20;
const MAX_NETWORKS = 8;
const MAX_TENSORS = 64;
const NETWORK_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Why a weights file was refused: a short code for tests, and a message for the user. */
export class WeightsFileError extends Error {
  override readonly name = 'WeightsFileError';
  constructor(
    readonly code: 'too-large' | 'not-json' | 'not-weights' | 'version' | 'malformed' | 'non-finite' | 'mismatch',
    message: string,
  ) {
    super(message);
  }
}

/** One weight tensor: its shape (1 or 2 positive integers) and its values, row-major. */
export interface WeightTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** What a weights file holds. */
export interface WeightsDocument {
  /** A label for people (at most 100 characters, control characters removed). */
  readonly name: string;
  /** Training steps the weights had taken (integer >= 0). */
  readonly trainSteps: number;
  /** The config the weights were trained under: untrusted JSON until validated. */
  readonly config: unknown;
  /** Network name ('net', 'ema', 'generator', 'critic', ...) -> its tensors in variable order. */
  readonly networks: Readonly<Record<string, readonly WeightTensor[]>>;
  /** When the file was written (ISO 8601), informational. */
  readonly savedAt?: string;
  /** Time embedding scale of the networks (FieldNetwork.spec.timeScale), in (0, 1e5]; default {@link TIME_SCALE} when writing. */
  readonly timeScale?: number;
}

/** Base64 of the little-endian float32 bytes of `values`. */
export function floatsToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The float32 values of a base64 string ({@link floatsToBase64}). @throws WeightsFileError on bad base64 or length. */
export function base64ToFloats(text: string, expected: number, where: string): Float32Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new WeightsFileError('malformed', `${where}: data is not base64`);
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new WeightsFileError('malformed', `${where}: data is not base64`);
  }
  if (binary.length !== expected * 4) throw new WeightsFileError('malformed', `${where}: data holds ${Math.floor(binary.length / 4)} values, the shape says ${expected}`);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) {
    const v = view.getFloat32(4 * i, true);
    if (!Number.isFinite(v)) throw new WeightsFileError('non-finite', `${where}: holds a ${Number.isNaN(v) ? 'NaN' : 'infinite'} weight (value ${i}); the model had diverged when it was saved`);
    out[i] = v;
  }
  return out;
}

/** A label safe to show: a string of at most 100 printable characters, else `fallback`. */
export function cleanName(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback;
  const s = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim().slice(0, 100);
  return s.length > 0 ? s : fallback;
}

/** Writes a weights file (JSON text). @throws RangeError on shapes that do not match their values or non-finite weights. */
export function encodeWeights(doc: WeightsDocument): string {
  const networks: Record<string, { shape: number[]; data: string }[]> = {};
  for (const [name, tensors] of Object.entries(doc.networks)) {
    if (!NETWORK_NAME.test(name)) throw new RangeError(`bad network name '${name}'`);
    networks[name] = tensors.map((t, i) => {
      const size = t.shape.reduce((a, b) => a * b, 1);
      if (size !== t.values.length) throw new RangeError(`${name}[${i}]: shape ${t.shape.join('x')} does not match ${t.values.length} values`);
      if (!t.values.every(Number.isFinite)) throw new RangeError(`${name}[${i}]: non-finite weights cannot be saved`);
      return { shape: [...t.shape], data: floatsToBase64(t.values) };
    });
  }
  return JSON.stringify({
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    name: cleanName(doc.name, 'weights'),
    trainSteps: doc.trainSteps,
    savedAt: doc.savedAt ?? new Date().toISOString(),
    timeScale: doc.timeScale ?? TIME_SCALE,
    config: doc.config,
    networks,
  });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads a weights file (version 1 or 2). Checks the size, that it is JSON, the format and version, the
 * time scale (version 2; version 1 gets its legacy scale), the network names,
 * every shape (1 or 2 positive integer dimensions up to 65536, at most {@link MAX_WEIGHT_VALUES} values
 * in all), that each tensor's data is base64 of exactly its shape's values, and that every weight is
 * finite. Only own properties are read. The config is returned as is (untrusted).
 * @throws WeightsFileError with a one-line message naming the problem.
 */
export function decodeWeights(text: string): WeightsDocument {
  if (typeof text !== 'string') throw new WeightsFileError('malformed', 'a weights file is text');
  if (text.length > MAX_WEIGHTS_CHARS) throw new WeightsFileError('too-large', `the file is ${(text.length / 2 ** 20).toFixed(1)} MiB; the limit for weights is ${MAX_WEIGHTS_CHARS / 2 ** 20} MiB`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new WeightsFileError('not-json', `not a JSON file (${String((e as Error).message).slice(0, 80)})`);
  }
  if (!isPlainObject(raw) || raw.format !== WEIGHTS_FORMAT) throw new WeightsFileError('not-weights', `not a weights file of the Generative Playground (its "format" must be "${WEIGHTS_FORMAT}")`);
  const version = raw.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw new WeightsFileError('version', `"version" must be a positive integer`);
  if (version > WEIGHTS_VERSION) throw new WeightsFileError('version', `the file is version ${version}, written by a newer Generative Playground; this one reads version ${WEIGHTS_VERSION}`);
  const timeScale = version === 1 ? legacyTimeScale(isPlainObject(raw.config) && isPlainObject(raw.config.model) ? raw.config.model.kind : undefined) : raw.timeScale;
  if (typeof timeScale !== 'number' || !(timeScale > 0 && timeScale <= 1e5)) throw new WeightsFileError('malformed', '"timeScale" must be a number in (0, 100000]');
  const steps = raw.trainSteps;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0 || steps > 1e12) throw new WeightsFileError('malformed', '"trainSteps" must be an integer >= 0');
  if (!isPlainObject(raw.networks)) throw new WeightsFileError('malformed', '"networks" must be an object of name -> list of tensors');
  const entries = Object.entries(raw.networks);
  if (entries.length === 0 || entries.length > MAX_NETWORKS) throw new WeightsFileError('malformed', `"networks" must hold 1 to ${MAX_NETWORKS} networks`);
  let total = 0;
  const networks: Record<string, WeightTensor[]> = {};
  for (const [name, list] of entries) {
    if (!NETWORK_NAME.test(name)) throw new WeightsFileError('malformed', `bad network name ${JSON.stringify(name.slice(0, 40))}`);
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_TENSORS) throw new WeightsFileError('malformed', `network '${name}' must be a list of 1 to ${MAX_TENSORS} tensors`);
    networks[name] = list.map((t: unknown, i) => {
      const where = `${name}[${i}]`;
      if (!isPlainObject(t)) throw new WeightsFileError('malformed', `${where} must be an object {shape, data}`);
      const shape = t.shape;
      if (!Array.isArray(shape) || shape.length < 1 || shape.length > 2 || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 65536)) {
        throw new WeightsFileError('malformed', `${where}: "shape" must be 1 or 2 integers in [1, 65536]`);
      }
      const size = (shape as number[]).reduce((a, b) => a * b, 1);
      total += size;
      if (total > MAX_WEIGHT_VALUES) throw new WeightsFileError('too-large', `more than ${MAX_WEIGHT_VALUES} weights in all`);
      if (typeof t.data !== 'string') throw new WeightsFileError('malformed', `${where}: "data" must be a base64 string`);
      return { shape: [...(shape as number[])], values: base64ToFloats(t.data, size, where) };
    });
  }
  return {
    name: cleanName(raw.name, 'weights'),
    trainSteps: steps,
    config: raw.config,
    networks,
    savedAt: typeof raw.savedAt === 'string' ? raw.savedAt.slice(0, 40) : undefined,
    timeScale,
  };
}
