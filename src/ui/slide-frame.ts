/**
 * A slide's text drawn into recorded frames (issue 17, recording a deck): the same column as the slide
 * panel on the page (ui/slide-panel.css) — title, text lines with formulas typeset by MathJax (ui/math
 * svgImage, the same SVG as on the page), the pre-trained note, the counter and the progress line — on
 * the left {@link SLIDE_COLUMN} of the frame; the scene is drawn in the rest ({@link slideSceneBox}), so
 * the text never covers the data. Sizes are fractions of the frame's height, as the page's are of the
 * window's (vh).
 */
import type { ThemeName } from '../scene/palette';
import { glueMath, parseMathText, svgImage, type TexSvg } from './math';
import type { SlideView } from './slide-panel';

/** Share of the frame's width the text column takes (the page's .slide-panel: 40vw). */
export const SLIDE_COLUMN = 0.4;

/** A rectangle of a frame, px. */
export interface FrameBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where the scene goes in a width x height frame: right of the text column, full height (whole px). */
export function slideSceneBox(width: number, height: number): FrameBox {
  const x = Math.round(width * SLIDE_COLUMN);
  return { x, y: 0, width: width - x, height };
}

/** Font sizes as fractions of the frame's height (slide-panel.css, in vh). */
const SIZES = { title: 0.043, line: 0.0285, note: 0.019, counter: 0.021, padTop: 0.05, gap: 0.022, lineGap: 0.016 } as const;

interface Colors {
  readonly panel: string;
  readonly fg: string;
  readonly dim: string;
  readonly accent: string;
  readonly track: string;
}

const COLORS: Readonly<Record<ThemeName, Colors>> = {
  dark: { panel: '#11162b', fg: '#e6ebff', dim: '#8b93b8', accent: '#f6c85f', track: 'rgba(127, 127, 127, 0.25)' },
  light: { panel: '#eceee6', fg: '#1b2033', dim: '#5b6380', accent: '#b7791f', track: 'rgba(127, 127, 127, 0.25)' },
};

type Decoded = { readonly image: HTMLImageElement; readonly svg: TexSvg };

/** A slide's text ready to draw into frames of one size: every formula typeset and decoded. */
export interface PreparedSlideFrame {
  /** Draws the column into `ctx` (a width x height frame), in the same task as the capture. */
  draw(ctx: CanvasRenderingContext2D): void;
}

/**
 * Typesets and decodes the slide's formulas for frames `width` x `height`, and returns what draws the
 * column. @throws (rejects) on a TeX error.
 */
export async function prepareSlideFrame(view: SlideView, theme: ThemeName, width: number, height: number): Promise<PreparedSlideFrame> {
  const c = COLORS[theme];
  const px = (f: number): number => Math.max(1, Math.round(f * height));
  const blocks = [
    { text: view.title, size: px(SIZES.title), weight: 650, color: c.fg },
    ...view.lines.map((text) => ({ text, size: px(SIZES.line), weight: 400, color: c.fg })),
  ].map((b) => ({ ...b, parts: parseMathText(b.text) }));
  const images = new Map<string, Decoded>();
  await Promise.all(
    blocks.flatMap((b) =>
      b.parts.flatMap((p) => {
        if (typeof p === 'string') return [];
        const key = `${b.size} ${p.tex}`;
        return [svgImage(p.tex, b.color, b.size / 16).then((d) => void images.set(key, d))];
      }),
    ),
  );
  const column = Math.round(width * SLIDE_COLUMN);
  const left = Math.round(0.03 * width);
  const right = column - Math.round(0.026 * width);
  return {
    draw: (ctx) => {
      ctx.save();
      ctx.fillStyle = c.panel;
      ctx.fillRect(0, 0, column, height);
      ctx.textBaseline = 'alphabetic';
      ctx.textAlign = 'left';
      let y = px(SIZES.padTop);
      for (const [i, b] of blocks.entries()) {
        ctx.font = `${b.weight} ${b.size}px system-ui, sans-serif`;
        ctx.fillStyle = b.color;
        y = drawWrapped(ctx, b.parts, b.size, images, left, right, y);
        y += i === 0 ? px(SIZES.gap) : px(SIZES.lineGap);
      }
      // The footer: note, counter and progress line at the bottom of the column.
      const bottom = height - px(0.03);
      const counterPx = px(SIZES.counter);
      ctx.font = `600 ${counterPx}px system-ui, sans-serif`;
      ctx.fillStyle = c.dim;
      ctx.fillText(view.counter, left, bottom);
      const counterWidth = ctx.measureText(view.counter).width;
      const trackLeft = left + counterWidth + Math.round(0.01 * width);
      const trackHeight = Math.max(3, px(0.0045));
      const trackTop = bottom - counterPx / 2 - trackHeight / 2;
      ctx.fillStyle = c.track;
      ctx.fillRect(trackLeft, trackTop, Math.max(0, right - trackLeft), trackHeight);
      ctx.fillStyle = c.accent;
      ctx.fillRect(trackLeft, trackTop, Math.max(0, right - trackLeft) * Math.min(1, Math.max(0, view.progress)), trackHeight);
      if (view.note !== '') {
        ctx.font = `${px(SIZES.note)}px system-ui, sans-serif`;
        ctx.fillStyle = c.dim;
        drawWrapped(ctx, [view.note], px(SIZES.note), images, left, right, bottom - counterPx - px(0.02) - 2 * px(SIZES.note) * 1.3);
      }
      ctx.restore();
    },
  };
}

