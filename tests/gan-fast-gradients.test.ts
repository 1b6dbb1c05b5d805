import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { sampleDataset } from '../src/data/datasets';
import { DenseNetwork } from '../src/models/dense-network';
import { criticGradients, generatorGradients, type FirstOrderGame } from '../src/models/gan-gradients';
import { clippedCriticGains, criticLoss, defaultGanTraining, Gan, generatorLoss, type GanLoss, type GeneratorObjective } from '../src/models/gan';
import { GanTrainer } from '../src/models/gan-trainer';
import { GameOptimizer } from '../src/models/gan-training';
import { ACTIVATIONS, type MlpSpec } from '../src/models/mlp';
import { createRng } from '../src/models/random';

/** Largest |a - b| over two tensors of one shape. */
const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
/** Largest |a - b| relative to max(1, |b|_max) over two tensors of one shape. */
const relDiff = (a: tf.Tensor, b: tf.Tensor): number => maxDiff(a, b) / Math.max(1, tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0]));

/** Autograd's gradients of `loss` in `variables`, in their order. */
function autograd(loss: () => tf.Scalar, variables: tf.Variable[]): { value: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = tf.variableGrads(loss, variables);
  return { value, grads: variables.map((v) => grads[v.name]) };
}

/** Compares fast gradients with autograd's to 1e-5 (each gradient's largest entry difference). */
function expectSameGradients(fast: { loss: tf.Scalar; grads: tf.Tensor[] }, auto: { value: tf.Scalar; grads: tf.Tensor[] }, label: string): void {
  expect(fast.grads.length, label).toBe(auto.grads.length);
  expect(Math.abs(fast.loss.dataSync()[0] - auto.value.dataSync()[0]), label).toBeLessThan(1e-5);
  fast.grads.forEach((g, i) => {
    expect(g.shape, label).toEqual(auto.grads[i].shape);
    expect(relDiff(g, auto.grads[i]), `${label}, variable ${i}`).toBeLessThan(1e-5);
  });
  // The gradients are not all zero: the comparison means something.
  expect(Math.max(...auto.grads.map((g) => tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]))), label).toBeGreaterThan(1e-3);
  tf.dispose([fast.loss, auto.value, ...fast.grads, ...auto.grads]);
}

