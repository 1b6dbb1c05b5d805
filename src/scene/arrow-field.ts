/**
 * Arrows on a grid showing a 2D vector field (the score or the reverse velocity), coloured by
 * magnitude with the viridis map and scaled so the longest arrow fills about one grid cell.
 * It only draws what it is handed.
 */
import { interpolateViridis } from 'd3-scale-chromatic';
import { BufferAttribute, BufferGeometry, Color, LineBasicNodeMaterial, LineSegments } from 'three/webgpu';

/** A LineSegments layer of n x n arrows. Call dispose(). */
export class ArrowField {
  readonly object: LineSegments;
  private readonly positions: Float32Array;
  private readonly colors: Float32Array;
  private readonly geometry = new BufferGeometry();
  private readonly material = new LineBasicNodeMaterial({ vertexColors: true, transparent: true, opacity: 0.85, depthWrite: false });

  /** @param count number of arrows (n * n). */
  constructor(private readonly count: number) {
    // Each arrow: a shaft and two head strokes = 3 segments = 6 vertices. BufferAttribute (not
    // Float32BufferAttribute, which copies) so that update() writes straight into the drawn arrays.
    this.positions = new Float32Array(count * 6 * 3);
    this.colors = new Float32Array(count * 6 * 3);
    this.geometry.setAttribute('position', new BufferAttribute(this.positions, 3));
    this.geometry.setAttribute('color', new BufferAttribute(this.colors, 3));
    this.object = new LineSegments(this.geometry, this.material);
    this.object.frustumCulled = false;
    this.object.renderOrder = -0.25;
  }

  /**
   * Draws arrows at `points` along `vectors` (both [count, 2] row-major).
   * @param cell grid spacing in data units (the longest arrow gets 0.9 of it).
   * @param fixedScale data units per unit of vector instead of fitting the longest arrow to the cell
   *   (arrows longer than 0.9 cell are then shortened to it), so magnitudes compare over time.
   * @param heights optional height per arrow [count] in [0, 1] (clamped): the arrow is drawn at
   *   z = heights[i] * heightScale + 0.02 (riding a landscape surface) instead of under the plane.
   */
  update(points: Float32Array, vectors: Float32Array, cell: number, fixedScale?: number, heights?: Float32Array, heightScale = 0): void {
    let max = 0;
    for (let i = 0; i < this.count; i++) max = Math.max(max, Math.hypot(vectors[2 * i], vectors[2 * i + 1]));
    const fitted = max > 0 && Number.isFinite(max) ? (0.9 * cell) / max : 0;
    const scale = fixedScale !== undefined ? Math.min(fixedScale, fitted) : fitted;
    const c = new Color();
    const p = this.positions;
    for (let i = 0; i < this.count; i++) {
      const x = points[2 * i];
      const y = points[2 * i + 1];
      const vx = Number.isFinite(vectors[2 * i]) ? vectors[2 * i] * scale : 0;
      const vy = Number.isFinite(vectors[2 * i + 1]) ? vectors[2 * i + 1] * scale : 0;
      const ex = x + vx;
      const ey = y + vy;
      // Head: two strokes at +-150 degrees from the direction, 30 % of the length.
      const hx = -0.3 * vx;
      const hy = -0.3 * vy;
      const cos = Math.cos(0.5);
      const sin = Math.sin(0.5);
      const seg = [x, y, ex, ey, ex, ey, ex + hx * cos - hy * sin, ey + hx * sin + hy * cos, ex, ey, ex + hx * cos + hy * sin, ey - hx * sin + hy * cos];
      const h = heights !== undefined && Number.isFinite(heights[i]) ? Math.min(1, Math.max(0, heights[i])) : 0;
      const z = heights !== undefined ? h * heightScale + 0.02 : -0.5;
      for (let k = 0; k < 6; k++) {
        p[(i * 6 + k) * 3] = seg[2 * k];
        p[(i * 6 + k) * 3 + 1] = seg[2 * k + 1];
        p[(i * 6 + k) * 3 + 2] = z;
      }
      c.setStyle(interpolateViridis(0.15 + 0.85 * (scale > 0 ? Math.hypot(vx, vy) / (0.9 * cell) : 0)));
      for (let k = 0; k < 6; k++) c.toArray(this.colors, (i * 6 + k) * 3);
    }
    this.geometry.getAttribute('position').needsUpdate = true;
    this.geometry.getAttribute('color').needsUpdate = true;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
  }
}
