import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gaussianMixtureOf, sampleDataset } from '../src/data/datasets';
import { EmpiricalField, exactVelocity, MixtureField } from '../src/models/exact-fields';
import { convertField, linearFlowPath, PARAMETRISATIONS, vpPath } from '../src/models/gaussian-path';
import { energyDistance } from '../src/models/metrics';
import { integrate } from '../src/models/ode-solvers';
import { createRng } from '../src/models/random';
import { makeSchedule } from '../src/models/schedules';

const linearSpec = { kind: 'linear' as const, T: 1000, betaStart: 1e-4, betaEnd: 0.02 };
const paths = [vpPath(linearSpec), vpPath({ ...linearSpec, kind: 'cosine' }), linearFlowPath()];
const read = (x: tf.Tensor): number[] => {
  const v = Array.from(x.dataSync());
  x.dispose();
  return v;
};

describe('Gaussian paths', () => {
  it('the VP path is the continuous limit of the discrete DDPM schedule', () => {
    const discrete = makeSchedule(linearSpec);
    const vp = vpPath(linearSpec);
    for (const t of [1, 10, 100, 300, 600, 1000]) expect(vp.alpha(t / 1000) ** 2).toBeCloseTo(discrete.alphaBar[t], 2);
    const cos = makeSchedule({ ...linearSpec, kind: 'cosine' });
    for (const t of [100, 500, 900]) expect(vpPath({ ...linearSpec, kind: 'cosine' }).alpha(t / 1000) ** 2).toBeCloseTo(cos.alphaBar[t], 6);
  });

  it('derivatives match finite differences of alpha and sigma', () => {
    for (const p of paths) {
      for (const t of [0.1, 0.5, 0.9]) {
        const h = 1e-6;
        expect(p.dAlpha(t)).toBeCloseTo((p.alpha(t + h) - p.alpha(t - h)) / (2 * h), 4);
        expect(p.dSigma(t)).toBeCloseTo((p.sigma(t + h) - p.sigma(t - h)) / (2 * h), 4);
      }
    }
  });

  it('conversions between epsilon, score, velocity and x0 are exact inverses', () => {
    const x = tf.tensor2d([[0.3, -1.2], [2, 0.7], [-0.4, 0.1]]);
    const value = tf.tensor2d([[1, 0.5], [-0.2, 0.9], [0.3, -1.1]]);
    const v0 = Array.from(value.dataSync());
    const before = tf.memory().numTensors;
    for (const p of paths) {
      for (const t of [0.2, 0.5, 0.8]) {
        for (const from of PARAMETRISATIONS) {
          for (const to of PARAMETRISATIONS) {
            const there = convertField(p, x, t, value, from, to);
            const back = read(convertField(p, x, t, there, to, from));
            there.dispose();
            back.forEach((b, i) => expect(b).toBeCloseTo(v0[i], 3));
          }
        }
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => convertField(linearFlowPath(), x, 0, value, 'epsilon', 'score')).toThrow(RangeError);
  });
});

describe('exact fields', () => {
  const mixture = gaussianMixtureOf('gaussians-8')!;

  it('mixture score equals finite differences of the log-density of the noised mixture', () => {
    // Independent float64 log-density of p_t for the VP path.
    const path = vpPath(linearSpec);
    const logP = (x: number[], t: number): number => {
      const a = path.alpha(t);
      const v = a * a * mixture.std ** 2 + path.sigma(t) ** 2;
      const w = mixture.weights.reduce((p, q) => p + q, 0);
      let sum = 0;
      mixture.means.forEach((m, k) => {
        const d2 = (x[0] - a * m[0]) ** 2 + (x[1] - a * m[1]) ** 2;
        sum += (mixture.weights[k] / w) * Math.exp(-d2 / (2 * v)) / (2 * Math.PI * v);
      });
      return Math.log(sum);
    };
    const field = new MixtureField(path, mixture);
    const pts = [[0.3, 0.2], [-1.1, 0.8], [0.9, -0.95]];
    for (const t of [0.05, 0.2, 0.5]) {
      const x = tf.tensor2d(pts);
      const D = field.denoise(x, t);
      const score = read(convertField(path, x, t, D, 'x0', 'score'));
      const logDensity = read(field.logDensity(x, t));
      pts.forEach((p, i) => {
        const h = 1e-5;
        for (let d = 0; d < 2; d++) {
          const up = [...p];
          const down = [...p];
          up[d] += h;
          down[d] -= h;
          const fd = (logP(up, t) - logP(down, t)) / (2 * h);
          expect(score[2 * i + d]).toBeCloseTo(fd, 2);
        }
        expect(logDensity[i]).toBeCloseTo(logP(p, t), 4);
      });
      tf.dispose([x, D]);
    }
    field.dispose();
  });

  it('an empirical point set gives the same denoiser as a zero-width mixture on the same points', () => {
    const path = linearFlowPath();
    const means = [[1, 0], [-0.5, 0.5], [0, -1.5]];
    const mix = new MixtureField(path, { dim: 2, weights: [1, 1, 1], means, std: 0 });
    const emp = new EmpiricalField(path, new Float32Array(means.flat()), 2);
    const x = tf.tensor2d([[0.2, 0.1], [-1, 2], [0.5, -0.5]]);
    const before = tf.memory().numTensors;
    for (const t of [0.1, 0.6, 0.95]) {
      const a = read(mix.denoise(x, t));
      const b = read(emp.denoise(x, t));
      a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 4));
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    mix.dispose();
    emp.dispose();
  });

  it('the exact probability-flow ODE maps noise to the data (VP path and flow-matching path)', () => {
    const n = 800;
    const reference = sampleDataset('gaussians-8', n, createRng(5));
    const noise = tf.randomNormal([n, 2], 0, 1, 'float32', 7) as tf.Tensor2D;
    const noisePoints = noise.dataSync() as Float32Array;
    const baseline = energyDistance(noisePoints, reference.points, 2);
    for (const path of [vpPath(linearSpec), linearFlowPath()]) {
      const field = new MixtureField(path, mixture);
      const before = tf.memory().numTensors;
      const x0 = integrate('rk4', exactVelocity(path, field), noise, 1 - 1e-3, 1e-3, 40);
      const samples = x0.dataSync() as Float32Array;
      x0.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(energyDistance(samples, reference.points, 2), path.name).toBeLessThan(0.05 * baseline);
      field.dispose();
    }
    noise.dispose();
  });
});

