/**
 * The two plots of the "why Wasserstein" scene (uPlot, as training-chart.ts): the divergences against
 * theta (JS, KL, W1: closed forms as lines, estimates from samples as dots, a marker at the current
 * theta; KL, infinite off theta = 0, drawn as a line of arrows at the top with "+inf", never as a number),
 * and theta over shift updates under each loss that trained it. Legends are typeset by the scene.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ShiftGameLoss } from '../models/parallel-lines-game';
import { SHIFT_GAME_LOSSES } from '../models/parallel-lines-game';
import { CURVE_THETAS, ESTIMATE_THETAS, type DivergenceCurves } from '../models/parallel-lines-scene';
import { CHART_AXIS } from './schedule-plots';

/** Top of the divergence plot's y axis, nats / data units. */
const Y_MAX = 2.4;
/** Where an infinite or off-scale KL is drawn. */
export const KL_TOP = 2.2;

/** Series colours: JS, KL, W1, and theta per loss. */
export const DIVERGENCE_COLORS = { js: '#38b6e8', kl: '#ef6a3a', w1: '#7ddc8a' } as const;
export const LOSS_COLORS: Readonly<Record<ShiftGameLoss, string>> = { 'gan-minimax': '#ef6a3a', 'gan-non-saturating': '#f6c85f', 'wgan-gp': '#7ddc8a' };

/** A value as the plot draws it: infinite or off the top -> {@link KL_TOP}. */
export function clipToPlot(value: number): number {
  return Number.isFinite(value) && value <= KL_TOP ? value : KL_TOP;
}

/**
 * The columns of the divergence plot: x = CURVE_THETAS; JS, KL, W1 closed forms; then JS, KL, W1 from
 * samples at the ESTIMATE_THETAS (null elsewhere). KL clipped by {@link clipToPlot}.
 */
export function divergenceColumns(curves: DivergenceCurves): uPlot.AlignedData {
  const estimateAt = new Map(ESTIMATE_THETAS.map((theta, i) => [Math.round(theta * 100), i]));
  const est = (key: 'js' | 'kl' | 'w1'): (number | null)[] =>
    CURVE_THETAS.map((theta) => {
      const i = estimateAt.get(Math.round(theta * 100));
      const e = i === undefined ? null : curves.estimates[i];
      return e === null ? null : key === 'kl' ? clipToPlot(e.kl) : e[key];
    });
  return [
    CURVE_THETAS as number[],
    curves.closed.map((c) => c.js),
    curves.closed.map((c) => clipToPlot(c.kl)),
    curves.closed.map((c) => c.w1),
    est('js'),
    est('kl'),
    est('w1'),
  ];
}

const noPath: uPlot.Series.PathBuilder = () => null;
const dots = (stroke: string): uPlot.Series => ({ stroke, fill: stroke, paths: noPath, points: { show: true, size: 6, fill: stroke, stroke } });

/** Plots of the scene; both fill their parents. Call {@link dispose}. */
export class WassersteinPlots {
  readonly divergence: uPlot;
  readonly trace: uPlot;
  private current: DivergenceCurves['current'] = null;
  private markerTheta = 0;

  constructor(divergenceParent: HTMLElement, traceParent: HTMLElement) {
    const common = { width: 300, height: 200, cursor: { show: false }, legend: { show: false } };
    this.divergence = new uPlot(
      {
        ...common,
        scales: { x: { time: false, range: [-2, 2] }, y: { range: [0, Y_MAX] } },
        axes: [{ ...CHART_AXIS }, { ...CHART_AXIS, size: 50 }],
        series: [
          {},
          { stroke: DIVERGENCE_COLORS.js, width: 2 },
          { stroke: DIVERGENCE_COLORS.kl, width: 2, dash: [6, 4] },
          { stroke: DIVERGENCE_COLORS.w1, width: 2 },
          dots(DIVERGENCE_COLORS.js),
          dots(DIVERGENCE_COLORS.kl),
          dots(DIVERGENCE_COLORS.w1),
        ],
        hooks: { draw: [(u) => this.drawOverlay(u)] },
      },
      [[], [], [], [], [], [], []],
      divergenceParent,
    );
    this.trace = new uPlot(
      {
        ...common,
        scales: { x: { time: false }, y: { range: [-2.2, 2.2] } },
        axes: [{ ...CHART_AXIS }, { ...CHART_AXIS, size: 50 }],
        series: [{}, ...SHIFT_GAME_LOSSES.map((loss): uPlot.Series => ({ stroke: LOSS_COLORS[loss], width: 2, spanGaps: false }))],
        hooks: { draw: [(u) => this.drawZero(u)] },
      },
      [[], ...SHIFT_GAME_LOSSES.map(() => [])],
      traceParent,
    );
  }

