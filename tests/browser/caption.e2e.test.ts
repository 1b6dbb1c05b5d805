/**
 * The typeset caption in real headless Chromium (WebGL2, 1280x720), under the page's CSP: the caption's and
 * the HUD's formulas are MathJax SVG (no raw TeX, no case change), the caption sits uncovered at the bottom
 * centre in presentation mode, and frame-exact recordings carry the same typeset caption: a clip with the
 * caption differs from one without only in a bottom-centre box whose three lines (title, phase and t,
 * formula) hold pixels, and two clips with the caption are identical (its images are decoded before each
 * capture). CAPTION_SHOT_OUT=path saves the presentation-mode screenshot (in the reverse pass), CAPTION_FRAME_OUT=path
 * the first recorded frame. Skipped where Chromium is missing.
 */
import { writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { RecordSettings } from '../../src/record/recording';
import { chromiumAvailable, collectErrors, launchChromium, until, WEBGL_FLAGS } from './harness';
import { servedAppForSuite } from './suite';

interface Recorded {
  base64: string;
  frames: number;
  width: number;
  height: number;
  frameHashes: string[];
}

const record = async (page: Page, settings: Partial<RecordSettings>): Promise<Recorded> =>
  (await page.evaluate((s) => (window as unknown as { __playground: { record(s: unknown): Promise<unknown> } }).__playground.record(s), settings)) as Recorded;

/** The first frame of a PNG-sequence zip. */
function firstFrame(r: Recorded): PNG {
  const files = unzipSync(new Uint8Array(Buffer.from(r.base64, 'base64')));
  const name = Object.keys(files).sort()[0];
  return PNG.sync.read(Buffer.from(files[name]));
}

/** Sets the Record panel's "caption" checkbox. */
const setCaption = (page: Page, on: boolean): Promise<void> =>
  page.evaluate((want) => {
    const label = [...document.querySelectorAll('.lil-gui .lil-controller .lil-name')].find((n) => n.textContent?.startsWith('caption'));
    const box = label?.closest('.lil-controller')?.querySelector('input[type="checkbox"]') as HTMLInputElement | null;
    if (box === null || box === undefined) throw new Error('no caption checkbox');
    if (box.checked !== want) box.click();
  }, on);

/**
 * Runs `body` on a fresh 1280x720 WebGL2 page that opens scenes with `open(hash)` (waiting for training), then
 * checks that the page logged no error and saw no CSP violation.
 */
async function onPage(url: string, body: (page: Page, open: (hash: string) => Promise<void>) => Promise<void>): Promise<void> {
  const browser = await launchChromium(WEBGL_FLAGS, { width: 1280, height: 720 });
  const page = browser.page;
  try {
    const errors = collectErrors(page);
    await page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await body(page, async (hash) => {
      await page.goto(`${url}#${hash}`);
      await until(page, 'training', (s) => s.trainSteps > 0, 90_000);
    });
    expect(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
}

describe.skipIf(!chromiumAvailable())('the typeset caption in headless Chromium', () => {
  const url = servedAppForSuite();

  it('typesets the caption and the HUD (no CSP violation), shows it uncovered, and draws it into frame-exact recordings', () =>
    onPage(url(), async (page, open) => {
      await open('data.particles=1000&model.batchSize=64&model.width=32');
      // The HUD's t is a typeset formula; the phase word is shown as it is (no text-transform).
      await page.waitForSelector('.hud-t .math svg', { timeout: 30_000 });
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('.hud-phase span') as Element).textTransform)).toBe('none');

      await setCaption(page, true);
      await page.keyboard.press('p');
      await page.waitForSelector('.caption-formula .math svg', { timeout: 30_000 });
      await page.waitForSelector('.caption-line .math svg', { timeout: 30_000 });
      const caption = await page.evaluate(() => {
        const root = document.querySelector('.caption') as HTMLElement;
        const box = root.getBoundingClientRect();
        const formula = (document.querySelector('.caption-formula svg') as SVGSVGElement).getBoundingClientRect();
        // Every other visible box in the overlay (the overlay lets pointer events through, so test rectangles).
        const over = [...document.querySelectorAll<HTMLElement>('#overlay *')].filter((el) => {
          if (root.contains(el) || el.contains(root) || el.getClientRects().length === 0) return false;
          const style = getComputedStyle(el);
          if (style.visibility === 'hidden' || style.opacity === '0') return false;
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && r.x < box.x + box.width && box.x < r.x + r.width && r.y < box.y + box.height && box.y < r.y + r.height;
        });
        return {
          box: { x: box.x, y: box.y, width: box.width, height: box.height },
          formulaWidth: formula.width,
          formulaHeight: formula.height,
          covering: over.map((el) => el.className || el.tagName),
          line: (document.querySelector('.caption-line') as HTMLElement).textContent,
          transform: getComputedStyle(document.querySelector('.caption-line') as Element).textTransform,
          rawTex: /\\|_\{|\^\{/.test(root.textContent ?? ''),
          errors: document.querySelectorAll('.caption .math-error').length,
        };
      });
      // Centred at the bottom, inside the window, legible (the formula at least ~14 px high), nothing over it.
      expect(Math.abs(caption.box.x + caption.box.width / 2 - 640)).toBeLessThan(2);
      expect(caption.box.y + caption.box.height).toBeLessThanOrEqual(720);
      expect(caption.box.y).toBeGreaterThan(720 / 2);
      expect(caption.formulaWidth).toBeGreaterThan(150);
      expect(caption.formulaHeight).toBeGreaterThan(14);
      expect(caption.covering).toEqual([]);
      expect(caption.rawTex).toBe(false);
      expect(caption.errors).toBe(0);
      expect(caption.transform).toBe('none');
      // The phase word in the case the loop names it (lower case), as in the video.
      expect(caption.line).toMatch(/^(forward|reverse|hold) $/);
      if (process.env.CAPTION_SHOT_OUT) {
        // For the docs: the reverse pass (the ancestral step's fractions), once the start-up toasts are gone.
        await page.waitForFunction(() => document.querySelector('.caption-line')?.textContent === 'reverse ' && document.querySelectorAll('.toast').length === 0, undefined, { timeout: 60_000, polling: 200 });
        await page.waitForSelector('.caption-formula .math[data-tex*="frac"] svg', { timeout: 10_000 });
        await page.screenshot({ path: process.env.CAPTION_SHOT_OUT });
      }

      // Frame-exact PNG frames at 720p: with the caption, without, and with it again.
      const settings: Partial<RecordSettings> = { mode: 'frame-exact', useTimeline: false, untilStopped: false, trainStepsPerFrame: 1, freshStart: true, format: 'png-zip', resolution: '720p', fps: 24, seconds: 0.09 };
      const withCaption = await record(page, settings);
      await setCaption(page, false);
      const without = await record(page, settings);
      await setCaption(page, true);
      const again = await record(page, settings);
      expect(withCaption.frames).toBe(2);
      expect(again.frameHashes).toEqual(withCaption.frameHashes);
      expect(without.frameHashes[0]).not.toBe(withCaption.frameHashes[0]);

      const a = firstFrame(withCaption);
      const b = firstFrame(without);
      if (process.env.CAPTION_FRAME_OUT) writeFileSync(process.env.CAPTION_FRAME_OUT, PNG.sync.write(a));
      expect([a.width, a.height]).toEqual([1280, 720]);
      // Where the frames differ: only in a box at the bottom centre.
      let minX = Infinity;
      let maxX = -Infinity;
      let minY = Infinity;
      let maxY = -Infinity;
      for (let y = 0; y < 720; y++) {
        for (let x = 0; x < 1280; x++) {
          const i = 4 * (y * 1280 + x);
          if (a.data[i] === b.data[i] && a.data[i + 1] === b.data[i + 1] && a.data[i + 2] === b.data[i + 2]) continue;
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
      expect(minY).toBeGreaterThan(720 / 2);
      expect(maxY).toBeLessThan(720 - 20);
      expect(Math.abs((minX + maxX) / 2 - 640)).toBeLessThan(3);
      // Inside the box: bright glyph pixels (the dark theme's text colour) in three bands of rows:
      // the title, the phase and t, and the typeset formula (the lowest and, at 720p, wide).
      const brightRows: boolean[] = [];
      let formulaLeft = Infinity;
      let formulaRight = -Infinity;
      for (let y = minY; y <= maxY; y++) {
        let bright = 0;
        for (let x = minX; x <= maxX; x++) {
          const i = 4 * (y * 1280 + x);
          if (a.data[i] + a.data[i + 1] + a.data[i + 2] > 3 * 170) bright++;
        }
        brightRows.push(bright > 0);
      }
      const bands: [number, number][] = [];
      brightRows.forEach((on, k) => {
        if (!on) return;
        const last = bands[bands.length - 1];
        if (last !== undefined && k - last[1] <= 2) last[1] = k;
        else bands.push([k, k]);
      });
      expect(bands.length).toBeGreaterThanOrEqual(3);
      const [top, bottom] = bands[bands.length - 1];
      for (let y = minY + top; y <= minY + bottom; y++) {
        for (let x = minX; x <= maxX; x++) {
          const i = 4 * (y * 1280 + x);
          if (a.data[i] + a.data[i + 1] + a.data[i + 2] > 3 * 170) {
            formulaLeft = Math.min(formulaLeft, x);
            formulaRight = Math.max(formulaRight, x);
          }
        }
      }
      // The formula's pixels: a line of glyphs some 150+ px wide and over 12 px tall (a fraction or a root).
      expect(formulaRight - formulaLeft).toBeGreaterThan(150);
      expect(bottom - top).toBeGreaterThan(12);

      // At 1080p the caption scales with the frame: the formula's line is 1.5 times as tall and wide as at 720p.
      const full = firstFrame(await record(page, { ...settings, resolution: '1080p' }));
      expect([full.width, full.height]).toEqual([1920, 1080]);
      const textBands = (png: PNG): [number, number, number, number][] => {
        const bands: [number, number, number, number][] = [];
        for (let y = Math.round(0.7 * png.height); y < png.height; y++) {
          let left = Infinity;
          let right = -Infinity;
          for (let x = Math.round(0.25 * png.width); x < Math.round(0.75 * png.width); x++) {
            const i = 4 * (y * png.width + x);
            if (png.data[i] > 200 && png.data[i + 1] > 200 && png.data[i + 2] > 220) {
              left = Math.min(left, x);
              right = Math.max(right, x);
            }
          }
          if (left > right) continue;
          const last = bands[bands.length - 1];
          if (last !== undefined && y - last[1] <= 3) {
            last[1] = y;
            last[2] = Math.min(last[2], left);
            last[3] = Math.max(last[3], right);
          } else bands.push([y, y, left, right]);
        }
        return bands;
      };
      const small = textBands(a).at(-1) as [number, number, number, number];
      const large = textBands(full).at(-1) as [number, number, number, number];
      expect((large[1] - large[0]) / (small[1] - small[0])).toBeCloseTo(1.5, 0);
      expect((large[3] - large[2]) / (small[3] - small[2])).toBeGreaterThan(1.35);
      expect((large[3] - large[2]) / (small[3] - small[2])).toBeLessThan(1.65);

      // A screenshot (the Record panel's PNG) carries the caption too: text-coloured pixels in the bottom centre.
      const textPixels = async (): Promise<number> => {
        const shot = (await page.evaluate(() => (window as unknown as { __playground: { screenshot(s: number): Promise<unknown> } }).__playground.screenshot(1))) as { base64: string };
        const png = PNG.sync.read(Buffer.from(shot.base64, 'base64'));
        let n = 0;
        for (let y = Math.round(0.75 * png.height); y < png.height; y++) {
          for (let x = Math.round(0.3 * png.width); x < Math.round(0.7 * png.width); x++) {
            const i = 4 * (y * png.width + x);
            if (png.data[i] > 200 && png.data[i + 1] > 200 && png.data[i + 2] > 220) n++;
          }
        }
        return n;
      };
      const shotWith = await textPixels();
      await setCaption(page, false);
      const shotWithout = await textPixels();
      expect(shotWith).toBeGreaterThan(300);
      expect(shotWith).toBeGreaterThan(5 * shotWithout);
    }), 400_000);

  it('typesets the heat-map legend, the schedule legends and the GAN panel (no raw TeX, no TeX error)', () =>
    onPage(url(), async (page, open) => {
      /** Typeset formulas (SVG inside .math) and failed ones under `selector`, and whether its text shows TeX. */
      const facts = (selector: string): Promise<{ typeset: number; failed: number; raw: boolean; text: string }> =>
        page.evaluate((sel) => {
          const roots = [...document.querySelectorAll(sel)];
          const text = roots.map((r) => r.textContent ?? '').join(' | ');
          return {
            typeset: roots.reduce((n, r) => n + r.querySelectorAll('.math svg').length, 0),
            failed: roots.reduce((n, r) => n + r.querySelectorAll('.math-error').length, 0),
            raw: /\\[a-zA-Z]|_\{|\^\{|\$/.test(text),
            text,
          };
        }, selector);

      await open('data.particles=1000&model.batchSize=64&model.width=32&view.heatMap=log-density');
      await page.waitForSelector('.field-legend-title .math svg', { timeout: 60_000 });
      await page.waitForFunction(() => document.querySelectorAll('.schedule-plots .u-label .math svg').length >= 4, undefined, { timeout: 30_000 });
      const legend = await facts('.field-legend-title');
      expect(legend.typeset).toBeGreaterThanOrEqual(2); // log p_t(x) and t
      expect(legend).toMatchObject({ failed: 0, raw: false });
      expect(legend.text).toMatch(/of the noised data \(exact\) at/);
      const plots = await facts('.schedule-plots .u-legend, .schedule-plots .u-title');
      // alphaBar, sigma, g^2, log SNR in the legends; t and log SNR in the titles.
      expect(plots.typeset).toBeGreaterThanOrEqual(6);
      expect(plots).toMatchObject({ failed: 0, raw: false });
      if (process.env.CAPTION_SHOT_OUT) await page.screenshot({ path: process.env.CAPTION_SHOT_OUT.replace(/\.png$/, '-legends.png') });

      await open('data.particles=1000&model.kind=gan&model.batchSize=64&model.width=32');
      await page.waitForFunction(() => document.querySelectorAll('.gan-panel .math svg').length >= 10, undefined, { timeout: 60_000 });
      const panel = await facts('.gan-panel');
      expect(panel).toMatchObject({ failed: 0, raw: false });
      expect(panel.text).toMatch(/discriminator/);
      await page.waitForSelector('.hud-stats [data-f="simLabel"] .math svg', { timeout: 30_000 });
      const hud = await facts('.hud-phase, .hud-stats [data-f="simLabel"]');
      expect(hud.typeset).toBeGreaterThanOrEqual(3); // x = G(z), z; the G(z) row
      expect(hud).toMatchObject({ failed: 0, raw: false });
      if (process.env.CAPTION_SHOT_OUT) await page.screenshot({ path: process.env.CAPTION_SHOT_OUT.replace(/\.png$/, '-gan.png') });
    }), 300_000);
});
