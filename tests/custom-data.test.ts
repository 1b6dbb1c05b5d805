import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, isRelevant, type PlaygroundConfig } from '../src/config/playground-config';
import { validateConfig } from '../src/config/validate-config';
import { configFromHash, configToHash } from '../src/config/url-hash';
import { parseCsvPoints } from '../src/data/csv-points';
import { pointsFromCoordinates } from '../src/data/point-data';
import { energyDistance } from '../src/models/metrics';
import { createRng } from '../src/models/random';
import { DiffusionSession } from '../src/session/diffusion-session';
import { GanSession } from '../src/session/gan-session';
import { sceneDataOf } from '../src/session/scene-data';

/** A small config on custom data (validated like user input). */
function customConfig(model: Record<string, unknown> = {}, sampling: Record<string, unknown> = {}): PlaygroundConfig {
  const c = defaultConfig() as unknown as Record<string, Record<string, unknown>>;
  Object.assign(c.data, { source: 'custom', particles: 1000 });
  Object.assign(c.model, { width: 16, depth: 1, batchSize: 64, ...model });
  Object.assign(c.sampling, sampling);
  const { config, problems } = validateConfig(c);
  expect(problems).toEqual([]);
  return config;
}

/** 300 points on a "plus" sign in CSV units (x in [100, 200], y in [-5, 5]). */
function plusCsv(): string {
  const rng = createRng(7);
  const rows = ['x,y'];
  for (let i = 0; i < 300; i++) {
    const u = rng.uniform() * 2 - 1;
    rows.push(i % 2 === 0 ? `${150 + 50 * u},0` : `150,${5 * u}`);
  }
  return rows.join('\n');
}

describe('scene data: built-in or custom', () => {
  it('a custom set of n rows drawn 2n times uses every row exactly twice, in a seeded order', () => {
    const loaded = pointsFromCoordinates([0, 0, 1, 0, 0, 1, 5, 5], 2);
    const data = sceneDataOf({ ...defaultConfig().data, source: 'custom' }, loaded.set);
    expect(data.dim).toBe(2);
    expect(data.mixture).toBeNull();
    const s = data.sample(8, createRng(1));
    const rows = Array.from({ length: 8 }, (_, i) => `${s.points[2 * i]},${s.points[2 * i + 1]}`);
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r, (counts.get(r) ?? 0) + 1);
    expect([...counts.values()]).toEqual([2, 2, 2, 2]);
    expect(data.sample(8, createRng(1)).points).toEqual(s.points);
    // The exact field's support is the set itself when small, else a subsample without replacement.
    expect(data.exactFieldPoints(s, 10, createRng(1))).toBe(loaded.set.points);
    expect(data.exactFieldPoints(s, 3, createRng(1)).length).toBe(6);
  });

  it("'custom' without points, or with a bad set, is a RangeError; built-in sets ignore the custom one", () => {
    const custom = { ...defaultConfig().data, source: 'custom' as const };
    expect(() => sceneDataOf(custom, null)).toThrow(/no point set was given/);
    expect(() => sceneDataOf(custom, { dim: 2, count: 1, points: new Float32Array([0, Number.NaN]), labels: new Uint16Array(1), labelCount: 1 })).toThrow(/not finite/);
    expect(sceneDataOf(defaultConfig().data, null).label).toBe('Two moons');
  });

  it('the GUI shows the data set menu for built-in data and the source switch only while custom data is in use', () => {
    const c = defaultConfig();
    expect([isRelevant('data', 'dataset', c), isRelevant('data', 'source', c)]).toEqual([true, false]);
    c.data.source = 'custom';
    expect([isRelevant('data', 'dataset', c), isRelevant('data', 'source', c)]).toEqual([false, true]);
  });

  it('a link cannot carry custom data: data.source=custom is reported and the built-in set is used', () => {
    const c = defaultConfig();
    c.data.source = 'custom';
    const hash = configToHash(c);
    expect(hash).toBe('data.source=custom');
    const back = configFromHash(`#${hash}&data.dataset=rings`);
    expect(back.config.data.source).toBe('built-in');
    expect(back.config.data.dataset).toBe('rings');
    expect(back.problems).toEqual(['data.source=custom: a link cannot carry your own points; using the built-in data set']);
  });
});

