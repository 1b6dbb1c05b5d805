import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { forwardStep, noiseToStep, posteriorMean, posteriorMeanFromEpsilon } from '../src/models/forward-process';
import { SeededGaussianNoise, GaussianNoisePool } from '../src/models/noise-source';
import { createRng } from '../src/models/random';
import { makeSchedule } from '../src/models/schedules';

const schedule = makeSchedule({ kind: 'linear', T: 200, betaStart: 1e-4, betaEnd: 0.04 });

function moments(x: tf.Tensor2D): { mean: number[]; variance: number[] } {
  const { mean, variance } = tf.moments(x, 0);
  const out = { mean: Array.from(mean.dataSync()), variance: Array.from(variance.dataSync()) };
  mean.dispose();
  variance.dispose();
  return out;
}

describe('q(x_t | x_0)', () => {
  it('has mean sqrt(alphaBar_t) x_0 and variance 1 - alphaBar_t', () => {
    const noise = new SeededGaussianNoise(2, createRng(1));
    const n = 40_000;
    const x0 = tf.tidy(() => tf.tile(tf.tensor2d([[1.5, -2]]), [n, 1])) as tf.Tensor2D;
    for (const t of [10, 100, 200]) {
      const eps = noise.sample(n);
      const xt = noiseToStep(x0, t, schedule, eps);
      const { mean, variance } = moments(xt);
      const ab = schedule.alphaBar[t];
      expect(mean[0]).toBeCloseTo(1.5 * Math.sqrt(ab), 1);
      expect(mean[1]).toBeCloseTo(-2 * Math.sqrt(ab), 1);
      expect(variance[0]).toBeCloseTo(1 - ab, 1);
      expect(Math.abs(variance[1] - (1 - ab))).toBeLessThan(0.03);
      tf.dispose([eps, xt]);
    }
    x0.dispose();
  });

  it('per-row t equals per-step calls', () => {
    const noise = new SeededGaussianNoise(2, createRng(2));
    const x0 = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const eps = noise.sample(3);
    const batched = noiseToStep(x0, tf.tensor1d([0, 5, 200], 'int32'), schedule, eps);
    const rows = [0, 5, 200].map((t, i) =>
      noiseToStep(x0.slice([i, 0], [1, 2]) as tf.Tensor2D, t, schedule, eps.slice([i, 0], [1, 2]) as tf.Tensor2D),
    );
    const expected = tf.concat(rows, 0);
    expect(Array.from(batched.dataSync())).toEqual(Array.from(expected.dataSync()).map((v) => expect.closeTo(v, 5)));
  });
});

describe('forward chain q(x_t | x_{t-1})', () => {
  it('reaches the closed-form distribution after t steps', () => {
    const noise = new GaussianNoisePool(2, createRng(3));
    const n = 20_000;
    let x = tf.tidy(() => tf.tile(tf.tensor2d([[2, -1]]), [n, 1])) as tf.Tensor2D;
    noise.sample(n).dispose(); // the pool is drawn lazily on first use
    const before = tf.memory().numTensors;
    for (let t = 1; t <= 120; t++) {
      const eps = noise.sample(n);
      const next = forwardStep(x, t, schedule, eps);
      tf.dispose([x, eps]);
      x = next;
    }
    expect(tf.memory().numTensors).toBe(before);
    const { mean, variance } = moments(x);
    const ab = schedule.alphaBar[120];
    expect(mean[0]).toBeCloseTo(2 * Math.sqrt(ab), 1);
    expect(mean[1]).toBeCloseTo(-1 * Math.sqrt(ab), 1);
    for (const v of variance) expect(Math.abs(v - (1 - ab))).toBeLessThan(0.04);
    x.dispose();
    noise.dispose();
  });
});

describe('posterior q(x_{t-1} | x_t, x_0)', () => {
  it('mean written with epsilon equals mean written with x_0 (seed §4.2)', () => {
    const noise = new SeededGaussianNoise(2, createRng(4));
    const x0 = tf.tensor2d([[0.3, -1.2], [2, 0.5], [-1, -1]]);
    for (const t of [1, 2, 37, 199, 200]) {
      const eps = noise.sample(3);
      const xt = noiseToStep(x0, t, schedule, eps);
      const a = posteriorMean(xt, x0, t, schedule).dataSync();
      const b = posteriorMeanFromEpsilon(xt, eps, t, schedule).dataSync();
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
    }
  });
});

describe('noise sources', () => {
  it('the pool gives standard normal rows and is seeded', () => {
    const a = new GaussianNoisePool(3, createRng(7));
    const b = new GaussianNoisePool(3, createRng(7));
    const before = tf.memory().numTensors;
    const xa = a.sample(30_000);
    const xb = b.sample(30_000);
    expect(Array.from(xa.dataSync().slice(0, 10))).toEqual(Array.from(xb.dataSync().slice(0, 10)));
    const { mean, variance } = moments(xa);
    for (const m of mean) expect(Math.abs(m)).toBeLessThan(0.03);
    for (const v of variance) expect(Math.abs(v - 1)).toBeLessThan(0.04);
    tf.dispose([xa, xb]);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before); // the two lazily drawn pools are gone too
  });
});
