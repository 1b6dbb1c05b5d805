/**
 * The landscape camera's framing (issue 15: at 1280x720 the critic surface's square, turning under the
 * orbit, touched the settings panel): for the panels of the WGAN presets at 1280x720 and 1920x1080, every
 * corner of the surface's box (square and heights), at every orbit angle, is drawn inside the free area
 * the panels leave, and the box still fills a good part of it.
 */
import { PerspectiveCamera, Vector3 } from 'three/webgpu';
import { describe, expect, it } from 'vitest';
import { frameLandscapeCamera, LANDSCAPE_BOX, LANDSCAPE_TARGET_Z, type CanvasArea } from '../src/scene/landscape-camera';
import { freeArea } from '../src/ui/layout';

const FOV = 45;

/** The WGAN presets' panels at 1280x720 (as in the fresh-user screenshots: HUD, critic legend, training chart; settings; the game panel). */
const PANELS_1280 = {
  left: [
    { left: 16, top: 14, right: 380, bottom: 310 },
    { left: 16, top: 421, right: 433, bottom: 485 },
    { left: 16, top: 494, right: 286, bottom: 705 },
  ],
  right: [{ left: 955, top: 14, right: 1266, bottom: 706 }],
  bottom: [{ left: 451, top: 533, right: 943, bottom: 705 }],
};
/** The same panels at 1920x1080 (same sizes; the settings and bottom rows at the larger canvas's edges). */
const PANELS_1920 = {
  left: [
    { left: 16, top: 14, right: 380, bottom: 310 },
    { left: 16, top: 781, right: 433, bottom: 845 },
    { left: 16, top: 854, right: 286, bottom: 1065 },
  ],
  right: [{ left: 1595, top: 14, right: 1906, bottom: 1066 }],
  bottom: [{ left: 451, top: 893, right: 943, bottom: 1065 }],
};

/** Pixel box of the surface's box corners over a full turn (1-degree steps, off the framing's own 5-degree grid). */
function drawnBox(camera: PerspectiveCamera, w: number, h: number): CanvasArea {
  camera.updateMatrixWorld();
  let left = Infinity;
  let right = -Infinity;
  let top = Infinity;
  let bottom = -Infinity;
  const { extent, height } = LANDSCAPE_BOX;
  const p = new Vector3();
  for (let deg = 0.5; deg < 360; deg += 1) {
    const a = (deg * Math.PI) / 180;
    for (const x of [-extent, extent]) {
      for (const y of [-extent, extent]) {
        for (const z of [0, height]) {
          p.set(Math.cos(a) * x - Math.sin(a) * y, Math.sin(a) * x + Math.cos(a) * y, z).project(camera);
          const px = ((p.x + 1) / 2) * w;
          const py = ((1 - p.y) / 2) * h;
          left = Math.min(left, px);
          right = Math.max(right, px);
          top = Math.min(top, py);
          bottom = Math.max(bottom, py);
        }
      }
    }
  }
  return { left, top, right, bottom };
}

describe('the landscape camera keeps the turning critic surface in the free area', () => {
  for (const [w, h, panels] of [
    [1280, 720, PANELS_1280],
    [1920, 1080, PANELS_1920],
  ] as const) {
    it(`${w}x${h}: every corner at every orbit angle inside the free area, the box filling most of it`, () => {
      const area = freeArea(w, h, panels);
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
