/**
 * The math behind the 2D field views (no DOM, no three.js; runs in Node): where in time a field view is
 * evaluated, the field the arrows and streamlines show (the score, or minus the velocity for flow
 * matching), the heat-map quantities (exact log p_t, |score|, |learned - exact|), their display range,
 * and streamlines integrated by RK4 on a read-back grid with bilinear interpolation.
 *
 * Grids are n x n cell centres over [-extent, extent]^2, row-major with y outermost:
 * point (i, j) = (-extent + (j + 0.5) h, -extent + (i + 0.5) h), h = 2 extent / n.
 */
import * as tf from '@tensorflow/tfjs';
import type { HeatMap } from '../config/playground-config';
import type { FieldModel, FieldParametrisation } from '../models/field';
import type { ExactDenoiser } from '../models/exact-fields';
import { convertField, linearFlowPath, vePath } from '../models/gaussian-path';
import type { NoiseSchedule } from '../models/schedules';

/** The n x n grid of cell centres over [-extent, extent]^2, [n*n, 2] row-major (y outer, x inner). @throws RangeError unless n >= 1 and extent > 0. */
export function gridPoints(n: number, extent: number): Float32Array {
  if (!Number.isInteger(n) || n < 1 || !(extent > 0)) throw new RangeError(`a grid needs an integer n >= 1 and extent > 0, got ${n}, ${extent}`);
  const pts = new Float32Array(n * n * 2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      pts[2 * (i * n + j)] = -extent + (2 * extent * (j + 0.5)) / n;
      pts[2 * (i * n + j) + 1] = -extent + (2 * extent * (i + 0.5)) / n;
    }
  }
  return pts;
}

/**
 * One instant of the scene's process where a field view is evaluated, and the Gaussian coefficients
 * there: x_t = alpha x_0 + sigma epsilon (DDPM: alpha = sqrt(alphaBar_t), sigma = sqrt(1 - alphaBar_t),
 * seed §4.1; score model: alpha = 1, sigma = sigma(t) of the VE path; flow matching: alpha = 1 - t, sigma = t, seed §5.2).
 */
export interface FieldTime {
  /** What the model's field outputs (the arrows divide by sigma, or negate a velocity). */
  readonly parametrisation: FieldParametrisation;
  /** The relative time asked for, t / T in [0, 1] (0 = data, 1 = noise). */
  readonly tau: number;
  /** The relative time the model's `predict` is called with. */
  readonly modelTau: number;
  readonly alpha: number;
  readonly sigma: number;
  /** Where that is, for a legend, with $…$-marked TeX (ui/math): '$t = 420 / 1000$', '$\sigma = 0.31$ ($t = 0.42$)'. */
  readonly label: string;
}

/**
 * The field time of relative time tau (clamped to [0, 1]) for a model's parametrisation, as the particles
 * step: DDPM (epsilon) at step t = round(tau T) in [1, T]; the score model (sigma-score) at t = tau on its VE
 * path, sigma(t) = sigma_min (sigma_max / sigma_min)^t (models/gaussian-path.vePath; the network sees level
 * coordinate 1 - t); flow matching (velocity) at t = tau in [1e-3, 1] (its exact velocity is singular at t = 0).
 * @param sigmas the score model's levels, descending: sigma_max first, sigma_min last (sigma-score only).
 */
export function fieldTime(parametrisation: FieldParametrisation, tau: number, schedule: NoiseSchedule, sigmas: Float64Array): FieldTime {
  const r = Number.isFinite(tau) ? Math.min(1, Math.max(0, tau)) : 0;
  switch (parametrisation) {
    case 'velocity': {
      const t = Math.max(1e-3, r);
      return { parametrisation, tau: r, modelTau: t, alpha: 1 - t, sigma: t, label: `$t = ${t.toFixed(2)}$` };
    }
    case 'sigma-score': {
      const sigma = vePath(sigmas[sigmas.length - 1], sigmas[0]).sigma(r);
      return { parametrisation, tau: r, modelTau: 1 - r, alpha: 1, sigma, label: `$\\sigma = ${sigma.toPrecision(2)}$ ($t = ${r.toFixed(2)}$)` };
    }
    case 'epsilon': {
      const T = schedule.T;
      const t = Math.min(T, Math.max(1, Math.round(r * T)));
      const ab = schedule.alphaBar[t];
      return { parametrisation, tau: r, modelTau: t / T, alpha: Math.sqrt(ab), sigma: Math.sqrt(1 - ab), label: `$t = ${t} / ${T}$` };
    }
  }
}

