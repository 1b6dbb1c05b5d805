/**
 * The scene cells of `npm run bench` (scripts/bench-browser.ts): what a user sees in the app, read from
 * `window.__playground` — frames per second, the seconds a reverse pass takes against the seconds asked,
 * and the seconds from load until the generated particles are within an energy distance of 0.01 of the
 * data (the first good picture). The pure part lives here (no DOM, no tfjs, no Node): parsing reverse passes
 * out of a series of (time, motion, t) samples, the first time a series falls under a threshold, the seconds
 * asked per pass, and the cells' JSON keys; tests/bench-scene.test.ts checks it.
 */
import { findPreset } from '../config/presets';
import { median } from './timing';

/** The motion of the particles as `window.__playground.snapshot().motion` reports it (particles/). */
export type SceneMotion = 'forward' | 'reverse' | 'hold' | 'generate';

/** One observation of the particles: page clock ms, their motion and their diffusion step t in [0, T]. */
export interface MotionSample {
  readonly ms: number;
  readonly motion: SceneMotion;
  readonly t: number;
}

/** A complete reverse pass, x_T to the data, in ms of the clock the samples were taken on. */
export interface ReversePass {
  readonly startMs: number;
  readonly endMs: number;
  /** endMs - startMs, in seconds. */
  readonly seconds: number;
}

/**
 * The complete reverse passes in a time-ordered series of samples: a pass starts at the first 'reverse'
 * sample that follows a sample of another motion, if its t is in the upper half of [0, T] (it began at the
 * noise end, not midway after a phase change), and ends at the first later sample of another motion with
 * t = 0 (the particles reached the data). A run of 'reverse' samples left by another motion at t > 0
 * (a phase change, a rebuilt scene) is no pass; nor is one the series starts or ends inside.
 * Accurate to the sampling interval (one frame for the handle's motion log, seconds/samples for a poll).
 * @param T the process's grid steps (> 0). @throws RangeError if T is not > 0.
 */
export function reversePasses(samples: readonly MotionSample[], T: number): ReversePass[] {
  if (!(T > 0)) throw new RangeError(`T must be > 0, got ${T}`);
  const passes: ReversePass[] = [];
  let start: number | null = null;
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1];
    const s = samples[i];
    if (s.motion === 'reverse' && prev.motion !== 'reverse') start = s.t >= T / 2 ? s.ms : null;
    else if (s.motion !== 'reverse' && prev.motion === 'reverse') {
      if (start !== null && s.t === 0) passes.push({ startMs: start, endMs: s.ms, seconds: (s.ms - start) / 1000 });
      start = null;
    }
  }
  return passes;
}

/** Median seconds of the passes; null when there are none. */
export function medianPassSeconds(passes: readonly ReversePass[]): number | null {
  return passes.length === 0 ? null : median(passes.map((p) => p.seconds));
}

/**
 * The time of the first point whose value is below `threshold` (strictly), in the points' unit; null
 * when none is (NaN values never are). Points need not be sorted: the earliest time wins.
 */
export function firstTimeUnder(points: readonly { readonly ms: number; readonly value: number }[], threshold: number): number | null {
  let first: number | null = null;
  for (const p of points) if (p.value < threshold && (first === null || p.ms < first)) first = p.ms;
  return first;
}

/** The sampling settings the seconds asked per pass are read from (`config.sampling` of a snapshot). */
export interface PaceSettings {
  /** Seconds per pass, when the app paces by seconds (issue 14). */
  readonly secondsPerPass?: unknown;
  /** Simulation steps per second, the older pace. */
  readonly stepsPerSecond?: unknown;
}

/**
 * The seconds a pass is asked to take: `secondsPerPass` when the config has it (a number > 0), otherwise
 * T / stepsPerSecond (one simulation step per grid step). Null when neither gives a positive number.
 * @param T grid steps of a pass (> 0).
 */
