/**
 * A faster Transpose for tfjs-backend-wasm 4.22: its kernel moves one element at a time through a
 * general index computation, about 10 ns per element on this machine (1.3 ms for a [1024, 128]
 * activation, more than the [1024, 128] x [128, 128] product it feeds). Backpropagation through a
 * dense layer needs h^T for dW = h^T da in every layer (models/field-network.ts, and autograd's
 * transposed products through models/wasm-matmul.ts), so the training step spent about a quarter of
 * its time transposing. {@link useFastWasmTranspose} re-registers 'Transpose' for 'wasm' so that a
 * swap of the last two axes (the only permutation backpropagation asks for) is a cache-blocked copy
 * in JavaScript (float32) straight between the input's and the output's wasm heap memory; every other
 * permutation goes to the original kernel. A transpose moves values, so results are bit-identical.
 */
import * as tf from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * Tile edge of the blocked copy. The output is written row by row (contiguously) while the input is
 * read down a column: 32 x 32 tiles were fastest for [1024, 128] here (0.18 ms, against 0.95 ms for
 * tiles written down the columns, where the 4 KiB stride of a 1024-wide output row aliases in the cache).
 */
const TILE = 32;

/**
 * out[b][c][r] = x[b][r][c] for `batch` row-major matrices of `rows` x `cols`, tile by tile.
 * @param x input values, length batch * rows * cols. @param out output, same length.
 */
export function transposeLastTwo(x: Float32Array, out: Float32Array, batch: number, rows: number, cols: number): void {
  const size = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * size;
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r0 = 0; r0 < rows; r0 += TILE) {
        const r1 = Math.min(r0 + TILE, rows);
        for (let c = c0; c < c1; c++) {
          const to = base + c * rows;
          for (let r = r0; r < r1; r++) out[to + r] = x[base + r * cols + c];
        }
      }
    }
  }
}

/** Whether `perm` keeps every axis but swaps the last two (rank >= 2). */
function swapsLastTwo(perm: readonly number[]): boolean {
  const r = perm.length;
  if (r < 2 || perm[r - 2] !== r - 1 || perm[r - 1] !== r - 2) return false;
  for (let i = 0; i < r - 2; i++) if (perm[i] !== i) return false;
  return true;
}

let installed = false;

/**
 * Installs the blocked Transpose for 'wasm' once per process (idempotent; a no-op until the wasm
 * backend package has registered its kernels).
 * @returns whether the kernel is in place.
 */
export function useFastWasmTranspose(): boolean {
  if (installed) return true;
  const original = tf.getKernel('Transpose', 'wasm');
  if (original === undefined) return false;
  tf.unregisterKernel('Transpose', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs.x as tf.TensorInfo;
      const perm = (attrs?.perm ?? []) as number[];
      const r = x.shape.length;
      // float32 only: copying int32 or bool bits through a float could change a NaN-shaped pattern.
      if (x.dtype !== 'float32' || !swapsLastTwo(perm) || x.shape[r - 1] === 1 || x.shape[r - 2] === 1) {
        return original.kernelFunc({ inputs, backend, attrs });
      }
      const wasm = backend as unknown as WasmHeapBackend;
      const rows = x.shape[r - 2];
      const cols = x.shape[r - 1];
      const out = wasm.makeOutput([...x.shape.slice(0, r - 2), cols, rows], x.dtype);
      // Views after the allocation: makeOutput may grow (and so replace) the wasm memory.
      transposeLastTwo(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(out), x.shape.slice(0, r - 2).reduce((a, b) => a * b, 1), rows, cols);
      return out;
    },
  });
  installed = true;
  return true;
}
