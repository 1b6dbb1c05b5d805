/**
 * The training chart: the loss (log scale, left axis) and the straightness of each complete reverse pass
 * (chord / arc length in (0, 1], right axis) against training steps, appended as values are read back
 * asynchronously. Plots by uPlot; a ring of the last {@link MAX_POINTS} values per series.
 */
import uPlot from 'uplot';
import { CHART_AXIS } from './schedule-plots';

/** Points kept per series. */
const MAX_POINTS = 600;

/** A small live chart. Call {@link dispose}. */
export class TrainingChart {
  private readonly plot: uPlot;
  private readonly steps: number[] = [];
  private readonly loss: (number | null)[] = [];
  private readonly straightness: (number | null)[] = [];
  private dirty = false;

  constructor(parent: HTMLElement) {
    this.plot = new uPlot(
      {
        width: 250,
        height: 130,
        title: 'training',
        cursor: { show: false },
        legend: { show: true, live: false },
        scales: { x: { time: false }, loss: { distr: 3 }, straight: { range: [0, 1] } },
        axes: [{ ...CHART_AXIS }, { ...CHART_AXIS, scale: 'loss', size: 40 }, { ...CHART_AXIS, scale: 'straight', side: 1, size: 32, grid: { show: false } }],
        series: [{}, { label: 'loss', stroke: '#6fb1e4', width: 1.5, scale: 'loss', spanGaps: true }, { label: 'straightness', stroke: '#f6c85f', width: 2, scale: 'straight', spanGaps: true, points: { show: true, size: 4 } }],
      },
      [[], [], []],
      parent,
    );
  }

  /** Records a loss read back at training step `step` (non-finite values are skipped). */
  addLoss(step: number, value: number): void {
    if (Number.isFinite(value) && value > 0) this.add(step, value, null);
  }

  /** Records the straightness of a reverse pass that ended at training step `step`. */
  addStraightness(step: number, value: number): void {
    if (Number.isFinite(value)) this.add(step, null, value);
  }

  /** Forgets every point (a new network). */
  clear(): void {
    this.steps.length = 0;
    this.loss.length = 0;
    this.straightness.length = 0;
    this.dirty = true;
  }

  /** Redraws if anything was added since the last call (call a few times per second, not per value). */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.plot.setData([this.steps, this.loss, this.straightness]);
  }

  private add(step: number, loss: number | null, straightness: number | null): void {
    // uPlot wants x ascending: a value for a step before the last (after a reset) starts afresh.
    if (this.steps.length > 0 && step < this.steps[this.steps.length - 1]) this.clear();
    this.steps.push(step);
    this.loss.push(loss);
    this.straightness.push(straightness);
    if (this.steps.length > MAX_POINTS) {
      this.steps.shift();
      this.loss.shift();
      this.straightness.shift();
    }
    this.dirty = true;
  }

  dispose(): void {
    this.plot.destroy();
  }
}