export function askedSecondsPerPass(sampling: PaceSettings, T: number): number | null {
  const spp = sampling.secondsPerPass;
  if (typeof spp === 'number' && spp > 0 && Number.isFinite(spp)) return spp;
  const sps = sampling.stepsPerSecond;
  if (typeof sps === 'number' && sps > 0 && Number.isFinite(sps) && T > 0) return T / sps;
  return null;
}

/** Frames per second over a series of (clock ms, frame counter) samples: the mean and the worst whole interval between consecutive samples. */
export function frameRates(samples: readonly { readonly ms: number; readonly frames: number }[]): { mean: number; worst: number; perInterval: number[] } {
  if (samples.length < 2) return { mean: Number.NaN, worst: Number.NaN, perInterval: [] };
  const perInterval = samples.slice(1).map((s, i) => ((s.frames - samples[i].frames) * 1000) / (s.ms - samples[i].ms));
  const first = samples[0];
  const last = samples[samples.length - 1];
  return { mean: ((last.frames - first.frames) * 1000) / (last.ms - first.ms), worst: Math.min(...perInterval), perInterval };
}

/** The JSON keys of the scene cells (`npm run bench`, issue 14); `scene.<name>.<figure>`. The table shows the other figures too. */
export const SCENE_KEYS = {
  default: ['fps_mean', 'fps_worst_second', 'reverse_pass_s', 'reverse_pass_asked_s', 'first_good_s'],
  gan: ['fps_mean', 'fps_worst_second', 'train_steps_per_s'],
} as const;

/** The figures of one scene cell (null: not measured or not reached in the box). */
export interface SceneFigures {
  readonly fps_mean: number | null;
  readonly fps_worst_second: number | null;
  readonly train_steps_per_s: number | null;
  readonly sim_steps_per_s: number | null;
  readonly reverse_pass_s: number | null;
  readonly reverse_pass_asked_s: number | null;
  readonly first_good_s: number | null;
}

/** A cell not measured: every figure null. */
export const NO_SCENE_FIGURES: SceneFigures = { fps_mean: null, fps_worst_second: null, train_steps_per_s: null, sim_steps_per_s: null, reverse_pass_s: null, reverse_pass_asked_s: null, first_good_s: null };

/** The cell's figures under their JSON keys `scene.<name><suffix>.<key>` (suffix e.g. '.n20000'; only the keys {@link SCENE_KEYS} names for the cell). */
export function sceneJson(name: keyof typeof SCENE_KEYS, figures: SceneFigures, suffix = ''): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const key of SCENE_KEYS[name]) {
    const v = figures[key];
    out[`scene.${name}${suffix}.${key}`] = v !== null && Number.isFinite(v) ? v : null;
  }
  return out;
}

/** The preset the GAN scene cell opens (its settings as a link). */
export const GAN_SCENE_PRESET = 'gan-8-gaussians';

/**
 * A link's hash body (no '#') with every setting of the preset `name`, `group.key=value` as the app reads
 * it (config/url-hash), and `data.particles` replaced by `particles` when given.
 * @throws RangeError for an unknown preset or a particle count that is not a positive integer.
 */
export function presetHash(name: string, particles?: number): string {
  const preset = findPreset(name);
  if (preset === undefined) throw new RangeError(`unknown preset '${name}'`);
  const params = new URLSearchParams();
  for (const [group, values] of Object.entries(preset.settings)) for (const [key, value] of Object.entries(values as object)) params.set(`${group}.${key}`, String(value));
  if (particles !== undefined) params.set('data.particles', String(checkParticles(particles)));
  return params.toString();
}

/** The default link's hash body: nothing at all, or only `data.particles=N`. @throws RangeError for a count that is not a positive integer. */
export function defaultHash(particles?: number): string {
  return particles === undefined ? '' : `data.particles=${checkParticles(particles)}`;
}

function checkParticles(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`a particle count must be a positive integer, got ${n}`);
  return n;
}
