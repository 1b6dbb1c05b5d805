/**
 * Noise-conditioned score network (NCSN; Song & Ermon 2019), the score model of the seed's §4:
 * noise levels sigma_1 > ... > sigma_L (geometric), a network trained by denoising score matching
 * with the usual sigma^2 weighting, and annealed Langevin dynamics over the levels for sampling.
 *
 * Parametrisation (Song & Ermon 2020, "Improved techniques", §3.3): s_theta(x, sigma) = net(x, tau) / sigma,
 * so the sigma^2-weighted DSM loss sigma^2 ||s_theta(x + sigma z, sigma) + z / sigma||^2 becomes
 * ||net(x + sigma z, tau) + z||^2. The noise scale enters the network as a level coordinate tau in [0, 1]:
 * sigma(tau) = sigmaMax (sigmaMin / sigmaMax)^tau, so level i of L sits at tau = i / (L - 1).
 *
 * Training draws tau uniformly on [0, 1] (sigma log-uniform on [sigmaMin, sigmaMax]), the continuous limit
 * of the L levels used for the VE SDE by Song et al. 2021 (§3.4, Appendix C): the same network then serves
 * annealed Langevin on the L levels and the VE reverse SDE / probability-flow ODE in continuous time.
 */
import * as tf from '@tensorflow/tfjs';
import type { FieldModel } from './field';
import type { FieldNetwork } from './field-network';
import { convertField, vePath } from './gaussian-path';
import { LiveTrainer, type RegressionBatch, type TrainingSpec } from './live-trainer';
import { odeStep, type OdeMethod } from './ode-solvers';
import type { Rng } from './random';
import { langevinStep, reverseSdeStep } from './samplers';

/**
 * sigma_i = sigmaMax (sigmaMin / sigmaMax)^((i - 1) / (L - 1)), i = 1..L, returned 0-based and descending.
 * @throws RangeError unless 0 < sigmaMin < sigmaMax and L is an integer >= 2.
 */
export function geometricSigmas(sigmaMax: number, sigmaMin: number, L: number): Float64Array {
  if (!(sigmaMin > 0 && sigmaMax > sigmaMin) || !Number.isInteger(L) || L < 2) {
    throw new RangeError(`noise levels need 0 < sigmaMin < sigmaMax and an integer L >= 2, got ${sigmaMin}, ${sigmaMax}, ${L}`);
  }
  const out = new Float64Array(L);
  for (let i = 0; i < L; i++) out[i] = sigmaMax * (sigmaMin / sigmaMax) ** (i / (L - 1));
  return out;
}

/** Relative time the network sees for level index i (0-based) of L. */
export const levelTau = (i: number, L: number): number => i / (L - 1);

/**
 * The noise scale at level coordinate tau in [0, 1]: sigma(tau) = sigmaMax (sigmaMin / sigmaMax)^tau
 * (tau = 0 is sigmaMax; the geometric levels are its values at tau = i / (L - 1)).
 */
export function sigmaAtTau(sigmaMax: number, sigmaMin: number, tau: number): number {
  return sigmaMax * (sigmaMin / sigmaMax) ** tau;
}

/**
 * s_theta(x, sigma_i) = net(x, tau_i) / sigma_i, [N, D]; caller owns the result.
 * @param level 0-based index into `sigmas`.
 */
export function ncsnScore(net: FieldModel, sigmas: Float64Array, level: number, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(net.predict(x, levelTau(level, sigmas.length)), sigmas[level]) as tf.Tensor2D);
}

/**
 * Default annealed Langevin (issue 16.4): 10 steps per level at delta = 1e-3 (so alpha_i / sigma_i^2 =
 * delta / sigma_min^2 = 0.4 with sigma_min = 0.05: 4 relaxation times per level). Measured with the exact
 * score, 10 levels, 1,000 particles (energy distance to the data, U-statistic): delta = 2.5e-4 gives 0.034
 * on two-moons and 0.023 to 0.034 on the other 2D sets (about 0 only at 100 steps per level); 1e-3 gives
 * -0.003 to 0.002 on every 2D set at the same 91 evaluations per pass. Fewer levels with more steps
 * (8 x 12, 6 x 15) reach the data too but not better.
 */
export const DEFAULT_LANGEVIN = { stepsPerLevel: 10, delta: 1e-3 } as const;

/**
 * Step size of annealed Langevin at level i (Song & Ermon 2019, Algorithm 1): alpha_i = epsilon sigma_i^2 / sigma_L^2.
 */
export function annealedStepSize(sigmas: Float64Array, level: number, epsilon: number): number {
  const last = sigmas[sigmas.length - 1];
  return (epsilon * sigmas[level] ** 2) / (last * last);
}

/**
 * How the score model's samples come back from noise, one level per grid step:
 * - 'langevin': `steps` Langevin updates at level sigma_i with the annealed step size
 *   alpha_i = delta sigma_i^2 / sigma_L^2 (seed §4.1, Algorithm 1 of Song & Ermon 2019; {@link annealedStepSize});
 * - 'ode': one step of the VE probability-flow ODE dx/dt = -(1/2) d(sigma^2)/dt score by `method`;
 * - 'sde': one Euler–Maruyama step of the VE reverse SDE with stochasticity lambda in [0, 1]
 *   (0 is the probability-flow ODE; seed §5.1, samplers.reverseSdeStep).
 */
