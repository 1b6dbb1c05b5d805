/**
 * The landscape view's camera (the GAN critic's 3D surface): where it sits and how far its field of view
 * widens so that the surface's square, turning under the orbit, stays inside the free area (the part of
 * the canvas the panels leave; issue 15: at 1280x720 the turning square touched the settings panel).
 * Pure geometry on a three.js PerspectiveCamera, no renderer.
 */
import { type Camera, PerspectiveCamera, Vector3 } from 'three/webgpu';

/**
 * The camera (z up) and the height it looks at, data units: about 35 degrees above the plane (hills and
 * valleys show, and the points on them), aimed a little above the plane, into the surface's heights.
 */
export const LANDSCAPE_CAMERA = [0, -12.2, 8.4] as const;
export const LANDSCAPE_TARGET_Z = 0.5;
/** The surface's box, data units: half-width of its square and the top of its heights (app/gan-views' EXTENT and SURFACE_HEIGHT). */
export const LANDSCAPE_BOX = { extent: 4.2, height: 2.2 } as const;
/** Share of the free area's width and height the turning square may fill at most (a margin from the panels). */
const LANDSCAPE_FILL = 0.92;
/** Orbit angles the square's extent is measured at (it turns under the camera). */
const TURN_STEPS = 72;
/** Bounds of the widening (tan scale): never zoomed in more than 2x, nor widened past 3x. */
const WIDEN_RANGE = [0.5, 3] as const;

/** A rectangle on the canvas, CSS pixels from its top-left corner. */
export interface CanvasArea {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** The eight corners of the surface's box ({@link LANDSCAPE_BOX}) turned by `angle` radians about z, data units. */
export function turnedCorners(angle: number): Vector3[] {
  const { extent, height } = LANDSCAPE_BOX;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const out: Vector3[] = [];
  for (const x of [-extent, extent]) for (const y of [-extent, extent]) for (const z of [0, height]) out.push(new Vector3(c * x - s * y, s * x + c * y, z));
  return out;
}

/**
 * The bounding rectangle of `points` (world units) as `camera` draws them on a w x h canvas, CSS pixels
 * from its top-left corner (view offset included). Updates the camera's world matrix.
 */
export function projectedBox(camera: Camera, points: Iterable<Vector3>, w: number, h: number): CanvasArea {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  const p = new Vector3();
  camera.updateMatrixWorld();
  for (const point of points) {
    p.copy(point).project(camera);
    const x = ((p.x + 1) / 2) * w;
    const y = ((1 - p.y) / 2) * h;
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  return { left, top, right, bottom };
}

/** The largest |x| and |y|, in normalised device coordinates, of the turning box seen by `camera` (no view offset). */
function turningExtent(camera: PerspectiveCamera): { x: number; y: number } {
  let x = 0;
  let y = 0;
  const p = new Vector3();
  for (let k = 0; k < TURN_STEPS; k++) {
    for (const corner of turnedCorners((2 * Math.PI * k) / TURN_STEPS)) {
      p.copy(corner).project(camera);
      x = Math.max(x, Math.abs(p.x));
      y = Math.max(y, Math.abs(p.y));
    }
  }
  return { x, y };
}

/**
 * Sets a landscape camera for a w x h canvas (CSS px) so that the surface's box, turned to any orbit
 * angle, lies inside `area` (the free area, or the whole canvas) with a margin: the position
 * {@link LANDSCAPE_CAMERA} aimed at (0, 0, {@link LANDSCAPE_TARGET_Z}), the field of view `baseFov`
 * (degrees) widened by the tan factor the box needs to fit the area's width and height (clamped to
 * [0.5, 3]), and the picture shifted so that the target lands at the area's centre.
 * @returns the widening factor (tan scale) applied.
 */
export function frameLandscapeCamera(camera: PerspectiveCamera, baseFov: number, w: number, h: number, area: CanvasArea): number {
  camera.up.set(0, 0, 1);
  camera.position.set(LANDSCAPE_CAMERA[0], LANDSCAPE_CAMERA[1], LANDSCAPE_CAMERA[2]);
  camera.lookAt(0, 0, LANDSCAPE_TARGET_Z);
  camera.aspect = w / h;
  camera.fov = baseFov;
  camera.clearViewOffset();
  camera.updateProjectionMatrix();
  camera.updateMatrixWorld();
  const ndc = turningExtent(camera);
  // NDC 1 is half the canvas; widening by `fit` divides NDC by it. The box's half-size must fit half the area.
  const need = Math.max((ndc.x * w) / (LANDSCAPE_FILL * (area.right - area.left)), (ndc.y * h) / (LANDSCAPE_FILL * (area.bottom - area.top)));
  const fit = Math.min(WIDEN_RANGE[1], Math.max(WIDEN_RANGE[0], need));
  camera.fov = (2 * Math.atan(Math.tan((baseFov * Math.PI) / 360) * fit) * 180) / Math.PI;
  const cx = (area.left + area.right) / 2;
  const cy = (area.top + area.bottom) / 2;
  camera.setViewOffset(w, h, w / 2 - cx, h / 2 - cy, w, h);
  camera.updateProjectionMatrix();
  return fit;
}
