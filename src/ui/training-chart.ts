/**
 * The training chart, against training steps, appended as values are read back asynchronously:
 * - diffusion models: the loss (log scale, left axis);
 * - adversarial games: the discriminator / critic loss and the generator loss (linear, one axis; a WGAN's
 *   losses take either sign);
 * and on the right axis the chosen quality metric of the samples against the data (or the straightness
 * of each reverse pass).
 * Plots by uPlot; the whole run, thinned to at most about {@link MAX_POINTS} loss values.
 */
import uPlot from 'uplot';
import { CHART_AXIS } from './schedule-plots';
import { recolorChart, seriesStroke } from './chart-colors';

/** Points kept per series. */
const MAX_POINTS = 600;

/** Which pair of series the chart draws. */
export type ChartMode = 'diffusion' | 'adversarial';

/** Longest legend label shown whole, characters; a longer one shows its name before " (" (the rest in its tooltip). */
const LEGEND_CHARS = 20;

/**
 * A series' name in the legend: the label itself, or for a label longer than {@link LEGEND_CHARS} with a
 * parenthesised detail, the part before it ("energy distance (U-statistic, can be < 0)" -> "energy
 * distance"; issue 15: the whole label wrapped onto two lines under its swatch). The full label is the entry's title.
 */
export function legendName(label: string): string {
  const cut = label.indexOf(' (');
  return label.length > LEGEND_CHARS && cut > 0 ? label.slice(0, cut) : label;
}

/** Room an axis keeps besides its widest label, CSS px (tick length and gap, uPlot's defaults 10 + 5, plus a margin). */
const AXIS_PAD = 18;

/**
 * The width a y axis needs, CSS px: its widest tick label as `measure` gives it (px) plus {@link AXIS_PAD},
 * at least `min`. So that labels like "0.0040" are not cut at the chart's edge.
 */
export function axisWidth(labels: readonly string[] | null, measure: (label: string) => number, min = 30): number {
  let widest = 0;
  for (const label of labels ?? []) widest = Math.max(widest, measure(label));
  return Math.max(min, Math.ceil(widest + AXIS_PAD));
}

/**
 * The size of an axis in uPlot's sizing cycle `cycleNum` (1, 2, 3 within one layout): the width its
 * labels need now (`needed`) on the first cycle, never less than the cycle before (`previous`) after it.
 * uPlot lays the plot out again after each cycle whose sizes changed, but at most 3 times; the labels of
 * one axis depend on the plot's height, which the others' sizes change, so a size that shrinks again
 * (38, 30, 38 px: the right axis's [0, 1] first with, then without its "0.5") ends the cycles with the
 * labels of one layout drawn at the position of another: "0.5" cut at the chart's edge (issue 15).
 * Growing only within a layout converges and keeps every label inside.
 */
export function cycleSize(cycleNum: number, needed: number, previous: number | null): number {
  return cycleNum > 1 && previous !== null ? Math.max(previous, needed) : needed;
}

/** uPlot's axis size hook for one axis: {@link axisWidth} measured with the chart's own canvas and axis font, kept from shrinking within a layout ({@link cycleSize}). */
function fitLabels(): uPlot.Axis.Size {
  let previous: number | null = null;
  return (self, values, axisIdx, cycleNum) => {
    const font = self.axes[axisIdx].font;
    self.ctx.font = Array.isArray(font) ? String(font[0]) : String(font ?? '10px sans-serif');
    const needed = axisWidth(values, (label) => self.ctx.measureText(label).width / devicePixelRatio);
    previous = cycleSize(cycleNum, needed, previous);
    return previous;
  };
}

/**
 * The range of a metric that can read below 0 (the energy distance's U-statistic): the data's span padded
 * by 10% on both sides, never pinned at 0 (uPlot's default clamps a positive series' padded minimum to 0).
 */
export function signedRange(min: number | null, max: number | null): uPlot.Range.MinMax {
  // No value yet (before the first pass): a plain [0, 1], not uPlot's [-1000, 1000] whose labels crowd the axis.
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  return uPlot.rangeNum(min, max, 0.1, false);
}

/**
 * Halves a chart's points in place so it keeps the whole run at a coarser resolution (a GAN reads its
 * losses back many times per second: a sliding window showed only its last few dozen steps, too few to
 * watch mode collapse or oscillation develop). Keeps every other point from the first, the last one, and
 * every point where `keepAlways` has a value (the sparse metric, one a pass). The chart then takes only
 * every second new loss value (its stride doubles), so old and new parts keep one resolution.
 * @param steps the x column; @param columns the y columns, each as long as `steps`.
 */
export function thinColumns(steps: number[], columns: readonly (number | null)[][], keepAlways: readonly (number | null)[]): void {
  const last = steps.length - 1;
  const keep = steps.map((_, i) => i % 2 === 0 || keepAlways[i] !== null || i === last);
  for (const column of [steps, ...columns] as (number | null)[][]) {
    let j = 0;
    for (let i = 0; i < column.length; i++) if (keep[i]) column[j++] = column[i];
    column.length = j;
  }
}

