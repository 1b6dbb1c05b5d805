/**
 * The particle cloud on screen: N instanced soft round sprites whose positions come from two
 * per-instance buffers (previous and current simulation state) mixed by the loop's interpolation
 * alpha in the vertex shader. Also used, with one buffer, for the faint data reference layer.
 *
 * This module only draws: it never changes the simulation. Works on three's WebGPU and WebGL2 backends.
 */
import { attribute, float, instancedBufferAttribute, length, mix, smoothstep, uniform, uv, vec3 } from 'three/tsl';
import { AdditiveBlending, BufferAttribute, BufferGeometry, Color, InstancedBufferAttribute, NormalBlending, PointsNodeMaterial, Sprite } from 'three/webgpu';

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
  /**
   * One instanced draw of a quad per particle (true, the default), or one plain draw of a geometry that
   * holds the four corners of every particle's quad (false). Same picture; the plain draw exists for
   * software renderers: SwiftShader runs an instanced draw as one draw per instance, about 20 us each on
   * this machine, so 10,000 instances cost about 200 ms a frame, while one draw of 20,000 triangles costs a
   * few ms. The plain layout stores each position four times (one per corner), see {@link ParticleLayer.verticesPerParticle}.
   */
  readonly instanced?: boolean;
}

/** Corners of a particle's quad (x, y in [-0.5, 0.5]) and their uv, as in three's Sprite geometry. */
const CORNERS = [-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5] as const;
const CORNER_UVS = [0, 0, 1, 0, 1, 1, 0, 1] as const;

/** `rows` rows of `width` values, each written `times` times in a row: [rows * times, width]. */
export function repeatRows(values: ArrayLike<number>, width: number, times: number, out: Float32Array = new Float32Array(values.length * times)): Float32Array {
  const rows = Math.floor(values.length / width);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < times; k++) {
      const o = (i * times + k) * width;
      for (let j = 0; j < width; j++) out[o + j] = values[i * width + j];
    }
  }
  return out;
}

/** An instanced sprite cloud. Owns GPU resources: call dispose(). */
export class ParticleLayer {
  readonly object: Sprite;
  /** Positions before the last simulation step, [count * verticesPerParticle, dim] (each row repeated). */
  readonly previous: BufferAttribute;
  /** Positions after the last simulation step, [count * verticesPerParticle, dim]. */
  readonly current: BufferAttribute;
  /** 2D only: a height per particle, [count * verticesPerParticle] (e.g. the critic's value), drawn as z = height * heightScale. */
  readonly height: BufferAttribute;
  /** Rows per particle in the attributes: 1 when instanced, 4 (the quad's corners) otherwise. */
  readonly verticesPerParticle: 1 | 4;
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
    const instanced = options.instanced ?? true;
    const r = instanced ? 1 : 4;
    this.verticesPerParticle = r;
    const colors = options.colors ?? new Float32Array(count * 3).fill(1);
    const Attribute = instanced ? InstancedBufferAttribute : BufferAttribute;
    this.previous = new Attribute(repeatRows(positions, dim, r), dim);
    this.current = new Attribute(repeatRows(positions, dim, r), dim);
    this.height = new Attribute(new Float32Array(count * r), 1);
    const colorAttribute = new Attribute(repeatRows(colors, 3, r), 3);
    const read = <T extends 'vec2' | 'vec3' | 'float'>(name: string, a: BufferAttribute, type: T) =>
      instanced ? instancedBufferAttribute(a as InstancedBufferAttribute, type) : attribute(name, type);
    // sizeAttenuation off: sprites keep their pixel size under the perspective camera of the 3D view.
    const material = new PointsNodeMaterial({ transparent: true, depthWrite: false, sizeAttenuation: false, blending: options.additive ? AdditiveBlending : NormalBlending });
    if (dim === 3) {
      material.positionNode = mix(read('previous', this.previous, 'vec3'), read('current', this.current, 'vec3'), this.alpha);
    } else {
      const p = mix(read('previous', this.previous, 'vec2'), read('current', this.current, 'vec2'), this.alpha);
      material.positionNode = vec3(p.x, p.y, read('height', this.height, 'float').mul(this.heightScale));
    }
    material.sizeNode = this.size;
    const cluster = read('clusterColor', colorAttribute, 'vec3');
    material.colorNode = mix(this.timeColor, cluster, this.clusterMix);
    // Soft round sprite: full inside r = 0.2, fading to 0 at the quad's inscribed circle (r = 0.5).
    material.opacityNode = smoothstep(float(0.5), float(0.2), length(uv().sub(0.5))).mul(this.opacity);
    this.material = material;
    this.object = new Sprite(material);
    if (instanced) {
      // A geometry of its own (three's Sprite shares one among all sprites): disposing it frees this
      // layer's instanced attributes in the renderer without touching the other sprites' buffers.
      this.object.geometry = this.object.geometry.clone();
      this.object.count = count;
    } else {
      // One quad per particle in a single geometry: corners and uvs per vertex, two triangles per quad.
      const geometry = new BufferGeometry();
      const corner = new Float32Array(count * 4 * 3);
      const uvs = new Float32Array(count * 4 * 2);
      const index = new Uint32Array(count * 6);
      for (let i = 0; i < count; i++) {
        for (let k = 0; k < 4; k++) {
          corner[(i * 4 + k) * 3] = CORNERS[2 * k];
          corner[(i * 4 + k) * 3 + 1] = CORNERS[2 * k + 1];
          uvs[(i * 4 + k) * 2] = CORNER_UVS[2 * k];
          uvs[(i * 4 + k) * 2 + 1] = CORNER_UVS[2 * k + 1];
        }
        index.set([4 * i, 4 * i + 1, 4 * i + 2, 4 * i, 4 * i + 2, 4 * i + 3], 6 * i);
      }
      geometry.setIndex(new BufferAttribute(index, 1));
      geometry.setAttribute('position', new BufferAttribute(corner, 3));
      geometry.setAttribute('uv', new BufferAttribute(uvs, 2));
      geometry.setAttribute('previous', this.previous);
      geometry.setAttribute('current', this.current);
      geometry.setAttribute('height', this.height);
      geometry.setAttribute('clusterColor', colorAttribute);
      this.object.geometry = geometry;
      this.object.count = 1;
    }
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
    const r = this.verticesPerParticle;
    repeatRows(points.subarray(0, n * this.dim), this.dim, r, this.previous.array as Float32Array);
    repeatRows(points.subarray(0, n * this.dim), this.dim, r, this.current.array as Float32Array);
    this.previous.needsUpdate = true;
    this.current.needsUpdate = true;
    if (r === 1) this.object.count = n;
    else this.object.geometry.setDrawRange(0, n * 6);
  }

  /** Additive (glow, for a dark stage) or normal blending (a light stage). */
  setAdditive(additive: boolean): void {
    const blending = additive ? AdditiveBlending : NormalBlending;
    if (this.material.blending === blending) return;
    this.material.blending = blending;
    this.material.needsUpdate = true;
  }

  /**
   * Frees the GPU buffers: the geometry first (three then drops the attributes its render objects read
   * through nodes, the instanced ones included), then the material (which drops the render objects).
   */
  dispose(): void {
    this.object.geometry.dispose();
    this.material.dispose();
  }
}
