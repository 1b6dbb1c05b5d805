/**
 * The particle cloud on screen: N instanced soft round sprites whose positions come from two
 * per-instance buffers (previous and current simulation state) mixed by the loop's interpolation
 * alpha in the vertex shader. Also used, with one buffer, for the faint data reference layer.
 *
 * This module only draws: it never changes the simulation. Works on three's WebGPU and WebGL2 backends.
 */
import { float, instancedBufferAttribute, length, mix, smoothstep, uniform, uv, vec3 } from 'three/tsl';
import { AdditiveBlending, Color, InstancedBufferAttribute, NormalBlending, PointsNodeMaterial, Sprite } from 'three/webgpu';

/** Options of a {@link ParticleLayer}. */
export interface ParticleLayerOptions {
  readonly count: number;
  readonly dim: 2 | 3;
  /** Initial positions [count, dim] row-major (copied). */
  readonly positions: Float32Array;
  /** Per-particle linear RGB colours [count, 3] (for colour-by-cluster), or null. */
  readonly colors: Float32Array | null;
  /** Sprite diameter in CSS pixels. */
  readonly pointSize: number;
  /** Additive (glowing) or normal blending. */
  readonly additive: boolean;
  readonly opacity: number;
}

/** An instanced sprite cloud. Owns GPU resources: call dispose(). */
export class ParticleLayer {
  readonly object: Sprite;
  /** Positions before the last simulation step, [count, dim]. */
  readonly previous: InstancedBufferAttribute;
  /** Positions after the last simulation step, [count, dim]. */
  readonly current: InstancedBufferAttribute;
  /** 2D only: a height per particle, [count] (e.g. the critic's value), drawn as z = height * heightScale. */
  readonly height: InstancedBufferAttribute;
  readonly count: number;
  readonly dim: 2 | 3;
  private readonly material: PointsNodeMaterial;
  private readonly alpha = uniform(1);
  private readonly size = uniform(3);
  private readonly opacity = uniform(1);
  private readonly timeColor = uniform(new Color(1, 1, 1));
  private readonly clusterMix = uniform(0);
  private readonly heightScale = uniform(0);

  constructor(options: ParticleLayerOptions) {
    const { count, dim, positions } = options;
    if (positions.length !== count * dim) throw new RangeError(`positions must have ${count} x ${dim} values, got ${positions.length}`);
    this.count = count;
    this.dim = dim;
    this.previous = new InstancedBufferAttribute(new Float32Array(positions), dim);
    this.current = new InstancedBufferAttribute(new Float32Array(positions), dim);
    this.height = new InstancedBufferAttribute(new Float32Array(count), 1);
    // sizeAttenuation off: sprites keep their pixel size under the perspective camera of the 3D view.
    const material = new PointsNodeMaterial({ transparent: true, depthWrite: false, sizeAttenuation: false, blending: options.additive ? AdditiveBlending : NormalBlending });
    if (dim === 3) {
      material.positionNode = mix(instancedBufferAttribute(this.previous, 'vec3' as const), instancedBufferAttribute(this.current, 'vec3' as const), this.alpha);
    } else {
      const p = mix(instancedBufferAttribute(this.previous, 'vec2' as const), instancedBufferAttribute(this.current, 'vec2' as const), this.alpha);
      material.positionNode = vec3(p.x, p.y, instancedBufferAttribute(this.height, 'float' as const).mul(this.heightScale));
    }
    material.sizeNode = this.size;
    const colors = options.colors ?? new Float32Array(count * 3).fill(1);
    const cluster = instancedBufferAttribute(new InstancedBufferAttribute(colors, 3), 'vec3' as const);
    material.colorNode = mix(this.timeColor, cluster, this.clusterMix);
    // Soft round sprite: full inside r = 0.2, fading to 0 at the quad's inscribed circle (r = 0.5).
    material.opacityNode = smoothstep(float(0.5), float(0.2), length(uv().sub(0.5))).mul(this.opacity);
    this.material = material;
    this.object = new Sprite(material);
    this.object.count = count;
    this.object.frustumCulled = false;
    this.setPointSize(options.pointSize);
    this.opacity.value = options.opacity;
  }

  /** Render interpolation between previous (0) and current (1) state. */
  setAlpha(alpha: number): void {
    this.alpha.value = alpha;
  }
  /** 2D: z = height * scale (0 keeps the particles in the plane). */
  setHeightScale(scale: number): void {
    this.heightScale.value = scale;
  }
  /** Sprite diameter in CSS pixels. */
  setPointSize(px: number): void {
    this.size.value = px;
  }
  setOpacity(o: number): void {
    this.opacity.value = o;
  }
  /** Colour by time (the given colour for every particle) or by cluster (per-particle colours). */
  setColoring(mode: 'time' | 'cluster', time: Color): void {
    this.clusterMix.value = mode === 'cluster' ? 1 : 0;
    (this.timeColor.value as Color).copy(time);
  }
  /**
   * Replaces the drawn positions from the CPU ([n, dim] row-major, n <= count; previous = current) and
   * draws only those n (for small layers edited on the CPU, e.g. a drawing's preview).
   */
  setPositions(points: Float32Array): void {
    const n = Math.min(this.count, Math.floor(points.length / this.dim));
    (this.previous.array as Float32Array).set(points.subarray(0, n * this.dim));
    (this.current.array as Float32Array).set(points.subarray(0, n * this.dim));
    this.previous.needsUpdate = true;
    this.current.needsUpdate = true;
    this.object.count = n;
  }

  /** Additive (glow, for a dark stage) or normal blending (a light stage). */
  setAdditive(additive: boolean): void {
    const blending = additive ? AdditiveBlending : NormalBlending;
    if (this.material.blending === blending) return;
    this.material.blending = blending;
    this.material.needsUpdate = true;
  }

  dispose(): void {
    this.material.dispose();
    this.object.geometry.dispose();
  }
}
