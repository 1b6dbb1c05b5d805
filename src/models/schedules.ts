/**
 * Discrete variance schedules of DDPM (seed §4.1–4.2), precomputed in float64 on the CPU.
 *
 * Indexing follows the seed: t = 1..T are diffusion steps, t = 0 is data. Every array has length T + 1
 * and index 0 holds the t = 0 convention (beta_0 = 0, alphaBar_0 = 1), so `alphaBar[t]` reads like the
 * formula.
 */

/** Which family of beta_t. */
export type ScheduleKind = 'linear' | 'cosine';

/**
 * How the linear schedule's end points depend on T: 'per-1000-steps' scales beta_1 and beta_T by 1000 / T
 * (the reference DDPM code, Nichol & Dhariwal 2021's `get_named_beta_schedule`), so a short chain still
 * reaches noise; 'fixed' uses them as given whatever T is.
 */
export type BetaScaling = 'per-1000-steps' | 'fixed';
export const BETA_SCALINGS: readonly BetaScaling[] = ['per-1000-steps', 'fixed'];

/** Upper clip of every beta_t (Nichol & Dhariwal 2021, §3.2: beta_t <= 0.999 prevents singularities at t = T). */
export const MAX_BETA = 0.999;

/** alphaBar_T above this means x_T still carries the data: the reverse process starting from N(0, I) is wrong. */
export const NOISE_ALPHA_BAR = 0.01;

/** Parameters of a schedule. */
export interface ScheduleSpec {
  readonly kind: ScheduleKind;
  /** Number of diffusion steps, integer in [2, 100000]. */
  readonly T: number;
  /** linear only: beta_1, in (0, 1). Ho et al. 2020 use 1e-4 at T = 1000. */
  readonly betaStart: number;
  /** linear only: beta_T, in [betaStart, 1). Ho et al. 2020 use 0.02 at T = 1000. */
  readonly betaEnd: number;
  /** cosine only: offset s (Nichol & Dhariwal 2021 use 0.008). Default 0.008. */
  readonly cosineS?: number;
  /** Upper clip of beta_t (Nichol & Dhariwal 2021 use 0.999), both kinds. Default {@link MAX_BETA}. */
  readonly maxBeta?: number;
  /** linear only: see {@link BetaScaling}. Default 'fixed' here (API callers give exact betas); the playground's config defaults to 'per-1000-steps'. */
  readonly betaScaling?: BetaScaling;
}

/** A precomputed schedule. All arrays have length T + 1, indexed by t (index 0 is the data end). */
export interface NoiseSchedule {
  readonly spec: ScheduleSpec;
  readonly T: number;
  /** beta_t, the variance of q(x_t | x_{t-1}); beta[0] = 0. */
  readonly beta: Float64Array;
  /** alpha_t = 1 - beta_t. */
  readonly alpha: Float64Array;
  /** alphaBar_t = prod_{s<=t} alpha_s; alphaBar[0] = 1. */
  readonly alphaBar: Float64Array;
  /** Posterior variance betaTilde_t = (1 - alphaBar_{t-1}) / (1 - alphaBar_t) * beta_t (seed §4.2); [0] = 0. */
  readonly betaTilde: Float64Array;
  /** Posterior-mean coefficient of x_0: sqrt(alphaBar_{t-1}) beta_t / (1 - alphaBar_t) (seed §4.2). */
  readonly posteriorCoefX0: Float64Array;
  /** Posterior-mean coefficient of x_t: sqrt(alpha_t) (1 - alphaBar_{t-1}) / (1 - alphaBar_t) (seed §4.2). */
  readonly posteriorCoefXt: Float64Array;
}

/** Ho et al. 2020's linear schedule at T = 1000 (the default scene). */
export const DEFAULT_SCHEDULE: ScheduleSpec = { kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02, betaScaling: 'per-1000-steps' };

/** The parts of a schedule spec {@link effectiveBetas} reads (a config's `schedule` group has them). */
export type BetaSettings = Pick<ScheduleSpec, 'kind' | 'T' | 'betaStart' | 'betaEnd' | 'betaScaling' | 'maxBeta'>;

/**
 * The linear schedule's beta_1 and beta_T in force: betaStart and betaEnd times 1000 / T under
 * 'per-1000-steps' (Nichol & Dhariwal 2021, improved-diffusion `get_named_beta_schedule`; Ho et al. 2020's
 * 1e-4 and 0.02 at T = 1000), as given under 'fixed', each clipped at maxBeta (default 0.999). What the
 * sliders should show. For the cosine schedule the end points are not used and are returned as given.
 */
