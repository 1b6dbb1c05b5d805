/**
 * The stage: a three.js WebGPURenderer (WebGL2 fallback) with a camera that suits the data's
 * dimension, pan/zoom (2D) or orbit (3D) controls, a faint unit grid, and the layers to draw.
 * It draws what it is handed and never changes the simulation.
 */
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import {
  BufferGeometry,
  Float32BufferAttribute,
  LineBasicNodeMaterial,
  LineSegments,
  MOUSE,
  OrthographicCamera,
  PerspectiveCamera,
  Scene,
  TOUCH,
  Color,
  LinearSRGBColorSpace,
  Vector3,
  WebGPURenderer,
} from 'three/webgpu';
import { frameBox, FramingEaser, pointsBox, type GeneratedSet, type PlaneBox } from './framing';
import { THEME, THEMES, type ThemeName } from './palette';
import { frameLandscapeCamera, LANDSCAPE_CAMERA, LANDSCAPE_TARGET_Z, projectedBox } from './landscape-camera';

/** Vertical field of view of the 3D views over the whole canvas, degrees. */
const PERSPECTIVE_FOV = 45;
/** The smallest free area (CSS px, each way) the framing follows; below it the whole canvas is framed (a tiny window). */
const MIN_FREE_PX = 160;
/** The most the 3D views widen their field of view (tan scale) to fit a free area. */
const MAX_WIDEN = 2.4;
/** Width the 3D views' orbiting data takes on screen, as a fraction of the full canvas's height. */
const ORBIT_WIDTH = 0.9;

/**
 * The part of the canvas not covered by panels, in CSS pixels from the canvas's top-left corner
 * (see ui/layout.freeArea). The default framing centres the data in it and fits it there.
 */
export interface FreeArea {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/**
 * '2d': orthographic top view with pan/zoom; '3d': perspective orbit (y up) for 3D data; 'landscape':
 * perspective orbit over the 2D plane with z up, for a height field over the data plane (GAN critic).
 */
export type StageView = '2d' | '3d' | 'landscape';

/** Options of {@link Stage.create}. */
export interface StageOptions {
  readonly canvas: HTMLCanvasElement;
  /** A GPUDevice shared with tfjs, or null to let three pick (WebGPU, else WebGL2). */
  readonly device: GPUDevice | null;
  /** Use three's WebGL2 backend even if WebGPU exists (when tfjs is not on WebGPU there is nothing to share). */
  readonly forceWebGL: boolean;
  /** MSAA; off on software rendering, where it costs more than it shows. */
  readonly antialias: boolean;
  /**
   * Drawing-buffer pixels per CSS pixel, in (0, 2] (default: devicePixelRatio, at most 2). A software
   * renderer (SwiftShader) pays for every pixel on the CPU, several times a frame: there a lower scale is
   * the largest single saving, and the browser scales the canvas up to its CSS size.
   */
  readonly pixelRatio?: number;
  /**
   * Draw straight into the canvas without three's colour-space pass (default false). three renders into
   * a half-float target and converts it to sRGB in a full-screen pass; with this on (and colour
   * management off, see {@link Stage.create}) colours are written as they are given, in sRGB, and blending
   * happens in sRGB rather than in linear light: one full-screen pass less for a software renderer.
   */
  readonly directOutput?: boolean;
  /**
   * Flush the WebGL command buffer after each frame's draw (default false), so that the GPU process starts
   * drawing at once instead of when the frame's JavaScript task ends: with the loop's renderFirst, a
   * software renderer then draws while the page simulates and trains.
   */
  readonly eagerFlush?: boolean;
}

/** Renderer, scene, camera and controls. Call dispose(). */
export class Stage {
  readonly scene = new Scene();
  camera: OrthographicCamera | PerspectiveCamera;
  private controls: OrbitControls;
  private grid: LineSegments;
  private view: StageView | null = null;
  private free: FreeArea | null = null;
  private readonly framing = new FramingEaser();
  /** A fixed drawing-buffer size (recording, screenshot) instead of the canvas's CSS size; null: follow the canvas. */
  private fixedSize: { readonly width: number; readonly height: number } | null = null;
  private readonly pixelRatio: number;
  private theme: ThemeName = 'dark';
  private eagerFlush = false;

  private constructor(readonly renderer: WebGPURenderer, readonly canvas: HTMLCanvasElement) {
    this.pixelRatio = renderer.getPixelRatio();
    this.scene.background = new Color(THEME.background);
    this.camera = new OrthographicCamera();
    this.controls = new OrbitControls(this.camera, canvas);
    this.grid = makeGrid(2);
    this.scene.add(this.grid);
    this.setDimension(2);
  }

