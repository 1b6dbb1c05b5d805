/**
 * The "why Wasserstein" scene in real headless Chromium (WebGL2 flags, tfjs wasm), at 1280x720 and
 * 1920x1080, on its own page (tests/browser/wasserstein-page.html, built beside the app): after 3 s of
 * scene time at theta = 1 the critic's arrows draw (many arrow-coloured pixels) where the saturated D's
 * have shrunk to rings, the heat maps and the curves draw, the legends are typeset (MathJax SVG, read
 * back as TeX), no box overlaps another and no label is cut, a recording frame carries the same picture,
 * dispose frees every tensor, and the page logs no error. Screenshots go to docs/wasserstein-*.png.
 * Skipped where Chromium is missing.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, collectErrors, launchChromium, WEBGL_FLAGS } from './harness';
import { servedPageForSuite } from './suite';

interface PageCounts {
  arrows: Record<'discriminator' | 'critic', number>;
  heat: Record<'discriminator' | 'critic', number>;
  curves: { js: number; w1: number; kl: number };
  frame: { arrows: number; js: number };
}

/** Advances the scene by `ticks` frames of 1/30 s, as a frame-exact recording does, and waits for it to be idle. */
const advanceTicks = (page: Page, ticks: number): Promise<void> =>
  page.evaluate(async (n) => {
    const w = window as unknown as { __wass: { scene: { advance(ms: number): void; whenIdle(): Promise<void> } } };
    for (let i = 0; i < n; i++) {
      w.__wass.scene.advance(1000 / 30);
      if (i % 10 === 9) await w.__wass.scene.whenIdle();
    }
    await w.__wass.scene.whenIdle();
  }, ticks);

