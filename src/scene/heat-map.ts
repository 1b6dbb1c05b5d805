/**
 * A heat map under the 2D particles: an n x n grid of values (the cell centres of [-extent, extent]^2) drawn as a mesh
 * with one RGBA colour per vertex (sRGB when colour management is off, as software rendering draws, else
 * linear), interpolated across each cell by the rasteriser: no texture. Without colour management
 * (software rendering) the fragment shader is the bare interpolated colour: SwiftShader spent about 8 ms of
 * CPU a frame on the textured plane with the material's full shader in the GAN preset (issue 14). Coloured by a perceptual colour map,
 * translucent (low values more so, so the map glows where the quantity is high), with its border faded
 * out so it has no hard square edge. Works on three's WebGPU and WebGL2 backends. It only draws what it is
 * handed (values and their colour range).
 */
import { attribute } from 'three/tsl';
import { BufferAttribute, Color, ColorManagement, Mesh, MeshBasicNodeMaterial, PlaneGeometry, SRGBColorSpace } from 'three/webgpu';
import { colormapLut } from './palette';

/** Opacity of the heat map's top values over the background (the particles are drawn above it at full strength). */
const HEAT_OPACITY = 0.62;
/** Low values fade into the background: alpha rises smoothly over the lowest this fraction of the range. */
const LOW_FADE = 0.3;
/** The share of the side over which the border fades out (at least 6 cells), so that no square edge shows in either theme. */
const EDGE_FADE_SHARE = 0.2;

/** One heat-map plane. Call dispose(). */
export class HeatMapLayer {
  readonly object: Mesh;
  /** RGBA per vertex in [0, 1], n*n*4, in PlaneGeometry's order (rows from +extent down). */
  private readonly colors: Float32Array;
  private readonly colorAttribute: BufferAttribute;
  /** The colour map's 256 entries as RGB in [0, 1], in the space the vertex colours are drawn in. */
  private lut: { readonly of: Uint8Array; readonly rgb: Float32Array } | null = null;
  private readonly material: MeshBasicNodeMaterial;
  private readonly fade: Float32Array;

  /**
   * @param n values per side (the grid of the values, >= 2). @param extent the values are the cells' centres of
   *   [-extent, extent]^2 in data units (session/field-views gridPoints); the mesh joins them.
   * @throws RangeError if n is not an integer >= 2.
   * @param fadeLow whether low values fade into the background (a density-like quantity); false for a
   * diverging map whose both ends matter (a discriminator).
   */
  constructor(
    readonly n: number,
    readonly extent: number,
    private readonly fadeLow = true,
  ) {
    if (!Number.isInteger(n) || n < 2) throw new RangeError(`the heat map needs n >= 2 values a side, got ${n}`);
    this.colors = new Float32Array(n * n * 4);
    // n x n vertices at the cell centres where the values are sampled (session/field-views gridPoints:
    // -extent + (j + 0.5) h, h = 2 extent / n), row by row from +y down (PlaneGeometry's order; update()
    // maps the values' rows to it).
    const side = (2 * extent * (n - 1)) / n;
    const geometry = new PlaneGeometry(side, side, n - 1, n - 1);
    this.colorAttribute = new BufferAttribute(this.colors, 4);
    geometry.setAttribute('color', this.colorAttribute);
    this.material = new MeshBasicNodeMaterial({ vertexColors: true, transparent: true, depthWrite: false, depthTest: false });
    // Without colour management (software rendering, which draws straight into the canvas: see Stage's
    // directOutput) the vertex colours are already what the canvas shows: the fragment is the
    // interpolated colour and nothing else. Measured (GAN preset, 1280x720, 3 interleaved rounds): the
    // GPU process's CPU 30.6 against 37.7 ms a frame with the material's full fragment shader.
    if (!ColorManagement.enabled) this.material.fragmentNode = attribute('color', 'vec4');
    this.object = new Mesh(geometry, this.material);
    this.object.position.z = -2;
    this.object.renderOrder = -2; // under the grid (-1), the data layer (-0.5), the field lines and the particles
    this.object.frustumCulled = false;
    // Alpha per vertex: full inside, smoothly to 0 over the outer EDGE_FADE_SHARE of each side.
    this.fade = new Float32Array(n * n);
    const fadeCells = Math.max(6, EDGE_FADE_SHARE * n);
    const ramp = (k: number): number => {
      const u = Math.min(1, (Math.min(k, n - 1 - k) + 0.5) / fadeCells);
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
    const rgb = this.lutOf(colormap);
    const span = hi > lo ? hi - lo : 1;
    const out = this.colors;
    for (let k = 0; k < n * n; k++) {
      const v = values[k];
      // Value row i (from -extent up) is vertex row n - 1 - i (from +extent down).
      const o = 4 * ((n - 1 - Math.floor(k / n)) * n + (k % n));
      if (!Number.isFinite(v)) {
        out[o + 3] = 0;
        continue;
      }
      const u = Math.min(1, Math.max(0, (v - lo) / span));
      const idx = Math.round(255 * u);
      const w = this.fadeLow ? Math.min(1, u / LOW_FADE) : 1;
      out[o] = rgb[3 * idx];
      out[o + 1] = rgb[3 * idx + 1];
      out[o + 2] = rgb[3 * idx + 2];
      out[o + 3] = HEAT_OPACITY * (0.25 + 0.75 * w * w * (3 - 2 * w)) * this.fade[k];
    }
    this.colorAttribute.needsUpdate = true;
  }

  /** The vertex colours' values, n*n*4 RGBA in [0, 1], rows from +extent down (for tests). */
  get vertexColors(): Float32Array {
    return this.colors;
  }

  /** The colour map's LUT as floats in the drawing space (sRGB bytes / 255, linearised when colour management is on); cached per LUT. */
  private lutOf(colormap: (t: number) => string): Float32Array {
    const bytes = colormapLut(colormap);
    if (this.lut?.of === bytes) return this.lut.rgb;
    const rgb = new Float32Array(bytes.length);
    const c = new Color();
    for (let i = 0; i < bytes.length; i += 3) {
      c.setRGB(bytes[i] / 255, bytes[i + 1] / 255, bytes[i + 2] / 255, SRGBColorSpace); // linearised only when colour management is on
      rgb[i] = c.r;
      rgb[i + 1] = c.g;
      rgb[i + 2] = c.b;
    }
    this.lut = { of: bytes, rgb };
    return rgb;
  }

  dispose(): void {
    this.material.dispose();
    this.object.geometry.dispose();
  }
}