/**
 * The field the arrows and streamlines show, from a model in its own parametrisation, [N, 2] from x [N, 2]:
 * the score grad log p_t = -epsilon / sigma (DDPM), net / sigma (score model: the network predicts
 * sigma times the score), or minus the velocity (flow matching: the direction of the reverse motion).
 * Caller owns the result.
 */
export function arrowField(model: FieldModel, x: tf.Tensor2D, time: FieldTime): tf.Tensor2D {
  return tf.tidy(() => {
    const out = model.predict(x, time.modelTau);
    switch (time.parametrisation) {
      case 'velocity':
        return tf.neg(out);
      case 'sigma-score':
        return tf.div(out, time.sigma);
      case 'epsilon':
        return tf.div(out, -time.sigma);
    }
  });
}

/**
 * The score grad log p_t of a model's field, [N, 2]. For flow matching the velocity is converted on the
 * straight path (convertField, evaluated at t clamped to [1e-3, 1 - 1e-3] where the conversion is
 * defined). Caller owns the result.
 */
export function scoreField(model: FieldModel, x: tf.Tensor2D, time: FieldTime): tf.Tensor2D {
  if (time.parametrisation !== 'velocity') return arrowField(model, x, time);
  return tf.tidy(() => {
    const t = Math.min(1 - 1e-3, Math.max(1e-3, time.modelTau));
    return convertField(linearFlowPath(), x, t, model.predict(x, time.modelTau), 'velocity', 'score');
  });
}

/** The fields a heat map reads (the session's; tests may pass others). */
export interface HeatFields {
  /** The field the particles use (learned or exact, per `sampling.field`), in the model's parametrisation. */
  readonly inUse: FieldModel;
  /** The network's field (its EMA weights). */
  readonly learned: FieldModel;
  /** The exact field of the data in the same parametrisation. */
  readonly exact: FieldModel;
  /** The exact noised data law (for log p_t). */
  readonly density: ExactDenoiser;
}

/**
 * One heat-map value per row of x, [N] from [N, 2] (caller owns it):
 * - 'log-density': log p_t(x) of the noised data (exact, closed form or logsumexp over points);
 * - 'score-norm': |score| of the field in use;
 * - 'error': |arrowField(learned) - arrowField(exact)| (score, or minus velocity for flow).
 * @throws RangeError for 'off'.
 */
export function heatValues(heat: HeatMap, x: tf.Tensor2D, time: FieldTime, fields: HeatFields): tf.Tensor1D {
  switch (heat) {
    case 'off':
      throw new RangeError("heatValues needs a heat map kind other than 'off'");
    case 'log-density':
      return fields.density.logDensityAt(x, time.alpha, time.sigma);
    case 'score-norm':
      return tf.tidy(() => tf.norm(scoreField(fields.inUse, x, time), 'euclidean', 1) as tf.Tensor1D);
    case 'error':
      return tf.tidy(() => tf.norm(tf.sub(arrowField(fields.learned, x, time), arrowField(fields.exact, x, time)), 'euclidean', 1) as tf.Tensor1D);
  }
}

/** What a heat map's colours span, and whether values beyond either end were clipped. */
export interface HeatRange {
  readonly lo: number;
  readonly hi: number;
  readonly clippedLo: boolean;
  readonly clippedHi: boolean;
}

/** log p_t is shown down to this many nats below its maximum (a density ratio of e^-12, about 6e-6). */
export const LOG_DENSITY_RANGE = 12;
/** |score| and the error are shown up to this quantile of the grid's values, so one spike does not flatten the rest. */
export const NORM_QUANTILE = 0.98;

/**
 * The colour range of a heat map's values (non-finite values ignored): log-density spans
 * [max - LOG_DENSITY_RANGE, max] (clipped below); norms span [0, the NORM_QUANTILE quantile] (clipped above).
 * Always hi > lo. @throws RangeError for 'off'.
 */
