/**
 * Discrete variance schedules of DDPM (seed §4.1–4.2), precomputed in float64 on the CPU.
 *
 * Indexing follows the seed: t = 1..T are diffusion steps, t = 0 is data. Every array has length T + 1
 * and index 0 holds the t = 0 convention (beta_0 = 0, alphaBar_0 = 1), so `alphaBar[t]` reads like the
 * formula.
 */

/** Which family of beta_t. */
export type ScheduleKind = 'linear' | 'cosine';

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
  /** cosine only: upper clip of beta_t (Nichol & Dhariwal 2021 use 0.999). Default 0.999. */
  readonly maxBeta?: number;
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
export const DEFAULT_SCHEDULE: ScheduleSpec = { kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 };

/**
 * beta_t of the linear schedule (Ho et al. 2020, §4): beta_t = betaStart + (t-1)/(T-1) (betaEnd - betaStart).
 * @returns Float64Array of length T + 1 with [0] = 0.
 */
export function linearBetas(T: number, betaStart: number, betaEnd: number): Float64Array {
  const beta = new Float64Array(T + 1);
  for (let t = 1; t <= T; t++) beta[t] = betaStart + ((t - 1) / (T - 1)) * (betaEnd - betaStart);
  return beta;
}

/**
 * beta_t of the cosine schedule (Nichol & Dhariwal 2021, eq. 17):
 * alphaBar(t) = f(t) / f(0), f(t) = cos^2(((t/T + s) / (1 + s)) * pi/2), beta_t = min(1 - alphaBar_t / alphaBar_{t-1}, maxBeta).
 * @returns Float64Array of length T + 1 with [0] = 0.
 */
export function cosineBetas(T: number, s = 0.008, maxBeta = 0.999): Float64Array {
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
  if (spec.kind === 'linear') {
    if (!(spec.betaStart > 0 && spec.betaStart < 1)) problems.push(`betaStart must be in (0, 1), got ${spec.betaStart}`);
    if (!(spec.betaEnd >= spec.betaStart && spec.betaEnd < 1)) problems.push(`betaEnd must be in [betaStart, 1), got ${spec.betaEnd}`);
  } else if (spec.kind === 'cosine') {
    const s = spec.cosineS ?? 0.008;
    const m = spec.maxBeta ?? 0.999;
    if (!(s >= 0 && s < 1)) problems.push(`cosine s must be in [0, 1), got ${s}`);
    if (!(m > 0 && m < 1)) problems.push(`maxBeta must be in (0, 1), got ${m}`);
  } else {
    problems.push(`unknown schedule kind '${String((spec as { kind: unknown }).kind)}'`);
  }
  return problems;
}

/**
 * Builds a schedule and all derived quantities of the seed's §4.1–4.2 in float64.
 * @throws RangeError listing the problems if the spec is invalid (see {@link scheduleProblems}).
 */
export function makeSchedule(spec: ScheduleSpec): NoiseSchedule {
  const problems = scheduleProblems(spec);
  if (problems.length > 0) throw new RangeError(`invalid schedule: ${problems.join('; ')}`);
  const { T } = spec;
  const beta = spec.kind === 'linear' ? linearBetas(T, spec.betaStart, spec.betaEnd) : cosineBetas(T, spec.cosineS, spec.maxBeta);
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
