/**
 * A speed fix for tfjs-backend-wasm 4.22: its BatchMatMul and _FusedMatMul kernels hand a product with a
 * transposed operand (A^T B or A B^T) to a plain scalar loop instead of XNNPACK, about 10x slower on
 * this machine (13 ms instead of 1.2 ms for [1024, 128] x [128, 128]). Autograd asks for exactly those
 * products in every backward pass of a matMul (dA = dY B^T, dB = A^T dY). {@link useFastWasmTransposedMatMul}
 * re-registers both kernels for 'wasm' so that a transposed operand is first transposed by the wasm
 * Transpose kernel (0.3 ms for [1024, 128] with the blocked one of wasm-transpose.ts) and the product then runs untransposed through XNNPACK.
 * The numbers are the same products (same sums, order of accumulation aside). Other backends are untouched.
 * It installs the blocked Transpose of wasm-transpose.ts first (4x faster for [1024, 128]), which both
 * these wrapped products and the hand-written backpropagation of field-network.ts use.
 */
import * as tf from '@tensorflow/tfjs';
import { useFastWasmTranspose } from './wasm-transpose';

let installed = false;

/**
 * Installs the wrapped wasm matMul kernels once per process (idempotent; a no-op until the wasm backend
 * package has registered its kernels, so it is safe to call from any constructor).
 * @returns whether the wrapped kernels are in place.
 */
export function useFastWasmTransposedMatMul(): boolean {
  if (installed) return true;
  useFastWasmTranspose();
  const transpose = tf.getKernel('Transpose', 'wasm');
  const names = ['BatchMatMul', '_FusedMatMul'];
  const originals = names.map((n) => tf.getKernel(n, 'wasm'));
  if (transpose === undefined || originals.some((k) => k === undefined)) return false;
  names.forEach((kernelName, i) => {
    const original = originals[i];
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({
      ...original,
      kernelFunc: ({ inputs, backend, attrs }) => {
        if (attrs === undefined || (!attrs.transposeA && !attrs.transposeB)) return original.kernelFunc({ inputs, backend, attrs });
        const temps: tf.TensorInfo[] = [];
        /** x with its last two axes swapped, as a new wasm tensor (freed below). */
        const swapped = (x: tf.TensorInfo): tf.TensorInfo => {
          const r = x.shape.length;
          const perm = [...Array(r - 2).keys(), r - 1, r - 2];
          const out = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
          temps.push(out);
          return out;
        };
        const a = inputs.a as tf.TensorInfo;
        const b = inputs.b as tf.TensorInfo;
        try {
          return original.kernelFunc({
            inputs: { ...inputs, a: attrs.transposeA ? swapped(a) : a, b: attrs.transposeB ? swapped(b) : b },
            backend,
            attrs: { ...attrs, transposeA: false, transposeB: false },
          });
        } finally {
          for (const t of temps) (backend as tf.KernelBackend).disposeData(t.dataId);
        }
      },
    });
  });
  installed = true;
  return true;
}
