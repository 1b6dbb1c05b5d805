/**
 * Drawing a data set with the mouse (or a finger) on the 2D stage, as in GAN Lab: while drawing is on,
 * dragging sprays points around the pointer (a seeded Gaussian brush), a small bar offers "use", "clear"
 * and "cancel", and the points are handed over in data coordinates. Plain DOM; the preview is drawn by
 * the caller (it gets every change through `onChange`).
 */
import { createRng, type Rng } from '../models/random';

/** Most points one drawing may hold. */
export const MAX_DRAWN_POINTS = 20_000;
/** Points sprayed per pointer move. */
const POINTS_PER_MOVE = 6;

/** What the drawing needs from the stage. */
export interface DrawingSurface {
  readonly canvas: HTMLCanvasElement;
  /** The data-plane point under a pointer (client CSS pixels), or null where drawing is impossible (3D views). */
  pointerToData(clientX: number, clientY: number): { x: number; y: number } | null;
  /** Pan/zoom must not move the view while the pointer draws. */
  setControlsEnabled(enabled: boolean): void;
}

/** Callbacks of a {@link PointDrawing}. */
export interface DrawingEvents {
  /** The drawn points changed: [n, 2] row-major in data units (a view, valid until the next change). */
  readonly onChange: (points: Float32Array) => void;
  /** "use": the finished drawing, [n, 2] row-major (a copy). */
  readonly onUse: (points: Float32Array) => void;
  /** Drawing ended without using it. */
  readonly onCancel: () => void;
}

/** The drawing mode. Call {@link dispose}. */
export class PointDrawing {
  private readonly points = new Float32Array(MAX_DRAWN_POINTS * 2);
  private count = 0;
  private active = false;
  private down = false;
  private readonly rng: Rng = createRng(0x0d7a);
  private readonly bar: HTMLElement;
  private readonly info: HTMLElement;
  /** Brush radius (standard deviation of the spray) in data units. */
  brush = 0.06;

  constructor(
    private readonly surface: DrawingSurface,
    parent: HTMLElement,
    private readonly events: DrawingEvents,
  ) {
    this.bar = document.createElement('div');
    this.bar.className = 'draw-bar';
    this.info = document.createElement('span');
    const button = (label: string, action: () => void): HTMLButtonElement => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.addEventListener('click', action);
      return b;
    };
    this.bar.append(
      this.info,
      button('use as data', () => this.use()),
      button('clear', () => this.clear()),
      button('cancel', () => this.stop(true)),
    );
    this.bar.hidden = true;
    parent.append(this.bar);
    const canvas = surface.canvas;
    canvas.addEventListener('pointerdown', this.onDown);
    canvas.addEventListener('pointermove', this.onMove);
    addEventListener('pointerup', this.onUp);
    this.showCount();
  }

  /** Whether drawing is on. */
  get drawing(): boolean {
    return this.active;
  }

  /** Turns drawing on (the view must be the flat 2D one); keeps what was drawn before. */
  start(): void {
    this.active = true;
    this.bar.hidden = false;
    this.surface.setControlsEnabled(false);
    this.surface.canvas.style.cursor = 'crosshair';
    this.events.onChange(this.points.subarray(0, 2 * this.count));
  }

  private stop(cancelled: boolean): void {
    this.active = false;
    this.down = false;
    this.bar.hidden = true;
    this.surface.setControlsEnabled(true);
    this.surface.canvas.style.cursor = '';
    if (cancelled) this.events.onCancel();
  }

  private clear(): void {
    this.count = 0;
    this.showCount();
    this.events.onChange(this.points.subarray(0, 0));
  }

  private use(): void {
    if (this.count < 10) {
      this.info.textContent = 'draw at least 10 points first';
      return;
    }
    const out = this.points.slice(0, 2 * this.count);
    this.stop(false);
    this.events.onUse(out);
  }

  private showCount(): void {
    this.info.textContent = `${this.count.toLocaleString('en')} points · drag on the stage to paint`;
  }

  private spray(clientX: number, clientY: number): void {
    const p = this.surface.pointerToData(clientX, clientY);
    if (p === null) return;
    for (let k = 0; k < POINTS_PER_MOVE && this.count < MAX_DRAWN_POINTS; k++) {
      this.points[2 * this.count] = p.x + this.brush * this.rng.normal();
      this.points[2 * this.count + 1] = p.y + this.brush * this.rng.normal();
      this.count++;
    }
    this.showCount();
    this.events.onChange(this.points.subarray(0, 2 * this.count));
  }

  private readonly onDown = (e: PointerEvent): void => {
    if (!this.active) return;
    this.down = true;
    this.spray(e.clientX, e.clientY);
  };
  private readonly onMove = (e: PointerEvent): void => {
    if (this.active && this.down) this.spray(e.clientX, e.clientY);
  };
  private readonly onUp = (): void => {
    this.down = false;
  };

  dispose(): void {
    const canvas = this.surface.canvas;
    canvas.removeEventListener('pointerdown', this.onDown);
    canvas.removeEventListener('pointermove', this.onMove);
    removeEventListener('pointerup', this.onUp);
    this.bar.remove();
  }
}
