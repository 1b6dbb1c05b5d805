/**
 * The charts' series colours per theme (issue 15: the amber alphaBar and energy-distance lines were nearly
 * invisible on the light theme's white panel): every series colour of each theme has a WCAG 2 contrast
 * ratio of at least 3:1 (WCAG's minimum for graphics) against that theme's panel, the panel colour is the
 * stylesheet's --panel over the stage, and the strokes and legend swatches follow the theme.
 */
import { readFileSync } from 'node:fs';
import type uPlot from 'uplot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contrastRatio, THEMES } from '../src/scene/palette';
import { CHART_PANEL, CHART_SERIES, recolorChart, seriesStroke, setChartTheme, type SeriesRole } from '../src/ui/chart-colors';

const hex = (css: string): number => Number.parseInt(css.slice(1), 16);

afterEach(() => setChartTheme('dark'));

describe('chart series colours', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`${theme} theme: every series has contrast >= 3 against the panel`, () => {
      const roles = Object.keys(CHART_SERIES[theme]) as SeriesRole[];
      expect(roles.length).toBe(9);
      for (const role of roles) expect(contrastRatio(hex(CHART_SERIES[theme][role]), CHART_PANEL[theme]), `${theme} ${role}`).toBeGreaterThanOrEqual(3);
    });
  }

  it('the old light-theme amber (#f6c85f) fails on the light panel: the light theme has its own', () => {
    expect(contrastRatio(0xf6c85f, CHART_PANEL.light)).toBeLessThan(2);
    expect(CHART_SERIES.light.alphaBar).not.toBe(CHART_SERIES.dark.alphaBar);
    expect(CHART_SERIES.light.metric).not.toBe(CHART_SERIES.dark.metric);
  });

  it("the panel colours are style.css's --panel composited over the stage's background", () => {
    const css = readFileSync(new URL('../src/ui/style.css', import.meta.url), 'utf8');
    const panels = { dark: /:root[^}]*--panel:\s*rgba\(([^)]*)\)/s.exec(css), light: /body\[data-theme="light"\][^}]*--panel:\s*rgba\(([^)]*)\)/.exec(css) };
    for (const theme of ['dark', 'light'] as const) {
      const m = panels[theme];
      expect(m, theme).not.toBeNull();
      const [r, g, b, a] = (m?.[1] ?? '').split(',').map(Number);
      const bg = THEMES[theme].background;
      const expected = [r, g, b].map((c, k) => a * c + (1 - a) * ((bg >> (16 - 8 * k)) & 255));
      const got = [16, 8, 0].map((s) => (CHART_PANEL[theme] >> s) & 255);
      for (let k = 0; k < 3; k++) expect(Math.abs(got[k] - expected[k]), `${theme} channel ${k}`).toBeLessThanOrEqual(1.5);
    }
  });

  it('a series stroke and the legend swatches follow the chart theme', () => {
    const stroke = seriesStroke('alphaBar') as (self: uPlot, i: number) => string;
    const markers = [{ style: { borderColor: '' } }, { style: { borderColor: '' } }];
    const redraw = vi.fn();
    const plot = { root: { querySelectorAll: () => markers }, series: [{}, { stroke }], redraw } as unknown as uPlot;
    expect(stroke(plot, 1)).toBe(CHART_SERIES.dark.alphaBar);
    setChartTheme('light');
    expect(stroke(plot, 1)).toBe(CHART_SERIES.light.alphaBar);
    recolorChart(plot);
    expect(markers[1].style.borderColor).toBe(CHART_SERIES.light.alphaBar);
    expect(markers[0].style.borderColor).toBe('');
    expect(redraw).toHaveBeenCalledTimes(1);
  });
});