  /** Resizes a plot to its parent's CSS size. */
  fit(plot: uPlot, width: number, height: number): void {
    const w = Math.max(120, Math.floor(width));
    const h = Math.max(80, Math.floor(height));
    if (plot.width !== w || plot.height !== h) plot.setSize({ width: w, height: h });
  }

  /** New curves (a few times per second) and the current theta of the training panel. */
  setCurves(curves: DivergenceCurves, theta: number): void {
    this.current = curves.current;
    this.markerTheta = theta;
    this.divergence.setData(divergenceColumns(curves));
  }

  /** theta over shift updates per loss (x = update number, from 1). */
  setTraces(traces: ReadonlyMap<ShiftGameLoss, readonly number[]>): void {
    const length = Math.max(2, ...[...traces.values()].map((t) => t.length));
    const x = Array.from({ length }, (_, i) => i + 1);
    const columns = SHIFT_GAME_LOSSES.map((loss) => {
      const trace = traces.get(loss) ?? [];
      return x.map((_, i) => (i < trace.length ? trace[i] : null));
    });
    this.trace.setData([x, ...columns] as uPlot.AlignedData);
  }

  /** KL's arrows and "+inf", and the marker at the current theta with its estimates. */
  private drawOverlay(u: uPlot): void {
    const ctx = u.ctx;
    const dpr = devicePixelRatio;
    const yTop = u.valToPos(KL_TOP, 'y', true);
    ctx.save();
    ctx.strokeStyle = DIVERGENCE_COLORS.kl;
    ctx.fillStyle = DIVERGENCE_COLORS.kl;
    ctx.lineWidth = 1.5 * dpr;
    for (const theta of [-1.75, -1.25, -0.75, -0.25, 0.25, 0.75, 1.25, 1.75]) {
      const x = u.valToPos(theta, 'x', true);
      ctx.beginPath();
      ctx.moveTo(x, yTop + 9 * dpr);
      ctx.lineTo(x, yTop + 1 * dpr);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(x, yTop - 3 * dpr);
      ctx.lineTo(x - 4 * dpr, yTop + 3 * dpr);
      ctx.lineTo(x + 4 * dpr, yTop + 3 * dpr);
      ctx.closePath();
      ctx.fill();
    }
    ctx.font = `${Math.round(12 * dpr)}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText('+∞', u.bbox.left + u.bbox.width - 2 * dpr, yTop - 3 * dpr);
    const x = u.valToPos(this.markerTheta, 'x', true);
    ctx.strokeStyle = CHART_AXIS.stroke;
    ctx.setLineDash([3 * dpr, 3 * dpr]);
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.setLineDash([]);
    if (this.current !== null) {
      const cx = u.valToPos(this.current.theta, 'x', true);
      for (const key of ['js', 'kl', 'w1'] as const) {
        const v = key === 'kl' ? clipToPlot(this.current.estimate.kl) : this.current.estimate[key];
        ctx.fillStyle = DIVERGENCE_COLORS[key];
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 1.5 * dpr;
        ctx.beginPath();
        ctx.arc(cx, u.valToPos(v, 'y', true), 5 * dpr, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  /** The target theta = 0 as a line across the trace plot. */
  private drawZero(u: uPlot): void {
    const ctx = u.ctx;
    const y = u.valToPos(0, 'y', true);
    ctx.save();
    ctx.strokeStyle = CHART_AXIS.stroke;
    ctx.lineWidth = devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.restore();
  }

  dispose(): void {
    this.divergence.destroy();
    this.trace.destroy();
  }
}
