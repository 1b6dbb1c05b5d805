/** Reading screenshots in tests: how much of a region is covered by bright (particle) pixels. */
import { PNG } from 'pngjs';

/** A rectangle in screenshot pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Share of pixels in `region` whose luma (0.2126 R + 0.7152 G + 0.0722 B, 0..255) exceeds `threshold`.
 * @returns a fraction in [0, 1].
 */
export function brightShare(png: Buffer, region: Region, threshold = 90): number {
  const img = PNG.sync.read(png);
  let bright = 0;
  let total = 0;
  const x1 = Math.min(img.width, region.x + region.width);
  const y1 = Math.min(img.height, region.y + region.height);
  for (let y = Math.max(0, region.y); y < y1; y++) {
    for (let x = Math.max(0, region.x); x < x1; x++) {
      const i = 4 * (y * img.width + x);
      const luma = 0.2126 * img.data[i] + 0.7152 * img.data[i + 1] + 0.0722 * img.data[i + 2];
      if (luma > threshold) bright++;
      total++;
    }
  }
  return total === 0 ? 0 : bright / total;
}
