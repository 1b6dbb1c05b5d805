import * as tf from '@tensorflow/tfjs';
import { StraightnessMeter } from '../src/models/trajectory';
import { describe, expect, it } from 'vitest';
import { sampleDataset } from '../src/data/datasets';
import { FieldNetwork } from '../src/models/field-network';
import { FlowMatchingTrainer, learnedVelocity, otPermutation, type Coupling } from '../src/models/flow-matching';
import { energyDistance } from '../src/models/metrics';
import { integrate, odeStep } from '../src/models/ode-solvers';
import { createRng } from '../src/models/random';

describe('minibatch optimal transport pairing', () => {
  it('finds the assignment of least total squared distance', () => {
    // x0 at 0, 1, 2 on a line; x1 at 2.1, -0.1, 0.9: the optimum pairs 0-(-0.1), 1-0.9, 2-2.1.
    const p = otPermutation(new Float32Array([0, 1, 2]), new Float32Array([2.1, -0.1, 0.9]), 1);
    expect(Array.from(p)).toEqual([1, 2, 0]);
  });

  it('never costs more than the identity pairing or random pairings', () => {
    const rng = createRng(3);
    const b = 40;
    const x0 = Float32Array.from({ length: 2 * b }, () => rng.normal());
    const x1 = Float32Array.from({ length: 2 * b }, () => rng.normal());
    const cost = (perm: ArrayLike<number>): number => {
      let c = 0;
      for (let i = 0; i < b; i++) c += (x0[2 * i] - x1[2 * perm[i]]) ** 2 + (x0[2 * i + 1] - x1[2 * perm[i] + 1]) ** 2;
      return c;
    };
    const best = cost(otPermutation(x0, x1, 2));
    expect(new Set(otPermutation(x0, x1, 2)).size).toBe(b);
    expect(best).toBeLessThanOrEqual(cost(Array.from({ length: b }, (_, i) => i)) + 1e-9);
    for (let k = 0; k < 20; k++) {
      const perm = Array.from({ length: b }, (_, i) => i);
      for (let i = b - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      expect(best).toBeLessThanOrEqual(cost(perm) + 1e-9);
    }
  });
});

/** Mean over 600 noise draws of |x(0) - x(1)| / path length of 40-step Euler paths (1 = straight lines). */
function straightnessOf(net: FieldNetwork): number {
  const n = 600;
  const steps = 40;
  const v = learnedVelocity(net);
  let x = tf.randomNormal([n, 2], 0, 1, 'float32', 5) as tf.Tensor2D;
  const meter = new StraightnessMeter();
  meter.begin(x);
  for (let i = 0; i < steps; i++) {
    const next = odeStep('euler', v, x, 1 - i / steps, -1 / steps);
    meter.record(x, next);
    x.dispose();
    x = next;
  }
  const s = meter.finish(x) as tf.Scalar;
  const value = s.dataSync()[0];
  tf.dispose([x, s]);
  return value;
}

/** Trains flow matching on two moons; returns RK4 samples and the mean straightness of Euler paths. */
function trainAndSample(coupling: Coupling): { samples: Float32Array; straightness: number; leak: number } {
  const rng = createRng(21);
  const data = sampleDataset('two-moons', 4000, rng.fork());
  const net = new FieldNetwork(2, { width: 64, depth: 3, activation: 'silu', timeScale: 50 }, rng.fork());
  const trainer = new FlowMatchingTrainer(net, data.points, rng.fork(), { learningRate: 5e-3, batchSize: 128, emaDecay: 0.99 }, coupling);
  trainer.step().dispose(); // Adam moments
  const before = tf.memory().numTensors;
  for (let i = 0; i < 1000; i++) trainer.step().dispose();
  const leak = tf.memory().numTensors - before;
  const straightness = straightnessOf(trainer.samplingNet);
  const start = tf.randomNormal([600, 2], 0, 1, 'float32', 5) as tf.Tensor2D;
  const v = learnedVelocity(trainer.samplingNet);
  // Samples for the distance: RK4 (Euler's own error on curved paths would blur them).
  const rk4 = integrate('rk4', v, start, 1, 0, 20);
  const samples = rk4.dataSync() as Float32Array;
  tf.dispose([start, rk4]);
  trainer.dispose();
  net.dispose();
  return { samples, straightness, leak };
}

describe('flow matching on two moons', () => {
  it('samples land on the data, and minibatch OT gives straighter paths than independent coupling', () => {
    const reference = sampleDataset('two-moons', 600, createRng(9)).points;
    const noise = tf.randomNormal([600, 2], 0, 1, 'float32', 77);
    const baseline = energyDistance(noise.dataSync() as Float32Array, reference, 2);
    noise.dispose();
    const independent = trainAndSample('independent');
    const ot = trainAndSample('minibatch-ot');
    console.log(`energy distance: independent ${energyDistance(independent.samples, reference, 2).toFixed(4)}, OT ${energyDistance(ot.samples, reference, 2).toFixed(4)}, noise ${baseline.toFixed(4)}; straightness ${independent.straightness.toFixed(4)} vs ${ot.straightness.toFixed(4)}`);
    expect(independent.leak).toBe(0);
    expect(ot.leak).toBe(0);
    expect(energyDistance(independent.samples, reference, 2)).toBeLessThan(0.4 * baseline); // measured 0.2-0.35 of the noise baseline after 1,000 steps: flow matching learns more slowly than DDPM here
    expect(energyDistance(ot.samples, reference, 2)).toBeLessThan(0.4 * baseline); // measured 0.2-0.35 of the noise baseline after 1,000 steps: flow matching learns more slowly than DDPM here
    expect(ot.straightness).toBeGreaterThan(independent.straightness);
  });

  it('RK4 with the learned field is a VectorField like any other', () => {
    const net = new FieldNetwork(2, { width: 8, depth: 1, activation: 'tanh' }, createRng(1));
    const x = tf.randomNormal([5, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    integrate('rk4', learnedVelocity(net), x, 1, 0, 4).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    net.dispose();
  });
});

describe('rectified-flow reflow', () => {
  it('retraining on the model\'s own (sample, noise) pairs straightens its paths', () => {
    const rng = createRng(5);
    const data = sampleDataset('two-moons', 4000, rng.fork());
    const net = new FieldNetwork(2, { width: 64, depth: 3, activation: 'silu', timeScale: 50 }, rng.fork());
    const trainer = new FlowMatchingTrainer(net, data.points, rng.fork(), { learningRate: 5e-3, batchSize: 128, emaDecay: 0.99 });
    for (let i = 0; i < 600; i++) trainer.step().dispose();
    const before = straightnessOf(trainer.samplingNet);
    // Pairs: noise x_1 and where the current flow takes it.
    const x1 = tf.randomNormal([2000, 2], 0, 1, 'float32', 12) as tf.Tensor2D;
    const x0 = integrate('rk4', learnedVelocity(trainer.samplingNet), x1, 1, 0, 20);
    trainer.setReflowPairs({ x0: x0.dataSync() as Float32Array, x1: x1.dataSync() as Float32Array });
    tf.dispose([x0, x1]);
    expect(trainer.reflowing).toBe(true);
    const count = tf.memory().numTensors;
    for (let i = 0; i < 600; i++) trainer.step().dispose();
    expect(tf.memory().numTensors).toBe(count);
    const after = straightnessOf(trainer.samplingNet);
    console.log(`reflow straightness: before ${before.toFixed(3)}, after ${after.toFixed(3)}`);
    expect(after).toBeGreaterThan(before + 0.1);
    expect(() => trainer.setReflowPairs({ x0: new Float32Array(4), x1: new Float32Array(6) })).toThrow(RangeError);
    trainer.dispose();
    net.dispose();
  });
});
