/**
 * The training chart, against training steps, appended as values are read back asynchronously:
 * - diffusion models: the loss (log scale, left axis) and the straightness of each complete reverse pass
 *   (chord / arc length in (0, 1], right axis);
 * - adversarial games: the discriminator / critic loss and the generator loss (linear, one axis; a WGAN's
 *   losses take either sign).
 * Plots by uPlot; the last {@link MAX_POINTS} values per series.
 */
import uPlot from 'uplot';
import { CHART_AXIS } from './schedule-plots';

/** Points kept per series. */
const MAX_POINTS = 600;

/** Which pair of series the chart draws. */
export type ChartMode = 'diffusion' | 'adversarial';

function options(mode: ChartMode): uPlot.Options {
  const common = { width: 250, height: 130, title: 'training', cursor: { show: false }, legend: { show: true, live: false } };
  if (mode === 'adversarial') {
    return {
      ...common,
      scales: { x: { time: false }, y: { auto: true } },
      axes: [{ ...CHART_AXIS }, { ...CHART_AXIS, size: 40 }],
      series: [{}, { label: 'D / critic loss', stroke: '#38b6e8', width: 1.5, spanGaps: true }, { label: 'G loss', stroke: '#ef6a3a', width: 1.5, spanGaps: true }],
    };
  }
  return {
    ...common,
    scales: { x: { time: false }, loss: { distr: 3 }, straight: { range: [0, 1] } },
    axes: [{ ...CHART_AXIS }, { ...CHART_AXIS, scale: 'loss', size: 40 }, { ...CHART_AXIS, scale: 'straight', side: 1, size: 32, grid: { show: false } }],
    series: [{}, { label: 'loss', stroke: '#6fb1e4', width: 1.5, scale: 'loss', spanGaps: true }, { label: 'straightness', stroke: '#f6c85f', width: 2, scale: 'straight', spanGaps: true, points: { show: true, size: 4 } }],
  };
}

/** A small live chart. Call {@link dispose}. */
export class TrainingChart {
  private plot: uPlot;
  private mode: ChartMode = 'diffusion';
  private readonly steps: number[] = [];
  private readonly a: (number | null)[] = [];
  private readonly b: (number | null)[] = [];
  private dirty = false;

  constructor(private readonly parent: HTMLElement) {
    this.plot = new uPlot(options(this.mode), [[], [], []], parent);
  }

  /** Switches the series drawn (and forgets every point) when the mode changes. */
  setMode(mode: ChartMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    this.plot.destroy();
    this.plot = new uPlot(options(mode), [[], [], []], this.parent);
    this.clear();
  }

  /** Diffusion: a loss read back at training step `step` (non-finite or non-positive values are skipped). */
  addLoss(step: number, value: number): void {
    if (Number.isFinite(value) && value > 0) this.add(step, value, null);
  }

  /** Diffusion: the straightness of a reverse pass that ended at training step `step`. */
  addStraightness(step: number, value: number): void {
    if (Number.isFinite(value)) this.add(step, null, value);
  }

  /** Adversarial: the discriminator / critic and the generator loss at generator step `step`. */
  addGanLosses(step: number, critic: number, generator: number): void {
    if (Number.isFinite(critic) || Number.isFinite(generator)) this.add(step, Number.isFinite(critic) ? critic : null, Number.isFinite(generator) ? generator : null);
  }

  /** Forgets every point (a new network). */
  clear(): void {
    this.steps.length = 0;
    this.a.length = 0;
    this.b.length = 0;
    this.dirty = true;
  }

  /** Redraws if anything was added since the last call (call a few times per second, not per value). */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.plot.setData([this.steps, this.a, this.b]);
  }

  private add(step: number, a: number | null, b: number | null): void {
    // uPlot wants x ascending: a value for a step before the last (after a reset) starts afresh.
    if (this.steps.length > 0 && step < this.steps[this.steps.length - 1]) this.clear();
    this.steps.push(step);
    this.a.push(a);
    this.b.push(b);
    if (this.steps.length > MAX_POINTS) {
      this.steps.shift();
      this.a.shift();
      this.b.shift();
    }
    this.dirty = true;
  }

  dispose(): void {
    this.plot.destroy();
  }
}
