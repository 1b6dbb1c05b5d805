/**
 * Fit the scene to the machine (issue 14): particle count and batch size (and advice on the network width) chosen from a
 * short measured probe at start (app/startup's `probeMachine`: a forward pass of the network at a few
 * particle counts and a training step at two batch sizes on the tfjs backend in use, and the time of an
 * empty frame), and re-fitted when the frame rate stays below the target ({@link RefitWatch}). A link's own
 * settings win: the fit only moves the defaults, and a re-fit never touches a field the link set. The width
 * is advice only (said in the toast), never applied: it sets the shape of the weights, and a link or a
 * weights file made on one machine must build the same network on another.
 *
 * Pure: no DOM, no tfjs; the measurements are handed in, so the decisions are tested in Node
 * (tests/machine-fit.test.ts).
 */

/** One measured cost: `ms` for one pass at `size` (particles for a forward pass, rows for a training step). */
export interface CostPoint {
  readonly size: number;
  readonly ms: number;
}

/** What the probe measured. */
export interface ProbeMeasurement {
  /** The tfjs backend, e.g. 'wasm', 'webgpu'. */
  readonly backend: string;
  /** True when the math runs on the CPU. */
  readonly software: boolean;
  /** One forward pass of the network at each particle count (one network evaluation of the sampler). */
  readonly forward: readonly CostPoint[];
  /** One training step at each batch size, with a network of width {@link probeWidth}. */
  readonly train: readonly CostPoint[];
  /** The width of the probe's network. */
  readonly probeWidth: number;
  /** ms of a frame that draws the empty stage (the renderer's own cost, vsync included). */
  readonly frameMs: number;
}

/** The settings a fit moves. */
export interface FitSettings {
  readonly particles: number;
  readonly batchSize: number;
  /** The network width: a limit for {@link fitMachine}; in a {@link MachineFit}, the advised width (not applied). */
  readonly width: number;
}

/** A fit: the settings and the measured costs behind them, ms. */
export interface MachineFit extends FitSettings {
  /** Estimated ms of one network evaluation over the chosen particles. */
  readonly forwardMs: number;
  /** Estimated ms of one training step at the chosen batch and the full width (`limit.width`). */
  readonly trainStepMs: number;
}

/** A cost line fixedMs + perUnitMs * size (both >= 0). */
export interface CostLine {
  readonly fixedMs: number;
  readonly perUnitMs: number;
}

/** Particle counts a fit picks from. */
export const PARTICLE_LADDER: readonly number[] = [1_000, 1_500, 2_000, 3_000, 4_000, 6_000, 8_000, 10_000, 15_000, 20_000];
/** Batch sizes a fit picks from. */
export const BATCH_LADDER: readonly number[] = [128, 256, 512, 1024];
/** Network widths a fit picks from (the smaller ones only when the smallest batch does not fit). */
export const WIDTH_LADDER: readonly number[] = [64, 96, 128];
/** Shares of what a frame leaves (the target less the empty frame) given to one network evaluation and to one training step. */
export const SIM_SHARE = 0.4;
export const TRAIN_SHARE = 0.4;
/** What a frame leaves at least, ms, however slow the empty frame (so the fit never chooses nothing). */
const MIN_FREE_MS = 8;

/**
 * The least-squares line through cost points (ms against size); with one point, a line through the
 * origin. Slope and intercept are clamped at 0 (a cost never falls with size).
 * @throws RangeError with no points.
 */
export function costLine(points: readonly CostPoint[]): CostLine {
  if (points.length === 0) throw new RangeError('costLine needs at least one measured point');
  if (points.length === 1) return { fixedMs: 0, perUnitMs: Math.max(0, points[0].ms / Math.max(1, points[0].size)) };
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.size, 0) / n;
  const my = points.reduce((a, p) => a + p.ms, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.size - mx) ** 2, 0);
  const sxy = points.reduce((a, p) => a + (p.size - mx) * (p.ms - my), 0);
  const slope = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  return { fixedMs: Math.max(0, my - slope * mx), perUnitMs: slope };
}