  /**
   * Creates the renderer (WebGPU on `options.device`, else three's own choice: WebGPU, then WebGL2).
   * @throws Error with a message for the user when neither WebGPU nor WebGL2 can draw.
   */
  static async create(options: StageOptions): Promise<Stage> {
    const params: ConstructorParameters<typeof WebGPURenderer>[0] = { canvas: options.canvas, antialias: options.antialias, forceWebGL: options.forceWebGL };
    if (options.device !== null) (params as Record<string, unknown>).device = options.device;
    const renderer = new WebGPURenderer(params);
    const ratio = options.pixelRatio ?? Math.min(window.devicePixelRatio, 2);
    if (!(ratio > 0 && ratio <= 2)) throw new RangeError(`pixelRatio must be in (0, 2], got ${ratio}`);
    renderer.setPixelRatio(ratio);
    if (options.directOutput) renderer.outputColorSpace = LinearSRGBColorSpace;
    try {
      await renderer.init();
    } catch (e) {
      // three falls back from WebGPU to WebGL2 by itself; past WebGL2 there is nothing left to draw with.
      const webgl2 = document.createElement('canvas').getContext('webgl2') !== null;
      throw new Error(
        webgl2
          ? `three.js could not start its renderer (${e instanceof Error ? e.message : String(e)})`
          : 'This browser offers neither WebGPU nor WebGL2, so the particles cannot be drawn. Turn on hardware acceleration in the browser settings, or use a current Chrome, Edge, Firefox or Safari.',
      );
    }
    const stage = new Stage(renderer, options.canvas);
    stage.eagerFlush = options.eagerFlush ?? false;
    stage.resize();
    return stage;
  }

  /** 'WebGPU' or 'WebGL2': which backend three is drawing with. */
  get backendName(): string {
    return (this.renderer.backend as unknown as { isWebGPUBackend?: boolean }).isWebGPUBackend ? 'WebGPU' : 'WebGL2';
  }

  /** Switches between the 2D view (orthographic, pan/zoom) and the 3D view (perspective, orbit). */
  setDimension(dim: 2 | 3): void {
    this.setView(dim === 2 ? '2d' : '3d');
  }

  /** The current view. */
  get currentView(): StageView {
    return this.view ?? '2d';
  }

  /** Switches the camera and controls to `view` (and resets the framing). */
  setView(view: StageView): void {
    if (view === this.view) {
      this.resetView();
      return;
    }
    this.view = view;
    this.controls.dispose();
    this.scene.remove(this.grid);
    this.grid.geometry.dispose();
    this.grid = makeGrid(view === '3d' ? 3 : 2);
    (this.grid.material as LineBasicNodeMaterial).color.setHex(THEMES[this.theme].grid);
    this.scene.add(this.grid);
    this.camera = view === '2d' ? new OrthographicCamera(-1, 1, 1, -1, -100, 100) : new PerspectiveCamera(PERSPECTIVE_FOV, 1, 0.05, 200);
    if (view === 'landscape') this.camera.up.set(0, 0, 1);
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.enableDamping = true;
    if (view === '2d') {
      this.controls.enableRotate = false;
      this.controls.screenSpacePanning = true;
      this.controls.mouseButtons = { LEFT: MOUSE.PAN, MIDDLE: MOUSE.DOLLY, RIGHT: MOUSE.PAN };
      this.controls.touches = { ONE: TOUCH.PAN, TWO: TOUCH.DOLLY_PAN };
    } else {
      this.controls.autoRotate = true;
      this.controls.autoRotateSpeed = view === 'landscape' ? 0.35 : 0.6;
    }
    this.resetView();
  }

  /** Puts the camera back to the default framing (the data's frame: a generated cloud's framing is dropped). */
  resetView(): void {
    this.framing.reset();
    if (this.camera instanceof OrthographicCamera) {
      this.camera.position.set(0, 0, 10);
      this.camera.zoom = 1;
    } else if (this.view === 'landscape') {
      this.camera.position.set(LANDSCAPE_CAMERA[0], LANDSCAPE_CAMERA[1], LANDSCAPE_CAMERA[2]);
    } else {
      this.camera.position.set(4.2, 3.2, 5.6);
    }
    const targetZ = this.view === 'landscape' ? LANDSCAPE_TARGET_Z : 0;
    this.controls.target.set(0, 0, targetZ);
    this.camera.lookAt(0, 0, targetZ);
    this.resize();
    this.controls.update();
  }

