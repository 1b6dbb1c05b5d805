/**
 * The user's own data: a CSV of points, an image (points drawn where it is dark, or opaque), or a list
 * of coordinates (e.g. drawn with the mouse), turned into a normalised {@link PointSet} that a session
 * can train on, plus the transform back to the original units.
 *
 * Pure: no files, no DOM, no Node APIs. Everything takes strings, bytes or pixels, so the browser and
 * the CLI share it; decoding PNG / JPEG bytes into pixels is a separate step (src/data/image-decode.ts
 * in Node; a canvas in the browser) that feeds {@link pointsFromPixels}.
 *
 * Every rejection is a {@link DataLoadError} whose message names the problem and, for CSV, where
 * (line and column, 1-based).
 */
import Papa from 'papaparse';
import { createRng } from '../models/random';
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

// ---------------------------------------------------------------------------------------------------
// Sniffing bytes

/** What a file's first bytes say it is. */
export type SniffedFormat = 'png' | 'jpeg' | 'text';

const startsWith = (b: Uint8Array, sig: readonly number[]): boolean => sig.every((v, i) => b[i] === v);

/** Known binary formats by signature, for a specific message. */
const BINARY_SIGNATURES: readonly [sig: readonly number[], what: string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (also .xlsx, .ods, .docx)'],
  [[0x50, 0x4b, 0x05, 0x06], 'an empty ZIP archive'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x42, 0x5a, 0x68], 'a bzip2 archive'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'an xz archive'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Microsoft Office file (.xls, .doc)'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image (use PNG or JPEG)'],
  [[0x42, 0x4d], 'a BMP image (use PNG or JPEG)'],
  [[0x52, 0x49, 0x46, 0x46], 'a RIFF file (WebP, WAV, AVI; use PNG or JPEG)'],
];

/**
 * Tells a PNG (by its 8-byte signature), a JPEG (FF D8 FF) and text apart.
 * @throws DataLoadError 'empty' for no bytes, 'too-large' over {@link MAX_DATA_BYTES}, 'binary' for a known
 *   binary format (ZIP, gzip, PDF, ...), UTF-16 text, or bytes that are not UTF-8 text (NUL bytes).
 */
export function sniffFormat(bytes: Uint8Array, name = 'the file'): SniffedFormat {
  if (bytes.length === 0) throw new DataLoadError('empty', `${name} is empty`);
  if (bytes.length > MAX_DATA_BYTES) throw new DataLoadError('too-large', `${name} is ${(bytes.length / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_DATA_BYTES / 2 ** 20} MiB`);
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  for (const [sig, what] of BINARY_SIGNATURES) if (startsWith(bytes, sig)) throw new DataLoadError('binary', `${name} is ${what}, not a CSV text file or an image`);
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) throw new DataLoadError('binary', `${name} is UTF-16 text: save it as UTF-8`);
  const nul = bytes.subarray(0, 65536).indexOf(0);
  if (nul >= 0) throw new DataLoadError('binary', `${name} is binary (a NUL byte at offset ${nul}), not a CSV text file or a PNG / JPEG image`);
  return 'text';
}

/**
 * UTF-8 bytes to text (a byte-order mark is dropped).
 * @throws DataLoadError as {@link sniffFormat} for non-text, and 'binary' for invalid UTF-8.
 */
export function decodeText(bytes: Uint8Array, name = 'the file'): string {
  if (sniffFormat(bytes, name) !== 'text') throw new DataLoadError('binary', `${name} is an image, not a CSV text file`);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DataLoadError('binary', `${name} is not UTF-8 text (save the CSV as UTF-8)`);
  }
}

// ---------------------------------------------------------------------------------------------------
// CSV: papaparse splits the text into rows and cells (quotes, escaped quotes, CRLF); this section picks
// the separator, skips blank and comment lines, finds the header, and checks and converts the cells.

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** The separator of a CSV, by its first content line: tab, else semicolon, else comma, else runs of spaces. */
type Separator = '\t' | ';' | ',' | ' ';
const SEPARATOR_NAMES: Record<Separator, string> = { '\t': 'tab', ';': 'semicolon', ',': 'comma', ' ': 'space' };

/**
 * The separator by the rule above, from the first line that is neither blank nor a '#' comment. Not
 * papaparse's delimiter guess: that one prefers the separator giving the most cells over its first 10
 * rows, so "1,5;2,5" (decimal commas) would split on ',' instead of getting the decimal-comma hint, and
 * it splits the whole text into lines once per candidate.
 */
