/**
 * A height field over the 2D data plane: z = scale * h(x, y) on an n x n grid, coloured by h with the
 * critic colour map (palette.criticColor) and traced by faint grid lines, for the discriminator / critic landscape that the
 * generated particles ride on. It only draws the values it is handed.
 */
import { criticColor, currentPaletteTheme, type ThemeName } from './palette';
import { repeatRows, type ParticleLayer } from './particle-layer';
import { BufferAttribute, BufferGeometry, Color, DoubleSide, LineBasicNodeMaterial, LineSegments, Mesh, MeshBasicNodeMaterial } from 'three/webgpu';

/** Colour of vertices whose value is undefined (NaN): a neutral grey near the background. */
const UNDEFINED_COLOR = '#39405a';
/** The share of each side over which the sheet fades to transparent at its border (no hard square edge). */
const EDGE_FADE_SHARE = 0.22;

/** Opacity of the surface's sheet (its colours are composited over the stage at this alpha). */
export const SURFACE_OPACITY = 0.78;

/** How one theme draws the critic surface's points and grid lines. Colours sRGB hex, size CSS px. */
export interface SurfaceStyle {
  /** The data while it lies on the surface (app/particle-view). */
  readonly data: { readonly color: number; readonly opacity: number; readonly size: number };
  /** The surface's grid lines. */
  readonly lines: { readonly color: number; readonly opacity: number };
}

/**
 * The critic surface's styles per theme (issue 15: white data next to pale-yellow generated points on the
 * wireframe rim could not be told apart; on the light theme it vanished on the pale surface). The data is
 * magenta, a hue neither the critic map's orange/blue nor the particles' yellow/orange uses: bright on
 * the dark stage (darker than the yellow particles, brighter than the mid-blue hilltop), deep purple on
 * the light one; opaque and larger than the particles. The dark grid is dimmer (it drew a white rim where
 * the points sit); the light grid is dark, so that the surface's flat, near-white parts keep an outline.
 * tests/surface-style.test.ts checks the WCAG contrast of data, particles and surface per theme.
 */
export const SURFACE_STYLES: Record<ThemeName, SurfaceStyle> = {
  dark: { data: { color: 0xf040e0, opacity: 1, size: 4 }, lines: { color: 0xffffff, opacity: 0.08 } },
  light: { data: { color: 0x5b0a6e, opacity: 1, size: 4 }, lines: { color: 0x1b2033, opacity: 0.22 } },
};

/**
 * The height of a normalised landscape value h above the data plane, in units of the surface's height
 * scale: h clamped to [0, 1]; a non-finite h (undefined, e.g. a masked D*) at 1/2. The one rule for the
 * surface's vertices and for every point drawn on it (data and generated points alike), so that a point
 * lies on the surface at its own position.
 */
export function surfaceLevel(h: number): number {
  return Number.isFinite(h) ? Math.min(1, Math.max(0, h)) : 0.5;
}

/**
 * Lifts the points of a 2D layer onto the surface: point i at {@link surfaceLevel}(h[i]) (the layer draws
 * z = height * its height scale, the surface's scale), written once per vertex of the point: four times on
 * software renderers' plain layout (issue 15: one value per vertex drew each data point's quad between
 * four points' heights, a vertical streak, and left three quarters of the data on the floor).
 * @param h [layer.count] normalised values (more are ignored; a shorter h leaves the rest as they were).
 */
export function liftOntoSurface(layer: ParticleLayer, h: Float32Array): void {
  const n = Math.min(layer.count, h.length);
  const levels = new Float32Array(n);
  for (let i = 0; i < n; i++) levels[i] = surfaceLevel(h[i]);
  repeatRows(levels, 1, layer.verticesPerParticle, layer.height.array as Float32Array);
  layer.height.needsUpdate = true;
}

/** A surface of n x n vertices over [-extent, extent]^2. Owns GPU resources: call dispose(). */
export class LandscapeSurface {
  /** The surface and its grid lines (add both to the scene). */
  readonly mesh: Mesh;
  readonly lines: LineSegments;
  private readonly positions: Float32Array;
  private readonly colors: Float32Array;
  private readonly geometry = new BufferGeometry();
  private readonly lineGeometry = new BufferGeometry();
  private readonly material = new MeshBasicNodeMaterial({ vertexColors: true, transparent: true, opacity: SURFACE_OPACITY, side: DoubleSide, depthWrite: false });
  private readonly lineMaterial = new LineBasicNodeMaterial({ color: 0xffffff, transparent: true, opacity: 0.13, depthWrite: false });

