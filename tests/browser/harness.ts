/**
 * Shared by the browser test, the screenshot script and the browser benchmark: serves a built
 * `dist/` with Vite's preview server on a free local port and drives Debian's Chromium through
 * playwright-core (never a downloaded browser).
 */
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

/** Where Debian's chromium package puts the browser; override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

const QUIET = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--mute-audio'];
/** Software WebGPU (SwiftShader Vulkan) that can also present to a canvas; see shared notes. */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--enable-features=Vulkan', '--use-vulkan=swiftshader'];
/** No WebGPU adapter: tfjs falls back to WebGL, three to its WebGL2 backend. */
export const WEBGL_FLAGS = ['--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/** Builds the app into `outDir` (default dist/) quietly. */
export async function buildApp(outDir = 'dist'): Promise<void> {
  await build({ logLevel: 'error', build: { outDir, emptyOutDir: true } });
}

/** Serves `outDir` on 127.0.0.1 at a free port. */
export async function serveApp(outDir = 'dist'): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({ logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('preview server has no URL');
  return { server, url };
}

/**
 * Builds the app into a fresh temporary folder and serves it there (each browser test file's set-up).
 * @returns the page URL and close(), which stops the server and removes the folder.
 */
export async function serveBuiltApp(): Promise<{ url: string; close: () => Promise<void> }> {
  const outDir = mkdtempSync(join(tmpdir(), 'gp-dist-'));
  try {
    await buildApp(outDir);
    const { server, url } = await serveApp(outDir);
    return {
      url,
      close: async () => {
        await server.close();
        rmSync(outDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
}

/** A headless Chromium with its own throw-away profile. Call close(). */
export async function launchChromium(flags: string[], viewport = { width: 1280, height: 720 }): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'gp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...QUIET, ...flags],
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What `window.__playground.snapshot()` returns. */
export interface Snapshot {
  backend: string;
  renderer: string;
  upload: string;
  /** CPU readbacks of particle positions so far (the main particle layer's uploader). */
  positionReadbacks: number;
  /** GPU-to-GPU uploads of particle positions so far. */
  positionGpuCopies: number;
  trainSteps: number;
  simSteps: number;
  frames: number;
  fps: number;
  /** Mean ms inside the loop's tick (simulate + train + render calls). */
  frameMs: number;
  /** Mean ms per frame in the loop's phases (simulate, train, render calls) over the last second. */
  phaseMs?: { sim: number; train: number; render: number };
  t: number;
  loss: number;
  config: Record<string, Record<string, unknown>>;
  /** tf.memory() of the page: live tensors and their bytes. */
  memory: { tensors: number; bytes: number };
  /** Set after a restart that recovered from a lost GPU (app/device-recovery). */
  recovered: { reason: string; lostBackend: string; skip: string[]; weights: boolean } | null;
  /** Particles N of the session and of the layer that draws them (app/particle-view). */
  particles: { session: number; layer: number };
  /** three's renderer.info.memory: live geometries and vertex attribute buffers (count and bytes). */
  gpuMemory: { geometries: number; attributes: number; attributeBytes: number };
  /** The page clock when the snapshot was taken (performance.now(), ms since navigation started). */
  clockMs?: number;
  /** The particles' motion ('forward', 'reverse', 'hold'; 'generate' for a GAN) and grid steps T. */
  motion?: 'forward' | 'reverse' | 'hold' | 'generate';
  T?: number;
  /** Each change of the particles' motion (page clock ms, motion, t), seen at the end of a frame (app/playground-handle). */
  motionLog?: { ms: number; motion: 'forward' | 'reverse' | 'hold' | 'generate'; t: number }[];
  /** After trackPassQuality(true): the energy distance to the data at the end of each reverse pass (page clock ms). */
  passQuality?: { ms: number; value: number }[];
}

/** Turns on the page's energy distance at the end of each reverse pass (`window.__playground.trackPassQuality`); false before the handle exists. */
export async function trackPassQuality(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const p = (window as unknown as { __playground?: { trackPassQuality(on: boolean): void } }).__playground;
    p?.trackPassQuality(true);
    return p !== undefined;
  });
}

/** The app's snapshot, or null before it exists or while the page is navigating (a reload). */
export async function snapshot(page: Page): Promise<Snapshot | null> {
  try {
    return await page.evaluate(() => {
      const p = (window as unknown as { __playground?: { snapshot(): unknown } }).__playground;
      return p ? (p.snapshot() as never) : null;
    });
  } catch (e) {
    if (/context was destroyed|navigation|Target closed/i.test(String(e))) return null;
    throw e;
  }
}

/** Polls the page's snapshot until `pred` holds. @throws Error naming `what` and the last snapshot after `timeoutMs`. */
export async function until(page: Page, what: string, pred: (s: Snapshot) => boolean, timeoutMs = 60_000): Promise<Snapshot> {
  const end = Date.now() + timeoutMs;
  let last: Snapshot | null = null;
  while (Date.now() < end) {
    last = await snapshot(page);
    if (last && pred(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`timed out waiting for ${what}; last snapshot: ${JSON.stringify(last && { ...last, config: undefined })}`);
}

/** Collects console errors and uncaught page errors as they happen. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/**
 * Every toast the page shows, recorded as it appears (toasts expire after a few seconds, sooner than a
 * slow machine gets through a test). Call before page.goto; read with {@link toastLog}.
 */
export async function recordToasts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log: string[] = [];
    (window as unknown as { __toasts: string[] }).__toasts = log;
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n instanceof HTMLElement && n.classList.contains('toast')) log.push(n.textContent ?? '');
    }).observe(document, { childList: true, subtree: true });
  });
}
/** The toasts recorded so far (see {@link recordToasts}), waiting up to `timeoutMs` for `waitFor` to appear. */
export async function toastLog(page: Page, waitFor?: RegExp, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = (await page.evaluate(() => (window as unknown as { __toasts?: string[] }).__toasts ?? [])).join('\n');
    if (waitFor === undefined || waitFor.test(text) || Date.now() > end) return text;
    await page.waitForTimeout(250);
  }
}

/**
 * The text of the first element matching `selector`, with each typeset formula (an SVG carrying its TeX in
 * `data-tex`) read back as `$TeX$`: what a reader sees, in the form the app was asked to typeset.
 */
export async function textWithTex(page: Page, selector: string): Promise<string> {
  return page.locator(selector).first().evaluate((root) => {
    const copy = root.cloneNode(true) as HTMLElement;
    for (const m of copy.querySelectorAll<HTMLElement>('[data-tex]')) m.replaceWith(`$${m.dataset.tex ?? ''}$`);
    return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
  });
}
