import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { measureCosts } from '../src/app/machine-probe';
import { affordsLine, costAt, costLine, fitMachine, fitProfile, keysSetByLink, RefitWatch, SIM_SHARE, TRAIN_SHARE, type ProbeMeasurement, type Refit, type RefitState } from '../src/app/machine-fit';
import { configFromHash } from '../src/config/url-hash';
import { defaultConfig, FRAME_TARGET_MS, withProfile } from '../src/config/playground-config';

const LIMIT = { particles: 20_000, batchSize: 512, width: 128 };

/** A probe whose costs are exact lines: forward a + b N, train c + d B (width 128). */
function probe(forward: [number, number], train: [number, number], frameMs: number, software = true): ProbeMeasurement {
  return {
    backend: software ? 'wasm' : 'webgpu',
    software,
    forward: [1000, 4000].map((size) => ({ size, ms: forward[0] + forward[1] * size })),
    train: [128, 512].map((size) => ({ size, ms: train[0] + train[1] * size })),
    probeWidth: 128,
    frameMs,
  };
}

describe('cost lines', () => {
  it('recovers an exact line, clamps a falling one at 0, goes through the origin with one point', () => {
    const l = costLine([1000, 2000, 4000].map((size) => ({ size, ms: 1.5 + 0.002 * size })));
    expect(l.fixedMs).toBeCloseTo(1.5, 9);
    expect(l.perUnitMs).toBeCloseTo(0.002, 12);
    expect(costAt(l, 3000)).toBeCloseTo(7.5, 9);
    expect(costLine([{ size: 100, ms: 5 }, { size: 200, ms: 3 }])).toEqual({ fixedMs: 4, perUnitMs: 0 });
    expect(costLine([{ size: 200, ms: 4 }])).toEqual({ fixedMs: 0, perUnitMs: 0.02 });
    expect(() => costLine([])).toThrow(RangeError);
  });
});

describe('fitMachine', () => {
  it('a 2-core CPU (wasm, software drawing): fewer particles and a smaller batch, from the costs', () => {
    // Empty frame 13.3 ms -> 20 ms left; 8 ms for a forward pass, 8 ms for a step.
    // forward 0.5 + 0.0025 N: 3,000 particles (8.0 ms), 4,000 would be 10.5 ms.
    // train 1 + 0.025 B: batch 256 (7.4 ms), 512 would be 13.8 ms.
    const fit = fitMachine(probe([0.5, 0.0025], [1, 0.025], FRAME_TARGET_MS - 20), LIMIT, FRAME_TARGET_MS);
    expect(SIM_SHARE * 20).toBeCloseTo(8, 9);
    expect(TRAIN_SHARE * 20).toBeCloseTo(8, 9);
    expect(fit.particles).toBe(3000);
    expect(fit.batchSize).toBe(256);
    expect(fit.width).toBe(128);
    expect(fit.forwardMs).toBeCloseTo(8, 9);
    expect(fit.trainStepMs).toBeCloseTo(7.4, 9);
  });

  it('a fast machine gets the defaults, never more', () => {
    const fit = fitMachine(probe([0.1, 1e-6], [0.2, 1e-5], 16.7, false), LIMIT, FRAME_TARGET_MS);
    expect(fit).toMatchObject(LIMIT);
    expect(fitMachine(probe([0.1, 1e-6], [0.2, 1e-5], 16.7, false), { particles: 5000, batchSize: 300, width: 96 }, FRAME_TARGET_MS)).toMatchObject({ particles: 4000, batchSize: 256, width: 96 });
  });

  it('a very slow machine: the smallest particles and batch, and the advice of a narrower network when batch 128 does not fit', () => {
    // 8 ms left at least; train 2 + 0.1 B at width 128: batch 128 is 14.8 ms; at width 64 2 + 0.025 * 128 = 5.2 ms.
    const fit = fitMachine(probe([5, 0.01], [2, 0.1], 40), LIMIT, FRAME_TARGET_MS);
    expect(fit.particles).toBe(1000);
    // width 96: 2 + 0.1 * 128 * 0.5625 = 9.2 > 3.2: too slow; 64 fits.
    expect(fit.width).toBe(64);
    expect(fit.batchSize).toBe(128);
    // The step is estimated at the width in use (the advice is not applied).
    expect(fit.trainStepMs).toBeCloseTo(2 + 0.1 * 128, 9);
    expect(fitProfile(fit)).toEqual({ data: { particles: 1000 }, model: { batchSize: 128 } });
  });

  it('as a profile under a link: the link\'s own settings win', () => {
    const fit = fitMachine(probe([0.5, 0.0025], [1, 0.025], FRAME_TARGET_MS - 20), LIMIT, FRAME_TARGET_MS);
    const defaults = withProfile(defaultConfig(), fitProfile(fit));
    expect(defaults.model.width).toBe(128);
    const { config, problems } = configFromHash('#data.particles=7000&model.width=256', defaults);
    expect(problems).toEqual([]);
    expect(config.data.particles).toBe(7000);
    expect(config.model.width).toBe(256);
    expect(config.model.batchSize).toBe(256);
    expect([...keysSetByLink('#data.particles=7000&model.width=256')]).toEqual(['data.particles', 'model.width']);
    expect(keysSetByLink('').size).toBe(0);
  });

  it('says what the machine affords in words', () => {
    expect(affordsLine('wasm', true, { particles: 3000, batchSize: 256 }, 12.4)).toBe('CPU (wasm): 3,000 particles, batch 256, training 12 ms a frame');
    expect(affordsLine('webgpu', false, { particles: 20000, batchSize: 512 }, 8)).toBe('GPU (webgpu): 20,000 particles, batch 512, training 8 ms a frame');
  });
});