export type ScoreReverse =
  | { readonly kind: 'langevin'; readonly steps: number; readonly delta: number }
  | { readonly kind: 'ode'; readonly method: OdeMethod }
  | { readonly kind: 'sde'; readonly lambda: number };

/**
 * The score at level coordinate tau in [0, 1] from the network's output sigma(tau) grad log p:
 * net(x, tau) / sigma(tau), sigma(tau) = sigmas[0] (sigmas[L - 1] / sigmas[0])^tau ({@link sigmaAtTau}).
 * [N, D] from x [N, D]; caller owns it. @param sigmas the levels, descending.
 */
export function veScore(field: FieldModel, sigmas: Float64Array, tau: number, x: tf.Tensor2D): tf.Tensor2D {
  const sigma = sigmaAtTau(sigmas[0], sigmas[sigmas.length - 1], tau);
  return tf.tidy(() => tf.div(field.predict(x, tau), sigma) as tf.Tensor2D);
}

/** Tweedie's denoising at the smallest level: E[x_0 | x] = x + s^2 grad log p_s(x), s = sigma_L (Efron 2011; seed §4). [N, D]; caller owns it. */
export function tweedieDenoise(field: FieldModel, sigmas: Float64Array, x: tf.Tensor2D): tf.Tensor2D {
  const s = sigmas[sigmas.length - 1];
  return tf.tidy(() => tf.add(x, tf.mul(veScore(field, sigmas, 1, x), s * s)) as tf.Tensor2D);
}

/**
 * One reverse step of the VE process from level index `level` to `level + 1` of the descending `sigmas`
 * (0 <= level < L - 1) by `rule` (see {@link ScoreReverse}); the VE path runs from sigma_L at t = 0 to
 * sigma_1 at t = 1, level i at t = 1 - i / (L - 1). `noise()` draws z ~ N(0, I) [N, D] (owned here).
 * @returns x at the next level, [N, D]; the caller owns it.
 */
export function veReverseStep(field: FieldModel, x: tf.Tensor2D, sigmas: Float64Array, level: number, rule: ScoreReverse, noise: () => tf.Tensor2D): tf.Tensor2D {
  const L = sigmas.length;
  const path = vePath(sigmas[L - 1], sigmas[0]);
  const t = 1 - levelTau(level, L);
  const h = 1 / (L - 1);
  switch (rule.kind) {
    case 'langevin':
      return annealedLangevin(field, x, sigmas, level, rule, noise);
    case 'ode': {
      const velocity = (y: tf.Tensor2D, time: number): tf.Tensor2D => tf.tidy(() => convertField(path, y, time, veScore(field, sigmas, 1 - time, y), 'score', 'velocity'));
      return odeStep(rule.method, velocity, x, t, -h);
    }
    case 'sde': {
      const z = rule.lambda > 0 ? noise() : null;
      const out = tf.tidy(() => reverseSdeStep(path, x, veScore(field, sigmas, 1 - t, x), t, h, rule.lambda, z));
      z?.dispose();
      return out;
    }
  }
}

/** `rule.steps` Langevin updates at level `level` with the annealed step size (Song & Ermon 2019, Algorithm 1). Caller owns the result. */
function annealedLangevin(field: FieldModel, x: tf.Tensor2D, sigmas: Float64Array, level: number, rule: { readonly steps: number; readonly delta: number }, noise: () => tf.Tensor2D): tf.Tensor2D {
  const alpha = annealedStepSize(sigmas, level, rule.delta);
  let y = tf.clone(x);
  for (let i = 0; i < rule.steps; i++) {
    const z = noise();
    const s = veScore(field, sigmas, levelTau(level, sigmas.length), y);
    const next = langevinStep(y, s, alpha, z);
    tf.dispose([y, z, s]);
    y = next;
  }
  return y;
}

/**
 * Trains the score network by denoising score matching over the noise scales between the first and the
 * last of `sigmas` (sigma log-uniform; see the module comment).
 */
export class NcsnTrainer extends LiveTrainer {
  /** @throws RangeError on invalid settings, data or fewer than 2 levels. */
  constructor(net: FieldNetwork, readonly sigmas: Float64Array, data: Float32Array, rng: Rng, spec: TrainingSpec) {
    super(net, data, rng, spec);
    if (sigmas.length < 2) throw new RangeError('NCSN needs at least 2 noise levels');
  }

  protected batchTargets(x0: tf.Tensor2D, seeds: readonly number[]): RegressionBatch {
    const b = x0.shape[0];
    const logRatio = Math.log(this.sigmas[this.sigmas.length - 1] / this.sigmas[0]);
    const tau = tf.randomUniform([b], 0, 1, 'float32', seeds[0]) as tf.Tensor1D;
    const z = tf.randomNormal([b, this.net.dim], 0, 1, 'float32', seeds[1]) as tf.Tensor2D;
    const sigma = tf.mul(tf.exp(tf.mul(tau, logRatio)), this.sigmas[0]).reshape([-1, 1]);
    const noisy = tf.add(x0, tf.mul(z, sigma)) as tf.Tensor2D;
    // ||net + z||^2 = ||net - (-z)||^2.
    return { x: noisy, tau, target: tf.neg(z) };
  }
}