  /**
   * @param n vertices per side (>= 2), matching the grid of values given to {@link update}.
   * @param extent half-width of the square in data units.
   * @throws RangeError on n < 2 or a non-positive extent.
   */
  constructor(
    readonly n: number,
    readonly extent: number,
  ) {
    if (!Number.isInteger(n) || n < 2 || !(extent > 0)) throw new RangeError(`a landscape needs n >= 2 and extent > 0, got ${n}, ${extent}`);
    this.positions = new Float32Array(n * n * 3);
    // RGBA: the alpha fades the sheet out over the outer EDGE_FADE_SHARE of each side (no hard square edge).
    this.colors = new Float32Array(n * n * 4);
    const ramp = (k: number): number => {
      const u = Math.min(1, Math.min(k, n - 1 - k) / Math.max(1, EDGE_FADE_SHARE * (n - 1)));
      return u * u * (3 - 2 * u);
    };
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = i * n + j;
        this.colors[4 * v + 3] = ramp(i) * ramp(j);
        this.positions[3 * v] = -extent + (2 * extent * j) / (n - 1);
        this.positions[3 * v + 1] = -extent + (2 * extent * i) / (n - 1);
      }
    }
    const position = new BufferAttribute(this.positions, 3);
    const tris = new Uint32Array((n - 1) * (n - 1) * 6);
    const segs = new Uint32Array(2 * (n - 1) * n * 2);
    for (let i = 0, t = 0, s = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = i * n + j;
        if (i + 1 < n && j + 1 < n) tris.set([v, v + 1, v + n, v + 1, v + n + 1, v + n], (t++) * 6);
        if (j + 1 < n) segs.set([v, v + 1], (s++) * 2);
        if (i + 1 < n) segs.set([v, v + n], (s++) * 2);
      }
    }
    this.geometry.setAttribute('position', position);
    this.geometry.setAttribute('color', new BufferAttribute(this.colors, 4));
    this.geometry.setIndex(new BufferAttribute(tris, 1));
    this.lineGeometry.setAttribute('position', position);
    this.lineGeometry.setIndex(new BufferAttribute(segs, 1));
    this.mesh = new Mesh(this.geometry, this.material);
    this.lines = new LineSegments(this.lineGeometry, this.lineMaterial);
    for (const o of [this.mesh, this.lines]) {
      o.frustumCulled = false;
      o.renderOrder = -0.6;
    }
  }

  /**
   * Sets the heights: z = scale * {@link surfaceLevel}(h) (h clamped to [0, 1]), row i * n + j at
   * (x_j, y_i). Colour: palette.criticColor (high h, real-looking: blue; low h, generated-looking: orange).
   * Non-finite values (undefined, e.g. a masked D*) are drawn neutral: grey, at h = 1/2. The grid lines take
   * the current theme's {@link SURFACE_STYLES} (palette.setPaletteTheme).
   * @param h [n * n] normalised values. @param scale height of h = 1 in data units.
   */
  update(h: Float32Array, scale: number): void {
    const lines = SURFACE_STYLES[currentPaletteTheme()].lines;
    this.lineMaterial.color.setHex(lines.color);
    this.lineMaterial.opacity = lines.opacity;
    const c = new Color();
    for (let v = 0; v < this.n * this.n; v++) {
      const finite = Number.isFinite(h[v]);
      const value = surfaceLevel(h[v]);
      this.positions[3 * v + 2] = value * scale;
      c.setStyle(finite ? criticColor(value) : UNDEFINED_COLOR).toArray(this.colors, 4 * v); // r, g, b; the alpha stays
    }
    this.geometry.getAttribute('position').needsUpdate = true;
    this.geometry.getAttribute('color').needsUpdate = true;
  }

  setVisible(visible: boolean): void {
    this.mesh.visible = visible;
    this.lines.visible = visible;
  }

  dispose(): void {
    this.geometry.dispose();
    this.lineGeometry.dispose();
    this.material.dispose();
    this.lineMaterial.dispose();
  }
}