export function effectiveBetas(spec: BetaSettings): { betaStart: number; betaEnd: number } {
  return SCHEDULE_KINDS[spec.kind].ends(spec);
}

/**
 * What the schedule sliders show under 'per-1000-steps' for the linear schedule: the betas in force
 * ({@link effectiveBetas}), e.g. "effective beta_1 = 1e-4, beta_T = 0.02 at T = 1000" (at T = 50:
 * "effective beta_1 = 0.002, beta_T = 0.4 at T = 50"). null when the sliders' values are the betas
 * themselves (fixed betas, or the cosine schedule).
 */
export function effectiveBetasNote(spec: BetaSettings): string | null {
  if (!SCHEDULE_KINDS[spec.kind].scaled(spec)) return null;
  const { betaStart, betaEnd } = effectiveBetas(spec);
  return `effective beta_1 = ${betaText(betaStart)}, beta_T = ${betaText(betaEnd)} at T = ${spec.T}`;
}

/** A beta in three significant digits: 1e-4, 3.33e-4, 0.02, 0.4. */
function betaText(beta: number): string {
  if (beta < 1e-3) return beta.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(beta.toPrecision(3)));
}

/**
 * alphaBar_T when it is above {@link NOISE_ALPHA_BAR} (0.01): the forward process has not reached noise,
 * yet the reverse process starts from N(0, I). null when x_T is noise.
 */
export function alphaBarShortOfNoise(schedule: NoiseSchedule): number | null {
  const ab = schedule.alphaBar[schedule.T];
  return ab > NOISE_ALPHA_BAR ? ab : null;
}

/** {@link alphaBarShortOfNoise} in plain words, e.g. "x_T is not yet noise: alphaBar_T = 0.60"; null when fine. */
export function notNoiseWarning(schedule: NoiseSchedule): string | null {
  const ab = alphaBarShortOfNoise(schedule);
  return ab === null ? null : `x_T is not yet noise: alphaBar_T = ${ab.toFixed(2)}`;
}

/**
 * beta_t of the linear schedule (Ho et al. 2020, §4): beta_t = min(betaStart + (t-1)/(T-1) (betaEnd - betaStart), maxBeta).
 * @returns Float64Array of length T + 1 with [0] = 0.
 */
export function linearBetas(T: number, betaStart: number, betaEnd: number, maxBeta = MAX_BETA): Float64Array {
  const beta = new Float64Array(T + 1);
  for (let t = 1; t <= T; t++) beta[t] = Math.min(betaStart + ((t - 1) / (T - 1)) * (betaEnd - betaStart), maxBeta);
  return beta;
}

/**
 * beta_t of the cosine schedule (Nichol & Dhariwal 2021, eq. 17):
 * alphaBar(t) = f(t) / f(0), f(t) = cos^2(((t/T + s) / (1 + s)) * pi/2), beta_t = min(1 - alphaBar_t / alphaBar_{t-1}, maxBeta).
 * @returns Float64Array of length T + 1 with [0] = 0.
 */
