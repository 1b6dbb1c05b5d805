/**
 * The names of the estimators behind the sample metrics of metrics.ts (issue 16.5), for labels,
 * tooltips and the CLI's report. No imports: the UI and the CLI read it without the metrics' code.
 */

/**
 * What each estimator is, in plain words, for labels, tooltips and the CLI's report (issue 16.5): the
 * energy distance is the unbiased U-statistic, so it reads about 0 for equal laws and can read below 0;
 * MMD is the biased V-statistic (never below 0, above 0 by O(1/n) for equal laws).
 */
export const METRIC_ESTIMATORS = {
  energyDistance: 'unbiased U-statistic (pairs i != j within each set): about 0 for equal distributions, can read below 0',
  slicedWasserstein: 'exact 1D W1 of the projections, averaged over 64 seeded directions',
  mmd: 'biased V-statistic of MMD^2 (all pairs), square-rooted: >= 0, about 0 plus O(1/n) for equal distributions',
  w1: 'exact W1 between equal-size subsamples (optimal assignment)',
  w2: 'exact W2 between equal-size subsamples (optimal assignment)',
} as const;

/** The energy distance's label where it is shown (chart axis, HUD, CLI table): names the estimator. */
export const ENERGY_DISTANCE_LABEL = 'energy distance (U-statistic, can be < 0)';
