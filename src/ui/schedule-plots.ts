/**
 * The schedules panel, for the Gaussian path x_t = alpha(t) x_0 + sigma(t) epsilon the current model
 * samples on (VP for DDPM, VE for the score model, the straight path for flow matching): alphaBar = alpha^2,
 * sigma and the diffusion g^2 (= beta(t) on the VP path; seed §5.1) (left chart) and
 * log SNR = log(alpha^2 / sigma^2) (right chart) against t in [0, 1], with a marker at the particles' t.
 * Plots by uPlot (a plotting library beats our own code).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { GaussianPath } from '../models/gaussian-path';
import { sdeCoefficients } from '../models/samplers';
import { setMathText } from './math';
import { recolorChart, seriesColor, seriesStroke } from './chart-colors';

/** Points per curve. */
const POINTS = 200;
/** g^2 is drawn up to this t at most (on the straight path it diverges at t = 1). */
const G2_LAST_T = 0.95;

/** The legends' series names (uPlot's text labels) typeset as TeX, and the charts' titles ($…$ marks TeX). */
export const SCHEDULE_TEX = {
  series: { alphaBar: String.raw`\bar\alpha`, sigma: String.raw`\sigma`, 'g^2': String.raw`g^2`, 'log SNR': String.raw`\log \mathrm{SNR}` } as Readonly<Record<string, string>>,
  pathTitle: 'path against $t$',
  snrTitle: String.raw`$\log \mathrm{SNR} = \log(\alpha^2 / \sigma^2)$`,
};

/** Replaces a chart's text legend labels and title (uPlot draws them as text) by typeset formulas. */
function typesetLegend(plot: uPlot, title: string): void {
  for (const el of plot.root.querySelectorAll<HTMLElement>('.u-legend .u-label')) {
    const tex = SCHEDULE_TEX.series[el.textContent ?? ''];
    if (tex !== undefined) setMathText(el, `$${tex}$`);
  }
  const head = plot.root.querySelector<HTMLElement>('.u-title');
  if (head !== null) setMathText(head, title);
}

/** Axis style shared by the panel's charts. */
export const CHART_AXIS = { stroke: '#8b93b8', grid: { stroke: 'rgba(255,255,255,0.06)' }, ticks: { stroke: 'rgba(255,255,255,0.1)' } };

/** Two small charts of the schedule in use. */
export class SchedulePlots {
  readonly root: HTMLElement;
  private readonly main: uPlot;
  private readonly snr: uPlot;
  private tau = 0;

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.className = 'schedule-plots';
    parent.append(this.root);
    const marker = (u: uPlot): void => {
      const x = u.valToPos(this.tau, 'x', true);
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = seriesColor('marker');
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.restore();
    };
    const common = { width: 250, height: 130, cursor: { show: false }, legend: { show: true, live: false }, hooks: { draw: [marker] } };
    this.main = new uPlot(
      {
        ...common,
        title: 'path against t',
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] }, beta: { auto: true } },
        axes: [{ ...CHART_AXIS }, { ...CHART_AXIS, size: 36 }, { ...CHART_AXIS, scale: 'beta', side: 1, size: 44, grid: { show: false } }],
        series: [
          {},
          { label: 'alphaBar', stroke: seriesStroke('alphaBar'), width: 2 },
          { label: 'sigma', stroke: seriesStroke('sigma'), width: 2 },
          { label: 'g^2', stroke: seriesStroke('g2'), width: 1.5, scale: 'beta' },
        ],
      },
      [[], [], [], []],
      this.root,
    );
    this.snr = new uPlot(
      {
        ...common,
        title: 'log SNR',
        scales: { x: { time: false } },
        axes: [{ ...CHART_AXIS }, { ...CHART_AXIS, size: 36 }],
        series: [{}, { label: 'log SNR', stroke: seriesStroke('logSnr'), width: 2 }],
      },
      [[], []],
      this.root,
    );
    typesetLegend(this.main, SCHEDULE_TEX.pathTitle);
    typesetLegend(this.snr, SCHEDULE_TEX.snrTitle);
  }

  /** Plots a path (call when it changes). */
  setPath(path: GaussianPath): void {
    const xs: number[] = [];
    const ab: number[] = [];
    const sig: number[] = [];
    const g2: (number | null)[] = [];
    const logSnr: (number | null)[] = [];
    for (let i = 0; i <= POINTS; i++) {
      const t = Math.min(1 - 1e-3, Math.max(1e-3, i / POINTS));
      const a = path.alpha(t);
      const s = path.sigma(t);
      xs.push(t);
      ab.push(a * a);
      sig.push(s);
      const g = t <= G2_LAST_T ? sdeCoefficients(path, t).g2 : Number.NaN;
      g2.push(Number.isFinite(g) ? g : null);
      const snr = 2 * Math.log(a / s);
      logSnr.push(Number.isFinite(snr) ? snr : null);
    }
    this.main.setData([xs, ab, sig, g2]);
    this.snr.setData([xs, logSnr]);
  }

  /** Moves the marker to the particles' relative time t in [0, 1] (redraws only when it moved). */
  setTime(tau: number): void {
    if (tau === this.tau) return;
    this.tau = tau;
    this.main.redraw(false, false);
    this.snr.redraw(false, false);
  }

  /** Redraws both charts and their legends in the chart theme (ui/chart-colors.setChartTheme; call after a theme change). */
  recolor(): void {
    recolorChart(this.main);
    recolorChart(this.snr);
  }

  setVisible(visible: boolean): void {
    this.root.style.display = visible ? '' : 'none';
  }

  /** Shows or hides the two path charts only (a GAN has no path; other charts in the panel stay). */
  setPathVisible(visible: boolean): void {
    for (const plot of [this.main, this.snr]) plot.root.style.display = visible ? '' : 'none';
  }

  dispose(): void {
    this.main.destroy();
    this.snr.destroy();
    this.root.remove();
  }
}
