/**
 * PNG and JPEG bytes to RGBA pixels in Node (the CLI), with `pngjs` and `jpeg-js` (pure JavaScript; pngjs
 * needs Node's zlib and Buffer, so the browser decodes with a canvas instead and calls
 * loaders.pointsFromPixels itself). Sizes are checked from the header before decoding.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataLoadError, MAX_IMAGE_PIXELS } from './point-data';
import { type ImageDecoder, type RgbaImage } from './image-points';

/** Width and height from a PNG's IHDR chunk (bytes 16 to 23), or null when the header is cut short. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const tooLarge = (name: string, width: number, height: number): DataLoadError =>
  new DataLoadError('too-large', `${name} is ${width} x ${height} pixels; the limit is ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels (4096 x 4096)`);

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 120);

/**
 * Decodes a PNG (any bit depth, palette, grey or colour, with or without alpha; 16-bit is scaled to 8)
 * or a baseline / progressive JPEG to 8-bit RGBA.
 * @throws DataLoadError 'too-large' over {@link MAX_IMAGE_PIXELS}, 'image-corrupt' when the bytes do not decode.
 */
export const decodeImage: ImageDecoder = (bytes, format, name): RgbaImage => {
  if (format === 'png') {
    const size = pngSize(bytes);
    if (size === null) throw new DataLoadError('image-corrupt', `${name} is not a readable PNG image: the file ends inside its header`);
    if (size.width * size.height > MAX_IMAGE_PIXELS) throw tooLarge(name, size.width, size.height);
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    } catch (e) {
      throw new DataLoadError('image-corrupt', `${name} is not a readable PNG image (${reason(e)})`);
    }
  }
  try {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 256 });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    const msg = reason(e);
    if (/maxResolutionInMP|maxMemoryUsageInMB/.test(msg)) throw new DataLoadError('too-large', `${name} is larger than ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels (4096 x 4096)`);
    throw new DataLoadError('image-corrupt', `${name} is not a readable JPEG image (${msg})`);
  }
};
