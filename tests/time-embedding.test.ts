// Issue 16.6: one bounded time scale for every model, the embedding's error against float64 on every
// backend Node runs (wasm, cpu), and why the former 1000 rad failed half-float WebGL.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig, type ModelKind } from '../src/config/playground-config';
import { FieldNetwork, timeEmbedding } from '../src/models/field-network';
import { createRng } from '../src/models/random';
import { legacyTimeScale, TIME_SCALE } from '../src/models/time-scale';
import { DiffusionSession } from '../src/session/diffusion-session';

const E = 32;
const taus = Array.from({ length: 1001 }, (_, i) => i / 1000);

/** Largest |emb - exact| over tau in {0, 0.001, ..., 1}, the exact embedding in float64. */
function worstError(scale: number, round: (angle: number) => number = (a) => a): number {
  let worst = 0;
  const got = tf.tidy(() => timeEmbedding(tf.tensor1d(taus), E, scale).arraySync() as number[][]);
  taus.forEach((tau, r) => {
    for (let k = 0; k < E / 2; k++) {
      const angle = tau * scale * 10000 ** (-k / (E / 2));
      worst = Math.max(worst, Math.abs(got[r][k] - Math.sin(round(angle))), Math.abs(got[r][E / 2 + k] - Math.cos(round(angle))));
    }
  });
  return worst;
}

/** Rounds to the nearest IEEE half float (11 significant bits), as a half-float WebGL texture stores an angle. */
function toHalf(x: number): number {
  if (x === 0) return 0;
  const e = Math.max(Math.floor(Math.log2(Math.abs(x))), -14);
  const spacing = 2 ** (e - 10);
  return Math.round(x / spacing) * spacing;
}

/** Largest |sin(half(angle)) - sin(angle)| over the angles of the embedding at `scale`, float64. */
function halfFloatError(scale: number): number {
  let worst = 0;
  for (const tau of taus) for (let k = 0; k < E / 2; k++) {
    const angle = tau * scale * 10000 ** (-k / (E / 2));
    worst = Math.max(worst, Math.abs(Math.sin(toHalf(angle)) - Math.sin(angle)));
  }
  return worst;
}

describe('the time embedding at one bounded scale (issue 16.6)', () => {
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  it('every model builds its network at TIME_SCALE = 50 (DDPM used 1000)', () => {
    expect(TIME_SCALE).toBe(50);
    expect(new FieldNetwork(2, { width: 8, depth: 1, activation: 'silu' }, createRng(1)).spec.timeScale).toBe(TIME_SCALE);
    for (const kind of ['ddpm', 'score', 'flow'] as ModelKind[]) {
      const c = defaultConfig();
      c.model.kind = kind;
      c.data.particles = 1000;
      c.model.width = 16;
      c.model.depth = 1;
      const s = new DiffusionSession(c);
      expect(s.net.spec.timeScale, kind).toBe(TIME_SCALE);
      expect(s.trainer.samplingNet.spec.timeScale, kind).toBe(TIME_SCALE);
      s.dispose();
    }
    expect(legacyTimeScale('ddpm')).toBe(1000);
    expect(legacyTimeScale(undefined)).toBe(1000);
    expect(legacyTimeScale('flow')).toBe(50);
  });

  it('the version-1 time scale is a lookup by kind, safe against untrusted strings', () => {
    expect(['ddpm', 'score', 'flow', 'gan', 'wgan', 'wgan-gp'].map(legacyTimeScale)).toEqual([1000, 50, 50, 50, 50, 50]);
    // Names on Object.prototype are not kinds: they read as the bounded scale, never as a function or undefined.
    for (const hostile of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'DDPM']) expect(legacyTimeScale(hostile), hostile).toBe(TIME_SCALE);
    for (const notString of [null, 42, {}, ['ddpm']]) expect(legacyTimeScale(notString)).toBe(1000);
  });

  for (const backend of ['wasm', 'cpu']) {
    it(`${backend}: the float32 embedding is within 1e-5 of float64 at every tau (angles up to 50 rad)`, async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      // Measured: 3.2e-6 (wasm) and 3.1e-6 (cpu) at 50; 3.3e-5 at the former 1000.
      expect(worstError(TIME_SCALE)).toBeLessThan(1e-5);
      expect(worstError(1000)).toBeGreaterThan(worstError(TIME_SCALE));
    });
  }

  it('half floats (WebGL without float32) keep the phase at 50 rad (error < 0.02) but not at 1000 (0.2 and more)', () => {
    // Measured: 0.0125 at 50 (fp16 spacing 1/32 there), 0.224 at 1000 (spacing 0.5).
    expect(halfFloatError(TIME_SCALE)).toBeLessThan(0.02);
    expect(halfFloatError(1000)).toBeGreaterThan(0.2);
  });
});