/** ms of `size` units on `line`. */
export function costAt(line: CostLine, size: number): number {
  return line.fixedMs + line.perUnitMs * size;
}

/**
 * Chooses particles, batch and width from a probe: what a frame leaves at `targetFrameMs` (30 fps) after
 * the empty frame, SIM_SHARE of it for one network evaluation over the particles, TRAIN_SHARE for one
 * training step. Each is the largest ladder value that fits and is no more than `limit` (the defaults);
 * where none fits, the smallest. The batch is chosen for the full width; the advised width falls below
 * `limit.width` only when a step at the smallest batch does not fit, a step's per-row cost taken to scale
 * as width^2 (the hidden layers' products).
 * @param limit the largest settings to choose (the defaults of the scene).
 * @param targetFrameMs the frame time to hold, ms (> 0).
 * @throws RangeError if the probe has no forward or no training point.
 */
export function fitMachine(m: ProbeMeasurement, limit: FitSettings, targetFrameMs: number): MachineFit {
  const free = Math.max(MIN_FREE_MS, targetFrameMs - m.frameMs);
  const forward = costLine(m.forward);
  const train = costLine(m.train);
  const simMs = SIM_SHARE * free;
  const trainMs = TRAIN_SHARE * free;
  const particles = largestFitting(PARTICLE_LADDER, limit.particles, (n) => costAt(forward, n) <= simMs);
  const stepAt = (batch: number, width: number): number => train.fixedMs + train.perUnitMs * batch * (width / m.probeWidth) ** 2;
  const widths = WIDTH_LADDER.filter((w) => w < limit.width).concat([limit.width]);
  const width = largestFitting(widths, limit.width, (w) => stepAt(BATCH_LADDER[0], w) <= trainMs);
  const batchSize = largestFitting(BATCH_LADDER, limit.batchSize, (b) => stepAt(b, limit.width) <= trainMs);
  return { particles, batchSize, width, forwardMs: costAt(forward, particles), trainStepMs: stepAt(batchSize, limit.width) };
}

/** The largest of `ladder` (ascending) that is <= `limit` and passes `fits`; else the smallest <= limit (or `limit` itself when the ladder starts above it). */
function largestFitting(ladder: readonly number[], limit: number, fits: (v: number) => boolean): number {
  const allowed = ladder.filter((v) => v <= limit);
  if (allowed.length === 0) return limit;
  let best = allowed[0];
  for (const v of allowed) if (fits(v)) best = v;
  return best;
}

/** The fields a fit sets (particles and batch; the width is advice), as a profile for `withProfile` (config/playground-config). */
export function fitProfile(fit: FitSettings): { data: { particles: number }; model: { batchSize: number } } {
  return { data: { particles: fit.particles }, model: { batchSize: fit.batchSize } };
}

/** The two fields a fit sets; a link that sets both needs no probe. */
export const FITTED_KEYS: readonly string[] = ['data.particles', 'model.batchSize'];

/**
 * What the machine affords, in words, for the HUD: "CPU (wasm): 3,000 particles, batch 256, training 12 ms a frame".
 * @param trainMsPerFrame the training time the frame governor grants (LoopStats.trainBudgetMs).
 */
export function affordsLine(backend: string, software: boolean, s: Pick<FitSettings, 'particles' | 'batchSize'>, trainMsPerFrame: number): string {
  const where = software ? `CPU (${backend})` : `GPU (${backend})`;
  const training = Number.isFinite(trainMsPerFrame) ? `training ${Math.round(trainMsPerFrame)} ms a frame` : 'training unbounded';
  return `${where}: ${s.particles.toLocaleString('en')} particles, batch ${s.batchSize.toLocaleString('en')}, ${training}`;
}

/** The config keys a link's hash sets ('data.particles', 'model.batchSize', ...): these a re-fit never changes. */
export function keysSetByLink(hash: string): ReadonlySet<string> {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  try {
    return new Set(new URLSearchParams(body).keys());
  } catch {
    return new Set();
  }
}

