import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gaussianMixtureOf, sampleDataset } from '../src/data/datasets';
import { exactVelocity, MixtureField } from '../src/models/exact-fields';
import { convertField, vpPath } from '../src/models/gaussian-path';
import { energyDistance } from '../src/models/metrics';
import { odeStep } from '../src/models/ode-solvers';
import { createRng } from '../src/models/random';
import { ddimStep, ddimTimesteps, langevinStep, reverseSdeStep, sdeCoefficients } from '../src/models/samplers';
import { makeSchedule } from '../src/models/schedules';

const spec = { kind: 'linear' as const, T: 1000, betaStart: 1e-4, betaEnd: 0.02 };
const schedule = makeSchedule(spec);
const path = vpPath(spec);
const mixture = gaussianMixtureOf('gaussians-8')!;
const n = 600;
const reference = sampleDataset('gaussians-8', n, createRng(5)).points;
const noiseBaseline = (() => {
  const z = tf.randomNormal([n, 2], 0, 1, 'float32', 11);
  const d = energyDistance(z.dataSync() as Float32Array, reference, 2);
  z.dispose();
  return d;
})();

describe('DDIM', () => {
  it('visits evenly spaced steps from T down to 0', () => {
    expect(ddimTimesteps(1000, 4)).toEqual([1000, 750, 500, 250, 0]);
    expect(ddimTimesteps(10, 10)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(() => ddimTimesteps(10, 0)).toThrow(RangeError);
  });

  it('eta = 1 with s = t - 1 is the ancestral step with sigma_t^2 = betaTilde_t (mean and variance)', () => {
    const x = tf.tensor2d([[0.5, -1]]);
    const eps = tf.tensor2d([[0.2, 0.3]]);
    const z = tf.tensor2d([[1, 0]]);
    const t = 400;
    const got = ddimStep(x, eps, t, t - 1, schedule, 1, z).dataSync();
    const ab = schedule.alphaBar[t];
    const mean = [0.5, -1].map((xi, i) => (xi - (schedule.beta[t] / Math.sqrt(1 - ab)) * [0.2, 0.3][i]) / Math.sqrt(schedule.alpha[t]));
    const sd = Math.sqrt(schedule.betaTilde[t]);
    expect(got[0]).toBeCloseTo(mean[0] + sd, 4);
    expect(got[1]).toBeCloseTo(mean[1], 4);
    tf.dispose([x, eps, z]);
  });

  it('with the exact field, deterministic DDIM (eta = 0, 50 steps) maps noise to the mixture', () => {
    const field = new MixtureField(path, mixture);
    let x = tf.randomNormal([n, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
    const steps = ddimTimesteps(1000, 50);
    const before = tf.memory().numTensors;
    for (let i = 0; i + 1 < steps.length; i++) {
      const t = steps[i];
      const a = Math.sqrt(schedule.alphaBar[t]);
      const s = Math.sqrt(1 - schedule.alphaBar[t]);
      const eps = tf.tidy(() => tf.div(tf.sub(x, tf.mul(field.denoiseAt(x, a, s), a)), s) as tf.Tensor2D);
      const next = ddimStep(x, eps, t, steps[i + 1], schedule, 0, null);
      tf.dispose([x, eps]);
      x = next;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(energyDistance(x.dataSync() as Float32Array, reference, 2)).toBeLessThan(0.05 * noiseBaseline);
    x.dispose();
    field.dispose();
  });
});

describe('reverse SDE by Euler–Maruyama', () => {
  it('the VP path gives f = -beta/2 and g^2 = beta (seed §5.1)', () => {
    for (const t of [0.1, 0.5, 0.9]) {
      const beta = 1000 * (1e-4 + t * (0.02 - 1e-4));
      const { f, g2 } = sdeCoefficients(path, t);
      expect(f).toBeCloseTo(-beta / 2, 6);
      expect(g2).toBeCloseTo(beta, 6);
    }
  });

  it('lambda = 0 is exactly an Euler step of the probability-flow ODE', () => {
    const field = new MixtureField(path, mixture);
    const x = tf.tensor2d([[0.4, -0.7], [1.5, 0.2]]);
    const t = 0.6;
    const h = 0.01;
    const score = tf.tidy(() => convertField(path, x, t, field.denoise(x, t), 'x0', 'score'));
    const sde = reverseSdeStep(path, x, score, t, h, 0, null).dataSync();
    const ode = odeStep('euler', exactVelocity(path, field), x, t, -h).dataSync();
    sde.forEach((v, i) => expect(v).toBeCloseTo(ode[i], 4));
    tf.dispose([x, score]);
    field.dispose();
  });

  it('with the exact score, the reverse SDE (lambda = 1) and a half-way lambda map noise to the mixture', () => {
    const field = new MixtureField(path, mixture);
    for (const lambda of [1, 0.5]) {
      const rng = createRng(17);
      let x = tf.randomNormal([n, 2], 0, 1, 'float32', 4) as tf.Tensor2D;
      const steps = 300;
      const t0 = 1;
      const t1 = 1e-3;
      const h = (t0 - t1) / steps;
      for (let i = 0; i < steps; i++) {
        const t = t0 - i * h;
        const z = tf.randomNormal([n, 2], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
        const score = tf.tidy(() => convertField(path, x, t, field.denoise(x, t), 'x0', 'score'));
        const next = reverseSdeStep(path, x, score, t, h, lambda, z);
        tf.dispose([x, z, score]);
        x = next;
      }
      expect(energyDistance(x.dataSync() as Float32Array, reference, 2), `lambda ${lambda}`).toBeLessThan(0.1 * noiseBaseline);
      x.dispose();
    }
    field.dispose();
  });
});

describe('Langevin dynamics (seed §4.1)', () => {
  it('samples N(mu, I) from its exact score -(x - mu)', () => {
    const mu = tf.tensor2d([[2, -1]]);
    let x = tf.zeros([4000, 2]) as tf.Tensor2D;
    const rng = createRng(8);
    const delta = 0.05;
    for (let i = 0; i < 400; i++) {
      const z = tf.randomNormal([4000, 2], 0, 1, 'float32', rng.nextSeed()) as tf.Tensor2D;
      const score = tf.sub(mu, x) as tf.Tensor2D;
      const next = langevinStep(x, score, delta, z);
      tf.dispose([x, z, score]);
      x = next;
    }
    const { mean, variance } = tf.moments(x, 0);
    const m = mean.dataSync();
    const v = variance.dataSync();
    expect(m[0]).toBeCloseTo(2, 1);
    expect(m[1]).toBeCloseTo(-1, 1);
    // The discretised chain's stationary variance is 1 / (1 - delta / 4) ~ 1.013.
    for (const vi of v) expect(Math.abs(vi - 1 / (1 - delta / 4))).toBeLessThan(0.06);
    tf.dispose([mu, x, mean, variance]);
    expect(() => langevinStep(x, x, 0, x)).toThrow(RangeError);
  });
});
