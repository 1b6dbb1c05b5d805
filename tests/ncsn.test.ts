import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { sampleDataset } from '../src/data/datasets';
import { EpsilonNetwork } from '../src/models/epsilon-network';
import { energyDistance } from '../src/models/metrics';
import { annealedStepSize, geometricSigmas, ncsnScore, NcsnTrainer } from '../src/models/ncsn';
import { createRng } from '../src/models/random';
import { langevinStep } from '../src/models/samplers';

describe('noise levels', () => {
  it('are geometric from sigmaMax down to sigmaMin', () => {
    const s = geometricSigmas(10, 0.01, 4);
    expect(Array.from(s).map((v) => Number(v.toPrecision(6)))).toEqual([10, 1, 0.1, 0.01]);
    expect(annealedStepSize(s, 0, 2e-5)).toBeCloseTo(2e-5 * 1e6, 8);
    expect(() => geometricSigmas(1, 2, 5)).toThrow(RangeError);
  });
});

describe('NCSN on 8 gaussians', () => {
  it('denoising score matching + annealed Langevin give samples close to the data', () => {
    const rng = createRng(31);
    const data = sampleDataset('gaussians-8', 4000, rng.fork());
    const sigmas = geometricSigmas(3, 0.05, 10);
    const net = new EpsilonNetwork(2, { width: 64, depth: 3, activation: 'silu', timeScale: 50 }, rng.fork());
    const trainer = new NcsnTrainer(net, sigmas, data.points, rng.fork(), { learningRate: 5e-3, batchSize: 256, emaDecay: 0.99 });
    trainer.step().dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1200; i++) trainer.step().dispose();
    expect(tf.memory().numTensors).toBe(before);

    const n = 600;
    const reference = sampleDataset('gaussians-8', n, createRng(2)).points;
    const init = tf.randomUniform([n, 2], -3, 3, 'float32', 9) as tf.Tensor2D; // as Song & Ermon: uniform start
    const initPoints = init.dataSync() as Float32Array;
    let x = init;
    const noise = createRng(4);
    const epsilon = 0.1 * sigmas[sigmas.length - 1] ** 2;
    for (let level = 0; level < sigmas.length; level++) {
      const alpha = annealedStepSize(sigmas, level, epsilon);
      for (let k = 0; k < 40; k++) {
        const z = tf.randomNormal([n, 2], 0, 1, 'float32', noise.nextSeed()) as tf.Tensor2D;
        const score = ncsnScore(trainer.samplingNet, sigmas, level, x);
        const next = langevinStep(x, score, alpha, z);
        tf.dispose([x, z, score]);
        x = next;
      }
    }
    const samples = x.dataSync() as Float32Array;
    x.dispose();
    const d = energyDistance(samples, reference, 2);
    const baseline = energyDistance(initPoints, reference, 2);
    console.log(`NCSN energy distance ${d.toFixed(4)} (uniform start ${baseline.toFixed(4)})`);
    expect(d).toBeLessThan(0.1 * baseline);
    trainer.dispose();
    net.dispose();
  });
});
