/**
 * How the particles come back from noise on a DDPM's schedule: the ancestral sampler of Ho et al.
 * (T steps), DDIM with eta, the probability-flow ODE by Euler / Heun / RK4, or the reverse SDE by
 * Euler–Maruyama with a stochasticity control, the last four on a grid of NFE steps. Each takes one
 * grid step t -> next(t) per simulation step, with the epsilon-network as the only model contract.
 * The final step to t = 0 of the grid samplers is DDIM's x_0 prediction (sigma(0) = 0 makes the
 * continuous fields singular there).
 */
import * as tf from '@tensorflow/tfjs';
import type { PosteriorVariance } from '../models/ddpm';
import type { FieldModel } from '../models/field';
import { convertField, vpPath } from '../models/gaussian-path';
import { odeStep, type OdeMethod } from '../models/ode-solvers';
import { ddimStep, ddimTimesteps, reverseSdeStep } from '../models/samplers';
import { odeMethodOf, SAMPLER_KINDS, vpPassLength, type SamplerKind } from '../models/kinds';
import type { NoiseSchedule } from '../models/schedules';
import { ancestralJump, stridedSteps } from '../models/strided-chain';

export { SAMPLER_KINDS, type SamplerKind };

/** Settings of a reverse sampler. */
export interface SamplerSpec {
  readonly kind: SamplerKind;
  /** ancestral: sigma_t^2 = beta_t or betaTilde_t. */
  readonly variance: PosteriorVariance;
  /** Grid steps for every sampler but ancestral (1..T). */
  readonly nfe: number;
  /** ancestral: the kept steps K of the strided chain (1..T; default T, every step; models/strided-chain). */
  readonly keptSteps?: number;
  /** DDIM's eta in [0, 1] (0 deterministic). */
  readonly eta: number;
  /** Euler–Maruyama's stochasticity lambda in [0, 1] (0 = probability-flow ODE, 1 = reverse SDE). */
  readonly stochasticity: number;
}

/** One reverse step rule on a schedule. */
export interface ReverseSampler {
  /** The grid step after t (< t; 0 is the data). */
  next(t: number): number;
  /** The grid step before t (> t; at most T): where a forward walk on the same grid goes from t. */
  above(t: number): number;
  /** Whether step(t) uses fresh noise z. */
  needsNoise(t: number): boolean;
  /** x_t -> x_next, [N, D]; caller owns the result. */
  step(net: FieldModel, x: tf.Tensor2D, t: number, next: number, z: tf.Tensor2D | null): tf.Tensor2D;
  /** Network evaluations for one pass from T to 0 (models/kinds.vpPassLength). */
  readonly nfe: number;
  /** Grid steps of one pass from T to 0. */
  readonly passSteps: number;
}

/**
 * Builds the sampler for a schedule.
 * @throws RangeError on nfe outside [1, T], eta / stochasticity outside [0, 1], or kind 'langevin'
 * (the score model's sampler, not a DDPM one).
 */
export function makeReverseSampler(spec: SamplerSpec, schedule: NoiseSchedule): ReverseSampler {
  const T = schedule.T;
  const { steps: passSteps, nfe } = vpPassLength(T, spec.kind, spec.nfe);
  switch (spec.kind) {
    case 'langevin':
      throw new RangeError('annealed Langevin samples the score model, not a DDPM');
    case 'ancestral': {
      // The exact chain over K kept steps (every step by default): one evaluation a jump.
      const walk = gridWalk(stridedSteps(T, spec.keptSteps ?? T));
      return {
        nfe: walk.steps,
        passSteps: walk.steps,
        ...walk.moves,
        needsNoise: (t) => walk.moves.next(t) > 0,
        step: (net, x, t, s, z) => ancestralJump(net, x, t, s, schedule, spec.variance, z),
      };
    }
    default:
      return gridSampler(spec, schedule, { nfe, passSteps });
  }
}

/**
 * Moves on a descending grid [T, ..., 0]: the grid point below t and the one above it (t itself may be
 * off the grid after a phase switch or a new grid between passes). `steps`: the grid's jumps.
 */
function gridWalk(grid: readonly number[]): { steps: number; moves: Pick<ReverseSampler, 'next' | 'above'> } {
  const nextOf = new Map<number, number>();
  for (let i = 0; i + 1 < grid.length; i++) nextOf.set(grid[i], grid[i + 1]);
  const ascending = [...grid].reverse();
  return {
    steps: grid.length - 1,
    moves: {
      next: (t) => nextOf.get(t) ?? grid.find((g) => g < t) ?? 0,
      above: (t) => ascending.find((g) => g > t) ?? grid[0],
    },
  };
}

/** The samplers on the DDIM grid of min(nfe, T) steps (every kind but ancestral and Langevin). */
function gridSampler(spec: SamplerSpec, schedule: NoiseSchedule, length: { nfe: number; passSteps: number }): ReverseSampler {
  const T = schedule.T;
  const { moves } = gridWalk(ddimTimesteps(T, Math.min(spec.nfe, T)));
  const { next } = moves;
  const ddimToZero = (net: FieldModel, x: tf.Tensor2D, t: number): tf.Tensor2D =>
    tf.tidy(() => ddimStep(x, net.predict(x, t / T), t, 0, schedule, 0, null));
  const path = vpPath(schedule.spec);
  switch (spec.kind) {
    case 'ddim': {
      if (!(spec.eta >= 0 && spec.eta <= 1)) throw new RangeError(`eta must be in [0, 1], got ${spec.eta}`);
      return {
        ...length,
        ...moves,
        needsNoise: (t) => spec.eta > 0 && next(t) > 0,
        step: (net, x, t, s, z) => tf.tidy(() => ddimStep(x, net.predict(x, t / T), t, s, schedule, spec.eta, z)),
      };
    }
    case 'euler-maruyama': {
      const lambda = spec.stochasticity;
      if (!(lambda >= 0 && lambda <= 1)) throw new RangeError(`stochasticity must be in [0, 1], got ${lambda}`);
      return {
        ...length,
        ...moves,
        needsNoise: (t) => lambda > 0 && next(t) > 0,
        step: (net, x, t, s, z) => {
          if (s === 0) return ddimToZero(net, x, t);
          return tf.tidy(() => {
            const score = convertField(path, x, t / T, net.predict(x, t / T), 'epsilon', 'score');
            return reverseSdeStep(path, x, score, t / T, (t - s) / T, lambda, z);
          });
        },
      };
    }
    default: {
      const method: OdeMethod = odeMethodOf(spec.kind);
      // Probability-flow ODE velocity from the epsilon-network (seed §5.1), in continuous time tau = t / T.
      const velocity = (net: FieldModel) => (x: tf.Tensor2D, tau: number) => tf.tidy(() => convertField(path, x, tau, net.predict(x, tau), 'epsilon', 'velocity'));
      return {
        ...length,
        ...moves,
        needsNoise: () => false,
        step: (net, x, t, s) => (s === 0 ? ddimToZero(net, x, t) : odeStep(method, velocity(net), x, t / T, (s - t) / T)),
      };
    }
  }
}
