import { describe, expect, it } from 'vitest';
import { DATA_FRAME, frameBox, FramingEaser, GENERATED_MARGIN, GENERATED_PAD, MAX_FRAME_EXTENT, pointsBox, wantedFrame, type PixelRect, type PlaneBox } from '../src/scene/framing';

/** Where a data-plane point lands on the canvas (CSS px from the top-left) under a frustum. */
function toPixel(view: ReturnType<typeof frameBox>, x: number, y: number): [number, number] {
  return [(x - view.left) * view.scale, (view.top - y) * view.scale];
}
const within = (p: [number, number], r: PixelRect): boolean => p[0] >= r.left - 1e-9 && p[0] <= r.right + 1e-9 && p[1] >= r.top - 1e-9 && p[1] <= r.bottom + 1e-9;
const corners = (b: PlaneBox): [number, number][] => [[b.minX, b.minY], [b.minX, b.maxY], [b.maxX, b.minY], [b.maxX, b.maxY]];

// 1280 x 720 with the HUD column on the left, the settings on the right and the plots below (issue 15).
const W = 1280;
const H = 720;
const FREE: PixelRect = { left: 300, top: 0, right: 1000, bottom: 520 };

describe('framing: the data box and the generated points in the free area (issue 15)', () => {
  it('the default box is the framing the view always had: +-3.2 high, +-2.7 wide, the origin at the free area centre', () => {
    const v = frameBox(DATA_FRAME, FREE, W, H);
    expect(v.scale).toBeCloseTo(Math.min(H / 6.4, 520 / 6.4, 700 / 5.4), 12);
    const [x, y] = toPixel(v, 0, 0);
    expect(x).toBeCloseTo(650, 9);
    expect(y).toBeCloseTo(260, 9);
  });

  it('a G(z) cloud drifted right of the data is framed with the data, both inside the free area', () => {
    const cloud = new Float32Array([3.1, 0.2, 4.6, -0.8, 3.9, 1.1, 4.2, 0.0]);
    const generated = pointsBox(cloud, 2);
    expect(generated).toEqual({ minX: Math.fround(3.1), minY: Math.fround(-0.8), maxX: Math.fround(4.6), maxY: Math.fround(1.1) });
    // Before: the fixed framing puts the cloud past the free area's right edge (under the settings panel).
    const before = frameBox(DATA_FRAME, FREE, W, H);
    expect(toPixel(before, 4.6, 0)[0]).toBeGreaterThan(FREE.right);
    const box = wantedFrame(generated);
    const after = frameBox(box, FREE, W, H);
    for (const [x, y] of [...corners(DATA_FRAME), [4.6, -0.8], [4.6, 1.1], [3.1, 0.2]] as [number, number][]) expect(within(toPixel(after, x, y), FREE)).toBe(true);
    // With a margin: the cloud's right edge stays at least 20 px inside the area.
    expect(FREE.right - toPixel(after, 4.6, 0)[0]).toBeGreaterThan(20);
  });

  it('no generated points, points inside the data frame, or non-finite rows: the data frame; a diverged cloud is capped', () => {
    expect(wantedFrame(null)).toEqual(DATA_FRAME);
    expect(wantedFrame(pointsBox(new Float32Array([0, 0, 1, 1]), 2))).toEqual(DATA_FRAME);
    expect(pointsBox(new Float32Array([Number.NaN, 0, Infinity, 1]), 2)).toBeNull();
    expect(pointsBox(new Float32Array([1, 2, 9, 3, 5, 4, -1, -2, 0]), 3)).toEqual({ minX: -1, minY: -2, maxX: 3, maxY: 5 });
    const far = wantedFrame({ minX: -1e6, minY: 0, maxX: 1e6, maxY: 1 });
    expect(far.minX).toBe(-MAX_FRAME_EXTENT);
    expect(far.maxX).toBe(MAX_FRAME_EXTENT);
  });

  it('eases towards a grown box over frames, grows at once but shrinks only when the wanted box is under 75% of its width or height', () => {
    const e = new FramingEaser();
    expect(e.step()).toBe(false);
    expect(e.setGenerated({ minX: 3, minY: -1, maxX: 5, maxY: 1 })).toBe(true);
    const goal = e.target;
    expect(goal.maxX).toBeCloseTo(5 + 0.08 * 2 + 0.25, 9);
    // Eased: each frame goes 15% of the remaining way, monotonically, and arrives.
    let last = e.current.maxX;
    expect(e.step()).toBe(true);
    expect(e.current.maxX - DATA_FRAME.maxX).toBeCloseTo(0.15 * (goal.maxX - DATA_FRAME.maxX), 9);
    for (let i = 0; i < 200 && e.step(); i++) {
      expect(e.current.maxX).toBeGreaterThanOrEqual(last);
      last = e.current.maxX;
    }
    expect(e.current).toEqual(goal);
    // The cloud moving a little inside the grown box: no new target (no zooming in and out every readback).
    expect(e.setGenerated({ minX: 3.2, minY: -0.9, maxX: 4.8, maxY: 0.9 })).toBe(false);
    expect(e.target).toBe(goal);
    // The cloud back on the data: the box is much smaller than the grown one, so it shrinks back.
    expect(e.setGenerated({ minX: -2, minY: -2, maxX: 2, maxY: 2 })).toBe(true);
    expect(e.target).toEqual(DATA_FRAME);
    e.reset();
    expect(e.current).toEqual(DATA_FRAME);
  });

  it('the generator manifold is framed with the G(z) sample: the box takes in both sets, each replaced or dropped on its own (issue 15: the G(grid) mesh reached the settings panel)', () => {
    const e = new FramingEaser();
    // G(z) inside the data frame, but the manifold (a grid of z over [-2.5, 2.5]^2, further out) reaches x = 6.
    expect(e.setGenerated({ minX: -1.5, minY: -1.5, maxX: 1.5, maxY: 1.5 }, 'samples')).toBe(false);
    expect(e.setGenerated({ minX: -1, minY: -1.5, maxX: 6, maxY: 1.5 }, 'manifold')).toBe(true);
    expect(e.target.maxX).toBeCloseTo(6 + GENERATED_MARGIN * 7.5 + GENERATED_PAD, 9);
    // A new sample that drifts left: the box holds the sample's left and the manifold's right.
    expect(e.setGenerated({ minX: -5, minY: -1, maxX: 0, maxY: 1 }, 'samples')).toBe(true);
    expect(e.target.minX).toBeCloseTo(-5 - GENERATED_MARGIN * 11 - GENERATED_PAD, 9);
    expect(e.target.maxX).toBeCloseTo(6 + GENERATED_MARGIN * 11 + GENERATED_PAD, 9);
    // The manifold hidden: only the sample is framed (the box shrinks back to it with its margin).
    expect(e.setGenerated(null, 'manifold')).toBe(true);
    expect(e.target.maxX).toBe(DATA_FRAME.maxX);
    expect(e.target.minX).toBeCloseTo(-5 - GENERATED_MARGIN * 5 - GENERATED_PAD, 9);
    // A new scene forgets both sets: a later manifold box alone decides.
    e.setGenerated({ minX: -1, minY: -1.5, maxX: 6, maxY: 1.5 }, 'manifold');
    e.reset();
    expect(e.target).toEqual(DATA_FRAME);
    expect(e.setGenerated({ minX: -1, minY: -1, maxX: 1, maxY: 1 }, 'manifold')).toBe(false);
    expect(e.target).toEqual(DATA_FRAME);
  });
});
