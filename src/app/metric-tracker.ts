/**
 * The chart's quality metric: compares a sample of the particles (at the end of each reverse pass for the
 * diffusion family, every few seconds for a GAN) with the data, by the metric chosen under View, on the
 * CPU after one asynchronous readback (models/metrics). Small subsamples keep it to a few milliseconds.
 */
import type { ChartMetric } from '../config/playground-config';
import { ENERGY_DISTANCE_LABEL } from '../models/metric-estimators';
import { energyDistance, mmdRbf, modeCoverage, slicedWasserstein, wasserstein1 } from '../models/metrics';
import { createRng } from '../models/random';
import type { GaussianMixture } from '../data/datasets';

/** Rows of each set the metric compares (energy distance and MMD are O(n^2)). */
export const METRIC_POINTS = 800;
/** Rows for the exact W1 (an O(n^3) assignment). */
const W1_POINTS = 200;

/** Display names of the metrics (the energy distance's names its estimator, models/metric-estimators). */
export const METRIC_LABELS: Record<Exclude<ChartMetric, 'off'>, string> = {
  'energy-distance': ENERGY_DISTANCE_LABEL,
  'sliced-w1': 'sliced W1',
  mmd: 'MMD (RBF)',
  w1: 'exact W1',
  'mode-coverage': 'modes covered (share)',
  straightness: 'straightness',
};

/** The metrics whose estimator can read below 0: the unbiased U-statistic of the energy distance (models/metric-estimators). */
const SIGNED_METRICS: ReadonlySet<ChartMetric> = new Set<ChartMetric>(['energy-distance']);

/** The chart's right axis for a metric: its label ('' for 'off') and whether it can read below 0 (then the axis is not pinned at 0). */
export function metricAxis(metric: ChartMetric): { readonly label: string; readonly signed: boolean } {
  return { label: metric === 'off' ? '' : METRIC_LABELS[metric], signed: SIGNED_METRICS.has(metric) };
}

/**
 * The metric between samples and data (both [n, D] row-major, normalised units); NaN when it does not
 * apply (mode coverage without a mixture; straightness, which comes from the particles themselves).
 */
export function chartMetric(metric: ChartMetric, samples: Float32Array, data: Float32Array, dim: number, mixture: GaussianMixture | null): number {
  switch (metric) {
    case 'energy-distance':
      return energyDistance(samples, data, dim);
    case 'sliced-w1':
      return slicedWasserstein(samples, data, dim, createRng(11));
    case 'mmd':
      return mmdRbf(samples, data, dim).mmd;
    case 'w1':
      return wasserstein1(samples, data, dim, createRng(12), W1_POINTS);
    case 'mode-coverage': {
      if (mixture === null) return Number.NaN;
      const c = modeCoverage(samples, dim, mixture);
      return c.covered / c.modes;
    }
    default:
      return Number.NaN;
  }
}
