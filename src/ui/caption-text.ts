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
