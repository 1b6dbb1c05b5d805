import { BufferAttribute, ColorManagement, type MeshBasicNodeMaterial } from 'three/webgpu';
import { afterEach, describe, expect, it } from 'vitest';
import { HeatMapLayer } from '../src/scene/heat-map';
import { colormapLut } from '../src/scene/palette';
import { gridPoints } from '../src/session/field-views';

const ramp = (t: number): string => `rgb(${Math.round(255 * t)}, ${Math.round(128 * (1 - t))}, 40)`;

describe('HeatMapLayer as a vertex-coloured grid (no texture: issue 14, software rendering)', () => {
  const managed = ColorManagement.enabled;
  afterEach(() => {
    ColorManagement.enabled = managed;
  });

  it('puts each value at the point it was sampled at (session/field-views gridPoints) and draws no texture', () => {
    ColorManagement.enabled = false;
    const n = 8;
    const extent = 4.2;
    const layer = new HeatMapLayer(n, extent, false);
    const pos = layer.object.geometry.getAttribute('position');
    expect(pos.count).toBe(n * n);
    expect(layer.object.material).toHaveProperty('map', null);
    const values = new Float32Array(n * n).map((_, k) => k);
    layer.update(values, 0, n * n - 1, ramp);
    const pts = gridPoints(n, extent);
    const colors = layer.vertexColors;
    const lut = colormapLut(ramp);
    // The vertex drawn with value k's colour (its red grows with k) sits at gridPoints' point k.
    for (const k of [0, 5, 9, 27, 63]) {
      const v = (n - 1 - Math.floor(k / n)) * n + (k % n);
      expect(pos.getX(v)).toBeCloseTo(pts[2 * k], 5);
      expect(pos.getY(v)).toBeCloseTo(pts[2 * k + 1], 5);
      const idx = Math.round((255 * k) / (n * n - 1));
      expect(colors[4 * v]).toBeCloseTo(lut[3 * idx] / 255, 6);
    }
    layer.dispose();
  });

  it('colours with the colour map (sRGB bytes / 255 without colour management), alpha 0.62 inside and 0 for non-finite values', () => {
    ColorManagement.enabled = false;
    const n = 20;
    const layer = new HeatMapLayer(n, 1, false);
    const values = new Float32Array(n * n).fill(1);
    values[0] = Number.NaN;
    const attr = layer.object.geometry.getAttribute('color') as BufferAttribute;
    const before = attr.version;
    layer.update(values, 0, 1, ramp);
    expect(attr.version).toBe(before + 1);
    const lut = colormapLut(ramp);
    const c = layer.vertexColors;
    const centre = 4 * (10 * n + 10);
    expect(c[centre]).toBeCloseTo(lut[3 * 255] / 255, 6);
    expect(c[centre + 1]).toBeCloseTo(lut[3 * 255 + 1] / 255, 6);
    expect(c[centre + 2]).toBeCloseTo(lut[3 * 255 + 2] / 255, 6);
    expect(c[centre + 3]).toBeCloseTo(0.62, 6);
    // Value 0 (row 0 from -extent) is the bottom-left vertex: row n - 1 of the mesh.
    expect(c[4 * ((n - 1) * n) + 3]).toBe(0);
    // The border fades out: a corner is far fainter than the centre.
    expect(c[4 * (n - 1) + 3]).toBeLessThan(0.05);
    layer.dispose();
  });

  it('with colour management on, stores linear colours (the renderer converts to sRGB at output)', () => {
    ColorManagement.enabled = true;
    const layer = new HeatMapLayer(4, 1, false);
    layer.update(new Float32Array(16).fill(0.5), 0, 1, () => 'rgb(128, 128, 128)');
    // sRGB 128/255 = 0.502 -> linear 0.2158.
    expect(layer.vertexColors[0]).toBeCloseTo(0.2158, 3);
    layer.dispose();
  });

  it('draws the bare vertex colour without colour management (software rendering), the full material with it', () => {
    ColorManagement.enabled = false;
    const soft = new HeatMapLayer(4, 1, false);
    const node = (soft.object.material as MeshBasicNodeMaterial).fragmentNode as unknown as { getAttributeName?: () => string; nodeType?: string } | null;
    expect(node).not.toBeNull();
    expect(node?.getAttributeName?.()).toBe('color');
    expect(node?.nodeType).toBe('vec4');
    soft.dispose();
    ColorManagement.enabled = true;
    const managed = new HeatMapLayer(4, 1, false);
    expect((managed.object.material as MeshBasicNodeMaterial).fragmentNode).toBeNull();
    expect((managed.object.material as MeshBasicNodeMaterial).vertexColors).toBe(true);
    managed.dispose();
  });

  it('rejects a grid under 2 values a side and a wrong number of values', () => {
    expect(() => new HeatMapLayer(1, 1)).toThrow(RangeError);
    const layer = new HeatMapLayer(4, 1);
    expect(() => layer.update(new Float32Array(15), 0, 1, ramp)).toThrow(RangeError);
    layer.dispose();
  });
});
