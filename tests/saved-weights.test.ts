import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type ModelKind, type PlaygroundConfig } from '../src/config/playground-config';
import { base64ToFloats, decodeWeights, encodeWeights, floatsToBase64, WeightsFileError } from '../src/models/weights-file';
import { pointsFromCoordinates } from '../src/data/point-data';
import { DiffusionSession } from '../src/session/diffusion-session';
import { GanSession } from '../src/session/gan-session';
import { adoptWeightsConfig, loadWeights, readWeights, saveWeights, sessionNetworks, weightDifferences } from '../src/session/saved-weights';

/** A small scene of one model kind (fast to build and train). */
function small(kind: ModelKind, edit: (c: PlaygroundConfig) => void = () => undefined): PlaygroundConfig {
  const c = defaultConfig();
  c.model.kind = kind;
  c.data.dataset = 'gaussians-8';
  c.data.particles = 1000;
  c.model.width = 32;
  c.model.depth = 2;
  c.model.batchSize = 64;
  if (kind === 'score') c.sampling.sampler = 'langevin';
  if (kind === 'flow') c.sampling.sampler = 'rk4';
  edit(c);
  return c;
}

type Session = DiffusionSession | GanSession;
const make = (c: PlaygroundConfig): Session => (c.model.kind.includes('gan') ? new GanSession(c) : new DiffusionSession(c));

/** What the session's models compute on a fixed 9 x 9 grid: the sampling field at two times, or G(z) and the critic. */
function fieldOnGrid(s: Session): Float32Array[] {
  return tf.tidy(() => {
    const pts: number[] = [];
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) pts.push(-2 + i / 2, -2 + j / 2);
    const grid = tf.tensor2d(pts, [81, 2]);
    if (s instanceof GanSession) {
      const z = grid.slice([0, 0], [81, s.gan.latentDim]) as tf.Tensor2D;
      return [s.gan.generate(z).dataSync() as Float32Array, s.gan.criticOutput(grid).dataSync() as Float32Array];
    }
    const net = s.trainer.samplingNet;
    return [net.predict(grid, 0.3).dataSync() as Float32Array, net.predict(grid, 0.8).dataSync() as Float32Array, s.net.predict(grid, 0.5).dataSync() as Float32Array];
  });
}

