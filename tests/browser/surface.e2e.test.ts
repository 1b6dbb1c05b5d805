/**
 * The GAN critic's 3D surface presets at 1280 x 720 in headless Chromium (WebGL2 on SwiftShader: the
 * software renderers' plain layout of 4 vertices a point), issue 15: the data showed as vertical streaks and
 * as faint blobs on the floor, so a viewer could not tell where data and generated points were. The
 * heights themselves are unit-tested (tests/landscape-surface.test.ts: every vertex of a point at the
 * surface's height); here, after training a little, the scene is in the landscape view, the data is drawn
 * (hundreds of magenta pixels in the free area: the data on the surface, in a hue neither the surface nor the
 * particles use; scene/landscape-surface SURFACE_STYLES), the data and the
 * surface's heights are framed inside the free area, and the page logs no error. Screenshots go to
 * SHOTS_DIR (default: the temporary folder) to be looked at.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { findPreset } from '../../src/config/presets';
import { chromiumAvailable, collectErrors, launchChromium, snapshot, until, WEBGL_FLAGS } from './harness';
import { servedAppForSuite } from './suite';

type Box = { left: number; top: number; right: number; bottom: number };

/** Pixels of `png` inside `box` (CSS px = screenshot px at scale 1) whose (r, g, b) passes `test`. */
function countPixels(png: Buffer, box: Box, test: (r: number, g: number, b: number) => boolean): number {
  const img = PNG.sync.read(png);
  let n = 0;
  for (let y = Math.max(0, Math.ceil(box.top)); y < Math.min(img.height, Math.floor(box.bottom)); y++) {
    for (let x = Math.max(0, Math.ceil(box.left)); x < Math.min(img.width, Math.floor(box.right)); x++) {
      const i = 4 * (y * img.width + x);
      if (test(img.data[i], img.data[i + 1], img.data[i + 2])) n++;
    }
  }
  return n;
}

/** The dark theme's surface data colour (magenta, 0xf040e0): red and blue above 170, green below 130. */
const MAGENTA = (r: number, g: number, b: number): boolean => r > 170 && g < 130 && b > 170;
/** The light theme's surface data colour (deep purple, 0x5b0a6e): red in (50, 150), green below 60, blue in (60, 170). */
const PURPLE = (r: number, g: number, b: number): boolean => r > 50 && r < 150 && g < 60 && b > 60 && b < 170;

/** A preset's settings as a link's hash. */
function presetHash(name: string): string {
  const preset = findPreset(name);
  if (preset === undefined) throw new Error(`no preset ${name}`);
  return Object.entries(preset.settings)
    .flatMap(([group, values]) => Object.entries(values as Record<string, unknown>).map(([key, v]) => `${group}.${key}=${String(v)}`))
    .join('&');
}

describe.skipIf(!chromiumAvailable())('the critic surface presets in Chromium (issue 15)', () => {
  const appUrl = servedAppForSuite();

  for (const name of ['wgan-gp-contrast', 'wgan-clip-contrast']) {
    it(`${name} at 1280 x 720: landscape view, the data drawn magenta on the surface, data and surface heights framed in the free area`, async () => {
      const browser = await launchChromium(WEBGL_FLAGS, { width: 1280, height: 720 });
      try {
        const page = browser.page;
        const errors = collectErrors(page);
        await page.goto(`${appUrl()}#${presetHash(name)}`);
        await until(page, `${name} trained a little`, (s) => s.trainSteps >= 15 && s.frames >= 20, 240_000);
        await page.waitForTimeout(3_000); // the data's heights and the landscape readbacks
        const s = (await snapshot(page)) as unknown as { framing?: { data: Box; free: Box | null } } | null;
        const view = await page.evaluate(() => (window as unknown as { __playground: { particleFraming(): Promise<{ view: string }> } }).__playground.particleFraming().then((f) => f.view));
        expect(view).toBe('landscape');
        const framing = s?.framing;
        expect(framing?.free).toBeTruthy();
        if (framing === undefined || framing.free === null) return;
        const shot = await page.screenshot();
        writeFileSync(join(process.env.SHOTS_DIR ?? tmpdir(), `surface-${name}-1280x720.png`), shot);
        // 2,000 data points on 8 Gaussians, drawn magenta at 4 px: hundreds of magenta pixels.
        expect(countPixels(shot, framing.free, MAGENTA)).toBeGreaterThan(300);
        const slack = 2;
        const d = framing.data;
        const f = framing.free;
        expect(d.left >= f.left - slack && d.right <= f.right + slack && d.top >= f.top - slack && d.bottom <= f.bottom + slack, `data ${JSON.stringify(d)} in ${JSON.stringify(f)}`).toBe(true);
        // The light theme (the presentation folder's theme control): the data deep purple on the pale surface.
        await page.evaluate(() => {
          const select = [...document.querySelectorAll('select')].find((el) => [...el.options].some((o) => o.textContent === 'light') && [...el.options].some((o) => o.textContent === 'dark'));
          if (!select) throw new Error('no theme control');
          select.value = [...select.options].find((o) => o.textContent === 'light')?.value ?? '';
          select.dispatchEvent(new Event('change'));
        });
        await page.waitForTimeout(2_000);
        const light = await page.screenshot();
        writeFileSync(join(process.env.SHOTS_DIR ?? tmpdir(), `surface-${name}-light-1280x720.png`), light);
        expect(countPixels(light, framing.free, PURPLE)).toBeGreaterThan(300);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 360_000);
  }
});
