/**
 * The presentation caption's formula: the update rule the particles follow right now, as TeX in the seed's
 * notation (x_0 data, x_1 / x_T noise, \beta_t, \bar\alpha_t, \epsilon_\theta, s_\theta, v_\theta), typeset
 * by ui/math; each model kind's formulas live in its registry entry (models/kinds).
 */
import { MODEL_KIND, type CaptionMotion, type ModelKind, type SamplerKind } from '../models/kinds';

export type { CaptionMotion };

/**
 * The formula in use for a model, motion and reverse sampler, TeX ('' while resting).
 * GANs show their game's objective whatever the motion.
 */
export function captionFormula(kind: ModelKind, motion: CaptionMotion, sampler: SamplerKind): string {
  return MODEL_KIND[kind].caption(motion, sampler);
}

/** What the pace line says: the sampler, how much of its pass it takes, and the seconds asked. */
export interface PaceState {
  /** The sampler's title (models/kinds SAMPLER_NAMES), e.g. 'ancestral', 'PF-ODE Heun'; '' leaves it out (a line that names it already). */
  readonly sampler: string;
  /** `used` of `full` in `unit` (particles/process PassFit). */
  readonly fit: { readonly used: number; readonly full: number; readonly unit: 'steps' | 'NFE' | 'steps per level' };
  /** The seconds asked for a pass (sampling.secondsPerPass). */
  readonly secondsPerPass: number;
  /** 'fit': as many evaluations as the machine affords; 'all': the whole pass, however long it takes. */
  readonly mode: 'fit' | 'all';
  /** Measured seconds of a pass of the whole pass at this machine's pace (NaN: not measured yet). */
  readonly allSeconds: number;
}

/** English ordinal of a positive integer: 2nd, 3rd, 10th, 21st, 112th. */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** Seconds for the pace line: one decimal below 10 s, whole seconds above. */
const seconds = (s: number): string => (s < 10 ? String(Math.round(s * 10) / 10) : String(Math.round(s)));

/**
 * The pace in words (issue 14), plain text: "ancestral, 100 of 1000 steps (every 10th) to hold 4 s per pass",
 * "PF-ODE Heun, 19 of 39 NFE to hold 4 s per pass", "annealed Langevin, 3 of 10 steps per level to hold 4 s per pass";
 * the whole pass: "ancestral, all 1000 steps in 4 s per pass"; asked for all of them on a slow machine:
 * "ancestral, all 1000 steps: about 21 s per pass on this machine". Without a sampler: "100 of 1000 steps ...".
 */
export function paceText(p: PaceState): string {
  const { used, full, unit } = p.fit;
  const prefix = p.sampler === '' ? '' : `${p.sampler}, `;
  if (used >= full) {
    const slow = p.mode === 'all' && p.allSeconds > 1.15 * p.secondsPerPass;
    return slow ? `${prefix}all ${full} ${unit}: about ${seconds(p.allSeconds)} s per pass on this machine` : `${prefix}all ${full} ${unit} in ${seconds(p.secondsPerPass)} s per pass`;
  }
  const stride = full / used;
  const every = unit === 'steps' ? ` (${Number.isInteger(stride) ? '' : 'about '}every ${ordinal(Math.round(stride))})` : '';
  return `${prefix}${used} of ${full} ${unit}${every} to hold ${seconds(p.secondsPerPass)} s per pass`;
}