describe('weights files: save and load give the same field', () => {
  const KINDS: ModelKind[] = ['ddpm', 'score', 'flow', 'gan', 'wgan', 'wgan-gp'];
  it.each(KINDS)('%s: trained weights (and the EMA copy) round-trip exactly into a fresh scene', async (kind) => {
    const before = tf.memory().numTensors;
    const trained = make(small(kind));
    for (let i = 0; i < 12; i++) trained.trainStep();
    trained.simulate();
    const text = await saveWeights(trained, `${kind} test`);
    const expected = fieldOnGrid(trained);
    const names = Object.keys(sessionNetworks(trained));
    expect(names).toEqual(kind.includes('gan') ? ['generator', 'critic'] : ['net', 'ema']);

    // Another seed: other initial weights, same shapes.
    const fresh = make(small(kind, (c) => (c.data.seed = 77)));
    const read = readWeights(text, defaultConfig());
    expect(read.problems).toEqual([]);
    expect(read.config).toEqual(small(kind));
    expect(read.doc.name).toBe(`${kind} test`);
    expect(read.doc.trainSteps).toBe(trained.trainSteps);
    const differing = fieldOnGrid(fresh);
    expect(differing[0]).not.toEqual(expected[0]);
    expect(loadWeights(fresh, read)).toEqual([]);
    expect(fresh.trainSteps).toBe(trained.trainSteps);
    const got = fieldOnGrid(fresh);
    got.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(expected[i])));
    if (fresh instanceof GanSession && trained instanceof GanSession) {
      fresh.simulate();
      expect(Array.from(fresh.particles.current.dataSync()).slice(0, 20)).not.toEqual([]);
    }
    trained.dispose();
    fresh.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the EMA warm-up resumes at the saved step', async () => {
    const trained = new DiffusionSession(small('ddpm'));
    for (let i = 0; i < 20; i++) trained.trainStep();
    const fresh = new DiffusionSession(small('ddpm'));
    loadWeights(fresh, readWeights(await saveWeights(trained, 'x'), defaultConfig()));
    // One more step on both from the same weights: the EMAs move alike (same decay schedule).
    trained.trainStep();
    fresh.trainStep();
    const [a, b] = [await trained.trainer.samplingNet.getWeights(), await fresh.trainer.samplingNet.getWeights()];
    // The batches differ (other rng state), but the EMA moved by at most (1 - d_20) of a step: close.
    const diff = a.map((w, i) => Math.max(...w.map((x, j) => Math.abs(x - b[i][j]))));
    expect(Math.max(...diff)).toBeLessThan(0.02);
    trained.dispose();
    fresh.dispose();
  });

  it('a scene of another shape is refused with a message naming the fields, and nothing changes', async () => {
    const trained = new DiffusionSession(small('ddpm'));
    const read = readWeights(await saveWeights(trained, 'x'), defaultConfig());
    const other = new DiffusionSession(small('ddpm', (c) => Object.assign(c.model, { width: 64, activation: 'relu' })));
    const field = fieldOnGrid(other);
    expect(() => loadWeights(other, read)).toThrow(WeightsFileError);
    expect(() => loadWeights(other, read)).toThrow(/model\.width = 32, model\.activation = silu; this scene has 64, relu/);
    expect(fieldOnGrid(other)).toEqual(field);
    expect(other.trainSteps).toBe(0);
    // What the app offers: the scene takes the file's weight fields (and says which), then loads.
    const { config, changes } = adoptWeightsConfig(other.config, read.config, false);
    expect(changes).toEqual(['model.width 64 -> 32', 'model.activation relu -> silu']);
    expect(weightDifferences(config, read.config)).toEqual([]);
    expect(config.view).toEqual(other.config.view);
    other.apply(config);
    loadWeights(other, read);
    expect(fieldOnGrid(other)).toEqual(fieldOnGrid(trained));
    trained.dispose();
    other.dispose();
  });

  it('a version-1 DDPM file (time scale 1000, no "timeScale") loads at its own scale and gives the same field; saved again it says 1000', async () => {
    const before = tf.memory().numTensors;
    const old = new DiffusionSession(small('ddpm'));
    // What a version-1 build trained: the DDPM embedding at 1000.
    for (const net of new Set([old.net, old.trainer.samplingNet])) net.useTimeScale(1000);
    for (let i = 0; i < 12; i++) old.trainStep();
    const v1 = JSON.parse(await saveWeights(old, 'v1'));
    expect(v1.version).toBe(2);
    expect(v1.timeScale).toBe(1000);
    delete v1.timeScale;
    v1.version = 1;
    const read = readWeights(JSON.stringify(v1), defaultConfig());
    expect(read.doc.timeScale).toBe(1000);
    const fresh = new DiffusionSession(small('ddpm', (c) => (c.data.seed = 77)));
    expect(fresh.net.spec.timeScale).toBe(50);
    loadWeights(fresh, read);
    expect(fresh.net.spec.timeScale).toBe(1000);
    expect(fresh.trainer.samplingNet.spec.timeScale).toBe(1000);
    fieldOnGrid(fresh).forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(fieldOnGrid(old)[i])));
    expect(JSON.parse(await saveWeights(fresh, 'again')).timeScale).toBe(1000);
    // A version-1 score or flow file was trained at 50 already; a version-2 file says its scale.
    expect(decodeWeights(JSON.stringify({ ...v1, config: { model: { kind: 'flow' } } })).timeScale).toBe(50);
    expect(decodeWeights(JSON.stringify({ ...v1, version: 2, timeScale: 50 })).timeScale).toBe(50);
    old.dispose();
    fresh.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the DDPM schedule and the score model sigma range belong to the weights; the sampler does not', () => {
    const a = small('ddpm');
    expect(weightDifferences(a, small('ddpm', (c) => (c.schedule.T = 500))).map((d) => d.field)).toEqual(['schedule.T']);
    expect(weightDifferences(a, small('ddpm', (c) => (c.sampling.sampler = 'ddim')))).toEqual([]);
    expect(weightDifferences(small('score'), small('score', (c) => (c.schedule.sigmaMax = 10))).map((d) => d.field)).toEqual(['schedule.sigmaMax']);
    expect(weightDifferences(small('gan'), small('gan', (c) => (c.gan.latentDim = 4))).map((d) => d.field)).toEqual(['gan.latentDim']);
    expect(weightDifferences(small('gan'), small('wgan')).map((d) => d.field)).toEqual(['model.kind']);
  });

  it('weights trained on custom points load into a built-in scene of the same dimension, with a note', async () => {
    const raw = Array.from({ length: 400 }, (_, i) => [Math.cos(i / 10) * 3, Math.sin(i / 7)]).flat();
    const custom = pointsFromCoordinates(raw, 2).set;
    const trained = new DiffusionSession(small('flow', (c) => (c.data.source = 'custom')), 0, custom);
    for (let i = 0; i < 5; i++) trained.trainStep();
    const read = readWeights(await saveWeights(trained, 'mine'), defaultConfig());
    expect(read.config.data.source).toBe('custom');
    const scene = small('flow', (c) => (c.data.dataset = 'rings'));
    const { config, changes, notes } = adoptWeightsConfig(scene, read.config, false);
    expect(config.data.source).toBe('built-in');
    expect(changes).toEqual([]);
    expect(config.data.dataset).toBe('rings');
    expect(notes).toEqual([expect.stringMatching(/own points, which a file does not carry: using the built-in data set/)]);
    const other = new DiffusionSession(config);
    loadWeights(other, read);
    expect(fieldOnGrid(other)).toEqual(fieldOnGrid(trained));
    // 3D data: the shapes do not fit, and the message says so.
    const knot = new DiffusionSession(small('flow', (c) => (c.data.dataset = 'torus-knot')));
    expect(() => loadWeights(knot, read)).toThrow(/tensor 0: 2 x 32 in the file, 3 x 32 here \(3D against 2D data/);
    [trained, other, knot].forEach((s) => s.dispose());
  });

  it('a GAN file loaded into a diffusion scene names the missing networks', async () => {
    const gan = new GanSession(small('gan'));
    const text = await saveWeights(gan, 'g');
    const ddpm = new DiffusionSession(small('ddpm'));
    const read = readWeights(text, defaultConfig());
    expect(() => loadWeights(ddpm, read)).toThrow(/model\.kind = gan; this scene has ddpm/);
    gan.dispose();
    ddpm.dispose();
  });
});

