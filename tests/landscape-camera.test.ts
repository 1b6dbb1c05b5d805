/**
 * The landscape camera's framing (issue 15: at 1280x720 the critic surface's square, turning under the
 * orbit, touched the settings panel): for the panels of the WGAN presets at 1280x720 and 1920x1080, every
 * corner of the surface's box (square and heights), at every orbit angle, is drawn inside the free area
 * the panels leave, and the box still fills a good part of it.
 */
import { PerspectiveCamera, Vector3 } from 'three/webgpu';
import { describe, expect, it } from 'vitest';
import { frameLandscapeCamera, LANDSCAPE_TARGET_Z, projectedBox, turnedCorners, type CanvasArea } from '../src/scene/landscape-camera';
import { freeArea } from '../src/ui/layout';

const FOV = 45;

/**
 * The WGAN presets' panels on a w x h canvas (as in the fresh-user screenshots at 1280x720: HUD, critic
 * legend and training chart on the left, settings on the right, the game panel at the bottom; the same
 * sizes at 1920x1080, the bottom rows and the settings at the larger canvas's edges).
 */
function panels(w: number, h: number): Parameters<typeof freeArea>[2] {
  const dy = h - 720;
  const dx = w - 1280;
  return {
    left: [
      { left: 16, top: 14, right: 380, bottom: 310 },
      { left: 16, top: 421 + dy, right: 433, bottom: 485 + dy },
      { left: 16, top: 494 + dy, right: 286, bottom: 705 + dy },
    ],
    right: [{ left: 955 + dx, top: 14, right: 1266 + dx, bottom: 706 + dy }],
    bottom: [{ left: 451, top: 533 + dy, right: 943, bottom: 705 + dy }],
  };
}

/** Pixel box of the surface's box corners over a full turn (1-degree steps, off the framing's own 5-degree grid). */
function drawnBox(camera: PerspectiveCamera, w: number, h: number): CanvasArea {
  const corners: Vector3[] = [];
  for (let deg = 0.5; deg < 360; deg += 1) corners.push(...turnedCorners((deg * Math.PI) / 180));
  return projectedBox(camera, corners, w, h);
}

describe('the landscape camera keeps the turning critic surface in the free area', () => {
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080],
  ] as const) {
    it(`${w}x${h}: every corner at every orbit angle inside the free area, the box filling most of it`, () => {
      const area = freeArea(w, h, panels(w, h));
      const camera = new PerspectiveCamera(FOV, w / h, 0.05, 200);
      const fit = frameLandscapeCamera(camera, FOV, w, h, area);
      expect(fit).toBeGreaterThan(0.5);
      expect(fit).toBeLessThan(3);
      const box = drawnBox(camera, w, h);
      expect(box.left).toBeGreaterThanOrEqual(area.left);
      expect(box.right).toBeLessThanOrEqual(area.right);
      expect(box.top).toBeGreaterThanOrEqual(area.top);
      expect(box.bottom).toBeLessThanOrEqual(area.bottom);
      // Not lost in it either: at least 80% of the area's width or height.
      expect(Math.max((box.right - box.left) / (area.right - area.left), (box.bottom - box.top) / (area.bottom - area.top))).toBeGreaterThan(0.8);
      // The camera looks at the surface's middle, from about 35 degrees above the plane.
      const toTarget = new Vector3(0, 0, LANDSCAPE_TARGET_Z).sub(camera.position);
      expect((Math.asin(-toTarget.z / toTarget.length()) * 180) / Math.PI).toBeCloseTo(33, 0);
    });
  }

  it('the whole canvas when no free area is usable: the box inside the canvas', () => {
    const camera = new PerspectiveCamera(FOV, 640 / 360, 0.05, 200);
    frameLandscapeCamera(camera, FOV, 640, 360, { left: 0, top: 0, right: 640, bottom: 360 });
    const box = drawnBox(camera, 640, 360);
    expect(box.left).toBeGreaterThanOrEqual(0);
    expect(box.right).toBeLessThanOrEqual(640);
    expect(box.top).toBeGreaterThanOrEqual(0);
    expect(box.bottom).toBeLessThanOrEqual(360);
  });
});
