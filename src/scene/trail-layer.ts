/**
 * Particle trails on screen: for M particles, a polyline through their last K positions, fading from
 * transparent (oldest) to bright (newest), in the particles' colour (time or cluster). The positions
 * arrive as one buffer [K * M, D], oldest block first (particles/particle-trails); this module only draws.
 */
import { attribute, float, mix, uniform, vec3 } from 'three/tsl';
import { AdditiveBlending, BufferAttribute, BufferGeometry, Color, LineBasicNodeMaterial, LineSegments, NormalBlending, Sphere, Vector3 } from 'three/webgpu';

/** Fading polylines for M particles over K steps. Owns GPU resources: call dispose(). */
export class TrailLayer {
  readonly object: LineSegments;
  /** Trail positions [K * M, D] (row k * M + m: particle m, k steps after the oldest). */
  readonly positions: BufferAttribute;
  private readonly geometry = new BufferGeometry();
  private readonly material: LineBasicNodeMaterial;
  private readonly opacity = uniform(0.5);
  private readonly timeColor = uniform(new Color(1, 1, 1));
  private readonly clusterMix = uniform(0);

  /**
   * @param length K >= 2 positions per trail. @param count M trails. @param clusterColors per-particle
   * linear RGB of the first M particles, [M, 3].
   * @throws RangeError on K < 2, M < 1 or a colour array of the wrong size.
   */
  constructor(
    readonly length: number,
    readonly count: number,
    readonly dim: 2 | 3,
    clusterColors: Float32Array,
  ) {
    if (length < 2 || count < 1 || clusterColors.length < count * 3) throw new RangeError(`trails need K >= 2, M >= 1 and M colours, got K = ${length}, M = ${count}`);
    const vertices = length * count;
    this.positions = new BufferAttribute(new Float32Array(vertices * dim), dim);
    const age = new Float32Array(vertices);
    const colors = new Float32Array(vertices * 3);
    for (let k = 0; k < length; k++) {
      age.fill(k / (length - 1), k * count, (k + 1) * count);
      colors.set(clusterColors.subarray(0, count * 3), k * count * 3);
    }
    const index = new Uint32Array((length - 1) * count * 2);
    for (let k = 0, i = 0; k + 1 < length; k++) {
      for (let m = 0; m < count; m++) {
        index[i++] = k * count + m;
        index[i++] = (k + 1) * count + m;
      }
    }
    this.geometry.setAttribute('position', this.positions);
    this.geometry.setAttribute('age', new BufferAttribute(age, 1));
    this.geometry.setAttribute('trailColor', new BufferAttribute(colors, 3));
    this.geometry.setIndex(new BufferAttribute(index, 1));
    // Set by hand: three cannot compute it from a 2-component position (and the trails move anyway).
    this.geometry.boundingSphere = new Sphere(new Vector3(), 1e6);
    const material = new LineBasicNodeMaterial({ transparent: true, depthWrite: false, blending: AdditiveBlending });
    if (dim === 2) {
      const p = attribute('position', 'vec2');
      material.positionNode = vec3(p.x, p.y, float(-0.1));
    }
    const a = attribute('age', 'float');
    material.colorNode = mix(this.timeColor, attribute('trailColor', 'vec3'), this.clusterMix);
    // Quadratic fade: the newest steps carry the eye, the tail dissolves.
    material.opacityNode = a.mul(a).mul(this.opacity);
    this.material = material;
    this.object = new LineSegments(this.geometry, material);
    this.object.frustumCulled = false;
    this.object.renderOrder = -0.1;
  }

  /** Colour by time (one colour) or by cluster (per-particle colours); opacity of the newest segment in [0, 1]. */
  setStyle(mode: 'time' | 'cluster', time: Color, opacity: number): void {
    this.clusterMix.value = mode === 'cluster' ? 1 : 0;
    (this.timeColor.value as Color).copy(time);
    this.opacity.value = opacity;
  }

  /** Additive (glow, for a dark stage) or normal blending (a light stage). */
  setAdditive(additive: boolean): void {
    const blending = additive ? AdditiveBlending : NormalBlending;
    if (this.material.blending === blending) return;
    this.material.blending = blending;
    this.material.needsUpdate = true;
  }

  dispose(): void {
    this.geometry.dispose();
    this.material.dispose();
  }
}
