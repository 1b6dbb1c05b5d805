/**
 * The data a scene trains on, whichever its source (config `data.source`): a built-in data set, drawn
 * fresh from its generator, or a custom point set (loaded with data/loaders, or drawn), resampled from
 * its rows. Both sessions build their training set, reference layer, particles and exact field through
 * this, so loaded data gets every feature of the built-in sets, the exact (oracle) field included.
 */
import type { PlaygroundConfig } from '../config/playground-config';
import { datasetInfo, gaussianMixtureOf, sampleDataset, type GaussianMixture, type PointSet } from '../data/datasets';
import type { Rng } from '../models/random';

/** A scene's data, independent of where it comes from. */
export interface SceneData {
  readonly dim: 2 | 3;
  /** Name for messages: the built-in set's label, or "custom data (N points)". */
  readonly label: string;
  /** The exact mixture of a Gaussian-mixture set (closed-form exact field, mode coverage), else null. */
  readonly mixture: GaussianMixture | null;
  /**
   * `count` points of the data, normalised units, [count, D] with labels. A built-in set draws fresh
   * points; a custom set of n rows uses each row floor(count / n) or ceil(count / n) times, in a seeded
   * random order (so its empirical law is kept as closely as the count allows).
   */
  sample(count: number, rng: Rng): PointSet;
  /**
   * The support of the empirical exact field for data without a closed form, at most `max` rows: the first
   * `max` training points of a built-in set; the custom set itself when it has at most `max` rows, else
   * `max` of its rows drawn without replacement.
   */
  exactFieldPoints(training: PointSet, max: number, rng: Rng): Float32Array;
}

/** A custom point set fails these checks (dimension 2 or 3, at least one row, finite, labels in range). */
export function customDataProblem(set: PointSet): string | null {
  if (set.dim !== 2 && set.dim !== 3) return `custom data must be 2D or 3D, got dimension ${String(set.dim)}`;
  if (!Number.isInteger(set.count) || set.count < 1 || set.points.length !== set.count * set.dim) return `custom data must have count >= 1 rows of ${set.dim} coordinates`;
  if (set.labels.length !== set.count) return `custom data must have one label per point`;
  for (const v of set.points) if (!Number.isFinite(v)) return 'custom data has a coordinate that is not finite';
  for (const l of set.labels) if (l >= set.labelCount) return `custom data has a label outside [0, ${set.labelCount})`;
  return null;
}

/**
 * The data of a config: its built-in set, or with data.source = 'custom' the given point set.
 * @param custom the custom point set (normalised, as loaders produce; only read when the source is 'custom').
 * @throws RangeError when the source is 'custom' and there is no valid custom set.
 */
export function sceneDataOf(data: PlaygroundConfig['data'], custom: PointSet | null): SceneData {
  if (data.source === 'custom') {
    if (custom === null) throw new RangeError("data.source is 'custom' but no point set was given (load a file or draw points first)");
    const problem = customDataProblem(custom);
    if (problem !== null) throw new RangeError(problem);
    return customSceneData(custom);
  }
  const name = data.dataset;
  const info = datasetInfo(name);
  return {
    dim: info.dim,
    label: info.label,
    mixture: gaussianMixtureOf(name),
    sample: (count, rng) => sampleDataset(name, count, rng),
    exactFieldPoints: (training, max) => training.points.subarray(0, Math.min(training.count, max) * training.dim),
  };
}

function customSceneData(set: PointSet): SceneData {
  const { dim, count: n } = set;
  return {
    dim,
    label: `custom data (${n.toLocaleString('en-US')} points)`,
    mixture: null,
    sample: (count, rng) => {
      if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be an integer >= 1, got ${count}`);
      const points = new Float32Array(count * dim);
      const labels = new Uint16Array(count);
      // Whole passes over a fresh random permutation of the rows, the last pass cut short.
      const order = Int32Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < count; i++) {
        const k = i % n;
        if (k === 0) shuffle(order, rng);
        const row = order[k];
        points.set(set.points.subarray(row * dim, row * dim + dim), i * dim);
        labels[i] = set.labels[row];
      }
      return { dim, count, points, labels, labelCount: set.labelCount };
    },
    exactFieldPoints: (_training, max, rng) => {
      if (n <= max) return set.points;
      const order = Int32Array.from({ length: n }, (_, i) => i);
      shuffle(order, rng);
      const out = new Float32Array(max * dim);
      for (let i = 0; i < max; i++) out.set(set.points.subarray(order[i] * dim, order[i] * dim + dim), i * dim);
      return out;
    },
  };
}

/** Fisher–Yates, in place. */
function shuffle(a: Int32Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
