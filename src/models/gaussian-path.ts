/**
 * Gaussian probability paths x_t = alpha(t) x_0 + sigma(t) epsilon, t in [0, 1] (x_0 data at t = 0,
 * noise at t = 1), and exact conversions between the parametrisations of a field on such a path.
 *
 * - {@link vpPath}: the continuous-time limit of the DDPM schedule (the VP SDE of Song et al. 2021, §3.4
 *   and Appendix B; seed §5.1: f = -beta x / 2, g = sqrt(beta)): alpha = sqrt(alphaBar(t)).
 * - {@link linearFlowPath}: flow matching's straight path x_t = (1 - t) x_0 + t x_1 (seed §5.2).
 *
 * A field can be given as the noise epsilon, the score grad log p_t, the velocity dx/dt of the
 * probability-flow ODE, or the denoised x_0. All four are affine in each other given x and t:
 * with D = E[x_0 | x_t] and E = E[epsilon | x_t], x = alpha D + sigma E, score = -E / sigma and
 * velocity = alpha' D + sigma' E.
 */
import * as tf from '@tensorflow/tfjs';
import { effectiveBetas, makeSchedule, MAX_BETA, type ScheduleKind, type ScheduleSpec } from './schedules';

/** x_t = alpha(t) x_0 + sigma(t) epsilon, with the time derivatives alpha' and sigma'. */
export interface GaussianPath {
  readonly name: string;
  alpha(t: number): number;
  sigma(t: number): number;
  dAlpha(t: number): number;
  dSigma(t: number): number;
}

/** Flow matching's linear path (seed §5.2): alpha = 1 - t, sigma = t; its velocity target is x_1 - x_0. */
export function linearFlowPath(): GaussianPath {
  return { name: 'linear (flow matching)', alpha: (t) => 1 - t, sigma: (t) => t, dAlpha: () => -1, dSigma: () => 1 };
}

/**
 * The variance-exploding path of the score model (VE SDE of Song et al. 2021, eq. 30; seed §5.1:
 * f = 0, g = sqrt(d sigma^2 / dt)): alpha = 1, sigma(t) = sigmaMin (sigmaMax / sigmaMin)^t on t in [0, 1],
 * the continuous limit of NCSN's geometric levels (t = 1 - tau of ncsn.sigmaAtTau).
 * @throws RangeError unless 0 < sigmaMin < sigmaMax.
 */
export function vePath(sigmaMin: number, sigmaMax: number): GaussianPath {
  if (!(sigmaMin > 0 && sigmaMax > sigmaMin)) throw new RangeError(`VE path needs 0 < sigmaMin < sigmaMax, got ${sigmaMin}, ${sigmaMax}`);
  const log = Math.log(sigmaMax / sigmaMin);
  const sigma = (t: number): number => sigmaMin * Math.exp(log * t);
  return { name: 'VE (geometric)', alpha: () => 1, sigma, dAlpha: () => 0, dSigma: (t) => log * sigma(t) };
}

/**
 * The VP path of a DDPM schedule in continuous time t = step / T.
 * linear: beta(t) = T (beta_1 + t (beta_T - beta_1)) with the effective end points of
 *   {@link effectiveBetas}, alphaBar(t) = exp(-int_0^t beta) = exp(-T (beta_1 t + (beta_T - beta_1) t^2 / 2))
 *   (Song et al. 2021, eq. 33).
 * cosine: the discrete schedule's own alphaBar_k at t = k / T, clipping included, and in between
 *   alphaBar(t) = alphaBar_{k-1} f(t) / f((k-1) / T), f(t) = cos^2(((t + s) / (1 + s)) pi / 2)
 *   (Nichol & Dhariwal 2021, eq. 17) on steps whose beta_k was not clipped, and
 *   alphaBar_{k-1} (1 - maxBeta)^(tT - (k-1)) on steps whose beta_k was clipped at maxBeta (§3.2: the
 *   constant rate of the clipped step). Without the clip f(1) = 0: alphaBar(1) would be ~1e-33 instead of
 *   the discrete alphaBar_T (2.4e-9 at T = 1000), and every conversion from epsilon divides by alpha(1).
 * alpha = sqrt(alphaBar), sigma = sqrt(1 - alphaBar); alpha(t) > 0 on all of [0, 1].
 * @throws RangeError on an invalid spec (see scheduleProblems).
 */
export function vpPath(spec: ScheduleSpec): GaussianPath {
  const { alphaBar, dLogAlphaBar } = VP_ALPHA_BAR[spec.kind](spec);
  return {
    name: `VP (${spec.kind})`,
    alpha: (t) => Math.sqrt(alphaBar(t)),
    sigma: (t) => Math.sqrt(Math.max(0, 1 - alphaBar(t))),
    // alpha' = alpha (log alphaBar)' / 2; sigma' = -alphaBar (log alphaBar)' / (2 sigma).
    dAlpha: (t) => (Math.sqrt(alphaBar(t)) * dLogAlphaBar(t)) / 2,
    dSigma: (t) => (-alphaBar(t) * dLogAlphaBar(t)) / (2 * Math.sqrt(Math.max(1e-12, 1 - alphaBar(t)))),
  };
}

