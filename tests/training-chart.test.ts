/**
 * The training chart keeps the whole run (fresh-user test: a GAN's chart showed only its last 40 steps,
 * since its losses come back many times a second and the chart kept a sliding window of 600 points).
 */
import { describe, expect, it } from 'vitest';
import { cycleSize, legendName, thinColumns } from '../src/ui/training-chart';

describe('thinColumns', () => {
  it('halves the loss points, keeps the first and the last point and every metric point', () => {
    const steps = Array.from({ length: 601 }, (_, i) => i);
    const loss: (number | null)[] = steps.map((s) => s / 10);
    const metric: (number | null)[] = steps.map((s) => (s % 100 === 0 ? s : null));
    thinColumns(steps, [loss, metric], metric);
    expect(steps.length).toBeGreaterThan(290);
    expect(steps.length).toBeLessThan(320);
    expect(loss.length).toBe(steps.length);
    expect(metric.length).toBe(steps.length);
    // The whole run is still there: from the start to the last step.
    expect(steps[0]).toBe(0);
    expect(steps[steps.length - 1]).toBe(600);
    // Every metric point survived, with its step.
    expect(steps.filter((_, i) => metric[i] !== null)).toEqual([0, 100, 200, 300, 400, 500, 600]);
    // Rows stay aligned: each kept loss is its step / 10.
    steps.forEach((s, i) => expect(loss[i]).toBe(s / 10));
    // Still ascending, as uPlot needs.
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]);
  });

  it('repeated thinning keeps the span of a long run (a GAN after thousands of readbacks)', () => {
    const steps: number[] = [];
    const loss: (number | null)[] = [];
    const metric: (number | null)[] = [];
    // As the chart does: after each thinning one new value in `stride` is taken.
    let stride = 1;
    for (let s = 0; s < 20_000; s++) {
      if (s % stride !== 0) continue;
      steps.push(s);
      loss.push(1);
      metric.push(null);
      if (steps.length > 600) {
        thinColumns(steps, [loss, metric], metric);
        stride *= 2;
      }
    }
    expect(steps.length).toBeLessThanOrEqual(601);
    expect(steps[0]).toBe(0); // the window did not slide: the run's start is still shown
    expect(steps[steps.length - 1]).toBeGreaterThan(19_000);
    // One resolution over the whole run: the gaps between points differ by at most a factor of 2.
    const gaps = steps.slice(1).map((s, i) => s - steps[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2 * Math.min(...gaps));
  });
});

describe('the axes and the legend fit the chart (issue 15: "0.5" cut at the right edge, a legend on two lines)', () => {
  it('an axis size grows only within one layout: the sizes 38, 30, 38 px of uPlot\'s three cycles end at 38, as the labels drawn need', () => {
    let size: number | null = null;
    const sizes = [38, 30, 38].map((needed, i) => (size = cycleSize(i + 1, needed, size)));
    expect(sizes).toEqual([38, 38, 38]);
    // A new layout (cycle 1) takes what its labels need, smaller too ("0.0004" -> "1").
    expect(cycleSize(1, 30, 52)).toBe(30);
    expect(cycleSize(2, 44, 30)).toBe(44);
    expect(cycleSize(3, 30, 44)).toBe(44);
  });

  it('a long metric label shows its name in the legend, the detail in its tooltip; short labels stay whole', () => {
    expect(legendName('energy distance (U-statistic, can be < 0)')).toBe('energy distance');
    expect(legendName('MMD (RBF)')).toBe('MMD (RBF)');
    expect(legendName('sliced W1')).toBe('sliced W1');
    expect(legendName('modes covered (share)')).toBe('modes covered');
    expect(legendName('')).toBe('');
  });
});
