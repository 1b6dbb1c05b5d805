/**
 * The user's own points as a session takes them: the limits of what is read, the one error type of every
 * loader ({@link DataLoadError}, its message naming the problem and, for CSV, where), and the normalisation
 * to zero mean and unit variance with the transform back to the original units. Pure: no files, no DOM.
 */
import type { PointSet } from './datasets';

/** Largest input accepted, in bytes (64 MiB): a CSV of about 2 million short rows, or a large image. */
export const MAX_DATA_BYTES = 64 * 1024 * 1024;
/** Most data rows a CSV may have (1,000,000); more is rejected rather than subsampled. */
export const MAX_ROWS = 1_000_000;
/** Most pixels an image may have (4096 x 4096); its RGBA decode then takes at most 64 MiB. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;
/** Points drawn from an image unless asked otherwise. */
export const DEFAULT_IMAGE_POINTS = 20_000;
/**
 * Pixel weights (darkness or alpha, in [0, 1]) below this count as 0, so that the faint noise of a
 * JPEG's white background or a scan's paper does not spread points over the whole frame.
 */
export const IMAGE_WEIGHT_FLOOR = 0.1;

/** What was wrong with the input. */
export type DataErrorCode =
  | 'empty' // no bytes, or no data rows
  | 'too-large' // over MAX_DATA_BYTES or MAX_ROWS or MAX_IMAGE_PIXELS
  | 'binary' // not text: an archive, another binary format, UTF-16
  | 'columns' // 1 column, more than 3, or rows of different lengths
  | 'not-a-number' // a cell that is not a decimal number
  | 'not-finite' // NaN, Infinity, or a number too large for float64
  | 'degenerate' // fewer than 2 distinct points: nothing to scale
  | 'image-corrupt' // an image that does not decode
  | 'image-blank' // an image with no dark (or opaque) pixel
  | 'unsupported'; // a format this build cannot decode

/** A rejected input: `code` says what, the message says what and where (line and column when known, 1-based). */
export class DataLoadError extends Error {
  override readonly name = 'DataLoadError';
  constructor(
    readonly code: DataErrorCode,
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** The map from normalised points back to the original units: raw = x * scale + center. */
export interface Normalization {
  /** Mean of each coordinate in original units, length D. */
  readonly center: readonly number[];
  /** sqrt of the mean of the per-coordinate variances, in original units, > 0 (one scale: shapes keep their aspect ratio). */
  readonly scale: number;
}

/** A loaded point set, ready for a session (see session/scene-data). */
export interface LoadedData {
  /** The points, normalised like the built-in sets (zero mean, unit average variance per coordinate); labels all 0. */
  readonly set: PointSet;
  /** How to write samples back in the original units (CSV units, or pixels for an image). */
  readonly transform: Normalization;
  /** Where the points came from: a CSV, an image, or a list of coordinates (drawn, or given in code). */
  readonly source: 'csv' | 'image' | 'points';
  /** The CSV's header cells when it had a header row, else null. */
  readonly header: readonly string[] | null;
  /** For an image: its size, and whether the points follow darkness or alpha. */
  readonly image: { readonly width: number; readonly height: number; readonly weighting: 'darkness' | 'alpha' } | null;
}

/**
 * Normalises raw points [N, D] to zero mean and unit average variance per coordinate (one scale for all
 * coordinates), as the built-in data sets are.
 * @param raw row-major coordinates, N * D finite numbers. @param dim 2 or 3.
 * @returns float32 points and the transform back.
 * @throws DataLoadError 'not-finite' on NaN / Infinity, 'degenerate' when all points coincide (or N < 2).
 */
export function normalizePoints(raw: ArrayLike<number>, dim: 2 | 3): { points: Float32Array; transform: Normalization } {
  const n = Math.floor(raw.length / dim);
  if (n * dim !== raw.length) throw new RangeError(`raw points must be a multiple of ${dim} numbers, got ${raw.length}`);
  for (let i = 0; i < raw.length; i++) {
    if (!Number.isFinite(raw[i])) throw new DataLoadError('not-finite', `point ${Math.floor(i / dim) + 1}, coordinate ${(i % dim) + 1} is ${raw[i]}, not a finite number`);
  }
  const center = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) center[k] += raw[i * dim + k] / n;
  // sqrt(mean squared deviation), computed relative to the largest deviation so that huge values do not overflow.
  let big = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) big = Math.max(big, Math.abs(raw[i * dim + k] - center[k]));
  let sum = 0;
  if (big > 0) for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) sum += ((raw[i * dim + k] - center[k]) / big) ** 2;
  const scale = big * Math.sqrt(sum / (n * dim));
  if (n < 2 || !(scale > 0) || !Number.isFinite(scale) || scale < 1e-300) {
    throw new DataLoadError('degenerate', n < 2 ? `only ${n} point: need at least 2 distinct points` : `all ${n} points are the same point: need at least 2 distinct points`);
  }
  const points = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let k = 0; k < dim; k++) points[i * dim + k] = (raw[i * dim + k] - center[k]) / scale;
  return { points, transform: { center, scale } };
}

/** Maps normalised points [N, D] back to original units (raw = x * scale + center), as float64. */
export function denormalizePoints(points: Float32Array, dim: number, transform: Normalization): Float64Array {
  if (transform.center.length !== dim) throw new RangeError(`the transform is for dimension ${transform.center.length}, the points have ${dim}`);
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) out[i] = points[i] * transform.scale + transform.center[i % dim];
  return out;
}

/** A normalised {@link LoadedData} from raw coordinates (the throws of {@link normalizePoints}). */
export function pointsFromCoordinates(raw: ArrayLike<number>, dim: 2 | 3, source: LoadedData['source'] = 'points', header: readonly string[] | null = null): LoadedData {
  const { points, transform } = normalizePoints(raw, dim);
  const count = points.length / dim;
  return { set: { dim, count, points, labels: new Uint16Array(count), labelCount: 1 }, transform, source, header, image: null };
}