export function cosineBetas(T: number, s = 0.008, maxBeta = MAX_BETA): Float64Array {
  const f = (t: number): number => Math.cos(((t / T + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const beta = new Float64Array(T + 1);
  for (let t = 1; t <= T; t++) beta[t] = Math.min(1 - f(t) / f(t - 1), maxBeta);
  return beta;
}

/**
 * Checks a schedule spec and returns a list of human-readable problems (empty when valid).
 * Used at the config boundary so that bad values never reach the math.
 */
export function scheduleProblems(spec: ScheduleSpec): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(spec.T) || spec.T < 2 || spec.T > 100_000) problems.push(`T must be an integer in [2, 100000], got ${spec.T}`);
  const m = spec.maxBeta ?? MAX_BETA;
  if (!(m > 0 && m < 1)) problems.push(`maxBeta must be in (0, 1), got ${m}`);
  if (Object.hasOwn(SCHEDULE_KINDS, spec.kind)) problems.push(...SCHEDULE_KINDS[spec.kind].problems(spec));
  else problems.push(`unknown schedule kind '${String((spec as { kind: unknown }).kind)}'`);
  return problems;
}

/**
 * Builds a schedule and all derived quantities of the seed's §4.1–4.2 in float64 (linear betas as
 * {@link effectiveBetas}, every beta clipped at maxBeta).
 * @throws RangeError listing the problems if the spec is invalid (see {@link scheduleProblems}).
 */
export function makeSchedule(spec: ScheduleSpec): NoiseSchedule {
  const problems = scheduleProblems(spec);
  if (problems.length > 0) throw new RangeError(`invalid schedule: ${problems.join('; ')}`);
  const { T } = spec;
  const beta = SCHEDULE_KINDS[spec.kind].betas(spec);
  const alpha = new Float64Array(T + 1);
  const alphaBar = new Float64Array(T + 1);
  const betaTilde = new Float64Array(T + 1);
  const posteriorCoefX0 = new Float64Array(T + 1);
  const posteriorCoefXt = new Float64Array(T + 1);
  alpha[0] = 1;
  alphaBar[0] = 1;
  for (let t = 1; t <= T; t++) {
    alpha[t] = 1 - beta[t];
    alphaBar[t] = alphaBar[t - 1] * alpha[t];
    const oneMinusBar = 1 - alphaBar[t];
    betaTilde[t] = ((1 - alphaBar[t - 1]) / oneMinusBar) * beta[t];
    posteriorCoefX0[t] = (Math.sqrt(alphaBar[t - 1]) * beta[t]) / oneMinusBar;
    posteriorCoefXt[t] = (Math.sqrt(alpha[t]) * (1 - alphaBar[t - 1])) / oneMinusBar;
  }
  return { spec, T, beta, alpha, alphaBar, betaTilde, posteriorCoefX0, posteriorCoefXt };
}

/** Signal-to-noise ratio snr_t = alphaBar_t / (1 - alphaBar_t) of q(x_t | x_0) (Kingma et al. 2021). */
export function snr(schedule: NoiseSchedule, t: number): number {
  const ab = schedule.alphaBar[t];
  return ab / (1 - ab);
}

/** What a schedule kind decides: its beta_t, its end points in force and the checks of its own parameters. */
interface ScheduleKindEntry {
  /** beta_t, length T + 1 with [0] = 0, every beta clipped at maxBeta. */
  betas(spec: ScheduleSpec): Float64Array;
  /** Whether the end points in force differ from the ones given (the linear schedule under 'per-1000-steps'). */
  scaled(spec: BetaSettings): boolean;
  /** The end points in force (see {@link effectiveBetas}). */
  ends(spec: BetaSettings): { betaStart: number; betaEnd: number };
  /** Problems of the kind's own parameters (see {@link scheduleProblems}). */
  problems(spec: ScheduleSpec): string[];
}

/** One entry per schedule kind, looked up by the typed kind. */
const SCHEDULE_KINDS: Readonly<Record<ScheduleKind, ScheduleKindEntry>> = {
  linear: {
    betas: (spec) => {
      const ends = effectiveBetas(spec);
      return linearBetas(spec.T, ends.betaStart, ends.betaEnd, spec.maxBeta);
    },
    scaled: (spec) => (spec.betaScaling ?? 'fixed') !== 'fixed',
    ends: (spec) => {
      if (!SCHEDULE_KINDS.linear.scaled(spec)) return { betaStart: spec.betaStart, betaEnd: spec.betaEnd };
      const scale = 1000 / spec.T;
      const max = spec.maxBeta ?? MAX_BETA;
      return { betaStart: Math.min(spec.betaStart * scale, max), betaEnd: Math.min(spec.betaEnd * scale, max) };
    },
    problems: (spec) => {
      const problems: string[] = [];
      if (spec.betaScaling !== undefined && !BETA_SCALINGS.includes(spec.betaScaling)) problems.push(`unknown beta scaling '${String(spec.betaScaling)}'`);
      if (!(spec.betaStart > 0 && spec.betaStart < 1)) problems.push(`betaStart must be in (0, 1), got ${spec.betaStart}`);
      if (!(spec.betaEnd >= spec.betaStart && spec.betaEnd < 1)) problems.push(`betaEnd must be in [betaStart, 1), got ${spec.betaEnd}`);
      return problems;
    },
  },
  cosine: {
    betas: (spec) => cosineBetas(spec.T, spec.cosineS, spec.maxBeta),
    scaled: () => false,
    ends: (spec) => ({ betaStart: spec.betaStart, betaEnd: spec.betaEnd }),
    problems: (spec) => {
      const s = spec.cosineS ?? 0.008;
      return s >= 0 && s < 1 ? [] : [`cosine s must be in [0, 1), got ${s}`];
    },
  },
};
