import { describe, expect, it } from 'vitest';
import { effectiveBetasNote, makeSchedule, scheduleProblems, snr } from '../src/models/schedules';

describe('linear schedule (Ho et al. 2020)', () => {
  const s = makeSchedule({ kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 });
  it('has the endpoint betas and t=0 conventions', () => {
    expect(s.beta[0]).toBe(0);
    expect(s.alphaBar[0]).toBe(1);
    expect(s.beta[1]).toBeCloseTo(1e-4, 15);
    expect(s.beta[1000]).toBeCloseTo(0.02, 15);
    expect(s.beta[500]).toBeCloseTo(1e-4 + (499 / 999) * (0.02 - 1e-4), 15);
  });
  it('alphaBar matches an independent closed form', () => {
    // log alphaBar_t = sum_{s<=t} log(1 - beta_s), beta_s linear: computed here with the formula, not the module's arrays.
    for (const t of [1, 10, 100, 250, 500, 999, 1000]) {
      let logAb = 0;
      for (let k = 1; k <= t; k++) logAb += Math.log(1 - (1e-4 + ((k - 1) / 999) * (0.02 - 1e-4)));
      expect(s.alphaBar[t]).toBeCloseTo(Math.exp(logAb), 12);
    }
    // Known reference values of the DDPM schedule.
    expect(s.alphaBar[1000]).toBeCloseTo(4.036e-5, 7);
    expect(Math.sqrt(s.alphaBar[1000])).toBeLessThan(0.007);
  });
  it('betaTilde and posterior coefficients follow seed §4.2', () => {
    for (const t of [1, 2, 50, 700, 1000]) {
      const b = 1e-4 + ((t - 1) / 999) * (0.02 - 1e-4);
      const abPrev = s.alphaBar[t - 1];
      const ab = abPrev * (1 - b);
      expect(s.betaTilde[t]).toBeCloseTo(((1 - abPrev) / (1 - ab)) * b, 14);
      expect(s.posteriorCoefX0[t]).toBeCloseTo((Math.sqrt(abPrev) * b) / (1 - ab), 14);
      expect(s.posteriorCoefXt[t]).toBeCloseTo((Math.sqrt(1 - b) * (1 - abPrev)) / (1 - ab), 14);
    }
    expect(s.betaTilde[1]).toBe(0); // posterior at t = 1 is exact: no variance
  });
  it('snr decreases monotonically', () => {
    for (let t = 2; t <= 1000; t++) expect(snr(s, t)).toBeLessThan(snr(s, t - 1));
  });
});

describe('cosine schedule (Nichol & Dhariwal 2021)', () => {
  const T = 1000;
  const sch = makeSchedule({ kind: 'cosine', T, betaStart: 1e-4, betaEnd: 0.02 });
  const f = (t: number) => Math.cos(((t / T + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  it('alphaBar equals f(t)/f(0) where beta is not clipped', () => {
    for (const t of [1, 100, 500, 900, 990]) expect(sch.alphaBar[t]).toBeCloseTo(f(t) / f(0), 10);
  });
  it('clips beta at 0.999 at the end', () => {
    expect(sch.beta[T]).toBeCloseTo(0.999, 12);
    for (let t = 1; t <= T; t++) expect(sch.beta[t]).toBeLessThanOrEqual(0.999);
  });
  it('adjustable T', () => {
    const short = makeSchedule({ kind: 'cosine', T: 50, betaStart: 1e-4, betaEnd: 0.02 });
    expect(short.alphaBar.length).toBe(51);
    expect(short.alphaBar[25]).toBeCloseTo(Math.cos(((0.5 + 0.008) / 1.008) * (Math.PI / 2)) ** 2 / f(0), 10);
  });
});

describe('validation', () => {
  it('names each problem', () => {
    expect(scheduleProblems({ kind: 'linear', T: 1, betaStart: 0.1, betaEnd: 0.01 })).toHaveLength(2);
    expect(() => makeSchedule({ kind: 'linear', T: 10.5, betaStart: 1e-4, betaEnd: 0.02 })).toThrow(/T must be an integer/);
    expect(() => makeSchedule({ kind: 'linear', T: 100, betaStart: 0, betaEnd: 0.02 })).toThrow(/betaStart/);
  });
});

describe('the effective betas the sliders show (issue 16.2)', () => {
  const linear = (T: number, betaScaling: 'per-1000-steps' | 'fixed') => ({ kind: 'linear' as const, T, betaStart: 1e-4, betaEnd: 0.02, betaScaling });

  it('names beta_1 and beta_T in force, scaled by 1000 / T and clipped at maxBeta', () => {
    expect(effectiveBetasNote(linear(1000, 'per-1000-steps'))).toBe('effective beta_1 = 1e-4, beta_T = 0.02 at T = 1000');
    expect(effectiveBetasNote(linear(50, 'per-1000-steps'))).toBe('effective beta_1 = 0.002, beta_T = 0.4 at T = 50');
    expect(effectiveBetasNote(linear(300, 'per-1000-steps'))).toBe('effective beta_1 = 3.33e-4, beta_T = 0.0667 at T = 300');
    // 0.02 x 100 = 2 is clipped at 0.999 (Nichol & Dhariwal 2021, §3.2), as makeSchedule does.
    expect(effectiveBetasNote(linear(10, 'per-1000-steps'))).toBe('effective beta_1 = 0.01, beta_T = 0.999 at T = 10');
    expect(makeSchedule(linear(10, 'per-1000-steps')).beta[10]).toBe(0.999);
  });

  it('is absent where the sliders are the betas: fixed betas and the cosine schedule', () => {
    expect(effectiveBetasNote(linear(50, 'fixed'))).toBeNull();
    expect(effectiveBetasNote({ kind: 'linear', T: 50, betaStart: 1e-4, betaEnd: 0.02 })).toBeNull();
    expect(effectiveBetasNote({ kind: 'cosine', T: 50, betaStart: 1e-4, betaEnd: 0.02, betaScaling: 'per-1000-steps' })).toBeNull();
  });
});
