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
 * (line and column, 1-based). This module sniffs the bytes and dispatches: CSV in csv-points.ts, images
 * in image-points.ts, the limits, errors and normalisation in point-data.ts.
 */
import { parseCsvPoints, type CsvOptions } from './csv-points';
import { pointsFromPixels, type ImageDecoder, type ImagePointOptions } from './image-points';
import { DataLoadError, MAX_DATA_BYTES, type LoadedData } from './point-data';

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

// ---------------------------------------------------------------------------------------------------
// Images

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