describe('RefitWatch', () => {
  const state = (over: Partial<RefitState> = {}): RefitState => ({ particles: 4000, batchSize: 256, locked: new Set(), busy: false, ...over });

  /** Samples once a second at `fps` for `seconds`; returns the re-fits asked for. */
  function feed(w: RefitWatch, t0: number, seconds: number, fps: number, s: () => RefitState, onRefit: (r: Refit) => void = () => undefined) {
    const out: Refit[] = [];
    for (let i = 0; i <= seconds; i++) {
      const r = w.sample(t0 + i * 1000, fps, s());
      if (r) {
        out.push(r);
        onRefit(r);
      }
    }
    return out;
  }

  it('halves the particles after 5 s below 27 fps, with the reason in the toast', () => {
    const w = new RefitWatch({ targetFps: 30 });
    expect(feed(w, 0, 4, 18, () => state())).toEqual([]);
    const r = w.sample(5000, 18, state());
    expect(r).toEqual({ key: 'data.particles', from: 4000, to: 2000, message: '18 fps for 5 s: 4,000 -> 2,000 particles' });
    expect(w.count).toBe(1);
  });

  it('a frame rate at 90 % of the target or above, or a busy recording, restarts the low time', () => {
    const w = new RefitWatch({ targetFps: 30 });
    expect(feed(w, 0, 4, 18, () => state())).toEqual([]);
    expect(w.sample(4500, 28, state())).toBeNull();
    expect(feed(w, 5000, 4, 18, () => state())).toEqual([]); // 4 s low again: not yet
    expect(w.sample(9500, 18, state({ busy: true }))).toBeNull();
    expect(feed(w, 10_000, 4, 18, () => state())).toEqual([]);
    expect(w.sample(15_000, 18, state())?.to).toBe(2000);
  });

  it('then the batch once the particles are at the floor, never a field the link set, at most 3 times', () => {
    const w = new RefitWatch({ targetFps: 30 });
    let s = state({ particles: 1000, batchSize: 512 });
    const changes = feed(w, 0, 40, 10, () => s, (r) => (s = { ...s, batchSize: r.to }));
    expect(changes.map((r) => [r.key, r.from, r.to])).toEqual([
      ['model.batchSize', 512, 256],
      ['model.batchSize', 256, 128],
    ]);
    expect(changes[0].message).toBe('10 fps for 5 s: batch 512 -> 256');
    const locked = new RefitWatch({ targetFps: 30 });
    expect(feed(locked, 0, 20, 10, () => state({ locked: new Set(['data.particles', 'model.batchSize']) }))).toEqual([]);
    const many = new RefitWatch({ targetFps: 30 });
    let big = state({ particles: 20_000, batchSize: 1024 });
    const all = feed(many, 0, 60, 10, () => big, (r) => (big = { ...big, particles: r.to }));
    expect(all.map((r) => r.to)).toEqual([10_000, 5_000, 2_500]);
    expect(many.count).toBe(3);
  });
});

describe('the probe\'s measurements (Node, wasm)', () => {
  it('measures a forward pass at each particle count and a step at each batch, and leaves no tensor behind', async () => {
    const c = defaultConfig();
    c.model.width = 16;
    c.model.depth = 1;
    await measureCosts(c, [10], [8]); // the first run creates the backend's own kernels and caches
    const before = tf.memory().numTensors;
    const m = await measureCosts(c, [50, 100], [16, 32]);
    expect(tf.memory().numTensors).toBe(before);
    expect(m.forward.map((p) => p.size)).toEqual([50, 100]);
    expect(m.train.map((p) => p.size)).toEqual([16, 32]);
    expect(m.probeWidth).toBe(16);
    for (const p of [...m.forward, ...m.train]) expect(Number.isFinite(p.ms) && p.ms >= 0).toBe(true);
    // Past its deadline the probe measures only the first size of each list.
    const quick = await measureCosts(c, [50, 100], [16, 32], 0);
    expect(quick.forward.map((p) => p.size)).toEqual([50]);
    expect(quick.train.map((p) => p.size)).toEqual([16]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