/**
 * Draws text with formulas from `top`, wrapped at word boundaries between `left` and `right` (a formula
 * wider than the column is scaled down to fit); a formula and the brackets and punctuation glued to it
 * (ui/math glueMath) stay on one row. @returns the y below the last row.
 */
function drawWrapped(ctx: CanvasRenderingContext2D, parts: ReturnType<typeof parseMathText>, size: number, images: ReadonlyMap<string, Decoded>, left: number, right: number, top: number): number {
  type Piece = { readonly word: string; readonly width: number } | { readonly img: Decoded; readonly width: number; readonly scale: number };
  type Item = { readonly pieces: readonly Piece[]; readonly width: number };
  const maxWidth = right - left;
  const word = (w: string): Piece => ({ word: w, width: ctx.measureText(w).width });
  const items: Item[] = glueMath(parts).flatMap((g): Item[] => {
    if (typeof g === 'string') return g.split(/(?<=\s)/).filter((w) => w !== '').map((w) => {
      const piece = word(w);
      return { pieces: [piece], width: piece.width };
    });
    const img = images.get(`${size} ${g.tex}`);
    const pieces: Piece[] = [];
    if (g.before !== '') pieces.push(word(g.before));
    const scale = img === undefined ? 1 : Math.min(1, maxWidth / img.svg.width);
    if (img !== undefined) pieces.push({ img, width: img.svg.width * scale, scale });
    if (g.after !== '') pieces.push(word(g.after));
    return pieces.length === 0 ? [] : [{ pieces, width: pieces.reduce((sum, q) => sum + q.width, 0) }];
  });
  const rows: Item[][] = [[]];
  let x = 0;
  for (const it of items) {
    const row = rows[rows.length - 1];
    if (x + it.width > maxWidth && row.length > 0) {
      rows.push([it]);
      x = it.width;
    } else {
      row.push(it);
      x += it.width;
    }
  }
  let y = top;
  for (const row of rows.map((r) => r.flatMap((it) => it.pieces))) {
    const ascent = Math.max(0.8 * size, ...row.map((it) => ('img' in it ? (it.img.svg.height - it.img.svg.depth) * it.scale : 0)));
    const descent = Math.max(0.25 * size, ...row.map((it) => ('img' in it ? it.img.svg.depth * it.scale : 0)));
    const baseline = y + ascent;
    let rx = left;
    for (const it of row) {
      if ('word' in it) ctx.fillText(it.word, rx, baseline);
      else ctx.drawImage(it.img.image, rx, baseline - (it.img.svg.height - it.img.svg.depth) * it.scale, it.width, it.img.svg.height * it.scale);
      rx += it.width;
    }
    y = baseline + descent + 0.2 * size;
  }
  return y;
}
