import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kdeBandwidth, kdeLogDensity, optimalDiscriminator, optimalValue, wasserstein1 } from '../src/models/gan-theory';
import { createRng } from '../src/models/random';

const LOG4 = Math.log(4);

/** log N(x; mu, s^2) in 1D, and N itself. */
const logNormal = (x: number, mu: number, s: number): number => -0.5 * ((x - mu) / s) ** 2 - Math.log(s * Math.sqrt(2 * Math.PI));
const normal = (x: number, mu: number, s: number): number => Math.exp(logNormal(x, mu, s));
/** log(1 + e^t) without overflow or cancellation. */
const softplus = (t: number): number => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));

/**
 * Simpson's rule on [-10, 10] with 40,000 intervals: the discretisation error is far below 1e-9 for
 * these smooth integrands, and the densities below beyond |x| = 10 (< 1e-20) contribute less than that.
 * (Further out D* rounds to exactly 1 in float64 and log(1 - D*) would be -inf.)
 */
function integrate(f: (x: number) => number): number {
  const a = -10;
  const b = 10;
  const n = 40_000;
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** x log(x / y), with 0 log 0 = 0. */
const xlog = (x: number, y: number): number => (x === 0 ? 0 : x * Math.log(x / y));

/**
 * L(G, D) for 1D densities pr, pg and a discriminator given by its logit l = log(D / (1 - D)), by
 * quadrature (seed §3.1): log D = -softplus(-l), log(1 - D) = -softplus(l), so that D rounding to 0 or 1
 * far in the tails does not produce log(0).
 */
function valueOf(pr: (x: number) => number, pg: (x: number) => number, logit: (x: number) => number): number {
  return integrate((x) => -pr(x) * softplus(-logit(x)) - pg(x) * softplus(logit(x)));
}

/** JS(pr || pg) = 1/2 KL(pr || m) + 1/2 KL(pg || m) by quadrature, from its definition. */
function jsOf(pr: (x: number) => number, pg: (x: number) => number): number {
  return integrate((x) => {
    const m = (pr(x) + pg(x)) / 2;
    return 0.5 * xlog(pr(x), m) + 0.5 * xlog(pg(x), m);
  });
}

// Two known Gaussians: p_r = N(0, 1), p_g = N(1.5, 0.7^2).
const MU_G = 1.5;
const S_G = 0.7;

describe('optimal discriminator and JS (seed §3.2–3.3) on two 1D Gaussians, by quadrature', () => {
  const pr = (x: number): number => normal(x, 0, 1);
  const pg = (x: number): number => normal(x, MU_G, S_G);
  const dStar = (x: number): number => pr(x) / (pr(x) + pg(x));
  // The logit of D*: log p_r - log p_g.
  const logitStar = (x: number): number => logNormal(x, 0, 1) - logNormal(x, MU_G, S_G);

  it('D* = p_r / (p_r + p_g) maximises L(G, D): every perturbation lowers it', () => {
    const best = valueOf(pr, pg, logitStar);
    for (const t of [0.3, 0.1, 0.01, -0.01, -0.1]) {
      for (const bump of [(x: number) => Math.sin(x), (x: number) => Math.exp(-x * x), () => 1]) {
        // Perturb the logit, so that D stays in (0, 1).
        expect(valueOf(pr, pg, (x) => logitStar(x) + t * bump(x))).toBeLessThan(best);
      }
    }
    // The pointwise stationarity condition p_r / D - p_g / (1 - D) = 0 at D*.
    for (const x of [-2, 0, 0.7, 1.5, 3]) expect(pr(x) / dStar(x) - pg(x) / (1 - dStar(x))).toBeCloseTo(0, 12);
  });

  it('L(G, D*) = 2 JS(p_r || p_g) - log 4, with JS computed from its own definition', () => {
    const value = valueOf(pr, pg, logitStar);
    const js = jsOf(pr, pg);
    expect(js).toBeGreaterThan(0.05);
    expect(js).toBeLessThan(Math.LN2);
    expect(value).toBeCloseTo(2 * js - LOG4, 9);
    // Equal distributions: D* = 1/2, JS = 0, L = -log 4.
    expect(valueOf(pr, pr, () => 0)).toBeCloseTo(-LOG4, 9);
    expect(jsOf(pr, pr)).toBeCloseTo(0, 12);
  });
});

describe('KDE estimates on samples of the same two Gaussians', () => {
  const n = 1500;
  const rng = createRng(5);
  const realArr = Float32Array.from({ length: n }, () => rng.normal());
  const fakeArr = Float32Array.from({ length: n }, () => MU_G + S_G * rng.normal());

  it('the KDE is the mean of Gaussian kernels (plain and leave-one-out) and the rules of thumb have their closed forms', () => {
    const pts = [0, 0.5, 2, -1];
    const q = [0.2, 2, -3];
    const h = 0.4;
    const x = tf.tensor2d(pts, [4, 1]);
    const plain = kdeLogDensity(x, tf.tensor2d(q, [3, 1]), h).dataSync();
    q.forEach((v, i) => expect(plain[i]).toBeCloseTo(Math.log(pts.reduce((s, p) => s + normal(v, p, h), 0) / 4), 5));
    const loo = kdeLogDensity(x, x, h, true).dataSync();
    pts.forEach((v, i) => expect(loo[i]).toBeCloseTo(Math.log(pts.reduce((s, p, j) => s + (j === i ? 0 : normal(v, p, h)), 0) / 3), 5));
    // A 2D KDE integrates to 1 (Riemann sum on a fine grid).
    const p2 = tf.tensor2d([0, 0, 1, 0.5, -0.5, 1], [3, 2]);
    const g = 161;
    const grid = tf.tensor2d(Array.from({ length: g * g }, (_, k) => [-4 + (8 * (k % g)) / (g - 1), -4 + (8 * Math.floor(k / g)) / (g - 1)]).flat(), [g * g, 2]);
    const mass = tf.tidy(() => tf.sum(tf.exp(kdeLogDensity(p2, grid, 0.5))).dataSync()[0] * (8 / (g - 1)) ** 2);
    expect(mass).toBeCloseTo(1, 3);
    // Scott: sigma n^(-1/5) in 1D; Silverman: (4/3)^(1/5) sigma n^(-1/5) = 1.06 sigma n^(-1/5).
    const hundred = tf.tensor2d(Float32Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 1 : -1)), [100, 1]);
    const sigma = Math.sqrt(100 / 99);
    expect(kdeBandwidth(hundred, 'scott').dataSync()[0]).toBeCloseTo(sigma * 100 ** -0.2, 5);
    expect(kdeBandwidth(hundred, 'silverman').dataSync()[0]).toBeCloseTo((4 / 3) ** 0.2 * sigma * 100 ** -0.2, 5);
    expect(() => kdeLogDensity(x, tf.tensor2d([1, 2], [1, 2]), h)).toThrow(RangeError);
    expect(() => kdeLogDensity(x, tf.tensor2d(q, [3, 1]), h, true)).toThrow(RangeError);
    expect(() => kdeLogDensity(x, x, -1)).toThrow(RangeError);
  });

  it('D*, L(G, D*) and JS from KDEs match the quadrature of the kernel-smoothed densities; L = 2 JS - log 4 holds', () => {
    const real = tf.tensor2d(realArr, [n, 1]);
    const fake = tf.tensor2d(fakeArr, [n, 1]);
    const hr = kdeBandwidth(real).dataSync()[0];
    const hg = kdeBandwidth(fake).dataSync()[0];
    // In expectation a Gaussian KDE of N(mu, s^2) with bandwidth h is N(mu, s^2 + h^2): the target.
    const sr = Math.sqrt(1 + hr * hr);
    const sg = Math.sqrt(S_G * S_G + hg * hg);
    const pr = (x: number): number => normal(x, 0, sr);
    const pg = (x: number): number => normal(x, MU_G, sg);
    const targetValue = valueOf(pr, pg, (x) => logNormal(x, 0, sr) - logNormal(x, MU_G, sg));
    const targetJs = jsOf(pr, pg);

    const { value, js } = optimalValue(real, fake);
    const [v, j] = [value.dataSync()[0], js.dataSync()[0]];
    // The identity holds for the estimates themselves (two code paths; float32 rounding only).
    expect(v).toBeCloseTo(2 * j - LOG4, 5);
    // Tolerance: 4 standard errors of the two sample means that make up L (the per-row terms
    // log D*(x_r) and log(1 - D*(x_g)), computed here from the same KDEs). The KDE's own error at
    // h ~ 0.23 (variance ~ 1 / (n h) ~ 3e-3 relative) is below this.
    const terms = tf.tidy(() => {
      const logR = tf.neg(tf.softplus(tf.sub(kdeLogDensity(fake, real), kdeLogDensity(real, real, 'scott', true))));
      const logG = tf.neg(tf.softplus(tf.sub(kdeLogDensity(real, fake), kdeLogDensity(fake, fake, 'scott', true))));
      return [tf.moments(logR).variance.dataSync()[0], tf.moments(logG).variance.dataSync()[0]];
    });
    const se = Math.sqrt((terms[0] + terms[1]) / n);
    console.log(`KDE on n = ${n}: L = ${v.toFixed(4)} (smoothed quadrature ${targetValue.toFixed(4)}, SE ${se.toFixed(4)}), JS = ${j.toFixed(4)} (${targetJs.toFixed(4)}), h_r = ${hr.toFixed(3)}, h_g = ${hg.toFixed(3)}`);
    expect(Math.abs(v - targetValue)).toBeLessThan(4 * se);
    expect(Math.abs(j - targetJs)).toBeLessThan(2 * se); // JS = (L + log 4) / 2: half the standard error, the same 4 of them

    // D* on a grid against the smoothed closed form: within 0.05 where either density is not negligible.
    const qs = Array.from({ length: 41 }, (_, i) => -2 + (i * 5) / 40);
    const d = optimalDiscriminator(real, fake, tf.tensor2d(qs, [41, 1])).dataSync();
    qs.forEach((x, i) => expect(Math.abs(d[i] - pr(x) / (pr(x) + pg(x)))).toBeLessThan(0.05));
    tf.dispose([real, fake, value, js]);
  });

  it('two samples of one distribution: JS near 0 and L near -log 4', () => {
    const a = tf.tensor2d(realArr.subarray(0, 750), [750, 1]);
    const b = tf.tensor2d(realArr.subarray(750), [750, 1]);
    const { value, js } = optimalValue(a, b);
    expect(js.dataSync()[0]).toBeLessThan(0.01);
    expect(Math.abs(value.dataSync()[0] + LOG4)).toBeLessThan(0.02);
    tf.dispose([a, b, value, js]);
  });

  it('masks D* (NaN) exactly where both KDE densities are below rho times their largest value', () => {
    // Real points at -1 +- 0.1, fake at +1 +- 0.1, fixed bandwidth 0.2: densities known in closed form.
    const rng = createRng(21);
    const realPts = Float32Array.from({ length: 200 }, () => -1 + 0.1 * rng.normal());
    const fakePts = Float32Array.from({ length: 200 }, () => 1 + 0.1 * rng.normal());
    const real = tf.tensor2d(realPts, [200, 1]);
    const fake = tf.tensor2d(fakePts, [200, 1]);
    const qs = Array.from({ length: 81 }, (_, i) => -8 + i * 0.2);
    const query = tf.tensor2d(qs, [81, 1]);
    const h = 0.2;
    const rho = 1e-3;
    const opts = { realBandwidth: h, fakeBandwidth: h };
    const plain = optimalDiscriminator(real, fake, query, opts).dataSync();
    const masked = optimalDiscriminator(real, fake, query, { ...opts, maskBelow: rho }).dataSync();
    // The rule, recomputed here from the two KDEs in plain arithmetic.
    const kde = (pts: Float32Array, x: number): number => pts.reduce((s, p) => s + Math.exp(-((x - p) ** 2) / (2 * h * h)), 0) / (pts.length * h * Math.sqrt(2 * Math.PI));
    const top = qs.map((x) => Math.max(kde(realPts, x), kde(fakePts, x)));
    const peak = Math.max(...top);
    let maskedCount = 0;
    qs.forEach((_, i) => {
      const keep = top[i] >= rho * peak;
      // Away from the threshold the decision must agree (float32 KDE vs float64 here).
      if (Math.abs(Math.log(top[i] / (rho * peak))) > 0.05) expect(Number.isNaN(masked[i])).toBe(!keep);
      if (!Number.isNaN(masked[i])) expect(masked[i]).toBeCloseTo(plain[i], 6);
      if (Number.isNaN(masked[i])) maskedCount++;
    });
    // Far from both sets (|x| >= 3): unmasked the 0/0 ratio says "certainly real" on the left and "fake" on the right.
    expect(plain[0]).toBeGreaterThan(0.99);
    expect(plain[80]).toBeLessThan(0.01);
    expect(Number.isNaN(masked[0]) && Number.isNaN(masked[80])).toBe(true);
    // Near each set it is kept: D* ~ 1 at -1, ~ 0 at +1, 1/2 at the midpoint 0 (equal tails).
    expect(masked[35]).toBeGreaterThan(0.99);
    expect(masked[45]).toBeLessThan(0.01);
    expect(maskedCount).toBeGreaterThan(40);
    expect(plain.every((v) => Number.isFinite(v))).toBe(true);
    expect(() => optimalDiscriminator(real, fake, query, { maskBelow: 1 })).toThrow(RangeError);
    tf.dispose([real, fake, query]);
  });

  it('allocates nothing that outlives a call', () => {
    const real = tf.tensor2d(realArr.subarray(0, 200), [200, 1]);
    const fake = tf.tensor2d(fakeArr.subarray(0, 200), [200, 1]);
    const before = tf.memory().numTensors;
    tf.dispose(optimalValue(real, fake, { realBandwidth: 0.3, fakeBandwidth: 'silverman' }));
    tf.dispose([optimalDiscriminator(real, fake, fake), optimalDiscriminator(real, fake, fake, { maskBelow: 1e-3 }), kdeBandwidth(real), kdeLogDensity(real, fake)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([real, fake]);
  });
});

describe('exact W1 (seed §3.5)', () => {
  it('is |v| between a set and its translate by v', () => {
    const rng = createRng(8);
    const a = Float32Array.from({ length: 2 * 60 }, () => rng.normal());
    const b = a.map((x, i) => x + (i % 2 === 0 ? 3 : -4));
    // Any coupling costs >= |E b - E a| = |v| (Jensen); the translation attains it.
    expect(wasserstein1(a, b, 2)).toBeCloseTo(5, 5);
    expect(wasserstein1(b, a, 2)).toBeCloseTo(5, 5);
    expect(wasserstein1(a, a, 2)).toBe(0);
  });

  it('matches hand-computed assignments', () => {
    // 1D: sorted matching 0-1, 2-5: (1 + 3) / 2.
    expect(wasserstein1(new Float32Array([2, 0]), new Float32Array([1, 5]), 1)).toBeCloseTo(2, 6);
    // The same four corners listed in another order: W1 = 0.
    const sq = new Float32Array([0, 0, 1, 0, 1, 1, 0, 1]);
    expect(wasserstein1(sq, new Float32Array([1, 0, 1, 1, 0, 1, 0, 0]), 2)).toBe(0);
    // Two points at (0, 0), (0, 1) against (3, 0), (3, 1): cost 3 each (crossing would cost sqrt(10)).
    expect(wasserstein1(new Float32Array([0, 0, 0, 1]), new Float32Array([3, 1, 3, 0]), 2)).toBeCloseTo(3, 6);
  });

  it('Arjovsky et al. 2017, Example 1: parallel segments at distance theta have W1 = |theta| while JS stays log 2', () => {
    // P_0 = (0, Z), P_theta = (theta, Z), Z ~ U[0, 1] (here a regular grid of Z).
    const m = 200;
    const seg = (theta: number): Float32Array => Float32Array.from({ length: 2 * m }, (_, i) => (i % 2 === 0 ? theta : (Math.floor(i / 2) + 0.5) / m));
    for (const theta of [0.5, 1, 2]) {
      expect(wasserstein1(seg(0), seg(theta), 2)).toBeCloseTo(theta, 5);
      const a = tf.tensor2d(seg(0), [m, 2]);
      const b = tf.tensor2d(seg(theta), [m, 2]);
      const { js } = optimalValue(a, b, { realBandwidth: 0.02, fakeBandwidth: 0.02 });
      expect(js.dataSync()[0]).toBeCloseTo(Math.LN2, 3);
      tf.dispose([a, b, js]);
    }
  });

  it('subsamples large or unequal sets only with an rng, deterministically', () => {
    const rng = createRng(9);
    const a = Float32Array.from({ length: 2 * 500 }, () => rng.normal());
    const b = Float32Array.from({ length: 2 * 300 }, () => rng.normal() + 1);
    expect(() => wasserstein1(a, b, 2)).toThrow(RangeError);
    const t0 = performance.now();
    const w = wasserstein1(a, b, 2, createRng(1), 200);
    const ms = performance.now() - t0;
    expect(wasserstein1(a, b, 2, createRng(1), 200)).toBe(w);
    // Shift (1, 1) between two standard normals: W1 = sqrt(2) ~ 1.41 for the distributions; the
    // 200-point estimate sits above it by the sampling bias.
    console.log(`W1 of 200-point subsamples: ${w.toFixed(3)} (population sqrt 2 = 1.414) in ${ms.toFixed(0)} ms`);
    expect(w).toBeGreaterThan(1.3);
    expect(w).toBeLessThan(1.8);
    expect(() => wasserstein1(a, b.subarray(1), 2)).toThrow(RangeError);
  });
});
