/**
 * Rectified-flow reflow (Liu et al. 2022, "Flow straight and fast", §2.3; seed §5): the flow model's own
 * couplings. Noise draws x_1 ~ N(0, I) are carried to x_0 by the current velocity field, and the trainer
 * retrains on those (x_0, x_1) pairs, which straightens the paths.
 */
import * as tf from '@tensorflow/tfjs';
import { learnedVelocity, type FlowMatchingTrainer } from '../models/flow-matching';
import { integrate } from '../models/ode-solvers';
import { createRng } from '../models/random';

/** Noise draws integrated per reflow. */
export const REFLOW_PAIRS = 4_000;

/**
 * REFLOW_PAIRS seeded noise draws x_1 [P, D] and their images x_0 under the trainer's sampling (EMA)
 * velocity, integrated from t = 1 to 0 by RK4 in 20 steps; one asynchronous readback, no tensor left.
 * @param seed the scene's data seed (the draws are seeded from it).
 */
export async function reflowPairs(trainer: FlowMatchingTrainer, dim: number, seed: number): Promise<{ x0: Float32Array; x1: Float32Array }> {
  const x1 = tf.randomNormal([REFLOW_PAIRS, dim], 0, 1, 'float32', createRng(seed ^ 0x4ef1).nextSeed()) as tf.Tensor2D;
  const x0 = integrate('rk4', learnedVelocity(trainer.samplingNet), x1, 1, 0, 20);
  try {
    const [a, b] = await Promise.all([x0.data(), x1.data()]);
    return { x0: a as Float32Array, x1: b as Float32Array };
  } finally {
    tf.dispose([x0, x1]);
  }
}
