/**
 * Moves particle positions from tfjs tensors into the buffers the {@link ParticleLayer} draws from.
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
import type { ParticleLayer } from './particle-layer';

/** three's GPUBuffer behind an attribute, once three has created it (after the first draw); else null. */
function threeBufferOf(renderer: WebGPURenderer, attribute: BufferAttribute): GPUBuffer | null {
  const backend = renderer.backend as unknown as { isWebGPUBackend?: boolean; get(o: object): { buffer?: GPUBuffer } };
  if (!backend.isWebGPUBackend) return null;
  return backend.get(attribute).buffer ?? null;
}

/** Copies positions into a particle layer. */
export class ParticleUploader {
  private pending = false;
  private lastVersion = -1;
  /** 'gpu' when positions travel GPU-to-GPU, 'readback' otherwise (for the HUD). */
  mode: 'gpu' | 'readback' = 'readback';

  /**
   * @param device the GPUDevice tfjs and three share, or null when they do not share one.
   */
  constructor(private readonly renderer: WebGPURenderer, private readonly device: GPUDevice | null) {}

  /** Forgets the last uploaded version (call after the layer is replaced). */
  reset(): void {
    this.lastVersion = -1;
  }

  /**
   * Uploads `previous` and `current` ([N, D], borrowed) into the layer if `version` changed.
   * Never blocks; never reads back on the shared-device path.
   */
  upload(layer: ParticleLayer, previous: tf.Tensor2D, current: tf.Tensor2D, version: number): void {
    if (version === this.lastVersion) return;
    const bytes = layer.count * layer.dim * 4;
    const dstPrev = this.device ? threeBufferOf(this.renderer, layer.previous) : null;
    const dstCur = this.device ? threeBufferOf(this.renderer, layer.current) : null;
    if (this.device && dstPrev && dstCur && dstPrev.size >= bytes && dstCur.size >= bytes) {
      const a = previous.dataToGPU();
      const b = current.dataToGPU();
      const encoder = this.device.createCommandEncoder({ label: 'particles: tfjs -> three' });
      encoder.copyBufferToBuffer(a.buffer as GPUBuffer, 0, dstPrev, 0, bytes);
      encoder.copyBufferToBuffer(b.buffer as GPUBuffer, 0, dstCur, 0, bytes);
      this.device.queue.submit([encoder.finish()]);
      a.tensorRef.dispose();
      b.tensorRef.dispose();
      this.lastVersion = version;
      this.mode = 'gpu';
      return;
    }
    if (this.pending) return;
    this.pending = true;
    const both = tf.concat([previous, current], 0);
    const n = layer.count * layer.dim;
    both
      .data()
      .then((values) => {
        const v = values as Float32Array;
        if (v.length === 2 * n) layer.setPositions(v.subarray(0, n), v.subarray(n));
      })
      .catch(() => undefined)
      .finally(() => {
        both.dispose();
        this.pending = false;
      });
    this.lastVersion = version;
    this.mode = 'readback';
  }
}
