import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { sampleDataset } from '../src/data/datasets';
import { ancestralStep, DdpmTrainer } from '../src/models/ddpm';
import { WeightAverage } from '../src/models/live-trainer';
import { FieldNetwork, timeEmbedding } from '../src/models/field-network';
import { energyDistance, slicedWasserstein } from '../src/models/metrics';
import { SeededGaussianNoise } from '../src/models/noise-source';
import { createRng } from '../src/models/random';
import { makeSchedule } from '../src/models/schedules';

// Ho et al.'s linear schedule shortened to T = 200 (beta range scaled by 1000 / T so alphaBar_T is near 0).
const schedule = makeSchedule({ kind: 'linear', T: 200, betaStart: 5e-4, betaEnd: 0.1 });

/** Runs the full ancestral chain from x_T ~ N(0, I) and returns x_0 (read back). */
function sample(net: FieldNetwork, n: number, seed: number, variance: 'beta' | 'betaTilde'): Float32Array {
  const noise = new SeededGaussianNoise(2, createRng(seed));
  let x = noise.sample(n);
  for (let t = schedule.T; t >= 1; t--) {
    const z = noise.sample(n);
    const next = ancestralStep(net, x, t, schedule, variance, z);
    tf.dispose([x, z]);
    x = next;
  }
  const out = x.dataSync() as Float32Array;
  x.dispose();
  return out;
}

describe('epsilon-network', () => {
  it('time embedding is sin/cos of 1000 tau times geometric frequencies (the version-1 scale, still read)', () => {
    const e = timeEmbedding(0.25, 4, 1000).dataSync();
    // frequencies 10000^(-0/2) = 1 and 10000^(-1/2) = 0.01 at position 250
    expect(e[0]).toBeCloseTo(Math.sin(250), 4);
    expect(e[1]).toBeCloseTo(Math.sin(2.5), 4);
    expect(e[2]).toBeCloseTo(Math.cos(250), 4);
    expect(e[3]).toBeCloseTo(Math.cos(2.5), 4);
  });
  it('time embedding is sin/cos of 50 tau times geometric frequencies by default (one bounded scale, issue 16.6)', () => {
    const e = timeEmbedding(0.25, 4).dataSync();
    // frequencies 1 and 0.01 at position 12.5
    expect(e[0]).toBeCloseTo(Math.sin(12.5), 5);
    expect(e[1]).toBeCloseTo(Math.sin(0.125), 5);
    expect(e[2]).toBeCloseTo(Math.cos(12.5), 5);
    expect(e[3]).toBeCloseTo(Math.cos(0.125), 5);
  });
  it('is seeded and shaped [N, D]; rejects bad specs', () => {
    const a = new FieldNetwork(3, { width: 16, depth: 2, activation: 'relu' }, createRng(5));
    const b = new FieldNetwork(3, { width: 16, depth: 2, activation: 'relu' }, createRng(5));
    const x = tf.randomNormal([7, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const ya = a.predict(x, 0.3);
    expect(ya.shape).toEqual([7, 3]);
    expect(Array.from(ya.dataSync())).toEqual(Array.from(b.predict(x, 0.3).dataSync()));
    expect(a.parameterCount).toBe(3 * 16 + 32 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3);
    expect(() => new FieldNetwork(2, { width: 2, depth: 0, activation: 'silu' }, createRng(1))).toThrow(/width.*depth/s);
    a.dispose();
    b.dispose();
  });
});

describe('DDPM on 8 gaussians', () => {
  it('loss falls and ancestral samples match the data by energy distance', () => {
    const rng = createRng(11);
    const data = sampleDataset('gaussians-8', 8000, rng.fork());
    const net = new FieldNetwork(2, { width: 64, depth: 3, activation: 'silu' }, rng.fork());
    const trainer = new DdpmTrainer(net, schedule, data.points, rng.fork(), { learningRate: 2e-3, batchSize: 256 });
    const losses: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const loss = trainer.step();
      if (i < 30 || i >= 2900) losses.push(loss.dataSync()[0]);
      loss.dispose();
    }
    const first = losses.slice(0, 30).reduce((a, b) => a + b) / 30;
    const last = losses.slice(30).reduce((a, b) => a + b) / (losses.length - 30);
    expect(last).toBeLessThan(0.75 * first);

    const n = 1000;
    const reference = sampleDataset('gaussians-8', n, createRng(99)).points;
    const samples = sample(net, n, 12, 'betaTilde');
    const noise = new SeededGaussianNoise(2, createRng(13)).sample(n);
    const noisePoints = noise.dataSync() as Float32Array;
    noise.dispose();
    const dModel = energyDistance(samples, reference, 2);
    const dNoise = energyDistance(noisePoints, reference, 2);
    expect(dModel).toBeLessThan(0.15 * dNoise); // measured 0.07; two data samples give about 0
    expect(slicedWasserstein(samples, reference, 2, createRng(1))).toBeLessThan(0.4 * slicedWasserstein(noisePoints, reference, 2, createRng(1)));
    // sigma^2 = beta also lands on the data (slightly noisier)
    expect(energyDistance(sample(net, n, 14, 'beta'), reference, 2)).toBeLessThan(0.25 * dNoise);
    trainer.dispose();
    net.dispose();
  });
});

describe('no tensor leaks', () => {
  it('training step and sampler step leave numTensors unchanged', () => {
    const rng = createRng(3);
    const data = sampleDataset('two-moons', 500, rng.fork());
    const net = new FieldNetwork(2, { width: 32, depth: 2, activation: 'silu' }, rng.fork());
    const trainer = new DdpmTrainer(net, schedule, data.points, rng.fork(), { learningRate: 1e-3, batchSize: 64 });
    trainer.step().dispose(); // Adam creates its moment variables on the first step
    const x = tf.randomNormal([100, 2]) as tf.Tensor2D;
    const z = tf.randomNormal([100, 2]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    trainer.step().dispose();
    const y = ancestralStep(net, x, 50, schedule, 'beta', z);
    y.dispose();
    ancestralStep(net, x, 1, schedule, 'betaTilde', null).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, z]);
    trainer.dispose();
    net.dispose();
  });
});

