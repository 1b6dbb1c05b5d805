/**
 * The schedules panel: alphaBar_t, sigma_t = sqrt(1 - alphaBar_t) and beta_t (left chart) and
 * log SNR_t = log(alphaBar_t / (1 - alphaBar_t)) (right chart) against t / T for the current schedule,
 * with a marker at the particles' t. Plots by uPlot (a plotting library beats our own code).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { NoiseSchedule } from '../models/schedules';

/** At most this many points per curve (the schedule is subsampled evenly). */
const MAX_POINTS = 400;

const AXIS = { stroke: '#8b93b8', grid: { stroke: 'rgba(255,255,255,0.06)' }, ticks: { stroke: 'rgba(255,255,255,0.1)' } };

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
      ctx.strokeStyle = 'rgba(246, 200, 95, 0.9)';
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
        title: 'schedule against t / T',
        scales: { x: { time: false }, y: { range: [0, 1] }, beta: { auto: true } },
        axes: [{ ...AXIS }, { ...AXIS, size: 36 }, { ...AXIS, scale: 'beta', side: 1, size: 44, grid: { show: false } }],
        series: [
          {},
          { label: 'alphaBar', stroke: '#f6c85f', width: 2 },
          { label: 'sigma', stroke: '#9b6bd6', width: 2 },
          { label: 'beta', stroke: '#6fb1e4', width: 1.5, scale: 'beta' },
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
        axes: [{ ...AXIS }, { ...AXIS, size: 36 }],
        series: [{}, { label: 'log SNR', stroke: '#e4716f', width: 2 }],
      },
      [[], []],
      this.root,
    );
  }

  /** Plots a schedule (call when it changes). */
  setSchedule(schedule: NoiseSchedule): void {
    const T = schedule.T;
    const stride = Math.max(1, Math.ceil(T / MAX_POINTS));
    const xs: number[] = [];
    const ab: number[] = [];
    const sig: number[] = [];
    const beta: number[] = [];
    const logSnr: number[] = [];
    for (let t = 1; t <= T; t += stride) {
      xs.push(t / T);
      ab.push(schedule.alphaBar[t]);
      sig.push(Math.sqrt(1 - schedule.alphaBar[t]));
      beta.push(schedule.beta[t]);
      logSnr.push(Math.log(schedule.alphaBar[t] / (1 - schedule.alphaBar[t])));
    }
    this.main.setData([xs, ab, sig, beta]);
    this.snr.setData([xs, logSnr]);
  }

  /** Moves the marker to the particles' t / T (redraws only when it moved). */
  setTime(tau: number): void {
    if (tau === this.tau) return;
    this.tau = tau;
    this.main.redraw(false, false);
    this.snr.redraw(false, false);
  }

  setVisible(visible: boolean): void {
    this.root.style.display = visible ? '' : 'none';
  }

  dispose(): void {
    this.main.destroy();
    this.snr.destroy();
    this.root.remove();
  }
}
