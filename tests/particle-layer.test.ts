import * as tf from '@tensorflow/tfjs';
import { BufferAttribute, Sprite, SpriteNodeMaterial, type WebGPURenderer } from 'three/webgpu';
import { describe, expect, it } from 'vitest';
import { ParticleLayer, repeatRows } from '../src/scene/particle-layer';
import { TensorUploader } from '../src/scene/particle-upload';
import { layersToRebuild, type LayerSource } from '../src/app/view-fit';
import { PendingWork } from '../src/app/pending-work';

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

describe('TensorUploader refuses a layer that does not fit (issue 15, item 2)', () => {
  it('throws a RangeError naming the sizes when the attribute is not r times the tensor, and uploads nothing', () => {
    const uploader = new TensorUploader({} as WebGPURenderer, null);
    const before = tf.memory().numTensors;
    const t = tf.zeros([4000, 2]);
    // A layer of 2,000 particles fed 4,000: instanced (1 row each) and plain (4 rows each, a whole multiple).
    const instanced = new BufferAttribute(new Float32Array(2000 * 2), 2);
    const plain = new BufferAttribute(new Float32Array(2000 * 2 * 4), 2);
    expect(() => uploader.upload([[t, instanced]], 1)).toThrow(/shape \[4000, 2\] \(8000 values\) does not fit an attribute of 4000 values/);
    expect(() => uploader.upload([[t, plain]], 1, 4)).toThrow(/4 per value expected/);
    expect(() => uploader.upload([[t, new BufferAttribute(new Float32Array(8000), 2)]], 1, 0)).toThrow(RangeError);
    expect(uploader.readbacks).toBe(0);
    expect(instanced.version).toBe(0);
    // The right size with the stated repeat goes through.
    uploader.upload([[t, new BufferAttribute(new Float32Array(4000 * 2 * 4), 2)]], 2, 4);
    expect(uploader.readbacks).toBe(1);
    t.dispose();
    return uploader.whenIdle().then(() => expect(tf.memory().numTensors).toBe(before));
  });
});

describe('ParticleLayer frees its own buffers', () => {
  it('an instanced layer has a geometry of its own, and dispose() disposes it before the material', () => {
    const shared = new Sprite(new SpriteNodeMaterial()).geometry;
    const layer = new ParticleLayer({ count: 5, dim: 2, positions: new Float32Array(10), colors: null, pointSize: 3, additive: true, opacity: 1 });
    expect(layer.object.geometry).not.toBe(shared);
    const order: string[] = [];
    layer.object.geometry.addEventListener('dispose', () => order.push('geometry'));
    (layer.object.material as SpriteNodeMaterial).addEventListener('dispose', () => order.push('material'));
    let sharedDisposed = false;
    shared.addEventListener('dispose', () => (sharedDisposed = true));
    layer.dispose();
    expect(order).toEqual(['geometry', 'material']);
    expect(sharedDisposed).toBe(false);
  });
});

describe('the re-point decision (which layers no longer fit the session)', () => {
  const particles = {};
  const reference = {};
  const trails = {};
  const labels = new Uint16Array(2000);
  const base: LayerSource = { particles, count: 2000, dim: 2, labels, reference, trails: null };

  it('builds every layer the first time (trails only when on) and nothing when nothing changed', () => {
    expect(layersToRebuild(null, base)).toEqual({ particles: true, data: true, trails: false });
    expect(layersToRebuild(null, { ...base, trails: { source: trails, length: 8, count: 100, dim: 2 } })).toEqual({ particles: true, data: true, trails: true });
    expect(layersToRebuild(base, { ...base })).toEqual({ particles: false, data: false, trails: false });
  });

  it('a model rebuilt together with a new particle count rebuilds the particle layer (the streaks of issue 15)', () => {
    const rebuilt = { ...base, particles: {}, count: 4000, labels: new Uint16Array(4000) };
    expect(layersToRebuild(base, rebuilt)).toEqual({ particles: true, data: false, trails: false });
  });

  it('new particles of the same count still rebuild (their versions restart), new labels too', () => {
    expect(layersToRebuild(base, { ...base, particles: {} }).particles).toBe(true);
    expect(layersToRebuild(base, { ...base, labels: new Uint16Array(2000) }).particles).toBe(true);
    expect(layersToRebuild(base, { ...base, count: 3000 }).particles).toBe(true);
  });

  it('new data rebuilds the data layer; a new dimension rebuilds everything', () => {
    expect(layersToRebuild(base, { ...base, reference: {} })).toEqual({ particles: false, data: true, trails: false });
    const withTrails = { ...base, trails: { source: trails, length: 8, count: 100, dim: 2 } };
    expect(layersToRebuild(withTrails, { ...withTrails, dim: 3 })).toEqual({ particles: true, data: true, trails: true });
  });

  it('trails: switched on or off, another trails object or shape rebuilds the trail layer only', () => {
    const on = { ...base, trails: { source: trails, length: 8, count: 100, dim: 2 } };
    expect(layersToRebuild(base, on)).toEqual({ particles: false, data: false, trails: true });
    expect(layersToRebuild(on, base).trails).toBe(true);
    expect(layersToRebuild(on, { ...on, trails: { source: trails, length: 16, count: 100, dim: 2 } }).trails).toBe(true);
    expect(layersToRebuild(on, { ...on, trails: { source: {}, length: 8, count: 100, dim: 2 } }).trails).toBe(true);
    expect(layersToRebuild(on, { ...on, trails: { source: trails, length: 8, count: 100, dim: 2 } }).trails).toBe(false);
  });
});

describe('PendingWork (views a frame-exact recording waits for)', () => {
  it('whenIdle resolves after every tracked promise settled, rejections included, and at once when idle', async () => {
    const work = new PendingWork();
    const events: string[] = [];
    await work.whenIdle();
    let resolveA!: () => void;
    let rejectB!: (e: Error) => void;
    const a = work.track(new Promise<void>((r) => (resolveA = r)).then(() => events.push('a')));
    const b = work.track(new Promise<void>((_, r) => (rejectB = r))).catch(() => events.push('b'));
    const idle = work.whenIdle().then(() => events.push('idle'));
    resolveA();
    await a;
    expect(events).toEqual(['a']);
    rejectB(new Error('lost'));
    await Promise.all([b, idle]);
    expect(events).toEqual(['a', 'b', 'idle']);
  });
});