function separatorOf(text: string): Separator {
  for (let pos = 0; pos < text.length; ) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end).trim();
    pos = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    if (line.includes('\t')) return '\t';
    if (line.includes(';')) return ';';
    if (line.includes(',')) return ',';
    return ' ';
  }
  return ',';
}

/** A cell trimmed; quotes left around it by spaces before the opening quote (`1, "2"`) are dropped too. */
function cleanCell(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

const quote = (s: string): string => JSON.stringify(s.length > 24 ? `${s.slice(0, 21)}...` : s);

/** Options of {@link parseCsvPoints}. */
export interface CsvOptions {
  /** Most data rows (default {@link MAX_ROWS}). */
  readonly maxRows?: number;
  /** The file's name for messages (default "the file"). */
  readonly name?: string;
}

/**
 * Parses a CSV of points: 2 columns (x, y) or 3 (x, y, z), separated by commas, semicolons, tabs or
 * spaces (the first content line decides; with spaces, any run of spaces and tabs separates), an
 * optional header row (a first row with no number in it), blank lines and lines starting with '#'
 * skipped, cells optionally in double quotes (as in RFC 4180: "" is a quote, and a quoted cell may hold
 * separators and line breaks); LF or CRLF line ends; numbers in decimal notation with '.' (1, -2.5,
 * 3e-4). The points are normalised ({@link normalizePoints}). Tokenised by papaparse one row at a time,
 * so a text of far more rows than maxRows stops at the first row too many.
 * @throws DataLoadError naming the problem and its line / column (where the row starts): 'empty' (no
 *   data rows), 'columns' (1 column, more than 3, a row of another length), 'not-a-number' (also a
 *   quoted cell that never closes, or text after a closing quote), 'not-finite' (NaN, Infinity,
 *   overflow), 'too-large' (more than maxRows rows), 'degenerate' (all points equal).
 */
export function parseCsvPoints(text: string, options: CsvOptions = {}): LoadedData {
  const maxRows = options.maxRows ?? MAX_ROWS;
  const name = options.name ?? 'the file';
  // papaparse drops a BOM too; dropping it here keeps its offsets (meta.cursor) offsets into `text`.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // papaparse takes a closing quote followed by blanks and then the end of the text for a stray quote
  // ('"1","2" '); a final newline makes it a closing quote again.
  let end = text.length;
  while (end > 0 && text[end - 1] !== '\n' && text[end - 1].trim() === '') end--;
  if (end < text.length && text[end - 1] === '"') text += '\n';
  const sep = separatorOf(text);
  // Space-separated: tabs, stray '\r's and other blanks separate too, as spaces (one copy of the text).
  if (sep === ' ') text = text.replace(/[^\S\n ]/g, ' ');
  let columns = 0;
  let header: string[] | null = null;
  let firstLine = 0;
  const values: number[] = [];
  let rows = 0;
  // Line numbers: the next row starts at `rowStart`; `lineNo` is the line at offset `lineStart`.
  let rowStart = 0;
  let lineStart = 0;
  let lineNo = 1;
  Papa.parse<string[]>(text, {
    delimiter: sep,
    newline: '\n', // a '\r' before it is trimmed off the last cell, so CRLF and mixed endings both work
    quoteChar: '"',
    comments: '#',
    skipEmptyLines: false, // blank lines are skipped below (whitespace-only lines too)
    fastMode: false, // fast mode splits the whole text into lines first
    step: ({ data: fields, errors, meta }) => {
      // The row starts at the previous row's end, after the '#' lines papaparse skipped there.
      let start = rowStart;
      while (text.startsWith('#', start)) {
        const nl = text.indexOf('\n', start);
        start = nl < 0 ? text.length : nl + 1;
      }
      rowStart = meta.cursor;
      for (let nl = text.indexOf('\n', lineStart); nl >= 0 && nl < start; nl = text.indexOf('\n', nl + 1)) lineNo++;
      lineStart = start;
      const raw = text.slice(start, meta.cursor).trim();
      if (raw === '') return; // a blank line
      let cells = fields.map(cleanCell);
      // Space-separated: a run of blanks makes empty cells in between, dropped (an empty "" cell with them).
      if (sep === ' ') cells = cells.some((c) => c !== '') ? cells.filter((c) => c !== '') : [''];
      if (errors.length > 0) {
        // Reported even on an indented '#' line: the open quote has taken the lines after it.
        const bad = cells.findIndex((c) => c.includes('"') || c.includes('\n'));
        const c = bad >= 0 ? bad + 1 : cells.length;
        const what = errors[0].code === 'MissingQuotes' ? 'a quoted cell that never closes' : 'a closing quote (") followed by more than a separator';
        throw new DataLoadError('not-a-number', `${name}, line ${lineNo}, column ${c}: ${what}`, lineNo, c);
      }
      if (raw.startsWith('#')) return; // a comment after blanks (papaparse skips those at the start of a line)
      if (firstLine === 0) firstLine = lineNo;
      if (columns === 0) {
        columns = cells.length;
        const what = `${name}, line ${lineNo}`;
        if (columns === 1) throw new DataLoadError('columns', `${what}: only 1 column; need 2 (x, y) or 3 (x, y, z) separated by commas, semicolons, tabs or spaces`, lineNo);
        if (columns > 3) throw new DataLoadError('columns', `${what}: ${columns} columns (${SEPARATOR_NAMES[sep]}-separated); need 2 (x, y) or 3 (x, y, z)`, lineNo);
        if (cells.every((c) => c !== '' && !NUMBER.test(c) && !NON_FINITE.test(c))) {
          header = cells;
          return;
        }
      }
      if (cells.length !== columns) {
        throw new DataLoadError('columns', `${name}, line ${lineNo}: ${cells.length} ${cells.length === 1 ? 'column' : 'columns'}, but line ${firstLine} has ${columns} (${SEPARATOR_NAMES[sep]}-separated)`, lineNo);
      }
      if (rows === maxRows) throw new DataLoadError('too-large', `${name}, line ${lineNo}: more than ${maxRows.toLocaleString('en-US')} rows; the limit is ${maxRows.toLocaleString('en-US')}`, lineNo);
      for (let c = 0; c < columns; c++) {
        const cell = cells[c];
        const where = `${name}, line ${lineNo}, column ${c + 1}`;
        if (cell === '') throw new DataLoadError('not-a-number', `${where}: empty cell`, lineNo, c + 1);
        if (NON_FINITE.test(cell)) throw new DataLoadError('not-finite', `${where}: ${quote(cell)} is not a finite number`, lineNo, c + 1);
        if (!NUMBER.test(cell)) {
          const hint = DECIMAL_COMMA.test(cell) ? " (write decimals with '.', not ',')" : '';
          throw new DataLoadError('not-a-number', `${where}: ${quote(cell)} is not a number${hint}`, lineNo, c + 1);
        }
        const v = Number(cell);
        if (!Number.isFinite(v)) throw new DataLoadError('not-finite', `${where}: ${quote(cell)} is too large for a number`, lineNo, c + 1);
        values.push(v);
      }
      rows++;
    },
  });
  if (rows === 0) throw new DataLoadError('empty', header !== null ? `${name} has a header but no data rows` : `${name} has no data rows`);
  const loaded = pointsFromCoordinates(values, columns as 2 | 3, 'csv', header);
  return loaded;
}

// ---------------------------------------------------------------------------------------------------
// Images

/** Decoded pixels: 8-bit RGBA, row-major from the top-left, width * height * 4 bytes (as ImageData). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** Options of {@link pointsFromPixels}. */
export interface ImagePointOptions {
  /** Points to draw, integer in [2, MAX_ROWS] (default {@link DEFAULT_IMAGE_POINTS}). */
  readonly count?: number;
  /** Seed of the draw (default 1). */
  readonly seed?: number;
  /**
   * What the density follows: 'darkness' 1 - luminance, 'alpha' the opacity, or 'auto' (default): alpha
   * when some pixel is not fully opaque, else darkness.
   */
  readonly weighting?: 'auto' | 'darkness' | 'alpha';
  /** The image's name for messages. */
  readonly name?: string;
}

/**
 * Draws points with density proportional to each pixel's darkness, 1 - (0.2126 R + 0.7152 G + 0.0722 B) / 255
 * (Rec. 709 luma of the stored values), or to its alpha when the image has transparency; weights below
 * {@link IMAGE_WEIGHT_FLOOR} count as 0. A point is uniform inside its pixel, in pixel units with y up
 * (x = column + u, y = height - row - v, u, v ~ U[0, 1)), so the shape stands upright; then normalised
 * ({@link normalizePoints}: the transform maps back to these pixel coordinates). Seeded.
 * @throws DataLoadError 'too-large' over {@link MAX_IMAGE_PIXELS}, 'image-corrupt' when data is not
 *   width * height * 4 bytes, 'image-blank' when no pixel has weight (white, or fully transparent).
 */
export function pointsFromPixels(image: RgbaImage, options: ImagePointOptions = {}): LoadedData {
  const { width, height, data } = image;
  const name = options.name ?? 'the image';
  const count = options.count ?? DEFAULT_IMAGE_POINTS;
  if (!Number.isInteger(count) || count < 2 || count > MAX_ROWS) throw new RangeError(`count must be an integer in [2, ${MAX_ROWS}], got ${count}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new DataLoadError('image-corrupt', `${name} has no pixels (${width} x ${height})`);
  if (width * height > MAX_IMAGE_PIXELS) throw new DataLoadError('too-large', `${name} is ${width} x ${height} pixels; the limit is ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels (4096 x 4096)`);
  if (data.length !== width * height * 4) throw new DataLoadError('image-corrupt', `${name}: ${data.length} bytes of pixels for ${width} x ${height} RGBA (expected ${width * height * 4})`);
  let weighting = options.weighting ?? 'auto';
  if (weighting === 'auto') {
    weighting = 'darkness';
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] < 255) {
        weighting = 'alpha';
        break;
      }
    }
  }
  const n = width * height;
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let p = 0; p < n; p++) {
    const o = 4 * p;
    let w = weighting === 'alpha' ? data[o + 3] / 255 : 1 - (0.2126 * data[o] + 0.7152 * data[o + 1] + 0.0722 * data[o + 2]) / 255;
    if (w < IMAGE_WEIGHT_FLOOR) w = 0;
    total += w;
    cumulative[p] = total;
  }
  if (!(total > 0)) {
    throw new DataLoadError('image-blank', weighting === 'alpha' ? `${name} is blank: every pixel is (nearly) transparent` : `${name} is blank: no pixel is darker than ${Math.round(IMAGE_WEIGHT_FLOOR * 100)} % grey`);
  }
  const rng = createRng(options.seed ?? 1);
  const raw = new Float64Array(2 * count);
  for (let i = 0; i < count; i++) {
    // The first pixel whose cumulative weight exceeds u * total.
    const u = rng.uniform() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    const row = Math.floor(lo / width);
    const col = lo - row * width;
    raw[2 * i] = col + rng.uniform();
    raw[2 * i + 1] = height - row - rng.uniform();
  }
  const loaded = pointsFromCoordinates(raw, 2, 'image');
  return { ...loaded, image: { width, height, weighting } };
}

/** Decodes PNG or JPEG bytes into RGBA pixels (Node: image-decode.ts; a browser may use a canvas). */
export type ImageDecoder = (bytes: Uint8Array, format: 'png' | 'jpeg', name: string) => RgbaImage;

/** Options of {@link loadPointData}. */
export interface LoadOptions extends CsvOptions, Omit<ImagePointOptions, 'name'> {
  /** Decodes images; without one an image is rejected as 'unsupported'. */
  readonly decodeImage?: ImageDecoder;
}

/**
 * A data file's bytes to points, by content (not by extension): a PNG or JPEG goes through
 * `decodeImage` and {@link pointsFromPixels}; UTF-8 text through {@link parseCsvPoints}; anything else is
 * rejected ({@link sniffFormat}). A file named .png / .jpg that is not an image is 'image-corrupt'.
 * @param name the file name, for messages and the extension check.
 * @throws DataLoadError (see the functions above).
 */
export function loadPointData(bytes: Uint8Array, name: string, options: LoadOptions = {}): LoadedData {
  const format = sniffFormat(bytes, name);
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (format === 'text') {
    if (ext === 'png' || ext === 'jpg' || ext === 'jpeg') throw new DataLoadError('image-corrupt', `${name} is not a ${ext === 'png' ? 'PNG' : 'JPEG'} image (its first bytes are text)`);
    return parseCsvPoints(decodeText(bytes, name), { ...options, name });
  }
  if (options.decodeImage === undefined) throw new DataLoadError('unsupported', `${name} is a ${format.toUpperCase()} image, and no image decoder is available here`);
  const pixels = options.decodeImage(bytes, format, name);
  return pointsFromPixels(pixels, { ...options, name });
}
