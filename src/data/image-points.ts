/**
 * Image pixels to points: points drawn where the image is dark (or opaque), seeded. Decoding PNG / JPEG
 * bytes into pixels is a separate step (src/data/image-decode.ts in Node; a canvas in the browser). Pure.
 */
import { createRng } from '../models/random';
import { DataLoadError, DEFAULT_IMAGE_POINTS, IMAGE_WEIGHT_FLOOR, MAX_IMAGE_PIXELS, MAX_ROWS, pointsFromCoordinates, type LoadedData } from './point-data';

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
