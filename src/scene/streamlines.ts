/**
 * Streamlines of a 2D field as thin ribbons (two triangles per segment, so they are wider than the one
 * pixel WebGPU lines allow), coloured by the field's magnitude (viridis like the arrows, lightened to
 * stand out over a heat map) and fading in along the flow: faint where a line starts, bright where it
 * ends, so the direction reads like a comet's tail. Only draws the polylines it is handed (see
 * traceStreamlines). Works on three's WebGPU and WebGL2 backends.
 */
import { interpolateViridis } from 'd3-scale-chromatic';
import { BufferAttribute, BufferGeometry, Color, DoubleSide, Mesh, MeshBasicNodeMaterial } from 'three/webgpu';

/** Lines are lightened towards white by this much, to read over the (dark) heat maps. */
const LIGHTEN = 0.3;
const WHITE = new Color(1, 1, 1);
/** Magnitudes are coloured up to this quantile of the lines' speeds (the rest saturate). */
const SPEED_QUANTILE = 0.95;

/** A ribbon layer with room for `capacity` segments. Call dispose(). */
export class StreamlineLayer {
  readonly object: Mesh;
  private readonly positions: Float32Array;
  private readonly colors: Float32Array;
  private readonly geometry = new BufferGeometry();
  private readonly material = new MeshBasicNodeMaterial({ vertexColors: true, transparent: true, depthWrite: false, side: DoubleSide });

  /** @param capacity most segments drawn. @param width ribbon width in data units. */
  constructor(
    private readonly capacity: number,
    private readonly width = 0.014,
  ) {
    // Each segment: 4 vertices (both sides of both ends), 2 triangles.
    this.positions = new Float32Array(capacity * 4 * 3);
    this.colors = new Float32Array(capacity * 4 * 4); // RGBA: the alpha fades along each line
    const index = new Uint32Array(capacity * 6);
    for (let s = 0; s < capacity; s++) index.set([4 * s, 4 * s + 1, 4 * s + 2, 4 * s + 2, 4 * s + 1, 4 * s + 3], 6 * s);
    this.geometry.setIndex(new BufferAttribute(index, 1));
    this.geometry.setAttribute('position', new BufferAttribute(this.positions, 3));
    this.geometry.setAttribute('color', new BufferAttribute(this.colors, 4));
    this.geometry.setDrawRange(0, 0);
    this.object = new Mesh(this.geometry, this.material);
    this.object.frustumCulled = false;
    this.object.renderOrder = -0.25;
  }

  /**
   * Draws the polylines: line l is points[2 starts[l] .. 2 starts[l+1]) ([K, 2] in all, upstream to
   * downstream) with |v| per point in speeds [K]. Segments beyond the capacity are dropped.
   */
  update(points: Float32Array, speeds: Float32Array, starts: Uint32Array): void {
    const finite = Float64Array.from(speeds.filter((s) => Number.isFinite(s))).sort();
    const top = finite.length > 0 ? finite[Math.floor(SPEED_QUANTILE * (finite.length - 1))] : 1;
    const scale = top > 0 ? 1 / top : 0;
    const half = this.width / 2;
    const c = new Color();
    let seg = 0;
    /** Writes both sides of point k (normal from its neighbours a..b) as vertices v, v + 1. */
    const put = (k: number, a: number, b: number, alpha: number, v: number): void => {
      const prev = Math.max(a, k - 1);
      const next = Math.min(b - 1, k + 1);
      let nx = -(points[2 * next + 1] - points[2 * prev + 1]);
      let ny = points[2 * next] - points[2 * prev];
      const len = Math.hypot(nx, ny) || 1;
      nx = (nx / len) * half;
      ny = (ny / len) * half;
      c.setStyle(interpolateViridis(0.3 + 0.7 * Math.min(1, (Number.isFinite(speeds[k]) ? speeds[k] : 0) * scale))).lerp(WHITE, LIGHTEN);
      for (const [side, o] of [[1, 0], [-1, 1]] as const) {
        this.positions[3 * (v + o)] = points[2 * k] + side * nx;
        this.positions[3 * (v + o) + 1] = points[2 * k + 1] + side * ny;
        this.positions[3 * (v + o) + 2] = -0.4;
        c.toArray(this.colors, 4 * (v + o));
        this.colors[4 * (v + o) + 3] = alpha;
      }
    };
    for (let l = 0; l + 1 < starts.length && seg < this.capacity; l++) {
      const a = starts[l];
      const b = starts[l + 1];
      const len = b - a - 1;
      for (let k = a; k < b - 1 && seg < this.capacity; k++, seg++) {
        // Alpha from 0.05 at the upstream end to 0.95 downstream.
        put(k, a, b, 0.05 + 0.9 * ((k - a) / len) ** 1.5, 4 * seg);
        put(k + 1, a, b, 0.05 + 0.9 * ((k + 1 - a) / len) ** 1.5, 4 * seg + 2);
      }
    }
    this.geometry.setDrawRange(0, 6 * seg);
    this.geometry.getAttribute('position').needsUpdate = true;
    this.geometry.getAttribute('color').needsUpdate = true;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
  }
}
