/**
 * The flat view's framing as pure math (no three, no DOM): which box of the data plane the 2D camera
 * fits into the free area (the canvas outside the panels, ui/layout). By default a fixed box around the
 * normalised data; when the generated points the app already reads back (a GAN's G(z), for the chart's
 * metric) leave it, the box takes them in too (issue 15: a drifting G(z) cloud ran under the settings
 * panel), and so does the generator manifold G(grid) (issue 15: its mesh reached the settings panel's
 * edge, since a grid of z over [-2.5, 2.5]^2 reaches further than the samples). The box grows at once and
 * shrinks only when the content is well inside it, and the camera eases towards it over a few frames
 * ({@link FramingEaser}), so the view never pumps in and out.
 */

/** An axis-aligned box of the data plane, data units. */
export interface PlaneBox {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** A rectangle of the canvas in CSS pixels from its top-left corner (as ui/layout's free area). */
export interface PixelRect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The 2D camera's frustum, data units (relative to the camera's pan). */
export interface PlaneView {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  /** Pixels per data unit. */
  readonly scale: number;
}

/** The default framed box: +-2.7 wide, +-3.2 high around the normalised data (whose span is about +-2.4). */
export const DATA_FRAME: PlaneBox = { minX: -2.7, minY: -3.2, maxX: 2.7, maxY: 3.2 };
/** The framed box never reaches past +-12 data units (a diverged generator does not shrink the data to a dot). */
export const MAX_FRAME_EXTENT = 12;
/** Margin around the generated points: this fraction of their box's size, plus {@link GENERATED_PAD} data units, on each side. */
export const GENERATED_MARGIN = 0.08;
export const GENERATED_PAD = 0.25;
/** The framed box shrinks back only when the wanted box's width or height is under this fraction of its own (hysteresis). */
export const SHRINK_BELOW = 0.75;
/** Fraction of the remaining way the eased box moves each frame. */
export const EASE_PER_FRAME = 0.15;

/**
 * The generated point sets the flat view takes in, each with its own box: 'samples', the G(z) sample the
 * chart's metric reads back; 'manifold', the generator manifold G(grid) (app/gan-views).
 */
export type GeneratedSet = 'samples' | 'manifold';

/** The smallest box holding both. */
export function unionBox(a: PlaneBox, b: PlaneBox): PlaneBox {
  return { minX: Math.min(a.minX, b.minX), minY: Math.min(a.minY, b.minY), maxX: Math.max(a.maxX, b.maxX), maxY: Math.max(a.maxY, b.maxY) };
}

const inside = (inner: PlaneBox, outer: PlaneBox): boolean => inner.minX >= outer.minX && inner.minY >= outer.minY && inner.maxX <= outer.maxX && inner.maxY <= outer.maxY;

/**
 * The bounding box of the finite points of `points` ([n, dim] row-major, the first two coordinates), or
 * null when there is none. Non-finite rows are skipped.
 */
export function pointsBox(points: Float32Array, dim: number): PlaneBox | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i + 1 < points.length; i += dim) {
    const x = points[i];
    const y = points[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  return minX <= maxX ? { minX, minY, maxX, maxY } : null;
}

/**
 * The box to frame: {@link DATA_FRAME}, widened to the generated points' box (null: none) with its margin
 * ({@link GENERATED_MARGIN}, {@link GENERATED_PAD}), clamped to +-{@link MAX_FRAME_EXTENT}.
 */
export function wantedFrame(generated: PlaneBox | null): PlaneBox {
  if (generated === null) return DATA_FRAME;
  const padX = GENERATED_MARGIN * (generated.maxX - generated.minX) + GENERATED_PAD;
  const padY = GENERATED_MARGIN * (generated.maxY - generated.minY) + GENERATED_PAD;
  const clamp = (v: number): number => Math.max(-MAX_FRAME_EXTENT, Math.min(MAX_FRAME_EXTENT, v));
  const grown = unionBox(DATA_FRAME, { minX: generated.minX - padX, minY: generated.minY - padY, maxX: generated.maxX + padX, maxY: generated.maxY + padY });
  return { minX: clamp(grown.minX), minY: clamp(grown.minY), maxX: clamp(grown.maxX), maxY: clamp(grown.maxY) };
}

/**
 * The frustum that fits `box` into the free area `free` of a `width` x `height` CSS px canvas, the box's
 * centre at the area's centre: pixels per unit are the largest that fit the box's height and width in the
 * area, never more than the whole canvas's height shows of the box. With {@link DATA_FRAME} this is the
 * framing the view always had (+-3.2 high, +-2.7 wide).
 */
export function frameBox(box: PlaneBox, free: PixelRect, width: number, height: number): PlaneView {
  const boxW = box.maxX - box.minX;
  const boxH = box.maxY - box.minY;
  const scale = Math.min(height / boxH, (free.bottom - free.top) / boxH, (free.right - free.left) / boxW);
  const cx = (free.left + free.right) / 2;
  const cy = (free.top + free.bottom) / 2;
  const midX = (box.minX + box.maxX) / 2;
  const midY = (box.minY + box.maxY) / 2;
  return { left: midX - cx / scale, right: midX + (width - cx) / scale, top: midY + cy / scale, bottom: midY - (height - cy) / scale, scale };
}

/**
 * The framed box over time: {@link target} decides where the box goes when new generated points arrive
 * (grow at once to take them in, shrink only when the wanted box is under {@link SHRINK_BELOW} of its width or height), and
 * {@link step}, once a frame, eases the shown box towards it by {@link EASE_PER_FRAME} of the way.
 */
export class FramingEaser {
  private goal: PlaneBox = DATA_FRAME;
  private shown: PlaneBox = DATA_FRAME;
  /** The last box of each generated set (absent: none). */
  private readonly sets = new Map<GeneratedSet, PlaneBox>();

  /** The box the view is easing towards. */
  get target(): PlaneBox {
    return this.goal;
  }

  /** The box framed now. */
  get current(): PlaneBox {
    return this.shown;
  }

  /**
   * A generated set's new box (null: none, e.g. a new scene, or a hidden manifold); the box framed takes in
   * every set's last box. @returns whether the target moved.
   */
  setGenerated(generated: PlaneBox | null, set: GeneratedSet = 'samples'): boolean {
    if (generated === null) this.sets.delete(set);
    else this.sets.set(set, generated);
    let all: PlaneBox | null = null;
    for (const box of this.sets.values()) all = all === null ? box : unionBox(all, box);
    const wanted = wantedFrame(all);
    const g = this.goal;
    const fills = wanted.maxX - wanted.minX >= SHRINK_BELOW * (g.maxX - g.minX) && wanted.maxY - wanted.minY >= SHRINK_BELOW * (g.maxY - g.minY);
    if (inside(wanted, g) && fills) return false;
    this.goal = wanted;
    return true;
  }

  /** Jumps to the default framing and forgets every generated set (a scene switch, a reset view). */
  reset(): void {
    this.sets.clear();
    this.goal = DATA_FRAME;
    this.shown = DATA_FRAME;
  }

  /** One frame of easing. @returns whether the shown box moved (the camera needs reframing). */
  step(): boolean {
    const g = this.goal;
    const s = this.shown;
    const gap = Math.max(Math.abs(g.minX - s.minX), Math.abs(g.minY - s.minY), Math.abs(g.maxX - s.maxX), Math.abs(g.maxY - s.maxY));
    if (gap === 0) return false;
    const k = gap < 1e-3 ? 1 : EASE_PER_FRAME;
    this.shown = { minX: s.minX + k * (g.minX - s.minX), minY: s.minY + k * (g.minY - s.minY), maxX: s.maxX + k * (g.maxX - s.maxX), maxY: s.maxY + k * (g.maxY - s.maxY) };
    return true;
  }
}
