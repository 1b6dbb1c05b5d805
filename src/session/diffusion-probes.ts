/**
 * The diffusion scene's view grids ("probes"): the field's arrows and the heat maps on a 2D grid, each
 * one tfjs pass and one asynchronous readback (the math is in field-views.ts). The session hands over
 * its fields; the scene only draws what comes back.
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldSource, HeatMap } from '../config/playground-config';
import type { ExactDenoiser } from '../models/exact-fields';
import type { FieldModel } from '../models/field';
import { arrowField, gridPoints, heatValues, type FieldTime } from './field-views';

/** What the probes read from a diffusion session. */
export interface DiffusionProbeSource {
  readonly dim: 2 | 3;
  /** The field source the particles use. */
  readonly fieldInUse: FieldSource;
  /** The field time at relative time tau (undefined: the particles' own). */
  fieldTime(tau?: number): FieldTime;
  /** The model's field in its parametrisation: the network's EMA copy, or the exact one. */
  modelField(source: FieldSource): FieldModel;
  /** The exact noised data law (for log p_t). */
  readonly denoiser: ExactDenoiser;
}

/** The arrows of {@link DiffusionProbes.fieldGrid}. */
export interface FieldGrid {
  readonly points: Float32Array;
  readonly vectors: Float32Array;
  readonly time: FieldTime;
}

/** The values of {@link DiffusionProbes.heatMapGrid}. */
export interface HeatGrid {
  readonly n: number;
  readonly extent: number;
  readonly values: Float32Array;
  readonly time: FieldTime;
}

/** The field views of one diffusion session; keeps the last log-density grid (it does not change with training). */
export class DiffusionProbes {
  /** The last log-density grid, by grid and time, and the exact field it came from. */
  private logDensityCache: { key: string; denoiser: ExactDenoiser; values: Float32Array } | null = null;

  constructor(private readonly source: DiffusionProbeSource) {}

  /**
   * The field that moves the particles back towards the data, on an n x n grid over [-extent, extent]^2
   * (see gridPoints) at relative time tau (default: the particles' current time): the score for DDPM and
   * the score model, minus the velocity for flow matching (field-views.arrowField). Uses the configured
   * field (learned or exact). 2D data only.
   * @returns grid points and vectors, each [n*n, 2] row-major, and the field time; null for 3D data.
   */
  async fieldGrid(n: number, extent: number, tau?: number): Promise<FieldGrid | null> {
    const src = this.source;
    if (src.dim !== 2) return null;
    const pts = gridPoints(n, extent);
    const time = src.fieldTime(tau);
    const model = src.modelField(src.fieldInUse);
    const vectors = tf.tidy(() => arrowField(model, tf.tensor2d(pts, [n * n, 2]), time));
    const data = (await vectors.data()) as Float32Array;
    vectors.dispose();
    return { points: pts, vectors: data, time };
  }

  /**
   * A heat map on the n x n grid over [-extent, extent]^2 at relative time tau (default: the particles'
   * time): the exact log p_t of the noised data, |score| of the configured field, or |learned - exact| in
   * the arrows' parametrisation (field-views.heatValues). The log-density is reused at the same grid and
   * time. 2D data only.
   * @returns values [n*n] (row-major, y outer) and the field time; null for 3D data or 'off'.
   */
  async heatMapGrid(heat: HeatMap, n: number, extent: number, tau?: number): Promise<HeatGrid | null> {
    const src = this.source;
    if (src.dim !== 2 || heat === 'off') return null;
    const time = src.fieldTime(tau);
    const key = `${n} ${extent} ${time.alpha} ${time.sigma}`;
    const cached = this.logDensityCache;
    const logDensity = heat === 'log-density';
    if (logDensity && cached !== null && cached.key === key && cached.denoiser === src.denoiser) return { n, extent, values: cached.values.slice(), time };
    const pts = gridPoints(n, extent);
    const fields = { inUse: src.modelField(src.fieldInUse), learned: src.modelField('learned'), exact: src.modelField('exact'), density: src.denoiser };
    const values = tf.tidy(() => heatValues(heat, tf.tensor2d(pts, [n * n, 2]), time, fields));
    const data = (await values.data()) as Float32Array;
    values.dispose();
    if (logDensity) this.logDensityCache = { key, denoiser: fields.density, values: data.slice() };
    return { n, extent, values: data, time };
  }
}