  /**
   * Frames the views so that the origin sits at the centre of `area` (the canvas outside the panels) and,
   * in 2D, the data's span fits inside it; null frames the whole canvas. Ignored while the area is under
   * MIN_FREE_PX (160 CSS px) in either direction (a tiny window: the panels cover it anyway).
   */
  setFreeArea(area: FreeArea | null): void {
    const same = (a: FreeArea | null, b: FreeArea | null): boolean =>
      a === b || (a !== null && b !== null && a.left === b.left && a.top === b.top && a.right === b.right && a.bottom === b.bottom);
    if (same(area, this.free)) return;
    this.free = area;
    this.resize();
  }

  /** The free area the framing follows (see {@link setFreeArea}), or null. */
  get freeArea(): FreeArea | null {
    return this.free;
  }

  /**
   * Draws into a drawing buffer of exactly width x height pixels (pixel ratio 1) whatever the canvas's
   * CSS size, with the camera's aspect to match; the canvas shows it letterboxed. null goes back to
   * following the canvas. For recordings and screenshots at a chosen resolution.
   */
  setFixedSize(size: { readonly width: number; readonly height: number } | null): void {
    this.fixedSize = size === null ? null : { width: Math.max(1, Math.floor(size.width)), height: Math.max(1, Math.floor(size.height)) };
    this.canvas.style.objectFit = size === null ? '' : 'contain';
    this.renderer.setPixelRatio(size === null ? this.pixelRatio : 1);
    this.resize();
  }

  /**
   * Factor for sizes given in CSS pixels (point sizes), so a recording or screenshot at a fixed size looks
   * like the window: the fixed height over the canvas's CSS height (1 when following the canvas).
   */
  get pointScale(): number {
    return this.fixedSize === null ? 1 : this.fixedSize.height / Math.max(1, this.canvas.clientHeight);
  }

  /** The drawing buffer's size in pixels. */
  get drawingSize(): { width: number; height: number } {
    return { width: this.canvas.width, height: this.canvas.height };
  }

  /** The stage's theme: background and grid colours (the particle layers' blending is the caller's). */
  setTheme(name: ThemeName): void {
    this.theme = name;
    const t = THEMES[name];
    (this.scene.background as Color).setHex(t.background);
    (this.grid.material as LineBasicNodeMaterial).color.setHex(t.grid);
  }

  /** Matches the drawing buffer and camera to the canvas's CSS size (or to the fixed size, see {@link setFixedSize}) and the free area. */
  resize(): void {
    const w = this.fixedSize?.width ?? Math.max(1, this.canvas.clientWidth);
    const h = this.fixedSize?.height ?? Math.max(1, this.canvas.clientHeight);
    this.renderer.setSize(w, h, false);
    this.frameCamera();
  }

  /**
   * The generated points the app has read back (a GAN's G(z), [n, dim] row-major, data units), or null
   * (a new scene): the flat view's framing takes them in when they leave the data's frame, easing there
   * over a few frames (scene/framing.ts). `set` names which of the generated sets these are (the G(z) sample
   * or the generator manifold; each keeps its box). No readback of its own. The 3D views ignore it.
   */
  setGeneratedPoints(points: Float32Array | null, dim: number, set: GeneratedSet = 'samples'): void {
    this.framing.setGenerated(points === null ? null : pointsBox(points, dim), set);
  }

  /** The plane box the flat view frames now (scene/framing.ts), data units. */
  get framedBox(): PlaneBox {
    return this.framing.current;
  }

