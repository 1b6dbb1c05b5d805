/**
 * The presentation caption's formula: the update rule the particles follow right now, in the seed's
 * notation (x_0 data, x_1 / x_T noise, beta_t, alphaBar_t, epsilon_theta, s_theta, v_theta). Pure text;
 * each model kind's formulas live in its registry entry (models/kinds).
 */
import { MODEL_KIND, type CaptionMotion, type ModelKind, type SamplerKind } from '../models/kinds';

export type { CaptionMotion };

/**
 * The formula in use for a model, motion and reverse sampler ('' while resting).
 * GANs show their game's objective whatever the motion.
 */
export function captionFormula(kind: ModelKind, motion: CaptionMotion, sampler: SamplerKind): string {
  return MODEL_KIND[kind].caption(motion, sampler);
}
