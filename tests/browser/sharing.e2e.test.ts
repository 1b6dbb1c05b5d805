/**
 * Sharing, saving and bad input in real headless Chromium, under the page's Content-Security-Policy:
 * a malicious link and malformed preset files give messages while the scene keeps running (no page
 * error, no CSP violation, no dialog, no polluted prototype); a preset and trained weights saved from
 * the GUI open again. Skipped where Chromium is missing (see app.e2e.test.ts).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, serveBuiltApp, snapshot, until, WEBGL_FLAGS, WEBGPU_FLAGS } from './harness';

/** Console errors, page errors, dialogs (an alert would mean injected script ran) and CSP violations. */
async function watch(page: Page): Promise<{ errors: string[]; violations: () => Promise<string[]> }> {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[]; __toasts: string[] };
    w.__csp = [];
    w.__toasts = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    // Every toast as it appears: they expire sooner than a slow machine gets through a test.
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n instanceof HTMLElement && n.classList.contains('toast')) w.__toasts.push(n.textContent ?? '');
    }).observe(document, { childList: true, subtree: true });
  });
  return { errors, violations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp) };
}

/** All toasts shown so far (waiting up to 30 s for one matching `waitFor`, when given). */
async function toasts(page: Page, waitFor?: RegExp): Promise<string> {
  const end = Date.now() + 30_000;
  for (;;) {
    const text = (await page.evaluate(() => (window as unknown as { __toasts: string[] }).__toasts)).join('\n');
    if (waitFor === undefined || waitFor.test(text) || Date.now() > end) return text;
    await page.waitForTimeout(250);
  }
}
const openSaved = (page: Page, name: string, text: string | Buffer): Promise<void> =>
  page.setInputFiles('input.saved-file', { name, mimeType: 'application/json', buffer: typeof text === 'string' ? Buffer.from(text) : text });

