/**
 * The picture of the "why Wasserstein" scene (models/parallel-lines-scene.ts): for each panel, the plane
 * with D(x) (GAN discriminator) or f(x) (WGAN-GP critic) as a heat map, the real segment at x = 0, the
 * generated one at x = theta, and the push on the generated points as arrows, drawn to scale so that a
 * vanishing gradient shows as arrows shrinking to dots. It only reads the state; it never changes it.
 */
import { interpolateRdBu } from 'd3-scale-chromatic';
import { ARROW_COUNT, ARROW_HEIGHTS, PLANE, type FieldSnapshot, type PanelSide, type WassersteinSceneState } from '../models/parallel-lines-scene';
import { colormapLut, type ThemeName } from '../scene/palette';

/** A rectangle in the target context's pixels. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Colours of the picture per theme. */
export interface PictureColors {
  readonly background: string;
  readonly axis: string;
  readonly real: string;
  readonly fake: string;
  readonly arrow: string;
}
export const PICTURE_COLORS: Record<ThemeName, PictureColors> = {
  dark: { background: '#0b0f1e', axis: 'rgba(200, 210, 255, 0.35)', real: '#f4f6ff', fake: '#ffb347', arrow: '#ffd166' },
  light: { background: '#f7f7f2', axis: 'rgba(30, 40, 80, 0.35)', real: '#10131f', fake: '#c2410c', arrow: '#9a3412' },
};

/** Data units of arrow per unit of ||grad_x loss_G||: the critic's slope of about 1 draws 0.45 units long. */
export const ARROW_SCALE = 0.45;
/** Longest arrow drawn, data units (the non-saturating GAN's push can be far larger; it is capped). */
const ARROW_CAP = 1.3;
/** Opacity of the heat map over the background. */
const HEAT_ALPHA = 0.6;

/** The plane's x, y in data units -> pixels of a panel: one scale on both axes, centred. */
export function planeTransform(rect: PixelRect): { scale: number; toX: (x: number) => number; toY: (y: number) => number } {
  const spanX = PLANE.xMax - PLANE.xMin;
  const spanY = PLANE.yMax - PLANE.yMin;
  const scale = Math.min(rect.width / spanX, rect.height / spanY);
  const left = rect.x + (rect.width - scale * spanX) / 2;
  const top = rect.y + (rect.height - scale * spanY) / 2;
  return { scale, toX: (x) => left + (x - PLANE.xMin) * scale, toY: (y) => top + (PLANE.yMax - y) * scale };
}

