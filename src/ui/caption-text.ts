/**
 * The presentation caption's formula: the update rule the particles follow right now, in the seed's
 * notation (x_0 data, x_1 / x_T noise, beta_t, alphaBar_t, epsilon_theta, s_theta, v_theta). Pure text.
 */
import type { ModelKind } from '../config/playground-config';
import type { SamplerKind } from '../particles/reverse-samplers';

/** What the particles are doing: moving towards noise, back to data, or resting. */
export type CaptionMotion = 'forward' | 'reverse' | 'hold';

/**
 * The formula in use for a model, motion and reverse sampler ('' while resting).
 * GANs show their game's objective whatever the motion.
 */
export function captionFormula(kind: ModelKind, motion: CaptionMotion, sampler: SamplerKind, gradientPenalty = kind === 'wgan-gp'): string {
  if (kind === 'gan') return 'min_G max_D  E[log D(x)] + E[log(1 − D(G(z)))]';
  if (kind === 'wgan' || kind === 'wgan-gp') {
    return `min_G max_{‖D‖_L ≤ 1}  E[D(x)] − E[D(G(z))]${gradientPenalty ? '  (+ λ E[(‖∇D(x̂)‖ − 1)²])' : ''}`;
  }
  if (motion === 'hold') return '';
  if (kind === 'flow') return motion === 'forward' ? 'x_t = (1 − t) x_0 + t x_1' : `dx/dt = v_θ(x, t),  t: 1 → 0  (${sampler === 'rk4' ? 'RK4' : sampler === 'heun' ? 'Heun' : 'Euler'})`;
  if (kind === 'score') {
    if (motion === 'forward') return 'x_k = x_{k−1} + √(σ_k² − σ_{k−1}²) z';
    if (sampler === 'langevin') return 'x ← x + α_i s_θ(x, σ_i) + √(2α_i) z';
    if (sampler === 'euler-maruyama') return 'dx = −d[σ²]/dt s_θ(x, t) dt + √(d[σ²]/dt) dw̄';
    return 'dx/dt = −½ d[σ²]/dt s_θ(x, t)';
  }
  if (motion === 'forward') return 'x_t = √(1 − β_t) x_{t−1} + √β_t ε';
  switch (sampler) {
    case 'ddim':
      return 'x_{t−1} = √ᾱ_{t−1} x̂_0 + √(1 − ᾱ_{t−1}) ε_θ(x_t, t)';
    case 'euler':
    case 'heun':
    case 'rk4':
      return 'dx/dt = −½ β(t) [x + s_θ(x, t)]';
    case 'euler-maruyama':
      return 'dx = [−½ β(t) x − β(t) s_θ(x, t)] dt + √β(t) dw̄';
    default:
      return 'x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) ε_θ(x_t, t)) / √α_t + σ_t z';
  }
}