describe.skipIf(!chromiumAvailable())('sharing and bad input in headless Chromium', () => {
  let url = '';
  let close = async (): Promise<void> => undefined;
  beforeAll(async () => {
    ({ url, close } = await serveBuiltApp());
  });
  afterAll(() => close());

  it('a malicious link and malformed presets: messages, values clamped, the scene keeps running', async () => {
    const browser = await launchChromium(WEBGL_FLAGS);
    try {
      const page = browser.page;
      const { errors, violations } = await watch(page);
      const hostile = [
        'data.particles=-1e9',
        'model.width=1e309',
        'model.depth=2.6',
        'data.seed=-3',
        'view.pointSize=1e9',
        'model.batchSize=64',
        `data.dataset=${encodeURIComponent('<img src=x onerror=alert(1)>')}`,
        `sampling.phase=${encodeURIComponent('<script>alert(2)</script>')}`,
        '__proto__.polluted=1',
        'constructor.prototype.polluted=1',
        `${encodeURIComponent('__proto__[polluted]')}=1`,
      ].join('&');
      await page.goto(`${url}#${hostile}`);
      const first = await until(page, 'training to start', (s) => s.trainSteps >= 2 && s.frames >= 2);
      expect(first.config.data).toMatchObject({ particles: 1000, seed: 0, dataset: 'two-moons' });
      expect(first.config.model).toMatchObject({ width: 128, depth: 3, batchSize: 64 });
      expect(first.config.view.pointSize).toBe(12);
      expect(first.config.sampling.phase).toBe('loop');
      const shown = await toasts(page);
      expect(shown).toMatch(/data\.particles: -1000000000 is below the minimum 1000; using 1000/);
      expect(shown).toMatch(/model\.width: must be a finite number \(got Infinity\); using 128/);
      expect(shown).toMatch(/unknown URL setting '__proto__\.polluted' ignored/);
      // The script strings are shown as text, never as markup.
      expect(await page.locator('.toasts img, .toasts script').count()).toBe(0);
      expect(await page.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined();
      // The cleaned link replaces the hostile one.
      expect(await page.evaluate(() => location.hash)).not.toMatch(/script|proto|1e9/);

      // Malformed preset files: refused as a whole, the scene untouched and running.
      const before = await snapshot(page);
      await openSaved(page, 'truncated.json', '{"format":"generative-playground-preset","version":1,"config":{"data":');
      await openSaved(page, 'bytes.json', Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x13, 0x37]));
      await openSaved(page, 'newer.json', JSON.stringify({ format: 'generative-playground-preset', version: 7, config: {} }));
      const refused = await toasts(page, /newer\.json/);
      expect(refused).toMatch(/truncated\.json: not a JSON file .*; the scene is unchanged/);
      expect(refused).toMatch(/bytes\.json: not a JSON file/);
      expect(refused).toMatch(/newer\.json: the preset is version 7, written by a newer/);
      const still = await until(page, 'the scene to keep running', (s) => s.frames > before!.frames + 3 && s.trainSteps > before!.trainSteps);
      expect(still.config).toEqual(before!.config);

      // A well-formed preset with hostile values: loads, clamped and reported.
      const hostilePreset = `{"format":"generative-playground-preset","version":1,"name":"<b>evil</b>","config":{"data":{"dataset":"rings","particles":1500,"__proto__":{"polluted":1}},"model":{"batchSize":64,"width":"<script>alert(3)</script>","depth":99},"evil":{"x":1}}}`;
      await openSaved(page, 'hostile.json', hostilePreset);
      const loaded = await until(page, 'the hostile preset to apply', (s) => s.config.data.dataset === 'rings' && s.trainSteps >= 1);
      expect(loaded.config.data.particles).toBe(1500);
      expect(loaded.config.model).toMatchObject({ width: 128, depth: 6 });
      const reported = await toasts(page, /hostile\.json/);
      expect(reported).toMatch(/hostile\.json: \d+ settings fixed or ignored:[\s\S]*model\.depth: 99 is above the maximum 6; using 6/);
      expect(reported).toMatch(/unknown group "evil" ignored/);
      await until(page, 'frames after the preset', (s) => s.frames > loaded.frames + 3);
      expect(await page.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined();
      expect(errors).toEqual([]);
      expect(await violations()).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('a preset and trained weights saved from the GUI open again; the weights bring their network shape', async () => {
    const browser = await launchChromium(WEBGPU_FLAGS);
    try {
      const page = browser.page;
      const { errors, violations } = await watch(page);
      await page.goto(`${url}?backend=webgpu#data.particles=1000&model.batchSize=64&model.width=32&model.depth=2&data.dataset=gaussians-8&data.seed=5`);
      await until(page, 'training', (s) => s.trainSteps >= 20);
      expect((await snapshot(page))!.renderer).toBe('WebGPU');

      const download = async (button: string): Promise<string> => {
        const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).evaluate((b: HTMLElement) => b.click())]);
        return readFileSync((await file.path())!, 'utf8');
      };
      const preset = JSON.parse(await download('save scene as preset (JSON)…'));
      const atSave = await snapshot(page);
      expect(preset).toMatchObject({ format: 'generative-playground-preset', version: 1 });
      expect(preset.config).toEqual(atSave!.config);

      const weights = await download('save trained weights…');
      const savedSteps = JSON.parse(weights).trainSteps as number;
      expect(savedSteps).toBeGreaterThanOrEqual(20);

      // Another scene (other width and seed), then the weights: the scene takes width 32 back and the step count.
      await page.evaluate(() => (location.hash = 'data.particles=1000&model.batchSize=64&model.width=64&model.depth=2&data.dataset=gaussians-8&data.seed=9'));
      await until(page, 'the wider network', (s) => s.config.model.width === 64);
      await openSaved(page, 'trained.json', weights);
      const back = await until(page, 'the weights to load', (s) => s.config.model.width === 32 && s.trainSteps >= savedSteps);
      expect(back.config.data.seed).toBe(9); // not a weight field: the scene keeps its own
      expect(await toasts(page, /Weights '/)).toMatch(/Weights '.*' loaded \(\d[\d,]* training steps\); the scene takes the settings they were trained under: model\.width 64 -> 32/);

      // The preset file opens the saved scene again.
      await openSaved(page, 'scene.json', JSON.stringify(preset));
      const reopened = await until(page, 'the preset to apply', (s) => s.config.data.seed === 5);
      expect(reopened.config).toEqual(atSave!.config);
      await until(page, 'frames after reopening', (s) => s.frames > reopened.frames + 3);
      expect(errors).toEqual([]);
      expect(await violations()).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