/** alphaBar(t) of a VP path and d/dt log alphaBar(t), t in [0, 1]. */
interface VpAlphaBar {
  readonly alphaBar: (t: number) => number;
  readonly dLogAlphaBar: (t: number) => number;
}

/** The continuous alphaBar of each schedule kind (formulas in {@link vpPath}), looked up by the typed kind. */
const VP_ALPHA_BAR: Readonly<Record<ScheduleKind, (spec: ScheduleSpec) => VpAlphaBar>> = {
  linear: (spec) => {
    const ends = effectiveBetas(spec);
    const b0 = spec.T * ends.betaStart;
    const b1 = spec.T * ends.betaEnd;
    return { alphaBar: (t) => Math.exp(-(b0 * t + 0.5 * (b1 - b0) * t * t)), dLogAlphaBar: (t) => -(b0 + (b1 - b0) * t) };
  },
  cosine: (spec) => {
    const discrete = makeSchedule(spec);
    const { T } = spec;
    const s = spec.cosineS ?? 0.008;
    const maxBeta = spec.maxBeta ?? MAX_BETA;
    const slope = (Math.PI / 2) / (1 + s);
    const theta = (t: number): number => (t + s) * slope;
    const f = (t: number): number => Math.cos(theta(t)) ** 2;
    // Step k holds t in ((k-1)/T, k/T]; t = 0 belongs to step 1.
    const stepOf = (t: number): number => Math.min(T, Math.max(1, Math.ceil(t * T - 1e-9)));
    const clipped = (k: number): boolean => discrete.beta[k] >= maxBeta;
    return {
      alphaBar: (t) => {
        const k = stepOf(t);
        const start = discrete.alphaBar[k - 1];
        if (clipped(k)) return start * (1 - maxBeta) ** (t * T - (k - 1));
        return (start * f(t)) / f((k - 1) / T);
      },
      // d/dt log cos^2(theta) = -2 tan(theta) theta'; the clipped step has the constant rate T log(1 - maxBeta).
      dLogAlphaBar: (t) => (clipped(stepOf(t)) ? T * Math.log(1 - maxBeta) : -2 * Math.tan(theta(t)) * slope),
    };
  },
};

/** How a field is expressed. */
export type Parametrisation = 'epsilon' | 'score' | 'velocity' | 'x0';
export const PARAMETRISATIONS: readonly Parametrisation[] = ['epsilon', 'score', 'velocity', 'x0'];

/**
 * Converts a field value at (x, t) from one parametrisation to another on `path` (exact, affine).
 * Needs alpha(t) > 0 and sigma(t) > 0 (open interval 0 < t < 1 on the paths above).
 * @param x the point x_t, [N, D]. @param value the field there, [N, D]. @returns [N, D], owned by the caller.
 * @throws RangeError where alpha or sigma vanish (t at an end of the path).
 */
export function convertField(path: GaussianPath, x: tf.Tensor2D, t: number, value: tf.Tensor2D, from: Parametrisation, to: Parametrisation): tf.Tensor2D {
  const a = path.alpha(t);
  const s = path.sigma(t);
  const da = path.dAlpha(t);
  const ds = path.dSigma(t);
  if (!(a > 0 && s > 0)) throw new RangeError(`convertField needs alpha(t) > 0 and sigma(t) > 0; at t = ${t} they are ${a} and ${s}`);
  if (from === to) return tf.clone(value);
  return tf.tidy(() => {
    // (D, E) with x = a D + s E.
    let D: tf.Tensor2D;
    let E: tf.Tensor2D;
    if (from === 'x0') {
      D = value;
      E = tf.div(tf.sub(x, tf.mul(value, a)), s) as tf.Tensor2D;
    } else if (from === 'velocity') {
      // v = a' D + s' E and x = a D + s E  =>  D = (s v - s' x) / (s a' - a s').
      D = tf.div(tf.sub(tf.mul(value, s), tf.mul(x, ds)), s * da - a * ds) as tf.Tensor2D;
      E = tf.div(tf.sub(x, tf.mul(D, a)), s) as tf.Tensor2D;
    } else {
      E = from === 'epsilon' ? value : (tf.mul(value, -s) as tf.Tensor2D);
      D = tf.div(tf.sub(x, tf.mul(E, s)), a) as tf.Tensor2D;
    }
    switch (to) {
      case 'x0':
        return D;
      case 'epsilon':
        return E;
      case 'score':
        return tf.div(E, -s) as tf.Tensor2D;
      case 'velocity':
        return tf.add(tf.mul(D, da), tf.mul(E, ds)) as tf.Tensor2D;
    }
  });
}
