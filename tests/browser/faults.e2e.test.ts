/**
 * Faults the app must survive, in real headless Chromium (issue 8): a backend that cannot start falls
 * through to the next one with a message; a browser that can draw with neither WebGPU nor WebGL2 gets a
 * plain explanation instead of a stack trace; a lost WebGL context or WebGPU device restarts the page
 * with the same settings and the trained weights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, collectErrors, launchChromium, serveBuiltApp, snapshot, until, WEBGL_FLAGS, WEBGPU_FLAGS } from './harness';

/** No GPU process, no WebGL, no WebGPU: nothing to draw with. */
const NO_GRAPHICS_FLAGS = ['--disable-gpu', '--disable-webgl', '--disable-3d-apis'];

describe.skipIf(!chromiumAvailable())('faults at start, in headless Chromium', () => {
  let url = '';
  let close = async (): Promise<void> => undefined;
  beforeAll(async () => {
    ({ url, close } = await serveBuiltApp());
  });
  afterAll(() => close());

  it('falls through to the cpu backend with a message when the wasm files cannot be loaded, and keeps training', async () => {
    const browser = await launchChromium(WEBGL_FLAGS);
    try {
      const errors = collectErrors(browser.page);
      await browser.page.route('**/*.wasm', (route) => route.abort());
      await browser.page.goto(`${url}#data.particles=1000&model.batchSize=64&model.width=32`);
      // The message comes as a toast at start, and stays in the HUD's backend cell.
      await browser.page.locator('.toasts', { hasText: /wasm: its WebAssembly files could not be loaded.*running on cpu instead/ }).waitFor({ timeout: 60_000 });
      const first = await until(browser.page, 'training to start', (s) => s.trainSteps >= 2, 120_000);
      expect(first.backend).toBe('cpu');
      await until(browser.page, 'the step counter to advance', (s) => s.trainSteps >= first.trainSteps + 2, 120_000);
      expect(await browser.page.locator('.hud [data-f="backend"]').innerText()).toMatch(/cpu.*wasm failed to start/);
      // The blocked requests themselves are logged by the browser; nothing else may fail.
      expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('explains that nothing can be drawn when the browser has neither WebGPU nor WebGL2', async () => {
    const browser = await launchChromium(NO_GRAPHICS_FLAGS);
    try {
      const pageErrors: string[] = [];
      browser.page.on('pageerror', (e) => pageErrors.push(e.message));
      await browser.page.goto(url);
      const fatal = browser.page.locator('.fatal');
      await fatal.waitFor({ timeout: 60_000 });
      expect(await fatal.innerText()).toMatch(/could not start[\s\S]*neither WebGPU nor WebGL2[\s\S]*hardware acceleration/);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  /** Trains until a weights copy has been kept (one every 5 s), loses the GPU with `lose`, and checks the restart. */
  async function loseAndRecover(flags: string[], query: string, lose: string, lostBackend: string): Promise<void> {
    const browser = await launchChromium(flags);
    try {
      const pageErrors: string[] = [];
      browser.page.on('pageerror', (e) => pageErrors.push(e.message));
      // Keep a handle on the device the app creates, so the test can destroy it.
      await browser.page.addInitScript(() => {
        const gpu = (navigator as unknown as { gpu?: { requestAdapter: unknown } }).gpu;
        if (!gpu || typeof GPUAdapter === 'undefined') return;
        const request = GPUAdapter.prototype.requestDevice;
        GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, d?: GPUDeviceDescriptor) {
          const device = await request.call(this, d);
          (window as unknown as { __device: GPUDevice }).__device = device;
          return device;
        };
      });
      const hash = '#data.particles=1000&model.batchSize=64&model.width=32&data.seed=5&data.dataset=rings';
      await browser.page.goto(`${url}${query}${hash}`);
      await until(browser.page, 'training to start', (s) => s.trainSteps >= 5, 120_000);
      await browser.page.waitForTimeout(6_000); // a weights copy is taken every 5 s
      const before = await until(browser.page, 'more training', (s) => s.trainSteps >= 12, 120_000);
      await browser.page.evaluate(lose);
      // The page reloads; the new one says what it recovered from.
      const after = await until(browser.page, 'the restarted page', (s) => s.recovered !== null && s.frames >= 1, 120_000);
      expect(after.recovered?.lostBackend).toBe(lostBackend);
      expect(after.recovered?.weights).toBe(true);
      expect(after.config.data.seed).toBe(5);
      expect(after.config.data.dataset).toBe('rings');
      expect(after.config.model.width).toBe(32);
      // The trained weights came back with their step count: a fresh network would start at 0.
      expect(after.trainSteps).toBeGreaterThanOrEqual(5);
      expect(after.trainSteps).toBeLessThanOrEqual(before.trainSteps + 200);
      await until(browser.page, 'training to go on', (s) => s.trainSteps > after.trainSteps, 120_000);
      expect((await snapshot(browser.page))?.backend).toBe(before.backend);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  }

  it('rebuilds the scene with its settings and trained weights after the WebGL context is lost', async () => {
    await loseAndRecover(WEBGL_FLAGS, '', "document.getElementById('stage').getContext('webgl2').getExtension('WEBGL_lose_context').loseContext()", 'webgl');
  });

  it('rebuilds the scene with its settings and trained weights after the WebGPU device is destroyed', async () => {
    await loseAndRecover(WEBGPU_FLAGS, '?backend=webgpu', 'window.__device.destroy()', 'webgpu');
  });
});