export function heatRange(heat: HeatMap, values: Float32Array): HeatRange {
  if (heat === 'off') throw new RangeError("heatRange needs a heat map kind other than 'off'");
  const finite = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  if (finite.length === 0) return { lo: 0, hi: 1, clippedLo: false, clippedHi: false };
  const min = finite[0];
  const max = finite[finite.length - 1];
  if (heat === 'log-density') {
    const lo = Math.max(min, max - LOG_DENSITY_RANGE);
    return { lo, hi: Math.max(max, lo + 1e-6), clippedLo: min < lo, clippedHi: false };
  }
  const q = finite[Math.min(finite.length - 1, Math.floor(NORM_QUANTILE * (finite.length - 1)))];
  const lo = Math.min(0, min);
  return { lo, hi: Math.max(q, lo + 1e-6), clippedLo: false, clippedHi: max > q };
}

/** A 2D vector field on the grid of {@link gridPoints}: vectors [n*n, 2] row-major. */
export interface VectorGrid {
  readonly n: number;
  readonly extent: number;
  readonly vectors: Float32Array;
}

/**
 * The grid's vector at (x, y) by bilinear interpolation between cell centres (constant beyond the
 * outermost centres), written into out[0..1]. @returns false (out untouched) outside [-extent, extent]^2.
 */
export function sampleVectorGrid(grid: VectorGrid, x: number, y: number, out: Float64Array): boolean {
  const { n, extent, vectors } = grid;
  if (!(x >= -extent && x <= extent && y >= -extent && y <= extent)) return false;
  if (n === 1) {
    out[0] = vectors[0];
    out[1] = vectors[1];
    return true;
  }
  const h = (2 * extent) / n;
  const u = Math.min(n - 1, Math.max(0, (x + extent) / h - 0.5));
  const w = Math.min(n - 1, Math.max(0, (y + extent) / h - 0.5));
  const j0 = Math.min(n - 2, Math.floor(u));
  const i0 = Math.min(n - 2, Math.floor(w));
  const fx = u - j0;
  const fy = w - i0;
  for (let c = 0; c < 2; c++) {
    const a = vectors[2 * (i0 * n + j0) + c];
    const b = vectors[2 * (i0 * n + j0 + 1) + c];
    const d = vectors[2 * ((i0 + 1) * n + j0) + c];
    const e = vectors[2 * ((i0 + 1) * n + j0 + 1) + c];
    out[c] = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * d + fx * e);
  }
  return true;
}

/** Options of {@link traceStreamline}. */
export interface StreamlineOptions {
  /** RK4 steps each way from the seed (>= 0). */
  readonly steps: number;
  /** Arc length of one step in data units (> 0): streamlines follow the unit direction v / |v|. */
  readonly h: number;
  /** Stop where |v| falls below this (a stagnation point); default 0. */
  readonly minSpeed?: number;
}

/** A polyline from upstream to downstream, [K, 2], with |v| at each point, [K]. */
export interface Streamline {
  readonly points: Float32Array;
  readonly speeds: Float32Array;
}

/**
 * The streamline of the grid's field through (x0, y0): the integral curve of the unit direction
 * field v / |v| (the same curves as v's, at constant speed), by classic RK4 with arc step h, up to
 * `steps` steps backward and forward. A direction stops at the grid's edge, where |v| <= minSpeed or is
 * not finite, and where the direction turns by more than 90 degrees within or after one step (a sink or source).
 * @returns the points ordered along the field (the seed among them); a lone seed outside the grid gives none.
 */
