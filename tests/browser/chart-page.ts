/**
 * The page of the training chart's browser test: the plots panel as the app builds it (ui/schedule-plots
 * and ui/training-chart in the bottom column, the app's stylesheet), exposed as window.__chart to feed
 * series of chosen ranges and to measure where the axis labels' ink lies against the chart and the panel.
 */
import { SchedulePlots } from '../../src/ui/schedule-plots';
import { TrainingChart, type ChartMode } from '../../src/ui/training-chart';

const panels = document.getElementById('panels');
if (panels === null) throw new Error('no #panels');
const plots = new SchedulePlots(panels);
const chart = new TrainingChart(plots.root);

type Box = { left: number; top: number; right: number; bottom: number };

/** Columns (CSS px from the canvas's left) that hold any ink, per uPlot canvas: the first and the last. */
function inkColumns(canvas: HTMLCanvasElement): { first: number; last: number } {
  const ctx = canvas.getContext('2d');
  if (ctx === null) return { first: -1, last: -1 };
  const { width, height } = canvas;
  const px = ctx.getImageData(0, 0, width, height).data;
  let first = width;
  let last = -1;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      if (px[4 * (y * width + x) + 3] > 24) {
        first = Math.min(first, x);
        last = Math.max(last, x);
        break;
      }
    }
  }
  const scale = width / canvas.getBoundingClientRect().width;
  return { first: first / scale, last: last / scale };
}

/**
 * Feeds the chart `n` steps, a few at a time, of a loss (left axis: values between lossLo and lossHi) and a metric (right
 * axis: between metricLo and metricHi; null: none yet, as before the first pass ends), draws it, and measures: the training chart's canvas and panel
 * boxes, the ink's first and last columns (the extremes over the batches), and the legend's rows (each series' marker and label).
 */
async function show(mode: ChartMode, metric: string, signed: boolean, loss: [number, number], metricRange: [number, number] | null, n = 40): Promise<unknown> {
  chart.setMode(mode, metric, signed);
  chart.clear();
  const frame = (): Promise<unknown> => new Promise((resolve) => requestAnimationFrame(resolve));
  // The empty chart is drawn first (the app attaches a session, its values come back later).
  chart.flush();
  await frame();
  await frame();
  // As the app reads values back: a few at a time, each batch drawn (the HUD's cadence) and given two frames
  // (uPlot sizes a new chart and draws new data in a microtask).
  let i = 0;
  const ink = { first: Infinity, last: -Infinity };
  const canvasOf = (): HTMLCanvasElement => [...document.querySelectorAll<HTMLCanvasElement>('.uplot canvas')].at(-1) as HTMLCanvasElement;
  for (const batch of [1, 1, 1, 2, 5, 10, n]) {
    for (const end = Math.min(n, i + batch); i < end; i++) {
      const u = i / (n - 1);
      const l = loss[0] + (loss[1] - loss[0]) * u;
      if (mode === 'adversarial') chart.addGanLosses(i, l, -l);
      else chart.addLoss(i, l);
      if (metricRange !== null && (i % 5 === 0 || i === n - 1)) chart.addMetric(i, metricRange[0] + (metricRange[1] - metricRange[0]) * (1 - u));
    }
    chart.flush();
    await frame();
    await frame();
    // The ink after each batch: a label cut for a while is cut on screen.
    const now = inkColumns(canvasOf());
    ink.first = Math.min(ink.first, now.first);
    ink.last = Math.max(ink.last, now.last);
  }
  const roots = [...document.querySelectorAll<HTMLElement>('.uplot')];
  const root = roots[roots.length - 1];
  const canvas = root.querySelector('canvas') as HTMLCanvasElement;
  const box = (e: Element): Box => e.getBoundingClientRect().toJSON() as Box;
  const legend = [...root.querySelectorAll<HTMLElement>('.u-legend .u-series')].filter((s) => getComputedStyle(s).display !== 'none').map((s) => {
    const marker = s.querySelector('.u-marker');
    const label = s.querySelector('.u-label') as HTMLElement;
    const range = document.createRange();
    range.selectNodeContents(label);
    const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    return { text: label.textContent ?? '', title: label.title || s.title, lines, marker: marker ? box(marker) : null, label: box(label) };
  });
  return { canvas: box(canvas), root: box(root), panel: box(plots.root), ink, legend };
}

(window as unknown as { __chart: unknown }).__chart = { show };
