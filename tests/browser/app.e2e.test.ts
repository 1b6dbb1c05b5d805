/**
 * End to end, in real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
 * the built app boots with no console errors, draws particles (pixels, not just a canvas element)
 * and trains (the step counter advances), on WebGL2 and on software WebGPU with one shared device.
 * Skipped, with a message saying how to enable it, where Chromium is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, chromiumAvailable, collectErrors, launchChromium, recordToasts, serveBuiltApp, textWithTex, toastLog, until, WEBGL_FLAGS, WEBGPU_FLAGS } from './harness';
import { brightShare } from './pixels';
import { PNG } from 'pngjs';

const available = chromiumAvailable();
if (!available) {
  console.warn(
    `\n[browser test] SKIPPED: no Chromium at ${CHROMIUM_PATH}.\n` +
      `  Enable it with: sudo apt-get install -y chromium   (or set CHROMIUM_PATH to a Chromium binary)\n`,
  );
}

/** The particle area of a 1280x720 page: right of the HUD and the schedule plots, left of the GUI panel. */
const STAGE_REGION = { x: 560, y: 40, width: 400, height: 450 };

describe.skipIf(!available)('the app in headless Chromium', () => {
  let url = '';
  let close = async (): Promise<void> => undefined;
  beforeAll(async () => {
    ({ url, close } = await serveBuiltApp());
  });
  afterAll(() => close());

  it('boots on WebGL2 (no WebGPU adapter), draws particles and trains live', async () => {
    const browser = await launchChromium(WEBGL_FLAGS);
    try {
      const errors = collectErrors(browser.page);
      await browser.page.goto(`${url}#data.particles=2000&model.batchSize=128`);
      const first = await until(browser.page, 'training to start', (s) => s.trainSteps >= 2 && s.frames >= 2, 60_000);
      expect(first.backend).toBe('wasm'); // SwiftShader WebGL is software: wasm is chosen and the HUD says why
      expect(first.renderer).toBe('WebGL2');
      const later = await until(browser.page, 'the step counter to advance', (s) => s.trainSteps >= first.trainSteps + 3 && s.simSteps > first.simSteps, 60_000);
      expect(later.positionReadbacks).toBeGreaterThan(0); // the counter counts: this path reads positions back
      const share = brightShare(await browser.page.screenshot(), STAGE_REGION);
      expect(share, 'share of bright particle pixels in the stage').toBeGreaterThan(0.01);
      const hud = await browser.page.locator('.hud').innerText();
      expect(hud).toMatch(/wasm/);
      // The full story of the backend choice is the tooltip of its HUD cell.
      expect(await browser.page.locator('.hud [data-f="backend"]').getAttribute('title')).toMatch(/webgl: software renderer only/);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('warns in the HUD while x_T is not yet noise, and the schedule folder shows the effective betas (issue 16.2)', async () => {
    const browser = await launchChromium(WEBGL_FLAGS);
    try {
      const errors = collectErrors(browser.page);
      // Fixed betas at T = 50: alphaBar_T = 0.60, the reverse process would start from N(0, I) anyway.
      await browser.page.goto(`${url}#data.particles=500&model.batchSize=32&schedule.T=50&schedule.betaScaling=fixed`);
      await until(browser.page, 'training to start', (s) => s.trainSteps >= 1, 60_000);
      const warning = browser.page.locator('.hud .hud-warning');
      await warning.waitFor({ state: 'visible', timeout: 10_000 });
      expect(await textWithTex(browser.page, '.hud .hud-warning')).toBe('$x_T$ is not yet noise: $\\bar\\alpha_T = 0.60$');
      expect(await browser.page.locator('.gui-note').first().isHidden()).toBe(true); // fixed: the sliders are the betas
      // Scaled by 1000 / T (the default): the chain reaches noise, the warning goes, the GUI names the betas in force.
      await browser.page.evaluate(() => (location.hash = 'data.particles=500&model.batchSize=32&schedule.T=50'));
      await warning.waitFor({ state: 'hidden', timeout: 30_000 });
      expect(await browser.page.locator('.gui-note').first().textContent()).toBe('effective beta_1 = 0.002, beta_T = 0.4 at T = 50');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('boots on software WebGPU with one GPUDevice shared by tfjs and three.js (GPU-to-GPU positions)', async () => {
    const browser = await launchChromium(WEBGPU_FLAGS);
    try {
      const errors = collectErrors(browser.page);
      // The software adapter is slow: tiny sizes, and ?backend=webgpu to use it although wasm would be faster.
      await browser.page.goto(`${url}?backend=webgpu#data.particles=1000&model.width=16&model.depth=1&model.batchSize=32`);
      const first = await until(browser.page, 'training to start', (s) => s.trainSteps >= 2 && s.frames >= 3, 90_000);
      expect(first.backend).toBe('webgpu');
      expect(first.renderer).toBe('WebGPU');
      expect(first.upload).toBe('gpu');
      const later = await until(browser.page, 'the step counter to advance', (s) => s.trainSteps >= first.trainSteps + 2 && s.simSteps > first.simSteps, 90_000);
      // Instrumented: no CPU readback of particle positions in any frame once three.js has created its vertex
      // buffer (it does so on the first draw: the very first upload, before it, may be the one readback).
      expect(first.positionReadbacks).toBeLessThanOrEqual(1);
      expect(later.positionReadbacks).toBe(first.positionReadbacks);
      expect(later.positionGpuCopies).toBeGreaterThan(first.positionGpuCopies);
      expect(later.frames).toBeGreaterThan(first.frames);
      expect(brightShare(await browser.page.screenshot(), STAGE_REGION)).toBeGreaterThan(0.002);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('plays a WGAN-GP scene with its critic surface and panel, then switches to a diffusion model through the URL', async () => {
    const browser = await launchChromium(WEBGL_FLAGS);
    try {
      const errors = collectErrors(browser.page);
      await browser.page.goto(`${url}#model.kind=wgan-gp&data.dataset=gaussians-8&gan.landscape=surface&data.particles=1000&model.width=32&model.batchSize=64`);
      const first = await until(browser.page, 'the GAN to train', (s) => s.trainSteps >= 3 && s.frames >= 3, 90_000);
      expect(first.config.model.kind).toBe('wgan-gp');
      await browser.page.waitForTimeout(1500); // the panel's theory figures and the landscape arrive by async readback
      const panel = await textWithTex(browser.page, '.gan-panel');
      expect(panel).toMatch(/critic \$f_w\$/);
      expect(panel).toMatch(/exact \$W_1\$ \(optimal transport, 256 points\) = \d/);
      expect(brightShare(await browser.page.screenshot(), STAGE_REGION)).toBeGreaterThan(0.002);
      // Across families: a new session, the GAN panel goes, the diffusion model trains.
      await browser.page.evaluate("location.hash = 'model.kind=flow&data.particles=1000&model.batchSize=64'");
      await until(browser.page, 'the flow model to train', (s) => s.config.model.kind === 'flow' && s.trainSteps >= 3, 90_000);
      expect(await browser.page.locator('.gan-panel').isVisible()).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('trains on a CSV the user loads, and refuses a ZIP renamed .csv with a message, keeping the scene', async () => {
    const browser = await launchChromium(WEBGL_FLAGS);
    try {
      const errors = collectErrors(browser.page);
      await recordToasts(browser.page);
      await browser.page.goto(`${url}#data.particles=1000&model.batchSize=64`);
      await until(browser.page, 'training to start', (s) => s.trainSteps >= 2, 60_000);
      // The file picker of "load your data" (a real drop goes through the same openFile; synthetic drops
      // carry no FileSystem entries in Chromium, so the picker is what a test can drive).
      const load = (name: string, buffer: Buffer): Promise<void> => browser.page.setInputFiles('input.data-file', { name, mimeType: 'application/octet-stream', buffer });
      const ring = ['x,y', ...Array.from({ length: 400 }, (_, i) => `${Math.cos(i / 20) * 5 + 10},${Math.sin(i / 20) * 5 - 3}`)].join('\n');
      await load('ring.csv', Buffer.from(ring));
      const custom = await until(browser.page, 'the loaded data to be used', (s) => s.config.data.source === 'custom' && s.trainSteps >= 2, 60_000);
      expect(custom.config.data.source).toBe('custom');
      expect(await browser.page.locator('.hud-title').innerText()).toMatch(/custom data \(400 points\)/);
      await load('evil.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
      expect(await toastLog(browser.page, /evil\.csv is a ZIP archive/)).toMatch(/evil\.csv is a ZIP archive/);
      const after = await until(browser.page, 'the scene to keep training', (s) => s.trainSteps >= custom.trainSteps + 2, 60_000);
      expect(after.config.data.source).toBe('custom');
      // A picture: a dark ring on white, decoded by the browser and sampled by darkness.
      const png = new PNG({ width: 64, height: 64 });
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          const r = Math.hypot(x - 32, y - 32);
          const v = r > 18 && r < 26 ? 0 : 255;
          png.data.set([v, v, v, 255], 4 * (y * 64 + x));
        }
      }
      await load('ring.png', PNG.sync.write(png));
      await browser.page.locator('.hud-title', { hasText: 'custom data (20,000 points)' }).waitFor({ timeout: 60_000 });
      await until(browser.page, 'training on the picture', (s) => s.trainSteps >= 1 && s.config.data.source === 'custom', 60_000);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('reports bad URL values in the page and keeps the scene running on defaults', async () => {
    const browser = await launchChromium(WEBGL_FLAGS);
    try {
      await recordToasts(browser.page);
      await browser.page.goto(`${url}?backend=nonsense#data.particles=2000&model.width=abc&data.dataset=%3Cscript%3E&evil=1`);
      const s = await until(browser.page, 'training to start', (x) => x.trainSteps >= 2, 60_000);
      expect(s.config.model.width).toBe(128);
      expect(s.config.data.dataset).toBe('two-moons');
      const toasts = await toastLog(browser.page);
      expect(toasts).toMatch(/model\.width: must be a finite number/);
      expect(toasts).toMatch(/data\.dataset: must be one of/);
      expect(toasts).toMatch(/unknown URL setting 'evil'/);
      expect(toasts).toMatch(/unknown backend 'nonsense'/);
    } finally {
      await browser.close();
    }
  });
});