  /** The camera's frustum (2D) or field of view (3D) for the canvas size, the free area and, in 2D, the framed box. */
  private frameCamera(): void {
    const w = this.fixedSize?.width ?? Math.max(1, this.canvas.clientWidth);
    const h = this.fixedSize?.height ?? Math.max(1, this.canvas.clientHeight);
    const aspect = w / h;
    // A recording or screenshot at a fixed size shows the whole canvas, without the panels: no free area.
    const f = this.fixedSize === null ? this.free : null;
    const usable = f !== null && f.right - f.left >= MIN_FREE_PX && f.bottom - f.top >= MIN_FREE_PX;
    const area = usable ? f : { left: 0, top: 0, right: w, bottom: h };
    if (this.camera instanceof OrthographicCamera) {
      // The framed box (the data's frame, widened to a drifting G(z)) fitted into the free area.
      const view = frameBox(this.framing.current, area, w, h);
      this.camera.left = view.left;
      this.camera.right = view.right;
      this.camera.top = view.top;
      this.camera.bottom = view.bottom;
    } else if (this.view === 'landscape' && this.camera instanceof PerspectiveCamera) {
      // The critic surface's box, turning under the orbit, fitted into the free area (scene/landscape-camera).
      const position = this.camera.position.clone();
      frameLandscapeCamera(this.camera, PERSPECTIVE_FOV, w, h, area);
      // Keep where the user has orbited or zoomed to: only the projection follows the free area.
      this.camera.position.copy(position);
      this.camera.lookAt(this.controls.target);
    } else {
      // Centre of the free area, in CSS pixels.
      const cx = (area.left + area.right) / 2;
      const cy = (area.top + area.bottom) / 2;
      this.camera.aspect = aspect;
      // Widen the field of view so that what the full canvas showed fits the free area's height, and
      // shift the picture so that the orbit target lands at the free area's centre.
      // (The orbiting data is about as wide as high: a narrow free area widens the view by its width too.)
      const fit = usable ? Math.min(MAX_WIDEN, Math.max(h / (area.bottom - area.top), (ORBIT_WIDTH * h) / (area.right - area.left))) : 1;
      this.camera.fov = (2 * Math.atan(Math.tan((PERSPECTIVE_FOV * Math.PI) / 360) * fit) * 180) / Math.PI;
      if (usable) this.camera.setViewOffset(w, h, w / 2 - cx, h / 2 - cy, w, h);
      else this.camera.clearViewOffset();
    }
    this.camera.updateProjectionMatrix();
  }

  /**
   * The data-plane point (z = 0) under a pointer in the flat 2D view, from client (CSS pixel)
   * coordinates; null in the 3D views.
   */
  pointerToData(clientX: number, clientY: number): { x: number; y: number } | null {
    if (this.view !== '2d') return null;
    const rect = this.canvas.getBoundingClientRect();
    const ndc = new Vector3(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1, 0);
    ndc.unproject(this.camera);
    return { x: ndc.x, y: ndc.y };
  }

  /**
   * Where the axis-aligned box [min, max] of data coordinates (3 numbers each; a 2D set's z is 0) is drawn
   * on the canvas: the bounding rectangle of its 8 projected corners, in CSS pixels from the canvas's
   * top-left corner (the frame of {@link setFreeArea}). For points lifted onto a surface, pass its z range.
   */
  screenBox(min: readonly [number, number, number], max: readonly [number, number, number]): FreeArea {
    const w = Math.max(1, this.canvas.clientWidth);
    const h = Math.max(1, this.canvas.clientHeight);
    const corners: Vector3[] = [];
    for (let corner = 0; corner < 8; corner++) corners.push(new Vector3(corner & 1 ? max[0] : min[0], corner & 2 ? max[1] : min[1], corner & 4 ? max[2] : min[2]));
    return projectedBox(this.camera, corners, w, h);
  }

  /** Turns the pan/zoom controls off while the pointer draws (and back on). */
  setControlsEnabled(enabled: boolean): void {
    this.controls.enabled = enabled;
  }

  /** Draws one frame. */
  render(): void {
    if (this.framing.step() && this.camera instanceof OrthographicCamera) this.frameCamera();
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
    if (this.eagerFlush) (this.renderer.backend as unknown as { gl?: WebGL2RenderingContext }).gl?.flush();
  }

  dispose(): void {
    this.controls.dispose();
    this.grid.geometry.dispose();
    (this.grid.material as LineBasicNodeMaterial).dispose();
    this.renderer.dispose();
  }
}

/** Faint unit grid: the z = 0 plane in 2D, the y = -2.5 floor in 3D. */
function makeGrid(dim: 2 | 3): LineSegments {
  const v: number[] = [];
  const n = 4;
  for (let i = -n; i <= n; i++) {
    if (dim === 2) v.push(i, -n, -1, i, n, -1, -n, i, -1, n, i, -1);
    else v.push(i, -2.5, -n, i, -2.5, n, -n, -2.5, i, n, -2.5, i);
  }
  const g = new BufferGeometry();
  g.setAttribute('position', new Float32BufferAttribute(v, 3));
  const m = new LineBasicNodeMaterial({ color: THEME.grid, transparent: true, opacity: 0.55, depthWrite: false });
  const lines = new LineSegments(g, m);
  lines.renderOrder = -1;
  return lines;
}
