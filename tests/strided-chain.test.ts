import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gaussianMixtureOf, sampleDataset } from '../src/data/datasets';
import { ancestralStep } from '../src/models/ddpm';
import { ExactEpsilon, MixtureField } from '../src/models/exact-fields';
import { forwardStep } from '../src/models/forward-process';
import { vpPath } from '../src/models/gaussian-path';
import { energyDistance } from '../src/models/metrics';
import { SeededGaussianNoise } from '../src/models/noise-source';
import { createRng } from '../src/models/random';
import { makeSchedule } from '../src/models/schedules';
import { ancestralJump, chainJump, forwardJump, stridedSteps } from '../src/models/strided-chain';

const spec = { kind: 'linear' as const, T: 1000, betaStart: 1e-4, betaEnd: 0.02 };
const schedule = makeSchedule(spec);
const ab = schedule.alphaBar;

describe('the strided DDPM chain (seed §4.1–4.2 over jumps)', () => {
  it('keeps evenly strided steps from T down to 0', () => {
    expect(stridedSteps(1000, 4)).toEqual([1000, 750, 500, 250, 0]);
    expect(stridedSteps(1000, 100).length).toBe(101);
    expect(stridedSteps(10, 10)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(() => chainJump(schedule, 10, 10)).toThrow(RangeError);
    expect(() => chainJump(schedule, 1001, 0)).toThrow(RangeError);
  });

  it('composing the forward jumps over the kept steps gives q(x_t | x_0) = N(sqrt(alphaBar_t) x_0, (1 - alphaBar_t) I) at every kept step', () => {
    for (const K of [3, 10, 37, 100]) {
      const up = [...stridedSteps(1000, K)].reverse();
      let mean = 1; // coefficient of x_0
      let variance = 0;
      for (let i = 1; i < up.length; i++) {
        const { beta } = chainJump(schedule, up[i], up[i - 1]);
        mean *= Math.sqrt(1 - beta);
        variance = (1 - beta) * variance + beta;
        expect(mean).toBeCloseTo(Math.sqrt(ab[up[i]]), 12);
        expect(variance).toBeCloseTo(1 - ab[up[i]], 12);
      }
    }
  });

  it('the posterior q(x_s | x_t, x_0) of a jump, with betaTilde, has the marginal q(x_s | x_0) (mean and variance)', () => {
    for (const [t, s] of [[1000, 900], [500, 250], [40, 1], [7, 6]]) {
      const j = chainJump(schedule, t, s);
      // x_s = c_t x_t + c_0 x_0 + sqrt(betaTilde) z, x_t = sqrt(ab_t) x_0 + sqrt(1 - ab_t) eps.
      const cT = (Math.sqrt(j.alpha) * (1 - ab[s])) / (1 - ab[t]);
      const c0 = (Math.sqrt(ab[s]) * j.beta) / (1 - ab[t]);
      expect(cT * Math.sqrt(ab[t]) + c0).toBeCloseTo(Math.sqrt(ab[s]), 12);
      expect(cT * cT * (1 - ab[t]) + j.betaTilde).toBeCloseTo(1 - ab[s], 12);
    }
  });

  it('by sampling: the forward jumps over 20 kept steps reach each kept step with the closed-form mean and variance', () => {
    const n = 20000;
    const noise = new SeededGaussianNoise(1, createRng(3));
    const steps = [...stridedSteps(1000, 20)].reverse();
    let x = tf.fill([n, 1], 1.5) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    for (let i = 1; i < steps.length; i++) {
      const eps = noise.sample(n);
      const next = forwardJump(x, steps[i - 1], steps[i], schedule, eps);
      tf.dispose([x, eps]);
      x = next;
      if (i % 5 === 0) {
        const v = x.dataSync() as Float32Array;
        const m = v.reduce((a, b) => a + b, 0) / n;
        const variance = v.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
        const t = steps[i];
        expect(m).toBeCloseTo(1.5 * Math.sqrt(ab[t]), 1);
        expect(Math.abs(variance - (1 - ab[t]))).toBeLessThan(0.04);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('with every step kept (K = T) it is the chain of ddpm.ts exactly, forward and reverse', () => {
    const x = tf.tensor2d([[0.4, -1.2], [2, 0.1]]);
    const z = tf.tensor2d([[0.3, -0.7], [1.1, 0.2]]);
    const net = { dim: 2, predict: (y: tf.Tensor2D) => tf.mul(y, 0.5) as tf.Tensor2D };
    for (const t of [1000, 500, 2, 1]) {
      for (const variance of ['beta', 'betaTilde'] as const) {
        const a = ancestralJump(net, x, t, t - 1, schedule, variance, z);
        const b = ancestralStep(net, x, t, schedule, variance, z);
        expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
        tf.dispose([a, b]);
      }
      const f = forwardJump(x, t - 1, t, schedule, z);
      const g = forwardStep(x, t, schedule, z);
      expect(Array.from(f.dataSync())).toEqual(Array.from(g.dataSync()));
      tf.dispose([f, g]);
    }
    tf.dispose([x, z]);
  });

  it('with the exact epsilon, 100 of 1000 ancestral steps map noise to the data (energy distance)', () => {
    const n = 600;
    const mixture = gaussianMixtureOf('gaussians-8')!;
    const reference = sampleDataset('gaussians-8', n, createRng(5)).points;
    const denoiser = new MixtureField(vpPath(spec), mixture);
    const field = new ExactEpsilon(denoiser, schedule);
    const noise = new SeededGaussianNoise(2, createRng(9));
    let x = noise.sample(n);
    const noiseBaseline = energyDistance(x.dataSync() as Float32Array, reference, 2);
    const steps = stridedSteps(1000, 100);
    const before = tf.memory().numTensors;
    for (let i = 0; i + 1 < steps.length; i++) {
      const z = noise.sample(n);
      const next = ancestralJump(field, x, steps[i], steps[i + 1], schedule, 'betaTilde', z);
      tf.dispose([x, z]);
      x = next;
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(energyDistance(x.dataSync() as Float32Array, reference, 2)).toBeLessThan(0.05 * noiseBaseline);
    x.dispose();
    denoiser.dispose();
  });
});