describe('DenseNetwork.trace and backward (backpropagation written out)', () => {
  it('equal tf.variableGrads and tf.grad of sum(out * v) for every activation, with and without gains', () => {
    for (const activation of ACTIVATIONS) {
      for (const gained of [false, true]) {
        const spec: MlpSpec = { width: 12, depth: 3, activation };
        const net = new DenseNetwork(3, 2, spec, createRng(5), 1, gained ? clippedCriticGains(3, spec) : undefined);
        const x = tf.randomNormal([7, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
        const v = tf.randomNormal([7, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
        const label = `${activation}${gained ? ' with gains' : ''}`;
        const auto = autograd(() => tf.sum(tf.mul(net.apply(x), v)) as tf.Scalar, net.variables);
        const fast = tf.tidy(() => {
          const trace = net.trace(x);
          return { loss: tf.sum(tf.mul(trace.out, v)) as tf.Scalar, grads: net.backward(trace, v, { weights: true, input: false }).grads };
        });
        expectSameGradients(fast, auto, label);
        const dxAuto = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(net.apply(xx as tf.Tensor2D), v)))(x);
        const dx = tf.tidy(() => net.backward(net.trace(x), v, { weights: false, input: true }).dx as tf.Tensor2D);
        expect(relDiff(dx, dxAuto), label).toBeLessThan(1e-5);
        tf.dispose([x, v, dxAuto, dx]);
        net.dispose();
      }
    }
  });

  it('rejects a cotangent of the wrong shape and a broadcast one for weight gradients', () => {
    const net = new DenseNetwork(2, 1, { width: 8, depth: 2, activation: 'silu' }, createRng(1));
    const x = tf.zeros([4, 2]) as tf.Tensor2D;
    tf.tidy(() => {
      const trace = net.trace(x);
      expect(() => net.backward(trace, tf.ones([4, 2]) as tf.Tensor2D, { weights: true, input: false })).toThrow(RangeError);
      expect(() => net.backward(trace, tf.ones([1, 1]) as tf.Tensor2D, { weights: true, input: false })).toThrow(RangeError);
      expect(net.backward(trace, tf.ones([1, 1]) as tf.Tensor2D, { weights: false, input: true }).dx?.shape).toEqual([4, 2]);
    });
    x.dispose();
    net.dispose();
  });
});

describe('GAN fast gradients (gan-gradients.ts) equal autograd of the same loss to 1e-5', () => {
  const games: { game: FirstOrderGame; clipped: boolean }[] = [
    { game: 'gan', clipped: false },
    { game: 'wgan', clipped: true },
    { game: 'wgan', clipped: false },
  ];

  it('the discriminator/critic loss (GAN, WGAN with and without the clipped critic gains), for every activation', () => {
    for (const activation of ACTIVATIONS) {
      for (const { game, clipped } of games) {
        const spec: MlpSpec = { width: 16, depth: 3, activation };
        const gan = new Gan(2, { latentDim: 2, generator: spec, critic: spec, clippedCritic: clipped }, createRng(7));
        // Unequal batches check the per-kind means.
        const real = tf.randomNormal([9, 2], 1, 1, 'float32', 3) as tf.Tensor2D;
        const fake = gan.generate(tf.randomNormal([6, 2], 0, 1, 'float32', 4) as tf.Tensor2D);
        const auto = autograd(() => criticLoss(game, gan.criticOutput(real), gan.criticOutput(fake)), gan.critic.variables);
        expectSameGradients(criticGradients(gan, game, real, fake), auto, `${game}${clipped ? ' clipped' : ''} ${activation}`);
        tf.dispose([real, fake]);
        gan.dispose();
      }
    }
  });

  it('the generator loss (minimax, non-saturating, WGAN, WGAN-GP), for every activation', () => {
    const cases: { game: GanLoss; objective: GeneratorObjective; clipped: boolean }[] = [
      { game: 'gan', objective: 'minimax', clipped: false },
      { game: 'gan', objective: 'non-saturating', clipped: false },
      { game: 'wgan', objective: 'non-saturating', clipped: true },
      { game: 'wgan-gp', objective: 'minimax', clipped: false },
    ];
    for (const activation of ACTIVATIONS) {
      for (const { game, objective, clipped } of cases) {
        const spec: MlpSpec = { width: 16, depth: 3, activation };
        const gan = new Gan(2, { latentDim: 3, generator: spec, critic: spec, clippedCritic: clipped }, createRng(8));
        const z = tf.randomNormal([11, 3], 0, 1, 'float32', 5) as tf.Tensor2D;
        const auto = autograd(() => generatorLoss(game, objective, gan.criticOutput(gan.generate(z))), gan.generator.variables);
        expectSameGradients(generatorGradients(gan, game, objective, z), auto, `${game} ${objective} ${activation}`);
        z.dispose();
        gan.dispose();
      }
    }
  });
});

describe('GameOptimizer (one flat update) steps as tf.train.adam / tf.train.rmsprop', () => {
  it('equals the tfjs optimizers of each game over 4 steps, and a gain g divides the step by g', () => {
    const rules: { game: GanLoss; reference: (lr: number) => tf.Optimizer }[] = [
      { game: 'gan', reference: (lr) => tf.train.adam(lr, 0.5, 0.999, 1e-8) },
      { game: 'wgan', reference: (lr) => tf.train.rmsprop(lr, 0.99, 0, 1e-8, false) },
      { game: 'wgan-gp', reference: (lr) => tf.train.adam(lr, 0, 0.9, 1e-8) },
    ];
    for (const { game, reference } of rules) {
      const init = [tf.tensor2d([[0.5, -0.2], [0.1, 0.3]]), tf.tensor1d([0.05, -0.4, 0.2])];
      const ours = init.map((t) => tf.variable(t));
      const theirs = init.map((t) => tf.variable(t));
      const gainedTheirs = init.map((t) => tf.variable(t));
      const c = [tf.tensor2d([[1, -2], [0.5, 3]]), tf.tensor1d([-1, 0.25, 2])];
      // A loss with a gradient that changes along the way: sum(c w + w^3).
      const loss = (vs: tf.Variable[]) => (): tf.Scalar => tf.addN(vs.map((v, i) => tf.sum(tf.add(tf.mul(c[i], v), tf.pow(v, 3))))) as tf.Scalar;
      const opt = new GameOptimizer(game, 1e-2, ours);
      const ref = reference(1e-2);
      // The second variable read through a gain 4: its step is lr / 4 (tf.train's with lr / 4 on that variable alone).
      const gainedOurs = init.map((t) => tf.variable(t));
      const gainedOpt = new GameOptimizer(game, 1e-2, gainedOurs, [1, 4]);
      const refPlain = reference(1e-2);
      const refQuarter = reference(1e-2 / 4);
      for (let step = 0; step < 4; step++) {
        tf.dispose(opt.minimize(loss(ours)));
        ref.minimize(loss(theirs), true)?.dispose();
        tf.dispose(gainedOpt.minimize(loss(gainedOurs)));
        const { grads } = tf.variableGrads(loss(gainedTheirs), gainedTheirs);
        refPlain.applyGradients([{ name: gainedTheirs[0].name, tensor: grads[gainedTheirs[0].name] }]);
        refQuarter.applyGradients([{ name: gainedTheirs[1].name, tensor: grads[gainedTheirs[1].name] }]);
        tf.dispose(grads);
      }
      ours.forEach((v, i) => {
        expect(maxDiff(v, theirs[i]), game).toBeLessThan(1e-6);
        expect(maxDiff(v, init[i]), game).toBeGreaterThan(1e-3);
        expect(maxDiff(gainedOurs[i], gainedTheirs[i]), `${game} gained`).toBeLessThan(1e-6);
      });
      [opt, gainedOpt].forEach((o) => o.dispose());
      [ref, refPlain, refQuarter].forEach((o) => o.dispose());
      tf.dispose([...init, ...ours, ...theirs, ...gainedOurs, ...gainedTheirs, ...c]);
    }
  });

  it('rejects gradients that do not match the variables', () => {
    const v = tf.variable(tf.zeros([2]));
    const opt = new GameOptimizer('gan', 1e-3, [v]);
    const wrong = tf.zeros([3]);
    expect(() => opt.applyGradients([wrong])).toThrow(RangeError);
    expect(() => opt.applyGradients([])).toThrow(RangeError);
    opt.dispose();
    tf.dispose([v, wrong]);
  });
});

describe('GanTrainer on the fast path', () => {
  const data = sampleDataset('gaussians-8', 500, createRng(1)).points;
  const spec: MlpSpec = { width: 16, depth: 2, activation: 'silu' };

  it('leaks no tensor per step, for every game', () => {
    for (const loss of ['gan', 'wgan', 'wgan-gp'] as const) {
      const gan = new Gan(2, { generator: spec, critic: spec, clippedCritic: loss === 'wgan' }, createRng(2));
      const trainer = new GanTrainer(gan, data, createRng(3), { ...defaultGanTraining(loss), batchSize: 32 });
      // The optimizers' moments are made on the first step.
      tf.dispose(trainer.step());
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) tf.dispose(trainer.step());
      expect(tf.memory().numTensors, loss).toBe(before);
      trainer.dispose();
      gan.dispose();
    }
  });

  it('the preset "GAN on 8 Gaussians" (3 x 64 SiLU, batch 128) takes at most 280 kernels per generator step (autograd took 785)', async () => {
    const net: MlpSpec = { width: 64, depth: 3, activation: 'silu' };
    const gan = new Gan(2, { latentDim: 2, generator: net, critic: net }, createRng(2));
    const trainer = new GanTrainer(gan, data, createRng(3), { ...defaultGanTraining('gan'), batchSize: 128 });
    tf.dispose(trainer.step());
    const profile = await tf.profile(() => {
      tf.dispose(trainer.step());
    });
    expect(profile.kernels.length).toBeLessThanOrEqual(280);
    trainer.dispose();
    gan.dispose();
  });
});
