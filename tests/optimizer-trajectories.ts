/**
 * Fixed-seed training runs whose weights pin the optimizers' steps (tests/optimizer-trajectories.test.ts):
 * 20 generator steps of each GAN game (GameOptimizer: Adam(0.5, 0.999), RMSProp(0.99) with the clipped
 * critic's gains, Adam(0, 0.9)) and 20 flow-matching steps (FlatAdam), each with a learning-rate change
 * after step 10 so that the moments carry over.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleDataset } from '../src/data/datasets';
import { FieldNetwork } from '../src/models/field-network';
import { FlowMatchingTrainer } from '../src/models/flow-matching';
import { defaultGanTraining, Gan, GAN_LOSSES } from '../src/models/gan';
import { GanTrainer } from '../src/models/gan-trainer';
import type { MlpSpec } from '../src/models/mlp';
import { createRng } from '../src/models/random';

/** Every run's final weights: run name -> one flat list of numbers per variable, in the networks' order. */
export type Trajectories = Record<string, number[][]>;

const STEPS = 20;

/** Runs every training of this file from scratch (about 300 small steps) and reads the final weights. */
export function optimizerTrajectories(): Trajectories {
  const data = sampleDataset('gaussians-8', 400, createRng(5)).points;
  const spec: MlpSpec = { width: 8, depth: 2, activation: 'silu' };
  const out: Trajectories = {};
  for (const loss of GAN_LOSSES) {
    const gan = new Gan(2, { generator: spec, critic: spec, clippedCritic: loss === 'wgan' }, createRng(21));
    const training = { ...defaultGanTraining(loss), batchSize: 32 };
    const trainer = new GanTrainer(gan, data, createRng(22), training);
    for (let step = 0; step < STEPS; step++) {
      if (step === STEPS / 2) trainer.setTraining({ ...training, generatorLearningRate: 2e-3, criticLearningRate: 1e-3 });
      tf.dispose(trainer.step());
    }
    out[loss] = [...gan.generator.variables, ...gan.critic.variables].map((v) => Array.from(v.dataSync()));
    trainer.dispose();
    gan.dispose();
  }
  const net = new FieldNetwork(2, spec, createRng(23));
  const training = { learningRate: 1e-2, batchSize: 32 };
  const trainer = new FlowMatchingTrainer(net, data, createRng(24), training);
  for (let step = 0; step < STEPS; step++) {
    if (step === STEPS / 2) trainer.setTraining({ ...training, learningRate: 3e-3 });
    tf.dispose(trainer.step());
  }
  out['flow-matching'] = net.variables.map((v) => Array.from(v.dataSync()));
  trainer.dispose();
  net.dispose();
  return out;
}
