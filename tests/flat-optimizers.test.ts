import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { FlatAdam, FlatRmsProp, type FlatOptimizer } from '../src/models/flat-optimizers';
import { createRng } from '../src/models/random';

describe('flat optimizers (flat-optimizers.ts): bit for bit the steps of tf.train', () => {
  const rules: { name: string; ours: (lr: number) => FlatOptimizer; theirs: (lr: number) => tf.Optimizer }[] = [
    { name: 'Adam(0.9, 0.999)', ours: (lr) => new FlatAdam(lr, 0.9, 0.999, 1e-8), theirs: (lr) => tf.train.adam(lr, 0.9, 0.999, 1e-8) },
    { name: 'Adam(0.5, 0.999)', ours: (lr) => new FlatAdam(lr, 0.5, 0.999, 1e-8), theirs: (lr) => tf.train.adam(lr, 0.5, 0.999, 1e-8) },
    { name: 'Adam(0, 0.9)', ours: (lr) => new FlatAdam(lr, 0, 0.9, 1e-8), theirs: (lr) => tf.train.adam(lr, 0, 0.9, 1e-8) },
    { name: 'RMSProp(0.99)', ours: (lr) => new FlatRmsProp(lr, 0.99, 1e-8), theirs: (lr) => tf.train.rmsprop(lr, 0.99, 0, 1e-8, false) },
  ];

  it('60 steps with gradients of changing scale give identical float32 weights, and nothing leaks per step', () => {
    for (const { name, ours, theirs } of rules) {
      const rng = createRng(8);
      const shapes = [[4, 3], [3], [3, 1]];
      const init = shapes.map((s) => tf.randomNormal(s, 0, 1, 'float32', rng.nextSeed()));
      const a = init.map((t) => tf.variable(t.clone()));
      const b = init.map((t) => tf.variable(t.clone()));
      const beforeOptimizer = tf.memory().numTensors;
      const flat = ours(3e-3);
      const ref = theirs(3e-3);
      let afterFirst = 0;
      for (let step = 0; step < 60; step++) {
        const grads = shapes.map((s) => tf.randomNormal(s, 0, 10 ** ((step % 7) - 3), 'float32', rng.nextSeed()));
        flat.applyGradients(a, grads);
        ref.applyGradients(b.map((v, i) => ({ name: v.name, tensor: grads[i] })));
        tf.dispose(grads);
        if (step === 0) afterFirst = tf.memory().numTensors;
      }
      expect(tf.memory().numTensors, name).toBe(afterFirst);
      a.forEach((v, i) => {
        expect(Array.from(v.dataSync()), `${name} variable ${i}`).toEqual(Array.from(b[i].dataSync()));
        expect(Math.abs(v.dataSync()[0] - init[i].dataSync()[0]), name).toBeGreaterThan(1e-3);
      });
      ref.dispose();
      flat.dispose();
      expect(tf.memory().numTensors, `${name}: dispose frees the moments`).toBe(beforeOptimizer);
      tf.dispose([...init, ...a, ...b]);
    }
  });

  it('a scale [P] multiplies each scalar step, and a scale of the wrong size or a changed parameter count throws', () => {
    const w = tf.variable(tf.zeros([3]));
    const flat = new FlatRmsProp(0.1, 0.9, 0);
    const g = tf.ones([3]);
    const scale = tf.tensor1d([1, 0.5, 0]);
    // First RMSProp step from v = 0: v = 0.1 g^2, so the step is lr g / sqrt(0.1) = 0.1 / 0.316... = 0.316...
    flat.applyGradients([w], [g], scale);
    const s = 0.1 / Math.sqrt(0.1);
    Array.from(w.dataSync()).forEach((x, i) => expect(x).toBeCloseTo(-s * [1, 0.5, 0][i], 6));
    const wrong = tf.ones([2]);
    expect(() => flat.applyGradients([w], [g], wrong as tf.Tensor1D)).toThrow(RangeError);
    const other = tf.variable(tf.zeros([2]));
    expect(() => flat.applyGradients([other], [wrong])).toThrow(RangeError);
    flat.dispose();
    tf.dispose([w, g, scale, wrong, other]);
  });
});
