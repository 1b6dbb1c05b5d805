/**
 * The charts' series colours per theme (issue 15: on the light theme the amber alphaBar and metric lines
 * were nearly invisible on the white panel). Each chart draws its series through {@link seriesStroke}, which
 * reads the theme set by {@link setChartTheme} at every redraw; tests/chart-colors.test.ts checks a WCAG
 * contrast of at least 3:1 against each theme's panel.
 */
import type uPlot from 'uplot';
import type { ThemeName } from '../scene/palette';

/** What a chart series shows (one colour per role and theme). */
export type SeriesRole = 'alphaBar' | 'sigma' | 'g2' | 'logSnr' | 'loss' | 'critic' | 'generator' | 'metric' | 'marker';

/**
 * The panels' background as drawn, sRGB hex: style.css's --panel (dark rgba(14, 19, 40, 0.86), light
 * rgba(255, 255, 255, 0.86)) over the stage's background.
 */
export const CHART_PANEL: Record<ThemeName, number> = { dark: 0x0e1327, light: 0xfefefd };

/** Series colours, CSS hex: the dark theme's light tints; on the light theme darker shades of the same hues (amber, violet, blue, red). */
export const CHART_SERIES: Record<ThemeName, Readonly<Record<SeriesRole, string>>> = {
  dark: { alphaBar: '#f6c85f', sigma: '#9b6bd6', g2: '#6fb1e4', logSnr: '#e4716f', loss: '#6fb1e4', critic: '#38b6e8', generator: '#ef6a3a', metric: '#f6c85f', marker: '#f6c85f' },
  light: { alphaBar: '#9a6400', sigma: '#7a3fb8', g2: '#1f6fb2', logSnr: '#c0392b', loss: '#1f6fb2', critic: '#0a6fa8', generator: '#c2410c', metric: '#9a6400', marker: '#9a6400' },
};

let chartTheme: ThemeName = 'dark';

/** Chooses the theme the charts draw their series in (redraw them after: see SchedulePlots / TrainingChart.setTheme). */
export function setChartTheme(theme: ThemeName): void {
  chartTheme = theme;
}

/** The colour of `role` in the current chart theme (CSS hex). */
export function seriesColor(role: SeriesRole): string {
  return CHART_SERIES[chartTheme][role];
}

/** A uPlot series stroke that follows the chart theme (uPlot calls it on every redraw). */
export function seriesStroke(role: SeriesRole): uPlot.Series.Stroke {
  return () => seriesColor(role);
}

/**
 * Recolours a chart after a theme change: its legend's swatches (uPlot paints them once, at creation)
 * take each series' stroke, and the plot is redrawn.
 */
export function recolorChart(plot: uPlot): void {
  const markers = plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series .u-marker');
  // uPlot's legend has a row for the x series first when it shows x; match rows to series from the end.
  const offset = plot.series.length - markers.length;
  markers.forEach((marker, k) => {
    const i = k + offset;
    const s = plot.series[i];
    const color = i > 0 && s !== undefined && typeof s.stroke === 'function' ? s.stroke(plot, i) : null;
    if (typeof color === 'string') marker.style.borderColor = color;
  });
  plot.redraw(false, false);
}
