/**
 * The training chart in headless Chromium (issue 15: at 1280 x 720 the right axis's "0.5" was cut at the
 * panel's edge, and the energy distance's legend wrapped onto two lines under an orphaned swatch). On its
 * own page (tests/browser/chart-page.html: the plots panel as the app builds it, with the app's
 * stylesheet), for each mode and a set of value ranges on both axes (0.5, 0.05, 0.001, 1e-4, negatives,
 * tens): the axis labels' ink stays inside the chart's canvas (a cut label leaves ink in its first or last
 * column), the canvas inside the panel, and each legend entry is one line with its swatch beside it.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_LABELS } from '../../src/app/metric-tracker';
import { chromiumAvailable, collectErrors, launchChromium, WEBGL_FLAGS } from './harness';
import { servedPageForSuite } from './suite';

type Box = { left: number; top: number; right: number; bottom: number };
interface Measured {
  canvas: Box;
  root: Box;
  panel: Box;
  ink: { first: number; last: number };
  legend: { text: string; title: string; lines: number; marker: Box | null; label: Box }[];
}

/** Loss (left axis) and metric (right axis) ranges, as a run shows them. */
const RANGES: readonly { loss: [number, number]; metric: [number, number] | null }[] = [
  { loss: [0.9, 0.5], metric: null },
  { loss: [20, 0.05], metric: null },
  { loss: [0.9, 0.5], metric: [0.5, 0.45] },
  { loss: [2, 0.3], metric: [0.5, 0.05] },
  { loss: [1.2, 0.6], metric: [0.05, 0.004] },
  { loss: [0.7, 0.55], metric: [0.001, 0.0004] },
  { loss: [0.7, 0.65], metric: [1e-4, 2e-5] },
  { loss: [0.7, 0.65], metric: [0.003, -0.002] },
  { loss: [0.7, 0.65], metric: [-0.0004, -0.05] },
  { loss: [30, 0.01], metric: [12, 30] },
];

describe.skipIf(!chromiumAvailable())('the training chart in Chromium', () => {
  const pageUrl = servedPageForSuite('tests/browser/chart-page.html');

  it('every axis label lies inside the chart and the panel, for every value range; each legend entry is one line beside its swatch', async () => {
    const browser = await launchChromium(WEBGL_FLAGS, { width: 1280, height: 720 });
    const page = browser.page;
    try {
      const errors = collectErrors(page);
      await page.goto(pageUrl());
      await page.waitForFunction(() => '__chart' in window);
      const problems: string[] = [];
      for (const mode of ['diffusion', 'adversarial'] as const) {
        for (const metric of ['energy-distance', 'mmd', 'sliced-w1'] as const) {
          for (const r of RANGES) {
            const loss: [number, number] = mode === 'adversarial' ? [-r.loss[0], r.loss[1] - 1] : r.loss;
            const m = (await page.evaluate(
              ([mo, label, signed, l, mr]) => (window as unknown as { __chart: { show(...a: unknown[]): unknown } }).__chart.show(mo, label, signed, l, mr),
              [mode, METRIC_LABELS[metric], metric === 'energy-distance', loss, r.metric] as const,
            )) as Measured;
            const what = `${mode} ${metric} loss ${loss.join('..')} metric ${r.metric?.join('..') ?? 'none yet'}`;
            const width = m.canvas.right - m.canvas.left;
            // Ink in the canvas's first or last CSS pixel column: a label cut at the chart's edge.
            if (m.ink.first < 1) problems.push(`${what}: ink at the left edge (${m.ink.first.toFixed(1)} px)`);
            if (m.ink.last > width - 2) problems.push(`${what}: ink at the right edge (${m.ink.last.toFixed(1)} of ${width} px)`);
            if (m.canvas.left < m.panel.left || m.canvas.right > m.panel.right) problems.push(`${what}: canvas [${m.canvas.left}, ${m.canvas.right}] outside the panel [${m.panel.left}, ${m.panel.right}]`);
            for (const e of m.legend) {
              if (e.lines !== 1) problems.push(`${what}: legend '${e.text}' on ${e.lines} lines`);
              if (e.marker !== null && Math.abs((e.marker.top + e.marker.bottom) / 2 - (e.label.top + e.label.bottom) / 2) > 6) problems.push(`${what}: legend '${e.text}' not beside its swatch`);
              if (e.label.right > m.panel.right) problems.push(`${what}: legend '${e.text}' past the panel`);
            }
          }
        }
      }
      await page.screenshot({ path: join(process.env.SHOTS_DIR ?? tmpdir(), 'chart-1280x720.png') });
      expect(problems).toEqual([]);
      // The energy distance's estimator is still named, in the legend entry's tooltip.
      const m = (await page.evaluate(() => (window as unknown as { __chart: { show(...a: unknown[]): unknown } }).__chart.show('diffusion', 'energy distance (U-statistic, can be < 0)', true, [1, 0.5], [0.1, 0.01]))) as Measured;
      const entry = m.legend.find((e) => e.text.startsWith('energy distance'));
      expect(entry?.text).toBe('energy distance');
      expect(entry?.title).toBe('energy distance (U-statistic, can be < 0)');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000);
});
