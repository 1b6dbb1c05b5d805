/**
 * The GAN critic's 3D surface and the points drawn on it (issue 15: on software renderers the data showed
 * as vertical streaks and as blobs on the floor, the generated points beside the surface): data and
 * generated points lie on the surface at their own position, by one rule (scene/landscape-surface.surfaceLevel).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LandscapeSurface, liftOntoSurface, surfaceLevel } from '../src/scene/landscape-surface';
import { ParticleLayer } from '../src/scene/particle-layer';
import { GanProbes, type GanProbeSource } from '../src/session/gan-probes';

const N = 3;
const EXTENT = 1;
const SCALE = 2.2;
/** Normalised values on the 3 x 3 grid (row i * n + j at (x_j, y_i)), out of range ones included. */
const VALUES = new Float32Array([0, 0.25, 0.5, 0.75, 1, 1.4, -0.3, 0.9, Number.NaN]);

/** The grid's nodes as points [9, 2]: x_j = -1 + j, y_i = -1 + i. */
function nodes(): Float32Array {
  const p = new Float32Array(N * N * 2);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) p.set([-EXTENT + j, -EXTENT + i], 2 * (i * N + j));
  return p;
}

describe('points on the critic surface', () => {
  it('surfaceLevel clamps to [0, 1] and puts an undefined value at 1/2', () => {
    expect([0, 0.3, 1, -2, 7, Number.NaN, Infinity].map(surfaceLevel)).toEqual([0, 0.3, 1, 0, 1, 0.5, 0.5]);
  });

  for (const instanced of [true, false]) {
    it(`a point at a grid node is drawn at the surface's height there, on every vertex of its sprite (${instanced ? 'instanced' : 'plain layout, 4 vertices a point'})`, () => {
      const surface = new LandscapeSurface(N, EXTENT);
      surface.update(VALUES, SCALE);
      const layer = new ParticleLayer({ count: N * N, dim: 2, positions: nodes(), colors: null, pointSize: 2, additive: false, opacity: 1, instanced });
      liftOntoSurface(layer, VALUES);
      const vertexZ = surface.mesh.geometry.getAttribute('position');
      const r = layer.verticesPerParticle;
      for (let v = 0; v < N * N; v++) {
        // The point's own position is the node's (x, y)...
        expect([vertexZ.getX(v), vertexZ.getY(v)]).toEqual(Array.from(nodes().subarray(2 * v, 2 * v + 2)));
        // ... and each vertex of its sprite is lifted to the surface's z there (the layer draws z = height * scale).
        for (let k = 0; k < r; k++) expect(layer.height.getX(v * r + k) * SCALE).toBeCloseTo(vertexZ.getZ(v), 5);
      }
      expect(layer.height.getX(0 * r + r - 1) * SCALE).toBe(0);
      expect(layer.height.getX(5 * r) * SCALE).toBeCloseTo(SCALE, 5); // 1.4 clamped to the top
      expect(layer.height.getX(6 * r + r - 1)).toBe(0); // -0.3 clamped to the floor
      surface.dispose();
      layer.dispose();
    });
  }

  it("the generated points' heights (GanProbes, read by the renderer from the GPU) are clamped to [0, 1] like the surface's", async () => {
    // A critic f(x) = x_1 + x_2: over [-1, 1]^2 the landscape's range is [-2, 2] (the WGAN floor: its 25% quantile).
    const source = {
      dim: 2,
      critic: 'wasserstein',
      trainer: { discriminatorValues: (x: tf.Tensor2D) => tf.sum(x, 1) as tf.Tensor1D },
    } as unknown as GanProbeSource;
    const probes = new GanProbes(source);
    const before = tf.memory().numTensors;
    const land = await probes.landscape(5, 1, false);
    expect(land).not.toBeNull();
    if (land === null) return;
    const points = new Float32Array([-1, -1, 1, 1, 3, 3, 0, 0, -5, 2]);
    const h = await probes.heightsAt(points);
    const expected = [-2, 2, 6, 0, -3].map((f) => surfaceLevel((f - land.min) / (land.max - land.min)));
    expect(Array.from(h).map((v) => Number(v.toFixed(5)))).toEqual(expected.map((v) => Number(v.toFixed(5))));
    expect(Math.min(...h)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...h)).toBeLessThanOrEqual(1);
    expect(h[1]).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