describe.skipIf(!chromiumAvailable())('the Wasserstein scene in Chromium', () => {
  const pageUrl = servedPageForSuite('tests/browser/wasserstein-page.html');

  for (const [width, height] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    it(`draws the panels, arrows, curves and typeset legends at ${width}x${height}, nothing overlapping, no error`, async () => {
      const browser = await launchChromium(WEBGL_FLAGS, { width, height });
      const page = browser.page;
      try {
        const errors = collectErrors(page);
        await page.goto(pageUrl());
        await page.waitForFunction(() => '__wass' in window, null, { timeout: 60_000 });
        // 4 s of scene time, frame-exact (the recording path), then paused: what is counted no longer depends on
        // how many ticks the scene's own clock got in on a loaded machine (the critic's arrows grow as it trains).
        await advanceTicks(page, 120);
        await page.evaluate(() => (window as unknown as { __wass: { scene: { setPaused(p: boolean): void } } }).__wass.scene.setPaused(true));
        await page.waitForFunction(() => document.querySelectorAll('.wass-scene .math').length > 0 && [...document.querySelectorAll('.wass-scene .math')].every((m) => m.querySelector('svg') !== null), null, { timeout: 60_000 });
        await page.waitForTimeout(600);

        const counts = (await page.evaluate(() => {
          const near = (data: Uint8ClampedArray, hex: string, tol: number): number => {
            const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
            let n = 0;
            for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - rgb[0]) <= tol && Math.abs(data[i + 1] - rgb[1]) <= tol && Math.abs(data[i + 2] - rgb[2]) <= tol) n++;
            return n;
          };
          const pixels = (c: HTMLCanvasElement): Uint8ClampedArray => (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
          const plane = (side: string): Uint8ClampedArray => pixels(document.querySelector(`[data-side="${side}"] canvas`) as HTMLCanvasElement);
          // Heat map: pixels that are neither the background nor near-black (the map blends red/blue over it).
          const heat = (data: Uint8ClampedArray): number => {
            let n = 0;
            for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - data[i + 2]) > 25) n++;
            return n / (data.length / 4);
          };
          const plot = pixels(document.querySelector('.wass-curves canvas') as HTMLCanvasElement);
          const w = window as unknown as { __wass: { frame(w: number, h: number): Uint8ClampedArray } };
          const frame = w.__wass.frame(1280, 720);
          return {
            arrows: { discriminator: near(plane('discriminator'), '#ffd166', 12), critic: near(plane('critic'), '#ffd166', 12) },
            heat: { discriminator: heat(plane('discriminator')), critic: heat(plane('critic')) },
            curves: { js: near(plot, '#38b6e8', 30), w1: near(plot, '#7ddc8a', 30), kl: near(plot, '#ef6a3a', 30) },
            frame: { arrows: near(frame, '#ffd166', 12), js: near(frame, '#38b6e8', 30) },
          };
        })) as PageCounts;
        await page.evaluate(() => (window as unknown as { __wass: { scene: { setPaused(p: boolean): void } } }).__wass.scene.setPaused(false));
        const scale = width / 1280;
        // The critic's 11 arrows (about 0.45 units long) against the D's 11 small rings.
        expect(counts.arrows.critic).toBeGreaterThan(700 * scale);
        expect(counts.arrows.critic).toBeGreaterThan(2.5 * counts.arrows.discriminator);
        expect(counts.heat.discriminator).toBeGreaterThan(0.3);
        expect(counts.heat.critic).toBeGreaterThan(0.3);
        for (const n of Object.values(counts.curves)) expect(n).toBeGreaterThan(200);
        expect(counts.frame.arrows).toBeGreaterThan(500);
        expect(counts.frame.js).toBeGreaterThan(100);

        const legend = await page.locator('.wass-curves .wass-legend').first().evaluate((root) => {
          const copy = root.cloneNode(true) as HTMLElement;
          for (const m of copy.querySelectorAll<HTMLElement>('[data-tex]')) m.replaceWith(`$${m.dataset.tex ?? ''}$`);
          return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
        });
        expect(legend).toContain('$\\mathrm{JS}(p_r, p_g) = \\log 2$ for $\\theta \\ne 0$');
        expect(legend).toContain('$\\mathrm{KL}(p_r \\| p_g) = +\\infty$');
        expect(legend).toContain('$W_1(p_r, p_g) = |\\theta|$');
        const push = await page.locator('[data-side="critic"] .math').allTextContents();
        expect(push.length).toBeGreaterThan(0);
        expect(await page.locator('.wass-scene .math-error').count()).toBe(0);

        const layout = await page.evaluate(() => {
          const boxes = [...document.querySelectorAll<HTMLElement>('.wass-scene .frame-box')].map((b) => b.getBoundingClientRect());
          const overlaps: string[] = [];
          boxes.forEach((a, i) =>
            boxes.slice(i + 1).forEach((b, j) => {
              if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps.push(`${i} ${i + 1 + j}`);
            }),
          );
          const cut = [...document.querySelectorAll<HTMLElement>('.wass-scene .wass-label')].filter((l) => l.scrollWidth > l.clientWidth + 1 || l.scrollHeight > l.clientHeight + 2).map((l) => l.textContent);
          const outside = boxes.filter((b) => b.left < 0 || b.top < 0 || b.right > innerWidth + 0.5 || b.bottom > innerHeight + 0.5).length;
          return { boxes: boxes.length, overlaps, cut, outside };
        });
        expect(layout.boxes).toBe(5);
        expect(layout.overlaps).toEqual([]);
        expect(layout.cut).toEqual([]);
        expect(layout.outside).toBe(0);

        // Keyboard-safe: the slider keeps its arrow keys from the deck, a box or a button does not.
        const heard = await page.evaluate(() => {
          let n = 0;
          document.addEventListener('keydown', () => n++);
          const press = (el: Element | null): void => void el?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
          press(document.querySelector('.wass-slider'));
          const slider = n;
          press(document.querySelector('.wass-controls input[type="checkbox"]'));
          press(document.querySelector('.wass-button'));
          return { slider, others: n - slider };
        });
        expect(heard).toEqual({ slider: 0, others: 2 });

        // Train the shift under WGAN-GP from the controls: theta leaves 1 towards 0 and its trace draws.
        await page.selectOption('.wass-select', 'wgan-gp');
        await page.locator('.wass-controls label', { hasText: 'train the shift' }).locator('input').check();
        await advanceTicks(page, 60);
        await page.waitForTimeout(600);
        const theta = Number((await page.locator('[data-side="critic"] .wass-dim').first().textContent())?.match(/= (\S+)/)?.[1].replace('\u2212', '-'));
        expect(theta).toBeLessThan(0.8);
        expect(theta).toBeGreaterThan(-0.5);
        const traced = await page.evaluate(() => {
          const c = document.querySelector('.wass-traces canvas') as HTMLCanvasElement;
          const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x7d) < 30 && Math.abs(d[i + 1] - 0xdc) < 30 && Math.abs(d[i + 2] - 0x8a) < 30) n++;
          return n;
        });
        expect(traced).toBeGreaterThan(50);
        await page.screenshot({ path: `docs/wasserstein-${width}.png` });

        const leftover = await page.evaluate(() => {
          const w = window as unknown as { __wass: { scene: { dispose(): void }; tensors(): number; tensorsBefore: number } };
          w.__wass.scene.dispose();
          return { tensors: w.__wass.tensors() - w.__wass.tensorsBefore, scene: document.querySelectorAll('.wass-scene').length };
        });
        expect(leftover).toEqual({ tensors: 0, scene: 0 });
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 300_000);
  }
});
