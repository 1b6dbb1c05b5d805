/**
 * A user's file (dropped or picked) to a point set, in the browser: CSV text through the loaders, PNG /
 * JPEG images decoded by the browser (createImageBitmap, then the pixels of a 2D canvas) and sampled by
 * darkness or alpha. Every problem is a DataLoadError with a message naming it; nothing here touches
 * the running scene.
 */
import { DataLoadError, type LoadedData } from '../data/point-data';
import { loadPointData, sniffFormat } from '../data/loaders';
import { pointsFromPixels } from '../data/image-points';

/** Files larger than this are refused before they are read (bytes). */
export const MAX_FILE_BYTES = 32 * 2 ** 20;
/** Points drawn from an image. */
const IMAGE_POINTS = 20_000;

/** Reads and parses `file`. @throws DataLoadError (or RangeError) with a message for the user. */
export async function loadFile(file: File, seed: number): Promise<LoadedData> {
  if (file.size > MAX_FILE_BYTES) throw new DataLoadError('too-large', `${file.name} is ${(file.size / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_FILE_BYTES / 2 ** 20} MiB`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const format = sniffFormat(bytes, file.name);
  if (format === 'text') return loadPointData(bytes, file.name);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: format === 'png' ? 'image/png' : 'image/jpeg' }));
  } catch {
    throw new DataLoadError('image-corrupt', `${file.name} could not be decoded as a ${format.toUpperCase()} image`);
  }
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new DataLoadError('unsupported', 'this browser cannot read image pixels (no 2D canvas)');
    ctx.drawImage(bitmap, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return pointsFromPixels({ width, height, data }, { count: IMAGE_POINTS, seed, name: file.name });
  } finally {
    bitmap.close();
  }
}
