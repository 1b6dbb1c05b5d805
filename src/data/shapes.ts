/**
 * Picture-like 2D shapes described as JSON assets (see `assets/smiley.json`) and sampled as point sets.
 *
 * An asset is a list of labelled parts; each part is made of primitives (arcs, filled discs,
 * polylines). A point is drawn by picking a primitive with probability proportional to its `weight`,
 * drawing a point uniformly on it (by arc length for arcs and polylines, by area for discs) and adding
 * isotropic gaussian noise of standard deviation `noise`. The label of the point is the index of its part.
 *
 * Everything here is plain math: no three.js, no DOM, every draw comes from the passed {@link Rng}.
 */
import type { Rng } from '../models/random';

/** A 2D point `[x, y]` in the asset's own units (y up). */
export type Vec2 = readonly [number, number];

/** An arc (or full circle) of a circle, sampled uniformly by arc length. Angles in degrees, CCW from +x. */
export interface ArcPrimitive {
  readonly type: 'arc';
  readonly center: Vec2;
  /** > 0. */
  readonly radius: number;
  readonly startDeg: number;
  /** startDeg < endDeg <= startDeg + 360. */
  readonly endDeg: number;
  /** Relative share of points, > 0. */
  readonly weight: number;
}

/** A filled disc, sampled uniformly by area. */
export interface DiscPrimitive {
  readonly type: 'disc';
  readonly center: Vec2;
  /** > 0. */
  readonly radius: number;
  /** Relative share of points, > 0. */
  readonly weight: number;
}

/** An open polyline through >= 2 points (total length > 0), sampled uniformly by length. */
export interface PolylinePrimitive {
  readonly type: 'polyline';
  readonly points: readonly Vec2[];
  /** Relative share of points, > 0. */
  readonly weight: number;
}

/** One drawable primitive of a shape part. */
export type ShapePrimitive = ArcPrimitive | DiscPrimitive | PolylinePrimitive;

/** A named part of a shape; its index in {@link ShapeAsset.parts} is the label of its points. */
export interface ShapePart {
  readonly name: string;
  /** At least one primitive. */
  readonly primitives: readonly ShapePrimitive[];
}

/** A validated shape asset. */
export interface ShapeAsset {
  readonly name: string;
  /** Standard deviation of the isotropic gaussian noise added to each point, >= 0, asset units. */
  readonly noise: number;
  /** At least one part, at most 65,535 (labels are stored as uint16). */
  readonly parts: readonly ShapePart[];
}

/** Exact per-coordinate mean and variance of a shape's point distribution (noise included). */
export interface ShapeMoments {
  readonly mean: Vec2;
  readonly variance: Vec2;
}

// ---------------------------------------------------------------------------------------------------
// Validation

