/**
 * The generator manifold: the image G(grid) of a regular grid in latent space, drawn as the deformed grid
 * lines (rows and columns), so a user sees how G folds and stretches the plane of z onto the data.
 * It only draws the points it is handed.
 */
import { BufferAttribute, BufferGeometry, LineBasicNodeMaterial, LineSegments } from 'three/webgpu';

/** Grid lines through r x r points (or a polyline of r points for a 1D latent). Call dispose(). */
export class ManifoldMesh {
  readonly object: LineSegments;
  private readonly positions: Float32Array;
  private readonly geometry = new BufferGeometry();
  private readonly material = new LineBasicNodeMaterial({ color: 0x9fe8d8, transparent: true, opacity: 0.5, depthWrite: false });

  /**
   * @param resolution r points per latent axis (>= 2). @param axes latent axes drawn, 1 or 2 (rows are
   * r^axes points, in the order of models/gan.latentGrid: z_1 fastest).
   * @throws RangeError on r < 2 or axes outside {1, 2}.
   */
  constructor(
    readonly resolution: number,
    readonly axes: 1 | 2,
  ) {
    if (!Number.isInteger(resolution) || resolution < 2 || (axes !== 1 && axes !== 2)) throw new RangeError(`manifold needs r >= 2 and 1 or 2 axes, got ${resolution}, ${axes}`);
    const r = resolution;
    const points = axes === 2 ? r * r : r;
    this.positions = new Float32Array(points * 3);
    const segs: number[] = [];
    for (let i = 0; i < (axes === 2 ? r : 1); i++) {
      for (let j = 0; j < r; j++) {
        const v = i * r + j;
        if (j + 1 < r) segs.push(v, v + 1);
        if (axes === 2 && i + 1 < r) segs.push(v, v + r);
      }
    }
    this.geometry.setAttribute('position', new BufferAttribute(this.positions, 3));
    this.geometry.setIndex(new BufferAttribute(new Uint32Array(segs), 1));
    this.object = new LineSegments(this.geometry, this.material);
    this.object.frustumCulled = false;
    this.object.renderOrder = -0.2;
  }

  /**
   * Moves the grid to G(grid): `points` [rows, 2] row-major (rows = r^axes) in data units, at height z,
   * plus heights[v] * heightScale per point when `heights` ([rows], clamped to [0, 1]) is given (to ride a
   * landscape surface). Non-finite points collapse to the origin.
   */
  update(points: Float32Array, z = 0.01, heights?: Float32Array, heightScale = 0): void {
    const rows = this.positions.length / 3;
    for (let v = 0; v < rows; v++) {
      const x = points[2 * v];
      const y = points[2 * v + 1];
      const ok = Number.isFinite(x) && Number.isFinite(y);
      const h = heights !== undefined && Number.isFinite(heights[v]) ? Math.min(1, Math.max(0, heights[v])) : 0;
      this.positions[3 * v] = ok ? x : 0;
      this.positions[3 * v + 1] = ok ? y : 0;
      this.positions[3 * v + 2] = z + h * heightScale;
    }
    this.geometry.getAttribute('position').needsUpdate = true;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
  }
}
