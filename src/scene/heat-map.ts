/**
 * A heat map under the 2D particles: an n x n grid of values drawn as a texture (a DataTexture, RGBA8,
 * sRGB, linearly filtered) on a plane covering [-extent, extent]^2, coloured by a perceptual colour map,
 * translucent (low values more so, so the map glows where the quantity is high), with its border faded
 * out so it has no hard square edge. Works on three's WebGPU and
 * WebGL2 backends. It only draws what it is handed (values and their colour range).
 */
import { ColorManagement, DataTexture, LinearFilter, Mesh, MeshBasicNodeMaterial, NoColorSpace, PlaneGeometry, RGBAFormat, SRGBColorSpace, UnsignedByteType } from 'three/webgpu';
import { colormapLut } from './palette';

/** Opacity of the heat map's top values over the background (the particles are drawn above it at full strength). */
const HEAT_OPACITY = 0.62;
/** Low values fade into the background: alpha rises smoothly over the lowest this fraction of the range. */
const LOW_FADE = 0.3;
/** The share of the side over which the border fades out (at least 6 texels), so that no square edge shows in either theme. */
const EDGE_FADE_SHARE = 0.2;

/** One heat-map plane. Call dispose(). */
export class HeatMapLayer {
  readonly object: Mesh;
  private readonly texture: DataTexture;
  private readonly pixels: Uint8Array;
  private readonly material: MeshBasicNodeMaterial;
  private readonly fade: Float32Array;

  /**
   * @param n texels per side (the grid of the values). @param extent the plane covers [-extent, extent]^2 in data units.
   * @param fadeLow whether low values fade into the background (a density-like quantity); false for a
   * diverging map whose both ends matter (a discriminator).
   */
  constructor(
    readonly n: number,
    readonly extent: number,
    private readonly fadeLow = true,
  ) {
    this.pixels = new Uint8Array(n * n * 4);
    this.texture = new DataTexture(this.pixels, n, n, RGBAFormat, UnsignedByteType);
    // sRGB texels, decoded to linear light when colour management is on; written as they are when it is
    // off (software rendering draws straight into the canvas in sRGB, see Stage's directOutput).
    this.texture.colorSpace = ColorManagement.enabled ? SRGBColorSpace : NoColorSpace;
    this.texture.magFilter = LinearFilter;
    this.texture.minFilter = LinearFilter;
    this.texture.generateMipmaps = false;
    this.texture.needsUpdate = true;
    this.material = new MeshBasicNodeMaterial({ map: this.texture, transparent: true, depthWrite: false, depthTest: false });
    this.object = new Mesh(new PlaneGeometry(2 * extent, 2 * extent), this.material);
    this.object.position.z = -2;
    this.object.renderOrder = -2; // under the grid (-1), the data layer (-0.5), the field lines and the particles
    this.object.frustumCulled = false;
    // Alpha per texel: full inside, smoothly to 0 over the outer EDGE_FADE_SHARE of each side.
    this.fade = new Float32Array(n * n);
    const fadeTexels = Math.max(6, EDGE_FADE_SHARE * n);
    const ramp = (k: number): number => {
      const u = Math.min(1, (Math.min(k, n - 1 - k) + 0.5) / fadeTexels);
      return u * u * (3 - 2 * u);
    };
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) this.fade[i * n + j] = ramp(i) * ramp(j);
  }

  /**
   * Colours `values` ([n*n], row i = y index from -extent up, column j = x index) over [lo, hi] with
   * `colormap` (values outside are clamped; non-finite ones are transparent).
   */
  update(values: Float32Array, lo: number, hi: number, colormap: (t: number) => string): void {
    const n = this.n;
    if (values.length !== n * n) throw new RangeError(`the heat map needs ${n * n} values, got ${values.length}`);
    const lut = colormapLut(colormap);
    const span = hi > lo ? hi - lo : 1;
    const px = this.pixels;
    for (let k = 0; k < n * n; k++) {
      const v = values[k];
      if (!Number.isFinite(v)) {
        px[4 * k + 3] = 0;
        continue;
      }
      const u = Math.min(1, Math.max(0, (v - lo) / span));
      const idx = Math.round(255 * u);
      const w = this.fadeLow ? Math.min(1, u / LOW_FADE) : 1;
      px[4 * k] = lut[3 * idx];
      px[4 * k + 1] = lut[3 * idx + 1];
      px[4 * k + 2] = lut[3 * idx + 2];
      px[4 * k + 3] = Math.round(255 * HEAT_OPACITY * (0.25 + 0.75 * w * w * (3 - 2 * w)) * this.fade[k]);
    }
    this.texture.needsUpdate = true;
  }

  dispose(): void {
    this.texture.dispose();
    this.material.dispose();
    this.object.geometry.dispose();
  }
}