function fail(source: string, path: string, what: string, got: unknown): never {
  let shown: string;
  try {
    shown = JSON.stringify(got) ?? String(got);
  } catch {
    shown = String(got);
  }
  if (shown.length > 60) shown = `${shown.slice(0, 57)}...`;
  throw new Error(`${source}: ${path} must be ${what}, got ${shown}`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finite(source: string, path: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(source, path, 'a finite number', v);
  return v;
}

function positive(source: string, path: string, v: unknown): number {
  const x = finite(source, path, v);
  if (!(x > 0)) fail(source, path, 'a positive number', v);
  return x;
}

function vec2(source: string, path: string, v: unknown): Vec2 {
  if (!Array.isArray(v) || v.length !== 2) fail(source, path, 'an [x, y] pair of finite numbers', v);
  return [finite(source, `${path}[0]`, v[0]), finite(source, `${path}[1]`, v[1])];
}

function primitive(source: string, path: string, v: unknown): ShapePrimitive {
  if (!isRecord(v)) fail(source, path, 'an object', v);
  const weight = positive(source, `${path}.weight`, v.weight);
  switch (v.type) {
    case 'arc': {
      const center = vec2(source, `${path}.center`, v.center);
      const radius = positive(source, `${path}.radius`, v.radius);
      const startDeg = finite(source, `${path}.startDeg`, v.startDeg);
      const endDeg = finite(source, `${path}.endDeg`, v.endDeg);
      if (!(endDeg > startDeg && endDeg - startDeg <= 360)) {
        fail(source, `${path}.endDeg`, `in (startDeg, startDeg + 360] = (${startDeg}, ${startDeg + 360}]`, v.endDeg);
      }
      return { type: 'arc', center, radius, startDeg, endDeg, weight };
    }
    case 'disc': {
      const center = vec2(source, `${path}.center`, v.center);
      const radius = positive(source, `${path}.radius`, v.radius);
      return { type: 'disc', center, radius, weight };
    }
    case 'polyline': {
      if (!Array.isArray(v.points) || v.points.length < 2) {
        fail(source, `${path}.points`, 'an array of at least 2 [x, y] points', v.points);
      }
      const points = v.points.map((p: unknown, i: number) => vec2(source, `${path}.points[${i}]`, p));
      let length = 0;
      for (let i = 1; i < points.length; i++) {
        length += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
      }
      if (!(length > 0)) fail(source, `${path}.points`, 'a polyline of positive length', v.points);
      return { type: 'polyline', points, weight };
    }
    default:
      return fail(source, `${path}.type`, 'one of "arc", "disc", "polyline"', v.type);
  }
}

/**
 * Checks that `data` (e.g. an imported JSON asset) is a well-formed {@link ShapeAsset} and returns a
 * typed copy.
 * @param source name used in error messages, e.g. `"assets/smiley.json"`.
 * @throws Error naming the offending JSON path (e.g. `parts[1].primitives[0].radius`) if malformed.
 */
export function parseShapeAsset(data: unknown, source = 'shape asset'): ShapeAsset {
  if (!isRecord(data)) fail(source, '(root)', 'an object', data);
  if (typeof data.name !== 'string' || data.name === '') fail(source, 'name', 'a non-empty string', data.name);
  const noise = finite(source, 'noise', data.noise);
  if (noise < 0) fail(source, 'noise', 'a number >= 0', data.noise);
  if (!Array.isArray(data.parts) || data.parts.length === 0 || data.parts.length > 65535) {
    fail(source, 'parts', 'an array of 1 to 65535 parts', data.parts);
  }
  const parts = data.parts.map((p: unknown, i: number): ShapePart => {
    const path = `parts[${i}]`;
    if (!isRecord(p)) fail(source, path, 'an object', p);
    if (typeof p.name !== 'string') fail(source, `${path}.name`, 'a string', p.name);
    if (!Array.isArray(p.primitives) || p.primitives.length === 0) {
      fail(source, `${path}.primitives`, 'a non-empty array', p.primitives);
    }
    const primitives = p.primitives.map((q: unknown, j: number) => primitive(source, `${path}.primitives[${j}]`, q));
    return { name: p.name, primitives };
  });
  return { name: data.name, noise, parts };
}

// ---------------------------------------------------------------------------------------------------
// Moments

/** E[x], E[y], E[x²], E[y²] of one primitive without noise. */
function rawMoments(p: ShapePrimitive): [number, number, number, number] {
  switch (p.type) {
    case 'arc': {
      // phi uniform on [a, b]: E[cos] = (sin b - sin a)/(b - a), E[sin] = (cos a - cos b)/(b - a),
      // E[cos²] = 1/2 + (sin 2b - sin 2a)/(4(b - a)), E[sin²] = 1 - E[cos²].
      const a = (p.startDeg * Math.PI) / 180;
      const b = (p.endDeg * Math.PI) / 180;
      const d = b - a;
      const ec = (Math.sin(b) - Math.sin(a)) / d;
      const es = (Math.cos(a) - Math.cos(b)) / d;
      const ecc = 0.5 + (Math.sin(2 * b) - Math.sin(2 * a)) / (4 * d);
      const ess = 1 - ecc;
      const [cx, cy] = p.center;
      const r = p.radius;
      return [cx + r * ec, cy + r * es, cx * cx + 2 * cx * r * ec + r * r * ecc, cy * cy + 2 * cy * r * es + r * r * ess];
    }
    case 'disc': {
      // Uniform in a disc: Var(x) = Var(y) = r²/4.
      const [cx, cy] = p.center;
      const v = (p.radius * p.radius) / 4;
      return [cx, cy, cx * cx + v, cy * cy + v];
    }
    case 'polyline': {
      // Segment p->q, t uniform: E = (p + q)/2, E[x²] = (p² + pq + q²)/3; segments weighted by length.
      let total = 0;
      let mx = 0;
      let my = 0;
      let mxx = 0;
      let myy = 0;
      for (let i = 1; i < p.points.length; i++) {
        const [x0, y0] = p.points[i - 1];
        const [x1, y1] = p.points[i];
        const len = Math.hypot(x1 - x0, y1 - y0);
        total += len;
        mx += (len * (x0 + x1)) / 2;
        my += (len * (y0 + y1)) / 2;
        mxx += (len * (x0 * x0 + x0 * x1 + x1 * x1)) / 3;
        myy += (len * (y0 * y0 + y0 * y1 + y1 * y1)) / 3;
      }
      return [mx / total, my / total, mxx / total, myy / total];
    }
  }
}

/** Exact mean and variance per coordinate of the asset's distribution (closed form, no sampling). */
export function shapeMoments(asset: ShapeAsset): ShapeMoments {
  let w = 0;
  let mx = 0;
  let my = 0;
  let mxx = 0;
  let myy = 0;
  for (const part of asset.parts) {
    for (const p of part.primitives) {
      const [ex, ey, exx, eyy] = rawMoments(p);
      w += p.weight;
      mx += p.weight * ex;
      my += p.weight * ey;
      mxx += p.weight * exx;
      myy += p.weight * eyy;
    }
  }
  mx /= w;
  my /= w;
  const s2 = asset.noise * asset.noise;
  return { mean: [mx, my], variance: [mxx / w - mx * mx + s2, myy / w - my * my + s2] };
}

// ---------------------------------------------------------------------------------------------------
// Sampling

/** A shape prepared for fast repeated sampling. */
export interface ShapeSampler {
  readonly asset: ShapeAsset;
  /** Number of parts (= number of distinct labels). */
  readonly labelCount: number;
  /**
   * Draws `count` points as `(raw - center) / scale` into `points[2*i], points[2*i+1]` and the part
   * index into `labels[i]`, for i in [0, count).
   */
  sampleInto(rng: Rng, count: number, center: Vec2, scale: number, points: Float32Array, labels: Uint16Array): void;
}

interface Compiled {
  readonly label: number;
  readonly prim: ShapePrimitive;
  /** For polylines: cumulative length at each vertex (first 0). */
  readonly cum: Float64Array | null;
}

/** Prepares a validated asset for sampling. */
export function compileShape(asset: ShapeAsset): ShapeSampler {
  const items: Compiled[] = [];
  const cumWeight: number[] = [];
  let total = 0;
  asset.parts.forEach((part, label) => {
    for (const prim of part.primitives) {
      let cum: Float64Array | null = null;
      if (prim.type === 'polyline') {
        cum = new Float64Array(prim.points.length);
        for (let i = 1; i < prim.points.length; i++) {
          const [x0, y0] = prim.points[i - 1];
          const [x1, y1] = prim.points[i];
          cum[i] = cum[i - 1] + Math.hypot(x1 - x0, y1 - y0);
        }
      }
      items.push({ label, prim, cum });
      total += prim.weight;
      cumWeight.push(total);
    }
  });
  const noise = asset.noise;
  const last = items.length - 1;
  return {
    asset,
    labelCount: asset.parts.length,
    sampleInto(rng, count, center, scale, points, labels) {
      const inv = 1 / scale;
      for (let i = 0; i < count; i++) {
        const u = rng.uniform() * total;
        let k = 0;
        while (k < last && u >= cumWeight[k]) k++;
        const { label, prim, cum } = items[k];
        let x: number;
        let y: number;
        if (prim.type === 'arc') {
          const phi = ((prim.startDeg + (prim.endDeg - prim.startDeg) * rng.uniform()) * Math.PI) / 180;
          x = prim.center[0] + prim.radius * Math.cos(phi);
          y = prim.center[1] + prim.radius * Math.sin(phi);
        } else if (prim.type === 'disc') {
          const r = prim.radius * Math.sqrt(rng.uniform());
          const phi = 2 * Math.PI * rng.uniform();
          x = prim.center[0] + r * Math.cos(phi);
          y = prim.center[1] + r * Math.sin(phi);
        } else {
          const c = cum as Float64Array;
          const s = rng.uniform() * c[c.length - 1];
          let j = 1;
          while (j < c.length - 1 && s > c[j]) j++;
          const segLen = c[j] - c[j - 1];
          const t = segLen > 0 ? (s - c[j - 1]) / segLen : 0;
          const [x0, y0] = prim.points[j - 1];
          const [x1, y1] = prim.points[j];
          x = x0 + t * (x1 - x0);
          y = y0 + t * (y1 - y0);
        }
        if (noise > 0) {
          x += noise * rng.normal();
          y += noise * rng.normal();
        }
        points[2 * i] = (x - center[0]) * inv;
        points[2 * i + 1] = (y - center[1]) * inv;
        labels[i] = label;
      }
    },
  };
}
