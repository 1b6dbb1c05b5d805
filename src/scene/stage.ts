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
  Vector3,
  WebGPURenderer,
} from 'three/webgpu';
import { THEME, THEMES, type ThemeName } from './palette';

/** Half the height of the 2D view in data units (unit-variance data fits comfortably). */
const VIEW_HALF_HEIGHT = 3.2;

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
}

/** Renderer, scene, camera and controls. Call dispose(). */
export class Stage {
  readonly scene = new Scene();
  camera: OrthographicCamera | PerspectiveCamera;
  private controls: OrbitControls;
  private grid: LineSegments;
  private view: StageView | null = null;
  /** A fixed drawing-buffer size (recording, screenshot) instead of the canvas's CSS size; null: follow the canvas. */
  private fixedSize: { readonly width: number; readonly height: number } | null = null;
  private readonly pixelRatio: number;
  private theme: ThemeName = 'dark';

  private constructor(readonly renderer: WebGPURenderer, readonly canvas: HTMLCanvasElement) {
    this.pixelRatio = renderer.getPixelRatio();
    this.scene.background = new Color(THEME.background);
    this.camera = new OrthographicCamera();
    this.controls = new OrbitControls(this.camera, canvas);
    this.grid = makeGrid(2);
    this.scene.add(this.grid);
    this.setDimension(2);
  }

  /** Creates and initialises the renderer. @throws Error if no backend can start. */
  static async create(options: StageOptions): Promise<Stage> {
    const params: ConstructorParameters<typeof WebGPURenderer>[0] = { canvas: options.canvas, antialias: options.antialias, forceWebGL: options.forceWebGL };
    if (options.device !== null) (params as Record<string, unknown>).device = options.device;
    const renderer = new WebGPURenderer(params);
    renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    await renderer.init();
    const stage = new Stage(renderer, options.canvas);
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
    this.camera = view === '2d' ? new OrthographicCamera(-1, 1, 1, -1, -100, 100) : new PerspectiveCamera(45, 1, 0.05, 200);
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

  /** Puts the camera back to the default framing. */
  resetView(): void {
    if (this.camera instanceof OrthographicCamera) {
      this.camera.position.set(0, 0, 10);
      this.camera.zoom = 1;
    } else if (this.view === 'landscape') {
      this.camera.position.set(0.6, -8.6, 6.2);
    } else {
      this.camera.position.set(4.2, 3.2, 5.6);
    }
    this.controls.target.set(0, 0, 0);
    this.camera.lookAt(0, 0, 0);
    this.resize();
    this.controls.update();
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

  /** Matches the drawing buffer and camera to the canvas's CSS size (or to the fixed size, see {@link setFixedSize}). */
  resize(): void {
    const w = this.fixedSize?.width ?? Math.max(1, this.canvas.clientWidth);
    const h = this.fixedSize?.height ?? Math.max(1, this.canvas.clientHeight);
    this.renderer.setSize(w, h, false);
    const aspect = w / h;
    if (this.camera instanceof OrthographicCamera) {
      this.camera.left = -VIEW_HALF_HEIGHT * aspect;
      this.camera.right = VIEW_HALF_HEIGHT * aspect;
      this.camera.top = VIEW_HALF_HEIGHT;
      this.camera.bottom = -VIEW_HALF_HEIGHT;
    } else {
      this.camera.aspect = aspect;
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

  /** Turns the pan/zoom controls off while the pointer draws (and back on). */
  setControlsEnabled(enabled: boolean): void {
    this.controls.enabled = enabled;
  }

  /** Draws one frame. */
  render(): void {
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
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
