/**
 * The measuring half of the start-up probe (issue 14): what one forward pass of the scene's network and
 * one training step cost on the tfjs backend in use. No DOM (app/startup adds the frame time), so it
 * runs in Node too (tests/machine-fit.test.ts checks that it leaves no tensor behind).
 */
import * as tf from '@tensorflow/tfjs';
import type { PlaygroundConfig } from '../config/playground-config';
import { sampleDataset } from '../data/datasets';
import { DdpmTrainer } from '../models/ddpm';
import { FieldNetwork } from '../models/field-network';
import { createRng } from '../models/random';
import { makeSchedule } from '../models/schedules';
import type { CostPoint, ProbeMeasurement } from './machine-fit';

/** Particle counts the probe measures a forward pass at (larger ones where a hardware GPU does the math). */
export const PROBE_PARTICLES = { software: [1_000, 4_000], gpu: [4_000, 16_000] } as const;
/** Batch sizes the probe measures a training step at. */
export const PROBE_BATCHES: readonly number[] = [128, 512];

/** ms that `work` takes until its result is read back: the best of `runs`, after one warm-up run (kernels compile). */
async function timed(work: () => tf.Tensor, runs = 2): Promise<number> {
  let best = Infinity;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const out = work();
    await out.data();
    out.dispose();
    if (i > 0) best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * The costs of the scene's network: one forward pass epsilon_theta(x, 0.5) over each count of `particles`
 * (x ~ N(0, I), shape [N, 2]) and one DDPM training step (seed §4.2, the live trainer's fast gradients)
 * at each of `batches`, on a fresh network of the config's width, depth and activation. Every tensor it
 * makes is disposed. Past `deadlineMs` (from the call) no further size is measured, but always the first
 * of each list, so a loaded machine or a slow software GPU does not hold up the start.
 * @param config the scene measured (its model, schedule, data set and seed).
 * @returns the measured points and the network's width, ms per pass.
 */
export async function measureCosts(config: PlaygroundConfig, particles: readonly number[], batches: readonly number[], deadlineMs = Infinity): Promise<Pick<ProbeMeasurement, 'forward' | 'train' | 'probeWidth'>> {
  const end = performance.now() + deadlineMs;
  const rng = createRng(config.data.seed ^ 0x9b0e);
  const { width, depth, activation, learningRate } = config.model;
  const net = new FieldNetwork(2, { width, depth, activation }, rng);
  const data = sampleDataset(config.data.dataset, 2_000, rng);
  const trainer = new DdpmTrainer(net, makeSchedule({ ...config.schedule }), data.points, rng, { learningRate, batchSize: batches[0] ?? 128, emaDecay: 0 });
  try {
    const forward: CostPoint[] = [];
    for (const size of particles) {
      if (forward.length > 0 && performance.now() > end) break;
      const x = tf.randomNormal([size, 2], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
      forward.push({ size, ms: await timed(() => net.predict(x, 0.5)) });
      x.dispose();
    }
    const train: CostPoint[] = [];
    for (const batchSize of batches) {
      if (train.length > 0 && performance.now() > end) break;
      trainer.setTraining({ learningRate, batchSize, emaDecay: 0 });
      train.push({ size: batchSize, ms: await timed(() => trainer.step()) });
    }
    return { forward, train, probeWidth: width };
  } finally {
    trainer.dispose();
    net.dispose();
  }
}
