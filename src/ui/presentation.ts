/**
 * Presentation mode: one key (P) hides the GUI, the HUD and the other panels, leaving the scene (and
 * toasts, which carry errors); a light or a dark theme; an optional caption with the model, the phase,
 * t and the formula in use, typeset by MathJax (ui/math) on the page and in recorded frames alike. Plain DOM
 * and CSS classes on <body>; the stage's colours are the caller's (onTheme).
 */
import type { ThemeName } from '../scene/palette';
import { h } from './dom';
import { parseMathText, setMathText, svgImage, type TexSvg } from './math';

/** What the caption shows. */
export interface CaptionState {
  /** The scene's title (plain text). */
  readonly title: string;
  /** What the particles do, one word as it is shown (no case change on screen or in frames). */
  readonly phase: string;
  /** Where in time, text with $…$-marked TeX, e.g. "$t = 420 / 1000$". */
  readonly time: string;
  /** The update rule in use, TeX ('' for none). */
  readonly formula: string;
}

/**
 * The caption's lines as text with $…$-marked TeX: the title, the phase and time, the formula (in display
 * style). The page
 * and the recorded frames both show exactly these (the same words, the same case).
 */
export function captionLines(state: CaptionState): readonly [string, string, string] {
  // Display style: fractions at full size, legible on a projector.
  return [state.title, `${state.phase} ${state.time}`.trim(), state.formula === '' ? '' : `$\\displaystyle ${state.formula}$`];
}

/** Presentation controls; the GUI binds to `theme` and `caption`. */
export class Presentation {
  /** The key that toggles presentation mode. */
  static readonly KEY = 'p';
  theme: ThemeName = 'dark';
  /** Show the caption (in presentation mode, and in recordings). */
  caption = false;
  private presenting = false;
  private readonly root: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly onKey: (e: KeyboardEvent) => void;
  private hintTimer = 0;

  constructor(overlay: HTMLElement, private readonly onTheme: (theme: ThemeName) => void, private readonly onToggle: (presenting: boolean) => void = () => undefined) {
    this.root = h(
      'div',
      { className: 'caption' },
      h('div', { className: 'caption-title' }),
      h('div', { className: 'caption-line' }),
      h('div', { className: 'caption-formula' }),
    );
    this.root.hidden = true;
    overlay.append(this.root);
    this.hint = document.createElement('div');
    this.hint.className = 'presentation-hint';
    this.hint.textContent = 'Presentation mode: press P (or Esc) to show the controls again';
    this.hint.hidden = true;
    overlay.append(this.hint);
    this.onKey = (e) => {
      const t = e.target;
      if (t instanceof HTMLInputElement && t.type !== 'checkbox' && t.type !== 'button') return;
      if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key.toLowerCase() === Presentation.KEY || (e.key === 'Escape' && this.presenting)) {
        this.toggle();
        e.preventDefault();
      }
    };
    // Capture phase: the key works even while a GUI control (a checkbox just clicked) has the focus.
    addEventListener('keydown', this.onKey, { capture: true });
  }

  /** Whether presentation mode is on. */
  get active(): boolean {
    return this.presenting;
  }

  /** Turns presentation mode on or off (the key P does this). */
  toggle(on = !this.presenting): void {
    this.presenting = on;
    document.body.classList.toggle('presenting', on);
    this.root.hidden = !(on && this.caption);
    clearTimeout(this.hintTimer);
    this.hint.hidden = !on;
    if (on) this.hintTimer = window.setTimeout(() => (this.hint.hidden = true), 2500);
    this.onToggle(on);
  }

  /** Applies {@link theme} to the page and (through onTheme) the stage. */
  applyTheme(): void {
    document.body.dataset.theme = this.theme;
    this.onTheme(this.theme);
  }

  /** Shows or hides the caption per {@link caption}. */
  applyCaption(): void {
    this.root.hidden = !(this.presenting && this.caption);
  }

  /** Updates the caption (cheap; called a few times a second): {@link captionLines}, formulas typeset. */
  setCaption(state: CaptionState): void {
    if (this.root.hidden) return;
    const lines = captionLines(state);
    ['caption-title', 'caption-line', 'caption-formula'].forEach((cls, i) => setMathText(this.root.querySelector(`.${cls}`) as HTMLElement, lines[i]));
  }

  dispose(): void {
    removeEventListener('keydown', this.onKey, { capture: true });
    clearTimeout(this.hintTimer);
    this.root.remove();
    this.hint.remove();
  }
}

/** One line of the caption in a frame: its parts, text font and colours, the formulas' scale (em / 16 px). */
interface FrameLine {
  readonly parts: ReturnType<typeof parseMathText>;
  readonly font: string;
  readonly fontPx: number;
  readonly text: string;
  readonly math: string;
  readonly scale: number;
}