describe('weight average (EMA)', () => {
  it('avg <- d avg + (1 - d) w with the warm-up d_n = min(decay, (1 + n) / (10 + n))', () => {
    const net = new FieldNetwork(2, { width: 4, depth: 1, activation: 'relu' }, createRng(1));
    const avg = new WeightAverage(net, 0.5);
    const w0 = net.variables[0].dataSync()[0];
    expect(avg.net.variables[0].dataSync()[0]).toBe(w0); // starts as a copy
    net.variables[0].assign(tf.onesLike(net.variables[0]));
    const before = tf.memory().numTensors;
    avg.update(net); // n = 0: d = min(0.5, 1/10) = 0.1
    expect(tf.memory().numTensors).toBe(before);
    expect(avg.net.variables[0].dataSync()[0]).toBeCloseTo(0.1 * w0 + 0.9, 6);
    for (let n = 1; n < 20; n++) avg.update(net); // d reaches 0.5; w = 1 throughout
    const expected = (() => {
      let a = w0;
      for (let n = 0; n < 20; n++) {
        const d = Math.min(0.5, (1 + n) / (10 + n));
        a = d * a + (1 - d) * 1;
      }
      return a;
    })();
    expect(avg.net.variables[0].dataSync()[0]).toBeCloseTo(expected, 5);
    expect(() => new WeightAverage(net, 1)).toThrow(RangeError);
    avg.dispose();
    net.dispose();
  });

  it('the trainer samples with the average when emaDecay > 0, and can switch it off', () => {
    const rng = createRng(4);
    const data = sampleDataset('two-moons', 200, rng.fork());
    const net = new FieldNetwork(2, { width: 8, depth: 1, activation: 'silu' }, rng.fork());
    const before = tf.memory().numTensors;
    const trainer = new DdpmTrainer(net, schedule, data.points, rng.fork(), { learningRate: 1e-2, batchSize: 16, emaDecay: 0.9 });
    expect(trainer.samplingNet).not.toBe(net);
    trainer.step().dispose();
    trainer.setTraining({ learningRate: 1e-2, batchSize: 16, emaDecay: 0 });
    expect(trainer.samplingNet).toBe(net);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    net.dispose();
  });
});
