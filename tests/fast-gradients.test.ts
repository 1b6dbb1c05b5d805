import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { sampleDataset } from '../src/data/datasets';
import { DdpmTrainer } from '../src/models/ddpm';
import { FieldNetwork } from '../src/models/field-network';
import { ACTIVATIONS, type MlpSpec } from '../src/models/mlp';
import { FlowMatchingTrainer } from '../src/models/flow-matching';
import { LiveTrainer, regressionLoss } from '../src/models/live-trainer';
import { geometricSigmas, NcsnTrainer } from '../src/models/ncsn';
import { createRng } from '../src/models/random';
import { useFastWasmTransposedMatMul } from '../src/models/wasm-matmul';
import { makeSchedule } from '../src/models/schedules';

/** Largest |a - b| over two equally long arrays. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The loss and gradients of the hand-written path and of tfjs autograd on the same batch, read back. */
function bothPaths(net: FieldNetwork, x: tf.Tensor2D, tau: number | tf.Tensor1D, target: tf.Tensor2D) {
  const fast = net.regressionGradients(x, tau, target);
  const tauT = typeof tau === 'number' ? tf.fill([x.shape[0]], tau) as tf.Tensor1D : tau;
  const ref = tf.variableGrads(() => regressionLoss(net, { x, tau: tauT, target }), net.variables);
  const out = {
    fastLoss: fast.loss.dataSync()[0],
    refLoss: ref.value.dataSync()[0],
    fastGrads: fast.grads.map((g) => g.dataSync()),
    refGrads: net.variables.map((v) => ref.grads[v.name].dataSync()),
    shapes: fast.grads.map((g, i) => [g.shape, net.variables[i].shape]),
  };
  tf.dispose([fast.loss, ...fast.grads, ref.value, ...Object.values(ref.grads)]);
  if (tauT !== tau) tauT.dispose();
  return out;
}

