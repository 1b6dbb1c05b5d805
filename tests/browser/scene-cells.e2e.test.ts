/**
 * What the scene cells of `npm run bench` read from the page (window.__playground), in real headless Chromium
 * (WebGL2, tfjs wasm): on a link whose reverse passes are short (flow matching with the exact velocity, all 10 RK4
 * steps, reverse phase only), the motion log yields a complete reverse pass on the page clock, and with the
 * pass quality turned on the energy distance of the particles to the data is measured at that pass's end
 * (near 0: the exact field draws the data). Skipped where Chromium is missing.
 */
import { describe, expect, it } from 'vitest';
import { askedSecondsPerPass, reversePasses } from '../../src/bench/scene-cells';
import { chromiumAvailable, collectErrors, launchChromium, trackPassQuality, until, WEBGL_FLAGS } from './harness';
import { servedAppForSuite } from './suite';

const FAST_PASSES = 'model.kind=flow&sampling.sampler=rk4&sampling.nfe=10&sampling.field=exact&sampling.phase=reverse&sampling.secondsPerPass=1&sampling.passSteps=all&data.particles=1000';

describe.skipIf(!chromiumAvailable())('the scene cells in headless Chromium', () => {
  const url = servedAppForSuite();

  it('times a reverse pass from the motion log and measures the energy distance at its end', async () => {
    const browser = await launchChromium(WEBGL_FLAGS);
    const { page } = browser;
    try {
      const errors = collectErrors(page);
      await page.goto(`${url()}#${FAST_PASSES}`);
      const first = await until(page, 'window.__playground', () => true, 90_000);
      expect(first.passQuality).toEqual([]); // off until asked
      expect(await trackPassQuality(page)).toBe(true);
      const s = await until(page, 'a timed reverse pass with its energy distance', (x) => reversePasses(x.motionLog ?? [], x.T ?? 1).length >= 1 && (x.passQuality?.length ?? 0) >= 1, 300_000);
      expect(s.T).toBe(10);
      expect(askedSecondsPerPass(s.config.sampling, s.T ?? 0)).toBe(1);
      const passes = reversePasses(s.motionLog ?? [], 10);
      const pass = passes[0];
      expect(pass.seconds).toBeGreaterThan(0);
      expect(pass.endMs).toBeLessThanOrEqual(s.clockMs ?? 0);
      // The log: the state before the first frame, then each change; the pass ends at t = 0 on the data.
      expect(s.motionLog?.[0].ms).toBeLessThan(pass.startMs);
      expect(s.motionLog?.find((e) => e.ms === pass.endMs)?.t).toBe(0);
      const quality = s.passQuality ?? [];
      expect(quality.map((q) => q.ms)).toContain(pass.endMs);
      expect(Math.abs(quality[0].value)).toBeLessThan(0.01);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 420_000);
});
