/**
 * Moves particle positions (and trails) from tfjs tensors into the vertex buffers three.js draws from.
 *
 * - Shared WebGPU device: GPU-to-GPU. `tensor.dataToGPU()` gives a GPUBuffer copy of the tensor;
 *   one `copyBufferToBuffer` puts it into three's vertex buffer; no CPU readback at all.
 * - Any other combination: one asynchronous readback (`tensor.data()`) at a time; frames that
 *   arrive while it is in flight keep drawing the last positions.
 *
 * three.js has no public handle on its GPU buffers; the one internal access
 * (`renderer.backend.get(attribute).buffer`) is kept in {@link threeBufferOf}.
 */
import * as tf from '@tensorflow/tfjs';
import type { BufferAttribute, WebGPURenderer } from 'three/webgpu';
import { repeatRows, type ParticleLayer } from './particle-layer';

/** three's GPUBuffer behind an attribute, once three has created it (after the first draw); else null. */
function threeBufferOf(renderer: WebGPURenderer, attribute: BufferAttribute): GPUBuffer | null {
  const backend = renderer.backend as unknown as { isWebGPUBackend?: boolean; get(o: object): { buffer?: GPUBuffer } };
  if (!backend.isWebGPUBackend) return null;
  return backend.get(attribute).buffer ?? null;
}

/**
 * The repeat r of each pair: `repeat` when given, else the attribute's whole multiple of its tensor.
 * @throws RangeError unless every attribute holds r >= 1 times its tensor's values (see {@link TensorUploader.upload}).
 */
function repeatsOf(pairs: readonly (readonly [tf.Tensor, BufferAttribute])[], repeat: number | undefined): number[] {
  if (repeat !== undefined && (!Number.isInteger(repeat) || repeat < 1)) throw new RangeError(`TensorUploader: repeat must be an integer >= 1, got ${repeat}`);
  return pairs.map(([tensor, attribute]) => {
    const r = repeat ?? attribute.array.length / Math.max(1, tensor.size);
    if (tensor.size > 0 && Number.isInteger(r) && r >= 1 && attribute.array.length === tensor.size * r) return r;
    throw new RangeError(
      `TensorUploader: a tensor of shape [${tensor.shape.join(', ')}] (${tensor.size} values) does not fit an attribute of ${attribute.array.length} values` +
        `${repeat === undefined ? '' : ` (${repeat} per value expected)`}: the layer was not rebuilt for the new particles`,
    );
  });
}

/** Copies tensors into vertex-buffer attributes; one instance per drawn layer. */
export class TensorUploader {
  private pending = false;
  /** The readback in flight (readback path), settled or not. */
  private inflight: Promise<void> = Promise.resolve();
  private lastVersion = -1;
  /** 'gpu' when data travels GPU-to-GPU, 'readback' otherwise (for the HUD). */
  mode: 'gpu' | 'readback' = 'readback';
  /** Instrumentation (tests, the bench): CPU readbacks started so far (`tensor.data()` on the readback path). */
  readbacks = 0;
  /** Instrumentation: uploads done GPU-to-GPU so far (one command buffer of buffer copies each). */
  gpuCopies = 0;

  /**
   * @param device the GPUDevice tfjs and three share, or null when they do not share one.
   */
  constructor(private readonly renderer: WebGPURenderer, private readonly device: GPUDevice | null) {}

  /** Whether a readback is in flight (readback path only; the GPU path never waits). */
  get busy(): boolean {
    return this.pending;
  }

  /** Resolves once the readback in flight, if any, has landed in its attributes (frame-exact recording waits for it). */
  whenIdle(): Promise<void> {
    return this.inflight;
  }

  /** Forgets the last uploaded version (call after the layer is replaced). */
  reset(): void {
    this.lastVersion = -1;
  }

  /** Whether {@link upload} would copy `version` now (so the caller can skip building the tensors). */
  wants(version: number): boolean {
    return version !== this.lastVersion && (this.device !== null || !this.pending);
  }

  /**
   * Copies each tensor (borrowed; it may be disposed as soon as this returns) into its attribute, if
   * `version` changed. Each attribute must hold exactly r times the tensor's values, r a whole number
   * >= 1 (each row of `itemSize` values is then written r times in a row: a {@link ParticleLayer} drawn
   * without instancing has r = its verticesPerParticle, 4); `repeat` states r (else any whole r is
   * taken); only r = 1 travels GPU-to-GPU. Never
   * blocks; never reads back on the shared-device path. On the readback path at most one readback is in
   * flight; versions that arrive meanwhile are skipped (the next one after it lands is uploaded).
   * @param repeat r, rows per tensor row in every attribute, integer >= 1; omitted: each attribute's own
   *   whole multiple.
   * @throws RangeError when an attribute's size is not r times its tensor's (a layer not rebuilt for a
   *   new particle count would otherwise draw streaks or half a cloud), or on a bad `repeat`.
   */
  upload(pairs: readonly (readonly [tf.Tensor, BufferAttribute])[], version: number, repeat?: number): void {
    if (version === this.lastVersion) return;
    const repeats = repeatsOf(pairs, repeat);
    const targets = this.device && repeats.every((r) => r === 1) ? pairs.map(([, attribute]) => threeBufferOf(this.renderer, attribute)) : [];
    const fits = targets.length === pairs.length && targets.every((b, i) => b !== null && b.size >= pairs[i][1].array.byteLength);
    if (this.device && fits) {
      const encoder = this.device.createCommandEncoder({ label: 'tfjs -> three' });
      const refs = pairs.map(([tensor], i) => {
        const data = tensor.dataToGPU();
        encoder.copyBufferToBuffer(data.buffer as GPUBuffer, 0, targets[i] as GPUBuffer, 0, pairs[i][1].array.byteLength);
        return data.tensorRef;
      });
      this.device.queue.submit([encoder.finish()]);
      for (const r of refs) r.dispose();
      this.lastVersion = version;
      this.mode = 'gpu';
      this.gpuCopies++;
      return;
    }
    if (this.pending) return;
    this.pending = true;
    this.readbacks++;
    const flat = tf.tidy(() => tf.concat(pairs.map(([tensor]) => tf.reshape(tensor, [-1])), 0));
    const attributes = pairs.map(([, attribute]) => attribute);
    const sizes = pairs.map(([tensor]) => tensor.size);
    this.inflight = flat
      .data()
      .then((values) => {
        const v = values as Float32Array;
        let offset = 0;
        for (const [i, a] of attributes.entries()) {
          const n = sizes[i];
          if (offset + n > v.length) return;
          if (repeats[i] === 1) (a.array as Float32Array).set(v.subarray(offset, offset + n));
          else repeatRows(v.subarray(offset, offset + n), a.itemSize, repeats[i], a.array as Float32Array);
          a.needsUpdate = true;
          offset += n;
        }
      })
      .catch(() => undefined)
      .finally(() => {
        flat.dispose();
        this.pending = false;
      });
    this.lastVersion = version;
    this.mode = 'readback';
  }
}