function options(mode: ChartMode, metric: string, signed: boolean): uPlot.Options {
  const common = { width: 250, height: 130, title: 'training', cursor: { show: false }, legend: { show: true, live: false } };
  const metricScale: uPlot.Scale = signed ? { auto: true, range: (_u, min, max) => signedRange(min, max) } : { auto: true };
  const right = { ...CHART_AXIS, scale: 'metric', side: 1, size: fitLabels(), grid: { show: false } };
  const metricSeries: uPlot.Series = { label: legendName(metric), stroke: seriesStroke('metric'), width: 2, scale: 'metric', spanGaps: true, points: { show: true, size: 4 }, show: metric !== '' };
  if (mode === 'adversarial') {
    return {
      ...common,
      scales: { x: { time: false }, y: { auto: true }, metric: metricScale },
      axes: [{ ...CHART_AXIS }, { ...CHART_AXIS, size: fitLabels() }, right],
      series: [{}, { label: 'D / critic loss', stroke: seriesStroke('critic'), width: 1.5, spanGaps: true }, { label: 'G loss', stroke: seriesStroke('generator'), width: 1.5, spanGaps: true }, metricSeries],
    };
  }
  return {
    ...common,
    scales: { x: { time: false }, loss: { distr: 3 }, metric: metricScale },
    axes: [{ ...CHART_AXIS }, { ...CHART_AXIS, scale: 'loss', size: fitLabels() }, right],
    series: [{}, { label: 'loss', stroke: seriesStroke('loss'), width: 1.5, scale: 'loss', spanGaps: true }, metricSeries],
  };
}

/** A small live chart. Call {@link dispose}. */
export class TrainingChart {
  private plot: uPlot;
  private mode: ChartMode = 'diffusion';
  private metric = '';
  private signed = false;
  /** One loss value in `stride` is kept; it doubles each time the chart is thinned (see thinColumns). */
  private stride = 1;
  /** Loss values offered since the last clear (for the stride). */
  private offered = 0;
  private readonly steps: number[] = [];
  private readonly a: (number | null)[] = [];
  private readonly b: (number | null)[] = [];
  private readonly m: (number | null)[] = [];
  private dirty = false;

  constructor(private readonly parent: HTMLElement) {
    this.plot = this.build();
  }

  /**
   * Switches the series drawn (and forgets every point) when the mode or the metric's name changes.
   * @param metric the metric's label on the right axis ('' for none).
   * @param signed whether the metric can read below 0 (its axis is then not pinned at 0; see {@link signedRange}).
   */
  setMode(mode: ChartMode, metric = this.metric, signed = this.signed): void {
    if (mode === this.mode && metric === this.metric && signed === this.signed) return;
    this.mode = mode;
    this.metric = metric;
    this.signed = signed;
    this.plot.destroy();
    this.plot = this.build();
    this.clear();
  }

  /** Diffusion: a loss read back at training step `step` (non-finite or non-positive values are skipped). */
  addLoss(step: number, value: number): void {
    if (Number.isFinite(value) && value > 0) this.add(step, value, null, null);
  }

  /** The chosen metric at training step `step` (right axis). */
  addMetric(step: number, value: number): void {
    if (Number.isFinite(value)) this.add(step, null, null, value);
  }

  /** Adversarial: the discriminator / critic and the generator loss at generator step `step`. */
  addGanLosses(step: number, critic: number, generator: number): void {
    if (Number.isFinite(critic) || Number.isFinite(generator)) this.add(step, Number.isFinite(critic) ? critic : null, Number.isFinite(generator) ? generator : null, null);
  }

  /** Redraws the chart and its legend in the chart theme (ui/chart-colors.setChartTheme; call after a theme change). */
  recolor(): void {
    recolorChart(this.plot);
  }

  /** Forgets every point (a new network). */
  clear(): void {
    this.stride = 1;
    this.offered = 0;
    this.steps.length = 0;
    this.a.length = 0;
    this.b.length = 0;
    this.m.length = 0;
    this.dirty = true;
  }

  /** Redraws if anything was added since the last call (call a few times per second, not per value). */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.plot.setData(this.data());
  }

  /** A uPlot for the current mode and metric; the metric's legend entry carries its full label as a tooltip. */
  private build(): uPlot {
    const plot = new uPlot(options(this.mode, this.metric, this.signed), this.data(), this.parent);
    const entries = plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    const last = entries[entries.length - 1];
    if (last !== undefined && this.metric !== '') last.title = this.metric;
    return plot;
  }

  /** The columns of the current mode: diffusion draws the loss and the metric, a GAN both losses and the metric. */
  private data(): uPlot.AlignedData {
    return (this.mode === 'adversarial' ? [this.steps, this.a, this.b, this.m] : [this.steps, this.a, this.m]) as uPlot.AlignedData;
  }

  private add(step: number, a: number | null, b: number | null, m: number | null): void {
    // uPlot wants x ascending: a value for a step before the last (after a reset) starts afresh.
    if (this.steps.length > 0 && step < this.steps[this.steps.length - 1]) this.clear();
    // After thinning, one loss value in `stride` is kept (metric values always).
    if (m === null && this.offered++ % this.stride !== 0) return;
    this.steps.push(step);
    this.a.push(a);
    this.b.push(b);
    this.m.push(m);
    if (this.steps.length > MAX_POINTS) {
      thinColumns(this.steps, [this.a, this.b, this.m], this.m);
      this.stride *= 2;
    }
    this.dirty = true;
  }


  dispose(): void {
    this.plot.destroy();
  }
}
