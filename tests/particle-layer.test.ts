import * as tf from '@tensorflow/tfjs';
import { BufferAttribute, type WebGPURenderer } from 'three/webgpu';
import { describe, expect, it } from 'vitest';
import { ParticleLayer, repeatRows } from '../src/scene/particle-layer';
import { TensorUploader } from '../src/scene/particle-upload';

describe('repeatRows', () => {
  it('writes each row of `width` values `times` times in a row', () => {
    expect(Array.from(repeatRows([1, 2, 3, 4], 2, 3))).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
    expect(Array.from(repeatRows([7, 8], 1, 2))).toEqual([7, 7, 8, 8]);
    const out = new Float32Array(8).fill(-1);
    repeatRows([5, 6], 2, 2, out);
    expect(Array.from(out)).toEqual([5, 6, 5, 6, -1, -1, -1, -1]);
  });
});

describe('ParticleLayer without instancing (software renderers)', () => {
  it('holds four corners per particle in one geometry and draws it once', () => {
    const positions = new Float32Array([0, 1, 2, 3, 4, 5]);
    const layer = new ParticleLayer({ count: 3, dim: 2, positions, colors: null, pointSize: 3, additive: true, opacity: 1, instanced: false });
    expect(layer.verticesPerParticle).toBe(4);
    expect(layer.object.count).toBe(1);
    const g = layer.object.geometry;
    expect(g.getIndex()?.count).toBe(18);
    expect(g.getAttribute('position').count).toBe(12);
    expect(Array.from(layer.current.array.slice(0, 10))).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 2, 3]);
    layer.setPositions(new Float32Array([9, 9]));
    expect(Array.from(layer.previous.array.slice(0, 8))).toEqual([9, 9, 9, 9, 9, 9, 9, 9]);
    expect(g.drawRange.count).toBe(6);
    layer.dispose();
    const inst = new ParticleLayer({ count: 3, dim: 2, positions, colors: null, pointSize: 3, additive: true, opacity: 1 });
    expect(inst.verticesPerParticle).toBe(1);
    expect(inst.object.count).toBe(3);
    expect(inst.current.array.length).toBe(6);
    inst.dispose();
  });

  it('the uploader fills an attribute that repeats each row (readback path)', async () => {
    const uploader = new TensorUploader({} as WebGPURenderer, null);
    const a = new BufferAttribute(new Float32Array(2 * 2 * 4), 2);
    const b = new BufferAttribute(new Float32Array(2 * 2), 2);
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    const before = tf.memory().numTensors;
    uploader.upload([[t, a], [t, b]], 1);
    for (let i = 0; i < 50 && a.version === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(Array.from(a.array)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 3, 4]);
    expect(Array.from(b.array)).toEqual([1, 2, 3, 4]);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
