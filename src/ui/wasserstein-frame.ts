/**
 * Replays the "why Wasserstein" scene's DOM into a recording frame: its panels (rounded boxes), labels
 * with typeset formulas (the same MathJax SVG as on the page, decoded as images by ui/math.ts svgImage),
 * swatches and controls (checkboxes, a range slider, a select, buttons), each where the element is in
 * the host, scaled to the frame. Canvases are drawn by the scene itself.
 */
import { parseMathText, setMathText, svgImage, type TexSvg } from './math';

interface Decoded {
  readonly image: HTMLImageElement;
  readonly svg: TexSvg;
}

/** A rectangle of an element in frame pixels. */
export interface FrameRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where an element is in a frame of the host scaled by (sx, sy). */
export function frameRect(el: Element, host: DOMRect, sx: number, sy: number): FrameRect {
  const r = el.getBoundingClientRect();
  return { x: (r.left - host.left) * sx, y: (r.top - host.top) * sy, width: r.width * sx, height: r.height * sy };
}

/** Labels, boxes and controls registered for the frame; the typeset images decoded by {@link prepare}. */
export class FrameReplica {
  private readonly labels = new Map<HTMLElement, string>();
  private readonly images = new Map<string, Promise<Decoded>>();
  private readonly ready = new Map<string, Decoded>();
  /** The last decoded image of each formula and colour at any scale, with that scale (drawn resized until the exact one is decoded). */
  private readonly anyScale = new Map<string, { decoded: Decoded; scale: number }>();

  constructor(private readonly root: HTMLElement) {}

  /** Sets `el`'s text (with $…$ formulas typeset) and draws it in frames. */
  label(el: HTMLElement, text: string): void {
    this.labels.set(el, text);
    setMathText(el, text);
  }

  private key(tex: string, color: string, scale: number): string {
    return `${color} ${scale.toFixed(3)} ${tex}`;
  }

  private decode(tex: string, color: string, scale: number): Promise<Decoded> {
    const key = this.key(tex, color, scale);
    let made = this.images.get(key);
    if (made === undefined) {
      made = svgImage(tex, color, scale);
      this.images.set(key, made);
      made.then(
        (d) => {
          this.ready.set(key, d);
          this.anyScale.set(`${color} ${tex}`, { decoded: d, scale });
        },
        () => this.images.delete(key),
      );
    }
    return made;
  }

  /** Decodes every formula of the registered labels for a frame scaled by `scale` (resolves when drawable). */
  async prepare(scale: number): Promise<void> {
    const jobs: Promise<Decoded>[] = [];
    for (const [el, text] of this.labels) {
      if (!el.isConnected) continue;
      const style = getComputedStyle(el);
      const px = parseFloat(style.fontSize) * scale;
      for (const p of parseMathText(text)) if (typeof p !== 'string') jobs.push(this.decode(p.tex, style.color, px / 16));
    }
    await Promise.all(jobs);
  }

  /** Draws the boxes (elements with class frame-box), swatches, controls and labels under `root`. */
  draw(ctx: CanvasRenderingContext2D, host: DOMRect, sx: number, sy: number): void {
    const scale = Math.min(sx, sy);
    for (const el of this.root.querySelectorAll<HTMLElement>('.frame-box, .frame-swatch')) {
      const r = frameRect(el, host, sx, sy);
      const style = getComputedStyle(el);
      ctx.fillStyle = style.backgroundColor;
      ctx.beginPath();
      ctx.roundRect(r.x, r.y, r.width, r.height, parseFloat(style.borderTopLeftRadius) * scale || 0);
      ctx.fill();
    }
    for (const el of this.root.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>('input, select, button')) this.drawControl(ctx, el, frameRect(el, host, sx, sy), scale);
    for (const [el, text] of this.labels) if (el.isConnected) this.drawLabel(ctx, el, text, frameRect(el, host, sx, sy), scale);
  }

  private drawLabel(ctx: CanvasRenderingContext2D, el: HTMLElement, text: string, r: FrameRect, scale: number): void {
    const style = getComputedStyle(el);
    const px = parseFloat(style.fontSize) * scale;
    ctx.font = `${style.fontWeight} ${px}px ${style.fontFamily}`;
    ctx.fillStyle = style.color;
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    const baseline = r.y + (r.height + 0.7 * px) / 2;
    let x = r.x;
    for (const p of parseMathText(text)) {
      if (typeof p === 'string') {
        ctx.fillText(p, x, baseline);
        x += ctx.measureText(p).width;
        continue;
      }
      const exact = this.ready.get(this.key(p.tex, style.color, px / 16));
      if (exact === undefined) void this.decode(p.tex, style.color, px / 16).catch(() => undefined);
      const near = this.anyScale.get(`${style.color} ${p.tex}`);
      const d = exact ?? near?.decoded;
      if (d === undefined) continue;
      const k = exact !== undefined || near === undefined ? 1 : px / 16 / near.scale;
      ctx.drawImage(d.image, x, baseline - k * (d.svg.height - d.svg.depth), k * d.svg.width, k * d.svg.height);
      x += k * d.svg.width;
    }
  }

  private drawControl(ctx: CanvasRenderingContext2D, el: HTMLInputElement | HTMLSelectElement | HTMLButtonElement, r: FrameRect, scale: number): void {
    const style = getComputedStyle(el);
    const fg = style.color;
    ctx.save();
    ctx.strokeStyle = fg;
    ctx.fillStyle = fg;
    ctx.lineWidth = Math.max(1, scale);
    if (el instanceof HTMLInputElement && el.type === 'range') {
      const t = (Number(el.value) - Number(el.min)) / (Number(el.max) - Number(el.min));
      const y = r.y + r.height / 2;
      ctx.globalAlpha = 0.4;
      ctx.fillRect(r.x, y - 2 * scale, r.width, 4 * scale);
      ctx.globalAlpha = 1;
      ctx.beginPath();
      ctx.arc(r.x + t * r.width, y, 7 * scale, 0, 2 * Math.PI);
      ctx.fill();
    } else if (el instanceof HTMLInputElement && el.type === 'checkbox') {
      ctx.strokeRect(r.x + 1, r.y + 1, r.width - 2, r.height - 2);
      if (el.checked) ctx.fillRect(r.x + r.width * 0.25, r.y + r.height * 0.25, r.width * 0.5, r.height * 0.5);
    } else {
      ctx.fillStyle = style.backgroundColor;
      ctx.beginPath();
      ctx.roundRect(r.x, r.y, r.width, r.height, 4 * scale);
      ctx.fill();
      ctx.stroke();
      const label = el instanceof HTMLSelectElement ? (el.selectedOptions[0]?.textContent ?? '') : (el.textContent ?? '');
      ctx.fillStyle = fg;
      ctx.font = `${parseFloat(style.fontSize) * scale}px ${style.fontFamily}`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = el instanceof HTMLSelectElement ? 'left' : 'center';
      ctx.fillText(label, el instanceof HTMLSelectElement ? r.x + 6 * scale : r.x + r.width / 2, r.y + r.height / 2);
    }
    ctx.restore();
  }
}