describe('sessions on custom data', () => {
  it('DDIM with the exact field draws a loaded CSV point set (far below the noise baseline)', async () => {
    const loaded = parseCsvPoints(plusCsv());
    const s = new DiffusionSession(customConfig({}, { field: 'exact', sampler: 'ddim', nfe: 20, phase: 'reverse' }), 0, loaded.set);
    expect(s.dim).toBe(2);
    expect(s.sceneData.label).toBe('custom data (300 points)');
    do s.simulate();
    while (s.particles.t > 0);
    const x = (await s.particles.current.data()) as Float32Array;
    const data = s.sceneData.sample(1000, createRng(2)).points;
    const noise = tf.tidy(() => tf.randomNormal([1000, 2], 0, 1, 'float32', 3).dataSync() as Float32Array);
    const model = energyDistance(x, data, 2);
    const baseline = energyDistance(noise, data, 2);
    console.log(`exact DDIM on a loaded CSV: energy distance ${model.toFixed(4)} (noise baseline ${baseline.toFixed(3)})`);
    expect(baseline).toBeGreaterThan(0.1);
    expect(model).toBeLessThan(baseline / 20);
    s.dispose();
  });

  it('3D custom data gives a 3D scene; flow matching trains and samples on it', () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${Math.cos(i)},${Math.sin(i)},${i / 10}`).join('\n');
    const s = new DiffusionSession(customConfig({ kind: 'flow' }, { phase: 'reverse', nfe: 5, sampler: 'euler' }), 0, parseCsvPoints(rows).set);
    expect(s.dim).toBe(3);
    for (let i = 0; i < 3; i++) s.trainStep();
    do s.simulate();
    while (s.particles.t > 0);
    expect(s.particles.current.shape).toEqual([1000, 3]);
    expect(s.reference.dim).toBe(3);
    s.dispose();
  });

  it('apply: new custom points rebuild from the data; a custom source without points throws and leaves the scene intact', () => {
    const a = parseCsvPoints('0,0\n1,0\n0,1\n');
    const b = parseCsvPoints('0,0,0\n1,0,0\n0,1,2\n');
    const config = customConfig();
    const s = new DiffusionSession(config, 0, a.set);
    expect(s.customData).toBe(a.set);
    expect(s.apply(config)).toBe('live');
    expect(s.apply(config, b.set)).toBe('data');
    expect(s.dim).toBe(3);
    const before = tf.memory().numTensors;
    expect(() => s.apply(config, null)).toThrow(/no point set/);
    expect(tf.memory().numTensors).toBe(before);
    expect(s.customData).toBe(b.set);
    s.trainStep();
    s.simulate();
    // Back to a built-in set: the custom points are kept for later.
    const builtIn = { ...config, data: { ...config.data, source: 'built-in' as const } };
    expect(s.apply(builtIn)).toBe('data');
    expect(s.dim).toBe(2);
    expect(s.customData).toBe(b.set);
    s.dispose();
    expect(() => new DiffusionSession(config)).toThrow(/no point set/);
  });

  it('a GAN trains on custom data; its session takes and swaps the points the same way', () => {
    const a = parseCsvPoints(plusCsv());
    const config = customConfig({ kind: 'wgan-gp' });
    const s = new GanSession(config, a.set);
    expect(s.dim).toBe(2);
    s.trainStep();
    s.simulate();
    expect(s.particles.current.shape).toEqual([1000, 2]);
    expect(s.apply(config, parseCsvPoints('0,0,0\n1,1,1\n').set)).toBe('data');
    expect(s.dim).toBe(3);
    expect(() => s.apply(config, null)).toThrow(/no point set/);
    expect(s.dim).toBe(3);
    s.dispose();
  });
});