/** RGBA texels of a field: D in (0, 1) as is, f rescaled from its range on the grid to [0, 1]; blue = real side. Row 0 = top. */
export function fieldTexels(field: FieldSnapshot, side: PanelSide, out: Uint8ClampedArray): Uint8ClampedArray {
  const lut = colormapLut(interpolateRdBu);
  let lo = 0;
  let hi = 1;
  if (side === 'critic') {
    lo = Infinity;
    hi = -Infinity;
    for (const v of field.values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const span = hi - lo > 1e-9 ? hi - lo : 1;
  for (let r = 0; r < PLANE.rows; r++) {
    for (let c = 0; c < PLANE.cols; c++) {
      const t = Math.min(1, Math.max(0, (field.values[r * PLANE.cols + c] - lo) / span));
      const k = 3 * Math.round(t * 255);
      const o = 4 * ((PLANE.rows - 1 - r) * PLANE.cols + c);
      out[o] = lut[k];
      out[o + 1] = lut[k + 1];
      out[o + 2] = lut[k + 2];
      out[o + 3] = 255;
    }
  }
  return out;
}

/** Draws both panels (discriminator left, critic right); owns two small canvases for the heat maps. */
export class PlanePainter {
  private readonly heat: Record<PanelSide, { canvas: HTMLCanvasElement; image: ImageData; field: FieldSnapshot | null }>;

  constructor() {
    const make = (): { canvas: HTMLCanvasElement; image: ImageData; field: FieldSnapshot | null } => {
      const canvas = document.createElement('canvas');
      canvas.width = PLANE.cols;
      canvas.height = PLANE.rows;
      return { canvas, image: new ImageData(PLANE.cols, PLANE.rows), field: null };
    };
    this.heat = { discriminator: make(), critic: make() };
  }

  /**
   * Draws one panel of the state into `rect` of ctx (ctx's pixels).
   * @param unit px per CSS px of the target (devicePixelRatio on screen, frame scale in a recording).
   */
  drawPanel(ctx: CanvasRenderingContext2D, rect: PixelRect, state: WassersteinSceneState, side: PanelSide, theme: ThemeName, unit: number): void {
    const colors = PICTURE_COLORS[theme];
    const { scale, toX, toY } = planeTransform(rect);
    const field = state.field(side);
    const theta = field?.theta ?? state.theta(side);
    ctx.save();
    ctx.beginPath();
    ctx.rect(rect.x, rect.y, rect.width, rect.height);
    ctx.clip();
    ctx.fillStyle = colors.background;
    ctx.fillRect(rect.x, rect.y, rect.width, rect.height);
    const heat = this.heat[side];
    if (field !== null) {
      if (heat.field !== field) {
        fieldTexels(field, side, heat.image.data);
        heat.canvas.getContext('2d')?.putImageData(heat.image, 0, 0);
        heat.field = field;
      }
      ctx.globalAlpha = HEAT_ALPHA;
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(heat.canvas, toX(PLANE.xMin), toY(PLANE.yMax), (PLANE.xMax - PLANE.xMin) * scale, (PLANE.yMax - PLANE.yMin) * scale);
      ctx.globalAlpha = 1;
    }
    // Axes: x = 0 and the x axis, with ticks at integers.
    ctx.strokeStyle = colors.axis;
    ctx.lineWidth = unit;
    ctx.beginPath();
    ctx.moveTo(toX(PLANE.xMin), toY(0));
    ctx.lineTo(toX(PLANE.xMax), toY(0));
    ctx.stroke();
    ctx.fillStyle = colors.axis;
    ctx.font = `${Math.round(11 * unit)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let x = -2; x <= 2; x++) {
      ctx.fillRect(toX(x) - unit / 2, toY(0), unit, 5 * unit);
      ctx.fillText(String(x), toX(x), toY(0) + 7 * unit);
    }
    const { real, fake } = state.pictureHeights;
    const dot = Math.max(1.5, 2.2 * unit);
    const points = (x: number, heights: Float64Array, color: string): void => {
      ctx.fillStyle = color;
      for (const u of heights) {
        ctx.beginPath();
        ctx.arc(toX(x), toY(u), dot, 0, 2 * Math.PI);
        ctx.fill();
      }
    };
    points(0, real, colors.real);
    points(theta, fake, colors.fake);
    if (field !== null) this.drawArrows(ctx, field, toX, toY, scale, colors.arrow, unit);
    ctx.restore();
  }

  private drawArrows(ctx: CanvasRenderingContext2D, field: FieldSnapshot, toX: (x: number) => number, toY: (y: number) => number, scale: number, color: string, unit: number): void {
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2 * unit;
    for (let k = 0; k < ARROW_COUNT; k++) {
      const px = field.push[2 * k];
      const py = field.push[2 * k + 1];
      const norm = Math.hypot(px, py);
      const length = Math.min(ARROW_CAP, ARROW_SCALE * norm) * scale;
      const x0 = toX(field.theta);
      const y0 = toY(ARROW_HEIGHTS[k]);
      if (length < 3 * unit) {
        // A push too small to draw as an arrow: a ring at the point (the gradient has vanished).
        ctx.beginPath();
        ctx.arc(x0, y0, 3.5 * unit, 0, 2 * Math.PI);
        ctx.stroke();
        continue;
      }
      const dx = (px / norm) * length;
      const dy = (-py / norm) * length;
      const head = Math.min(9 * unit, 0.45 * length);
      const angle = Math.atan2(dy, dx);
      ctx.beginPath();
      ctx.moveTo(x0, y0);
      ctx.lineTo(x0 + dx - Math.cos(angle) * head * 0.6, y0 + dy - Math.sin(angle) * head * 0.6);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(x0 + dx, y0 + dy);
      ctx.lineTo(x0 + dx - head * Math.cos(angle - 0.42), y0 + dy - head * Math.sin(angle - 0.42));
      ctx.lineTo(x0 + dx - head * Math.cos(angle + 0.42), y0 + dy - head * Math.sin(angle + 0.42));
      ctx.closePath();
      ctx.fill();
    }
  }
}