/** The caption's lines laid out for a frame `height` px high (sizes as on a 720 px page), in the theme's colours. */
function frameLines(state: CaptionState, theme: ThemeName, height: number): FrameLine[] {
  const unit = height / 720;
  const fg = theme === 'light' ? '#1b2033' : '#e6ebff';
  const dim = theme === 'light' ? '#5b6380' : '#8b93b8';
  const [title, line, formula] = captionLines(state);
  const px = (n: number): number => Math.round(n * unit);
  return [
    { parts: parseMathText(title), font: `600 ${px(20)}px system-ui, sans-serif`, fontPx: px(20), text: fg, math: fg, scale: (20 * unit) / 16 },
    { parts: parseMathText(line), font: `${px(16)}px system-ui, sans-serif`, fontPx: px(16), text: dim, math: fg, scale: (17 * unit) / 16 },
    { parts: parseMathText(formula), font: `${px(20)}px system-ui, sans-serif`, fontPx: px(20), text: fg, math: fg, scale: (21 * unit) / 16 },
  ].filter((l) => l.parts.length > 0);
}

interface FrameImage {
  readonly image: HTMLImageElement;
  readonly svg: TexSvg;
}
/** Decoded formula images by TeX, colour and scale (least recently used dropped), and the last per line part. */
const FRAME_IMAGES = 64;
const frameImages = new Map<string, Promise<FrameImage>>();
const readyImages = new Map<string, FrameImage>();
const lastInSlot = new Map<string, FrameImage>();

function frameImage(tex: string, color: string, scale: number): Promise<FrameImage> {
  const key = `${color} ${scale.toFixed(4)} ${tex}`;
  let made = frameImages.get(key);
  if (made === undefined) {
    made = svgImage(tex, color, scale);
    frameImages.set(key, made);
    made.then(
      (img) => readyImages.set(key, img),
      () => frameImages.delete(key),
    );
    if (frameImages.size > FRAME_IMAGES) {
      const oldest = frameImages.keys().next().value as string;
      frameImages.delete(oldest);
      readyImages.delete(oldest);
    }
  }
  return made;
}

/**
 * Typesets and decodes the caption's formulas for a frame `height` px high, so that {@link drawCaption}
 * draws them in the same task as the capture (frame-exact clips and screenshots wait for this).
 * @throws (rejects) on a TeX error in the state's formulas.
 */
export async function prepareCaption(state: CaptionState, theme: ThemeName, height: number): Promise<void> {
  const lines = frameLines(state, theme, height);
  await Promise.all(lines.flatMap((l) => l.parts.flatMap((p) => (typeof p === 'string' ? [] : [frameImage(p.tex, l.math, l.scale)]))));
}

/**
 * Draws the caption into a captured frame (recordings and screenshots), bottom centre, sized to the
 * frame's height, in the theme's colours: {@link captionLines}, the formulas typeset by MathJax (the same
 * SVG as on the page) once {@link prepareCaption} has decoded them. A formula not decoded yet (a live
 * recording) shows the last one decoded in its place and is decoded for the next frame.
 */
export function drawCaption(ctx: CanvasRenderingContext2D, width: number, height: number, state: CaptionState, theme: ThemeName): void {
  const unit = height / 720;
  type Item = { text: string; width: number } | FrameImage;
  const rows = frameLines(state, theme, height).map((l, li) => {
    ctx.font = l.font;
    let ascent = 0.78 * l.fontPx;
    let descent = 0.24 * l.fontPx;
    const items: Item[] = [];
    l.parts.forEach((p, pi) => {
      if (typeof p === 'string') {
        items.push({ text: p, width: ctx.measureText(p).width });
        return;
      }
      const slot = `${li} ${pi}`;
      const key = `${l.math} ${l.scale.toFixed(4)} ${p.tex}`;
      const ready = readyImages.get(key);
      if (ready === undefined) void frameImage(p.tex, l.math, l.scale).catch(() => undefined);
      else lastInSlot.set(slot, ready);
      const img = ready ?? lastInSlot.get(slot);
      if (img === undefined) return;
      items.push(img);
      ascent = Math.max(ascent, img.svg.height - img.svg.depth);
      descent = Math.max(descent, img.svg.depth);
    });
    const rowWidth = items.reduce((sum, it) => sum + ('text' in it ? it.width : it.svg.width), 0);
    return { line: l, items, ascent, descent, rowWidth, rowHeight: ascent + descent + 8 * unit };
  });
  const pad = 14 * unit;
  const boxWidth = Math.max(0, ...rows.map((r) => r.rowWidth));
  const boxHeight = rows.reduce((sum, r) => sum + r.rowHeight, 0) + pad;
  const cx = width / 2;
  const top = height - boxHeight - 28 * unit;
  ctx.save();
  ctx.fillStyle = theme === 'light' ? 'rgba(255, 255, 255, 0.86)' : 'rgba(14, 19, 40, 0.72)';
  ctx.beginPath();
  ctx.roundRect(cx - boxWidth / 2 - pad, top, boxWidth + 2 * pad, boxHeight, 10 * unit);
  ctx.fill();
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  let y = top + pad / 2 + 4 * unit;
  for (const r of rows) {
    const baseline = y + r.ascent;
    let x = cx - r.rowWidth / 2;
    ctx.font = r.line.font;
    ctx.fillStyle = r.line.text;
    for (const it of r.items) {
      if ('text' in it) {
        ctx.fillText(it.text, x, baseline);
        x += it.width;
      } else {
        ctx.drawImage(it.image, x, baseline - (it.svg.height - it.svg.depth), it.svg.width, it.svg.height);
        x += it.svg.width;
      }
    }
    y += r.rowHeight;
  }
  ctx.restore();
}
