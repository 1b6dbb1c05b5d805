/**
 * Time to quality, a cell of `npm run bench` run in Node and in the bench page alike: how many seconds of
 * training the default scene's model (DDPM on two moons, the app's defaults for a machine without a GPU:
 * 3 x 128 SiLU, batch 256, learning rate 5e-3, EMA 0.99, linear schedule T = 1000) needs before its
 * samples are within an energy distance of 0.01 of the data.
 *
 * Training runs in chunks of `evalEveryS` seconds of wall-clock training; after each chunk (clock stopped)
 * `samples` particles run the whole ancestral chain with the EMA weights and their energy distance to as
 * many fresh data points is computed on the CPU. Only training time is counted.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleDataset } from '../data/datasets';
import { ancestralStep, DdpmTrainer } from '../models/ddpm';
import { FieldNetwork } from '../models/field-network';
import { DEFAULT_MLP } from '../models/mlp';
import { energyDistance } from '../models/metrics';
import { SeededGaussianNoise } from '../models/noise-source';
import { createRng } from '../models/random';
import { DEFAULT_SCHEDULE, makeSchedule } from '../models/schedules';

export interface QualityOptions {
  /** Energy distance to reach. Default 0.01. */
  readonly threshold?: number;
  /** Give up after this many seconds of training. Default 20. */
  readonly maxTrainS?: number;
  /** Seconds of training between two evaluations. Default 0.5. */
  readonly evalEveryS?: number;
  /** Particles sampled per evaluation (and data points they are compared with). Default 1000. */
  readonly samples?: number;
  /** Training batch. Default 256 (the app's CPU profile). */
  readonly batchSize?: number;
}

/** Outcome of {@link timeToQuality} (plain data). */
export interface QualityResult {
  /** Seconds of training until the energy distance first fell below the threshold; null if it never did. */
  readonly seconds: number | null;
  /** Training steps taken by then (or in all). */
  readonly steps: number;
  /** (training seconds, energy distance) after every chunk. */
  readonly curve: [number, number][];
  readonly threshold: number;
}

/** Runs the time-to-quality cell on the active tfjs backend. Leaves no tensors behind. */
export async function timeToQuality(opts: QualityOptions = {}, progress: (msg: string) => void = () => undefined): Promise<QualityResult> {
  const threshold = opts.threshold ?? 0.01;
  const maxTrainS = opts.maxTrainS ?? 20;
  const evalEveryS = opts.evalEveryS ?? 0.5;
  const n = opts.samples ?? 1000;
  const schedule = makeSchedule(DEFAULT_SCHEDULE);
  const rng = createRng(7);
  const data = sampleDataset('two-moons', 20_000, rng.fork()).points;
  const reference = sampleDataset('two-moons', n, rng.fork()).points;
  const net = new FieldNetwork(2, DEFAULT_MLP, rng.fork());
  const trainer = new DdpmTrainer(net, schedule, data, rng.fork(), { learningRate: 5e-3, batchSize: opts.batchSize ?? 256, emaDecay: 0.99 });
  const noise = new SeededGaussianNoise(2, rng.fork());
  const curve: [number, number][] = [];
  let trained = 0;
  let seconds: number | null = null;
  try {
    while (trained < maxTrainS * 1000) {
      const t0 = performance.now();
      let loss: tf.Scalar | null = null;
      while (performance.now() - t0 < evalEveryS * 1000) {
        loss?.dispose();
        loss = trainer.step();
        await loss.data(); // finished work (the app reads its loss asynchronously, every few steps)
      }
      loss?.dispose();
      trained += performance.now() - t0;
      let x = noise.sample(n);
      for (let t = schedule.T; t >= 1; t--) {
        const z = noise.sample(n);
        const next = ancestralStep(trainer.samplingNet, x, t, schedule, 'betaTilde', z);
        tf.dispose([x, z]);
        x = next;
      }
      const sample = (await x.data()) as Float32Array;
      x.dispose();
      const ed = energyDistance(sample, reference, 2);
      curve.push([trained / 1000, ed]);
      progress(`[quality] ${(trained / 1000).toFixed(1)} s, ${trainer.steps} steps: energy distance ${ed.toFixed(4)}`);
      if (ed < threshold) {
        seconds = trained / 1000;
        break;
      }
    }
    return { seconds, steps: trainer.steps, curve, threshold };
  } finally {
    trainer.dispose();
    net.dispose();
  }
}
