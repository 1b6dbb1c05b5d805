// Issue 14, "Faster CPU math": the wasm kernels and fast paths that replace slow tfjs-wasm ones, each
// checked against the plain definition (a transpose moves values: bit-identical).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
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
