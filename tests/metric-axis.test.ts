/**
 * Issue 16.5 in the app: the chart names the energy distance's estimator (the unbiased U-statistic, which
 * can read below 0) and its right axis is not pinned at 0 for it.
 */
import { describe, expect, it } from 'vitest';
import uPlot from 'uplot';
import { METRIC_LABELS, metricAxis } from '../src/app/metric-tracker';
import { ENERGY_DISTANCE_LABEL, METRIC_ESTIMATORS } from '../src/models/metric-estimators';
import { signedRange } from '../src/ui/training-chart';

describe('the chart metric axis (issue 16.5)', () => {
  it('labels the energy distance as the U-statistic that can read below 0', () => {
    expect(METRIC_LABELS['energy-distance']).toBe(ENERGY_DISTANCE_LABEL);
    expect(metricAxis('energy-distance')).toEqual({ label: 'energy distance (U-statistic, can be < 0)', signed: true });
    expect(METRIC_ESTIMATORS.energyDistance).toMatch(/unbiased U-statistic.*can read below 0/);
  });

  it('only the energy distance is signed; "off" has no label', () => {
    expect(metricAxis('off')).toEqual({ label: '', signed: false });
    for (const m of ['sliced-w1', 'mmd', 'w1', 'mode-coverage', 'straightness'] as const) expect(metricAxis(m), m).toEqual({ label: METRIC_LABELS[m], signed: false });
  });

  it('the signed axis pads below 0 where the default range would pin it at 0', () => {
    // Values from 0.001 to 0.2 (a converged model's estimates): 10% of the span on each side.
    const [lo, hi] = signedRange(0.001, 0.2);
    expect(lo).toBeCloseTo(-0.02, 12);
    expect(hi).toBeCloseTo(0.22, 12);
    expect(uPlot.rangeNum(0.001, 0.2, 0.1, true)[0]).toBe(0); // uPlot's default soft minimum at 0
    const [neg] = signedRange(-0.004, 0.05);
    // Before the first value: [0, 1], not uPlot's [-1000, 1000] (its labels were cut at the chart's edge).
    expect(signedRange(null, null)).toEqual([0, 1]);
    expect(signedRange(Number.NaN, Number.NaN)).toEqual([0, 1]);
    expect(neg).toBeLessThan(-0.004);
  });
});