describe('hand-written MLP gradients (the fast path) against tfjs autograd', () => {
  for (const activation of ACTIVATIONS) {
    it(`${activation}: same loss and gradient for every variable to 1e-5`, () => {
      const spec: MlpSpec = { width: 32, depth: 3, activation, timeEmbeddingDim: 8 };
      const net = new FieldNetwork(2, spec, createRng(11));
      const rng = createRng(12);
      const x = tf.randomNormal([64, 2], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
      const tau = tf.randomUniform([64], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor1D;
      const target = tf.randomNormal([64, 2], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      const r = bothPaths(net, x, tau, target);
      expect(tf.memory().numTensors).toBe(before);
      expect(r.fastLoss).toBeGreaterThan(0.1); // a real loss, not a trivial zero
      expect(Math.abs(r.fastLoss - r.refLoss)).toBeLessThan(1e-5);
      expect(r.fastGrads.length).toBe(net.variables.length);
      for (let i = 0; i < r.fastGrads.length; i++) {
        expect(r.shapes[i][0]).toEqual(r.shapes[i][1]);
        const scale = Math.max(...Array.from(r.refGrads[i], Math.abs));
        expect(scale).toBeGreaterThan(0); // every variable gets a gradient (relu may zero a few entries, never all)
        expect(maxAbsDiff(r.fastGrads[i], r.refGrads[i])).toBeLessThan(1e-5);
      }
      tf.dispose([x, tau, target]);
      net.dispose();
    });
  }

  it('default network (3 x 128 SiLU, E = 32), batch 512, 3D, and one shared time: same to 1e-5', () => {
    const net = new FieldNetwork(3, { width: 128, depth: 3, activation: 'silu' }, createRng(3));
    const rng = createRng(4);
    const x = tf.randomNormal([512, 3], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
    const target = tf.randomNormal([512, 3], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
    const tau = tf.randomUniform([512], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor1D;
    for (const t of [tau, 0.37] as const) {
      const r = bothPaths(net, x, t, target);
      expect(Math.abs(r.fastLoss - r.refLoss)).toBeLessThan(1e-5);
      r.fastGrads.forEach((g, i) => expect(maxAbsDiff(g, r.refGrads[i])).toBeLessThan(1e-5));
    }
    tf.dispose([x, target, tau]);
    net.dispose();
  });

  it('rejects mismatched shapes and use after dispose', () => {
    const net = new FieldNetwork(2, { width: 8, depth: 1, activation: 'relu' }, createRng(1));
    const x = tf.zeros([4, 2]) as tf.Tensor2D;
    const bad = tf.zeros([4, 3]) as tf.Tensor2D;
    expect(() => net.regressionGradients(x, 0.5, bad)).toThrow(RangeError);
    net.dispose();
    expect(() => net.regressionGradients(x, 0.5, x)).toThrow(/after dispose/);
    tf.dispose([x, bad]);
  });
});

describe('live trainers: fast steps equal autograd steps', () => {
  const data = sampleDataset('two-moons', 2000, createRng(7)).points;
  const spec = { width: 32, depth: 2, activation: 'silu' } as const;
  const training = { learningRate: 1e-2, batchSize: 128, emaDecay: 0.9 };
  const makers: [string, (net: FieldNetwork, seed: number) => LiveTrainer][] = [
    ['DDPM', (net, seed) => new DdpmTrainer(net, makeSchedule({ kind: 'linear', T: 100, betaStart: 1e-3, betaEnd: 0.2 }), data, createRng(seed), training)],
    ['score model (NCSN)', (net, seed) => new NcsnTrainer(net, geometricSigmas(1, 0.01, 10), data, createRng(seed), training)],
    ['flow matching, independent', (net, seed) => new FlowMatchingTrainer(net, data, createRng(seed), training)],
    ['flow matching, minibatch OT', (net, seed) => new FlowMatchingTrainer(net, data, createRng(seed), { ...training, batchSize: 32 }, 'minibatch-ot')],
  ];
  for (const [name, make] of makers) {
    it(`${name}: five steps give the same losses and weights (to 1e-5) and leak nothing`, async () => {
      const nets = [new FieldNetwork(2, spec, createRng(2)), new FieldNetwork(2, spec, createRng(2))];
      const trainers = nets.map((n) => make(n, 9));
      trainers[1].fastGradients = false;
      const before = tf.memory().numTensors;
      for (let s = 0; s < 5; s++) {
        const [a, b] = trainers.map((t) => t.step());
        expect(Math.abs(a.dataSync()[0] - b.dataSync()[0])).toBeLessThan(1e-5);
        tf.dispose([a, b]);
      }
      // Adam creates its moment variables on the first step: count from the second one on.
      const mid = tf.memory().numTensors;
      for (const t of trainers) t.step().dispose();
      expect(tf.memory().numTensors).toBe(mid);
      expect(mid).toBeGreaterThanOrEqual(before);
      const [wa, wb] = await Promise.all(nets.map((n) => n.getWeights()));
      wa.forEach((w, i) => expect(maxAbsDiff(w, wb[i])).toBeLessThan(1e-5));
      const [ea, eb] = await Promise.all(trainers.map((t) => t.samplingNet.getWeights()));
      ea.forEach((w, i) => expect(maxAbsDiff(w, eb[i])).toBeLessThan(1e-5));
      trainers.forEach((t) => t.dispose());
      nets.forEach((n) => n.dispose());
    });
  }
});

describe('wasm matMul with a transposed operand (wasm-matmul.ts)', () => {
  it('is installed and gives the same products as explicit transposes, fused or not, leaking nothing', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(useFastWasmTransposedMatMul()).toBe(true);
    const rng = createRng(21);
    const a = tf.randomNormal([37, 19], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
    const b = tf.randomNormal([37, 23], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
    const c = tf.randomNormal([23, 19], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
    const bias = tf.randomNormal([23], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const pairs = tf.tidy(() => [
      [tf.matMul(a, b, true, false), tf.matMul(tf.transpose(a), b)],
      [tf.matMul(a, c, false, true), tf.matMul(a, tf.transpose(c))],
      [tf.matMul(c, b, true, true), tf.matMul(tf.transpose(c), tf.transpose(b))],
      [tf.fused.matMul({ a, b: c, transposeB: true, bias, activation: 'relu' }), tf.relu(tf.add(tf.matMul(a, tf.transpose(c)), bias))],
      [tf.fused.matMul({ a: b, b: a, transposeA: true }), tf.matMul(tf.transpose(b), a)],
    ]);
    expect(tf.memory().numTensors).toBe(before + 10);
    for (const [got, want] of pairs) {
      expect(got.shape).toEqual(want.shape);
      expect(maxAbsDiff(got.dataSync(), want.dataSync())).toBeLessThan(1e-5);
    }
    tf.dispose([...pairs.flat(), a, b, c, bias]);
  });
});

describe('predict with one shared time (the time term folded into the first fused bias)', () => {
  it('equals predict with the same time given per row', () => {
    const net = new FieldNetwork(2, { width: 32, depth: 2, activation: 'silu' }, createRng(8));
    const x = tf.randomNormal([50, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
    const tau = tf.fill([50], 0.42) as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const [shared, perRow] = [net.predict(x, 0.42), net.predict(x, tau)];
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(maxAbsDiff(shared.dataSync(), perRow.dataSync())).toBeLessThan(1e-5);
    tf.dispose([shared, perRow, x, tau]);
    net.dispose();
  });
});
