// Issue 14, "Faster CPU math": the wasm kernels and fast paths that replace slow tfjs-wasm ones, each
// checked against the plain definition (a transpose moves values: bit-identical).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { FlatAdam } from '../src/models/flat-optimizers';
import { createRng } from '../src/models/random';
import { transposeLastTwo, useFastWasmTranspose } from '../src/models/wasm-transpose';

/** x with its last two axes swapped, element by element in plain JS (the definition). */
function swapLastTwo(values: Float32Array | Int32Array, shape: number[]): number[] {
  const r = shape.length;
  const rows = shape[r - 2];
  const cols = shape[r - 1];
  const out: number[] = new Array(values.length);
  for (let b = 0; b < values.length / (rows * cols); b++) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[b * rows * cols + j * rows + i] = values[b * rows * cols + i * cols + j];
  }
  return out;
}

describe('blocked wasm Transpose (wasm-transpose.ts)', () => {
  it('transposeLastTwo equals the definition on ragged tiles (33 x 70, batch 2)', () => {
    const x = Float32Array.from({ length: 2 * 33 * 70 }, (_, i) => i * 0.5 - 7);
    const out = new Float32Array(x.length);
    transposeLastTwo(x, out, 2, 33, 70);
    expect(Array.from(out)).toEqual(swapLastTwo(x, [2, 33, 70]));
  });

  it('is installed on wasm and gives bit-identical transposes for 2D and batched shapes, leaking nothing', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(useFastWasmTranspose()).toBe(true);
    const rng = createRng(31);
    for (const shape of [[1024, 128], [128, 1024], [37, 19], [3, 5, 7], [2, 3, 64, 33]]) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', rng.nextSeed());
      const before = tf.memory().numTensors;
      const perm = [...shape.keys()];
      [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
      const t = tf.transpose(x, perm);
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(t.shape).toEqual(perm.map((p) => shape[p]));
      expect(Array.from(t.dataSync())).toEqual(swapLastTwo(x.dataSync() as Float32Array, shape));
      tf.dispose([x, t]);
    }
  });

  it('leaves other permutations and dtypes to the original kernel (still correct)', () => {
    const x = tf.tensor3d(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    const t = tf.transpose(x, [2, 0, 1]);
    const xs = x.arraySync();
    const want = [0, 1, 2, 3].map((k) => [0, 1].map((i) => [0, 1, 2].map((j) => xs[i][j][k])));
    expect(t.arraySync()).toEqual(want);
    const ints = tf.tensor2d([1, 2, 3, -2147483648, 5, 6], [2, 3], 'int32');
    const ti = tf.transpose(ints);
    expect(ti.dtype).toBe('int32');
    expect(Array.from(ti.dataSync())).toEqual([1, -2147483648, 2, 5, 3, 6]);
    tf.dispose([x, t, ints, ti]);
  });
});

describe('FlatAdam (flat-optimizers.ts) against tfjs tf.train.adam', () => {
  it('five steps with changing gradients and a learning-rate change give the same weights (to 1e-6), leaking nothing', () => {
    const rng = createRng(41);
    const shapes = [[3, 5], [5], [5, 2], [2]];
    const init = shapes.map((s) => tf.randomNormal(s, 0, 1, 'float32', rng.nextSeed()));
    const ours = init.map((t) => tf.variable(t.clone(), true));
    const ref = init.map((t) => tf.variable(t.clone(), true));
    const flat = new FlatAdam(0.01, 0.9, 0.999, 1e-8);
    const adam = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    let mid = 0;
    for (let step = 0; step < 5; step++) {
      if (step === 3) {
        flat.setLearningRate(0.003);
        (adam as unknown as { learningRate: number }).learningRate = 0.003;
      }
      const grads = shapes.map((s) => tf.randomNormal(s, 0, 1 + step, 'float32', rng.nextSeed()));
      flat.applyGradients(ours, grads);
      adam.applyGradients(ref.map((v, i) => ({ name: v.name, tensor: grads[i] })));
      tf.dispose(grads);
      if (step === 1) mid = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(mid); // moments made on the first step, nothing per step after
    ours.forEach((v, i) => {
      const [a, b] = [v.dataSync(), ref[i].dataSync()];
      const start = init[i].dataSync();
      let worst = 0;
      let moved = 0;
      for (let k = 0; k < a.length; k++) {
        worst = Math.max(worst, Math.abs(a[k] - b[k]));
        moved = Math.max(moved, Math.abs(a[k] - start[k]));
      }
      expect(worst).toBeLessThan(1e-6);
      // and the weights really moved: Adam's steps are about lr each, five of them
      expect(moved).toBeGreaterThan(0.01);
    });
    flat.dispose();
    flat.dispose(); // idempotent
    adam.dispose();
    tf.dispose([...init, ...ours, ...ref]);
  });

  it('dispose frees every tensor it made (moments and bias-correction powers)', () => {
    const w = tf.variable(tf.ones([4, 3]));
    const before = tf.memory().numTensors;
    const flat = new FlatAdam(0.1);
    const g = tf.ones([4, 3]);
    flat.applyGradients([w], [g]);
    g.dispose();
    // One step from g = 1: mHat = 1, vHat = 1, so w = 1 - 0.1 / (1 + 1e-8) exactly as Adam's first step.
    expect(Array.from(w.dataSync()).every((x) => Math.abs(x - 0.9) < 1e-6)).toBe(true);
    flat.dispose();
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('rejects gradients that do not match the variables', () => {
    const w = tf.variable(tf.zeros([2, 2]));
    const flat = new FlatAdam(0.1);
    const g = tf.ones([3]);
    expect(() => flat.applyGradients([w], [g])).toThrow(RangeError);
    expect(() => flat.applyGradients([w], [])).toThrow(RangeError);
    flat.dispose();
    tf.dispose([w, g]);
  });
});