export function traceStreamline(grid: VectorGrid, x0: number, y0: number, options: StreamlineOptions): Streamline {
  const { steps, h } = options;
  const minSpeed = options.minSpeed ?? 0;
  const v = new Float64Array(2);
  /** sign * v / |v| at (x, y) into out, or false. */
  const dir = (x: number, y: number, sign: number, out: Float64Array): boolean => {
    if (!sampleVectorGrid(grid, x, y, v)) return false;
    const s = Math.hypot(v[0], v[1]);
    if (!(s > minSpeed) || !Number.isFinite(s)) return false;
    out[0] = (sign * v[0]) / s;
    out[1] = (sign * v[1]) / s;
    return true;
  };
  const speedAt = (x: number, y: number): number => (sampleVectorGrid(grid, x, y, v) ? Math.hypot(v[0], v[1]) : 0);
  const k1 = new Float64Array(2);
  const k2 = new Float64Array(2);
  const k3 = new Float64Array(2);
  const k4 = new Float64Array(2);
  const next = new Float64Array(2);
  const walk = (sign: number): number[] => {
    const pts: number[] = [];
    let x = x0;
    let y = y0;
    if (!dir(x, y, sign, k1)) return pts;
    for (let s = 0; s < steps; s++) {
      if (!dir(x + 0.5 * h * k1[0], y + 0.5 * h * k1[1], sign, k2)) break;
      if (!dir(x + 0.5 * h * k2[0], y + 0.5 * h * k2[1], sign, k3)) break;
      if (!dir(x + h * k3[0], y + h * k3[1], sign, k4)) break;
      const nx = x + (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
      const ny = y + (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
      // A step much shorter than h, or a turn of more than 90 degrees: the direction flips within the step (a sink or source).
      if (Math.hypot(nx - x, ny - y) < 0.5 * h || !dir(nx, ny, sign, next) || next[0] * k1[0] + next[1] * k1[1] < 0) break;
      pts.push(nx, ny);
      x = nx;
      y = ny;
      k1.set(next);
    }
    return pts;
  };
  if (!sampleVectorGrid(grid, x0, y0, v)) return { points: new Float32Array(0), speeds: new Float32Array(0) };
  const back = walk(-1);
  const fwd = walk(1);
  const k = back.length / 2 + 1 + fwd.length / 2;
  const points = new Float32Array(2 * k);
  let o = 0;
  for (let i = back.length - 2; i >= 0; i -= 2) {
    points[o++] = back[i];
    points[o++] = back[i + 1];
  }
  points[o++] = x0;
  points[o++] = y0;
  for (let i = 0; i < fwd.length; i++) points[o++] = fwd[i];
  const speeds = new Float32Array(k);
  for (let i = 0; i < k; i++) speeds[i] = speedAt(points[2 * i], points[2 * i + 1]);
  return { points, speeds };
}

/** Many streamlines, concatenated: line l is points[2 starts[l] .. 2 starts[l+1]) and speeds[starts[l] .. starts[l+1]). */
export interface Streamlines {
  readonly points: Float32Array;
  readonly speeds: Float32Array;
  /** Offsets of the lines into the points, length lines + 1. */
  readonly starts: Uint32Array;
}

/** Options of {@link traceStreamlines}: seeds on a seeds x seeds grid, jittered by up to jitter cells. */
export interface SeedOptions extends StreamlineOptions {
  readonly seeds: number;
  /** Deterministic jitter of each seed, as a fraction of a seed cell (0 = a regular grid); default 0.35. */
  readonly jitter?: number;
}

/**
 * Streamlines of the grid's field from seeds on a regular (slightly jittered, deterministic) grid over
 * [-extent, extent]^2; minSpeed defaults to 1e-6 of the grid's largest |v|. Lines shorter than two
 * points are dropped.
 */
export function traceStreamlines(grid: VectorGrid, options: SeedOptions): Streamlines {
  let maxSpeed = 0;
  for (let i = 0; i < grid.vectors.length; i += 2) {
    const s = Math.hypot(grid.vectors[i], grid.vectors[i + 1]);
    if (Number.isFinite(s)) maxSpeed = Math.max(maxSpeed, s);
  }
  const opts = { ...options, minSpeed: options.minSpeed ?? 1e-6 * maxSpeed };
  const jitter = options.jitter ?? 0.35;
  const m = options.seeds;
  const cell = (2 * grid.extent) / m;
  const lines: Streamline[] = [];
  // A fixed hash in [-0.5, 0.5) per seed (no rng: the picture must not flicker between refreshes).
  const hash = (a: number, b: number): number => {
    const s = Math.sin(a * 12.9898 + b * 78.233) * 43758.5453;
    return s - Math.floor(s) - 0.5;
  };
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const x = -grid.extent + cell * (j + 0.5 + jitter * hash(i, j));
      const y = -grid.extent + cell * (i + 0.5 + jitter * hash(j + 101, i + 7));
      const line = traceStreamline(grid, x, y, opts);
      if (line.speeds.length >= 2) lines.push(line);
    }
  }
  const total = lines.reduce((a, l) => a + l.speeds.length, 0);
  const points = new Float32Array(2 * total);
  const speeds = new Float32Array(total);
  const starts = new Uint32Array(lines.length + 1);
  let o = 0;
  lines.forEach((l, k) => {
    starts[k] = o;
    points.set(l.points, 2 * o);
    speeds.set(l.speeds, o);
    o += l.speeds.length;
  });
  starts[lines.length] = o;
  return { points, speeds, starts };
}