/** A change a re-fit makes (one setting), with the toast that says it. */
export interface Refit {
  readonly key: 'data.particles' | 'model.batchSize';
  readonly from: number;
  readonly to: number;
  /** e.g. "18 fps for 5 s: 4,000 -> 2,000 particles". */
  readonly message: string;
}

/** Options of a {@link RefitWatch}. */
export interface RefitOptions {
  /** The frame rate to hold (frames a second); below 90 % of it counts as low. */
  readonly targetFps: number;
  /** How long the rate must stay low before a re-fit, ms (default 5000). */
  readonly lowForMs?: number;
  /** The most re-fits in a page's life (default 3). */
  readonly maxRefits?: number;
  /** Floors: particles and batch are never taken below these (defaults 1,000 and 128). */
  readonly minParticles?: number;
  readonly minBatch?: number;
}

/** What the watch needs to know at each sample. */
export interface RefitState {
  readonly particles: number;
  readonly batchSize: number;
  /** Keys the link set (never changed). */
  readonly locked: ReadonlySet<string>;
  /** True while recording (frame-exact or live) or while the loop is not running: no re-fit, the low time restarts. */
  readonly busy: boolean;
}

/**
 * Watches the frame rate and asks for fewer particles (halved), then a smaller batch (halved), when it
 * stays below 90 % of the target for `lowForMs`; at most `maxRefits` times, never while busy (recording),
 * never below the floors, and never for a setting the link set. After a re-fit the low time starts again.
 */
export class RefitWatch {
  private lowSince: number | null = null;
  private lowSum = 0;
  private lowCount = 0;
  private refits = 0;
  private readonly lowForMs: number;
  private readonly maxRefits: number;
  private readonly minParticles: number;
  private readonly minBatch: number;

  /** @throws RangeError if targetFps is not > 0. */
  constructor(private readonly options: RefitOptions) {
    if (!(options.targetFps > 0)) throw new RangeError(`targetFps must be > 0, got ${options.targetFps}`);
    this.lowForMs = options.lowForMs ?? 5000;
    this.maxRefits = options.maxRefits ?? 3;
    this.minParticles = options.minParticles ?? 1_000;
    this.minBatch = options.minBatch ?? 128;
  }

  /** Re-fits made so far. */
  get count(): number {
    return this.refits;
  }

  /**
   * One sample of the frame rate.
   * @param tMs the time of the sample, ms (any monotonic clock). @param fps the frame rate over about the last second.
   * @returns the change to make now, or null.
   */
  sample(tMs: number, fps: number, state: RefitState): Refit | null {
    if (state.busy || this.refits >= this.maxRefits || !(fps >= 0 && fps < 0.9 * this.options.targetFps)) {
      this.lowSince = null;
      return null;
    }
    if (this.lowSince === null) {
      this.lowSince = tMs;
      this.lowSum = 0;
      this.lowCount = 0;
    }
    this.lowSum += fps;
    this.lowCount++;
    const lowMs = tMs - this.lowSince;
    if (lowMs < this.lowForMs) return null;
    const meanFps = this.lowSum / this.lowCount;
    this.lowSince = null;
    const why = `${Math.round(meanFps)} fps for ${Math.round(lowMs / 1000)} s`;
    const change = this.nextChange(state);
    if (change === null) return null;
    this.refits++;
    const what = change.key === 'data.particles' ? 'particles' : 'batch';
    const text = change.key === 'data.particles' ? `${change.from.toLocaleString('en')} -> ${change.to.toLocaleString('en')} particles` : `${what} ${change.from} -> ${change.to}`;
    return { ...change, message: `${why}: ${text}` };
  }

  private nextChange(state: RefitState): Omit<Refit, 'message'> | null {
    if (!state.locked.has('data.particles') && state.particles > this.minParticles) {
      return { key: 'data.particles', from: state.particles, to: Math.max(this.minParticles, Math.round(state.particles / 2 / 500) * 500) };
    }
    if (!state.locked.has('model.batchSize') && state.batchSize > this.minBatch) {
      return { key: 'model.batchSize', from: state.batchSize, to: Math.max(this.minBatch, Math.round(state.batchSize / 2 / 32) * 32) };
    }
    return null;
  }
}
