/**
 * Faults the app must survive, in real headless Chromium (issue 8): a backend that cannot start falls
 * through to the next one with a message, and a browser that can draw with neither WebGPU nor WebGL2
 * gets a plain explanation instead of a stack trace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, chromiumAvailable, collectErrors, launchChromium, serveApp, until, WEBGL_FLAGS } from './harness';

/** No GPU process, no WebGL, no WebGPU: nothing to draw with. */
const NO_GRAPHICS_FLAGS = ['--disable-gpu', '--disable-webgl', '--disable-3d-apis'];

describe.skipIf(!chromiumAvailable())('faults at start, in headless Chromium', () => {
  let outDir = '';
  let server: PreviewServer;
  let url = '';

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'gp-dist-'));
    await buildApp(outDir);
    ({ server, url } = await serveApp(outDir));
  });
  afterAll(async () => {
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

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
});
