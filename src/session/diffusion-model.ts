/**
 * The fields of a diffusion scene apart from its particles (diffusion-session.ts): the exact noised law
 * of the data (the oracle, built once per data set), and what a change of model settings rebuilds from
 * the kind's registry entry (models/kinds): schedule, noise levels, the exact field in the model's
 * parametrisation, the network with its trainer, and the box a DDPM's predicted x_0 is clipped to.
 */
import type { PlaygroundConfig } from '../config/playground-config';
import type { PointSet } from '../data/datasets';
import { dataBox, type DataBox } from '../models/denoised-clip';
import { EmpiricalField, MixtureField, type ExactDenoiser } from '../models/exact-fields';
import type { FieldModel } from '../models/field';
import type { FieldNetwork } from '../models/field-network';
import { vpPath, type GaussianPath } from '../models/gaussian-path';
import type { DiffusionKindEntry } from '../models/kinds';
import type { LiveTrainer } from '../models/live-trainer';
import { createRng, type Rng } from '../models/random';
import { makeSchedule, type NoiseSchedule } from '../models/schedules';
import type { SceneData } from './scene-data';

/** Points of the empirical law behind the exact field of data sets without a closed form. */
export const EXACT_FIELD_POINTS = 2_000;

/**
 * The exact noised data law on the VP path of the configured schedule: the mixture in closed form where
 * the data set has one, else the empirical law of {@link EXACT_FIELD_POINTS} points subsampled from
 * `training` with `rng`. The caller owns it: dispose().
 */
export function exactDenoiser(sceneData: SceneData, training: PointSet, config: PlaygroundConfig, rng: Rng): ExactDenoiser {
  const path = vpPath({ ...config.schedule });
  if (sceneData.mixture !== null) return new MixtureField(path, sceneData.mixture);
  return new EmpiricalField(path, sceneData.exactFieldPoints(training, EXACT_FIELD_POINTS, rng), training.dim);
}

/** What a change of model settings rebuilds; the caller owns `net` and `trainer` (dispose both). */
export interface DiffusionModelParts {
  readonly schedule: NoiseSchedule;
  /** The exact field of the data in the model's parametrisation (the oracle; models/kinds exactField). */
  readonly exactField: FieldModel;
  /** Noise levels of the score model, descending (empty for the other models). */
  readonly sigmas: Float64Array;
  /** The DDPM's continuous path and the data's box for clipping predicted x_0 (models/denoised-clip.ts); null for the other kinds. */
  readonly x0Clip: { readonly path: GaussianPath; readonly box: DataBox } | null;
  readonly net: FieldNetwork;
  readonly trainer: LiveTrainer;
}

/**
 * Builds the model of `kind` for the training data [M, dim] row-major: fresh weights seeded from
 * config.data.seed, so that the same config always starts from the same network.
 * @throws RangeError on training settings the trainer rejects.
 */
export function buildDiffusionModel(kind: DiffusionKindEntry, config: PlaygroundConfig, denoiser: ExactDenoiser, trainingData: Float32Array, dim: 2 | 3): DiffusionModelParts {
  const schedule = makeSchedule({ ...config.schedule });
  const sigmas = kind.levels(config);
  const exactField = kind.exactField(denoiser, config, schedule);
  const x0Clip = kind.parametrisation === 'epsilon' ? { path: vpPath({ ...config.schedule }), box: dataBox(trainingData, dim) } : null;
  const { net, trainer } = kind.learner(dim, trainingData, createRng(config.data.seed ^ 0x5eed), config, schedule, sigmas);
  return { schedule, exactField, sigmas, x0Clip, net, trainer };
}