describe('weights file format', () => {
  it('float32 values survive base64 bit for bit (subnormals, -0, extremes)', () => {
    const v = new Float32Array([0, -0, 1, -1, 3.4028234663852886e38, 1.401298464324817e-45, Math.PI, -1e-30]);
    const back = base64ToFloats(floatsToBase64(v), v.length, 't');
    expect(Array.from(back).map((x) => Object.is(x, -0) ? '-0' : x)).toEqual(Array.from(v).map((x) => Object.is(x, -0) ? '-0' : x));
  });

  it('refuses broken files with one clear message each', () => {
    const good = JSON.parse(encodeWeights({ name: 'n', trainSteps: 3, config: {}, networks: { net: [{ shape: [2, 2], values: new Float32Array([1, 2, 3, 4]) }] } }));
    const variant = (edit: (o: Record<string, any>) => void): string => {
      const o = structuredClone(good);
      edit(o);
      return JSON.stringify(o);
    };
    const cases: [string, RegExp][] = [
      ['{not json', /^not a JSON file/],
      ['[1,2]', /not a weights file/],
      [variant((o) => (o.format = 'other')), /"format" must be "generative-playground-weights"/],
      [variant((o) => (o.version = 3)), /version 3, written by a newer/],
      [variant((o) => (o.timeScale = -1)), /"timeScale" must be a number in \(0, 100000\]/],
      [variant((o) => (o.version = '1')), /"version" must be a positive integer/],
      [variant((o) => (o.trainSteps = -1)), /"trainSteps" must be an integer/],
      [variant((o) => (o.networks = [])), /"networks" must be an object/],
      [variant((o) => (o.networks = {})), /1 to 8 networks/],
      [variant((o) => (o.networks = { __proto__x: [] })), /bad network name/],
      [variant((o) => (o.networks.net[0].shape = [2, -2])), /"shape" must be 1 or 2 integers/],
      [variant((o) => (o.networks.net[0].shape = [1e9, 1e9])), /"shape" must be 1 or 2 integers/],
      [variant((o) => (o.networks.net[0].shape = [3, 2])), /holds 4 values, the shape says 6/],
      [variant((o) => (o.networks.net[0].data = '<script>')), /data is not base64/],
      [variant((o) => (o.networks.net[0].data = floatsToBase64(new Float32Array([1, Number.NaN, 3, 4])))), /NaN weight/],
      [variant((o) => (o.networks.net[0].shape = [65536, 65536])), /more than \d+ weights/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        decodeWeights(text);
      } catch (e) {
        error = e;
      }
      expect(error, text.slice(0, 80)).toBeInstanceOf(WeightsFileError);
      expect((error as Error).message, text.slice(0, 80)).toMatch(message);
    }
    expect(() => readWeights(variant((o) => (o.config = 'evil')), defaultConfig())).toThrow(/"config" must be the object/);
    expect(decodeWeights(JSON.stringify(good)).networks.net[0].values).toEqual(new Float32Array([1, 2, 3, 4]));
  });

  it('a hand-edited config in the file is validated (clamped, defaults, unknown keys reported)', () => {
    const text = encodeWeights({ name: '\u0000<b>x</b>\u0007', trainSteps: 0, config: { model: { width: 1e9, evil: 1 }, data: { particles: 'many' } }, networks: { net: [{ shape: [1], values: new Float32Array([1]) }] } });
    const read = readWeights(text, defaultConfig());
    expect(read.doc.name).toBe('<b>x</b>'); // control characters removed; shown with textContent only
    expect(read.config.model.width).toBe(512);
    expect(read.config.data.particles).toBe(20_000);
    expect(read.problems).toHaveLength(3);
  });
});
