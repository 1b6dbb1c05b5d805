/**
 * Typeset formulas: TeX in the seed's notation -> SVG (MathJax 3, loaded lazily by a dynamic import so the
 * first frame does not wait for it). One function, {@link texToSvg}, feeds both the page (an SVG node
 * parsed with DOMParser, never markup assigned to an element) and the recorded frames (the same SVG drawn
 * as an image, see {@link svgImage}). Text that mixes words and formulas marks each formula with $…$.
 */
import './math.css';

/** A piece of a line: plain text, or a TeX formula. */
export type MathPart = string | { readonly tex: string };

/** A typeset formula: the SVG's source and its size in CSS px. */
export interface TexSvg {
  readonly svg: string;
  /** Size in px at the requested scale (1 = a 16 px em). */
  readonly width: number;
  readonly height: number;
  /** How far the formula reaches below the text's baseline, px. */
  readonly depth: number;
}

/** Options of {@link texToSvg}. */
export interface TexSvgOptions {
  /** CSS colour of the glyphs (default currentColor: the surrounding text's colour, in the page). */
  readonly color?: string;
  /** Size as a multiple of a 16 px em; when left out, sizes stay in ex of the surrounding font. */
  readonly scale?: number;
}

let engine: Promise<typeof import('./mathjax-engine')> | null = null;
const loadEngine = (): Promise<typeof import('./mathjax-engine')> => (engine ??= import('./mathjax-engine'));

/** Typeset formulas kept (TeX -> SVG source in ex), least recently used dropped first. */
const CACHE_SIZE = 256;
const cache = new Map<string, Promise<{ svg: string; ex: number }>>();

function typesetCached(tex: string): Promise<{ svg: string; ex: number }> {
  const hit = cache.get(tex);
  if (hit !== undefined) {
    cache.delete(tex);
    cache.set(tex, hit);
    return hit;
  }
  const made = loadEngine().then((m) => ({ svg: m.typeset(tex), ex: m.EX }));
  cache.set(tex, made);
  made.catch(() => cache.get(tex) === made && cache.delete(tex));
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return made;
}

/** A CSS colour safe to put in an SVG attribute (hex, a name, rgb()/hsl() and the like). */
const COLOR = /^[#\w(),.%\s-]+$/;

const attribute = (svg: string, name: string): number => {
  const m = new RegExp(`\\s${name}="(-?[\\d.]+)ex"`).exec(svg);
  return m === null ? 0 : Number(m[1]);
};

/**
 * Typesets one TeX formula (inline style, seed notation: x_{t-1}, \bar\alpha_t, \epsilon_\theta, …) as SVG
 * with self-contained glyph paths (no font files). Results are cached by TeX.
 * @param options.color the glyphs' CSS colour (currentColor when left out).
 * @param options.scale the em as a multiple of 16 px; the SVG's width and height are then in px.
 * @throws (rejects) Error on a TeX error (an unknown macro, an unbalanced brace), RangeError on a colour
 *   that is not a plain CSS colour.
 */
export async function texToSvg(tex: string, options: TexSvgOptions = {}): Promise<TexSvg> {
  const { color, scale } = options;
  if (color !== undefined && !COLOR.test(color)) throw new RangeError(`not a CSS colour: ${color}`);
  const { svg: raw, ex } = await typesetCached(tex);
  const px = ex * (scale ?? 1);
  const widthEx = attribute(raw, 'width');
  const heightEx = attribute(raw, 'height');
  const depthEx = -Number(/vertical-align:\s*(-?[\d.]+)ex/.exec(raw)?.[1] ?? 0);
  let svg = color === undefined ? raw : raw.replaceAll('currentColor', color);
  if (scale !== undefined) {
    svg = svg
      .replace(/\swidth="[\d.]+ex"/, ` width="${(widthEx * px).toFixed(2)}px"`)
      .replace(/\sheight="[\d.]+ex"/, ` height="${(heightEx * px).toFixed(2)}px"`)
      .replace(/vertical-align:\s*-?[\d.]+ex/, `vertical-align: ${(-depthEx * px).toFixed(2)}px`);
  }
  return { svg, width: widthEx * px, height: heightEx * px, depth: depthEx * px };
}

/**
 * Splits text with $…$-marked formulas into parts: "at $t = 3$ (fixed)" -> ["at ", {tex: "t = 3"}, " (fixed)"].
 * Empty text parts are left out.
 */
export function parseMathText(text: string): MathPart[] {
  return text.split('$').flatMap((s, i): MathPart[] => (i % 2 === 1 ? [{ tex: s }] : s === '' ? [] : [s]));
}

/**
 * Shows a TeX formula in `el` (a span made by {@link mathElement}): the typeset SVG replaces the old one
 * when it is ready (no flicker while a value changes). A TeX error shows the TeX as text and warns.
 */
export function setMath(el: HTMLElement, tex: string): void {
  if (el.dataset.tex === tex) return;
  el.dataset.tex = tex;
  el.setAttribute('aria-label', tex);
  texToSvg(tex).then(
    ({ svg }) => {
      if (el.dataset.tex !== tex) return;
      const node = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
      el.classList.remove('math-error');
      el.replaceChildren(document.importNode(node, true));
    },
    (e: unknown) => {
      if (el.dataset.tex !== tex) return;
      console.warn(`could not typeset ${tex}:`, e);
      el.classList.add('math-error');
      el.textContent = tex;
    },
  );
}

/** A span showing a typeset TeX formula (filled when MathJax has loaded). */
export function mathElement(tex: string): HTMLElement {
  const el = document.createElement('span');
  el.className = 'math';
  el.setAttribute('role', 'math');
  setMath(el, tex);
  return el;
}

/**
 * A formula with the punctuation glued to it: opening brackets right before it, closing brackets and
 * punctuation (.,;:!?) right after it, all kept on the formula's line (one `white-space: nowrap` span).
 */
export interface MathGlue {
  readonly before: string;
  readonly tex: string;
  readonly after: string;
}

/** Opening brackets glued to the formula after them (no space between). */
const GLUE_BEFORE = /[([{“‘"']+$/;
/** Closing brackets and punctuation glued to the formula before them (no space between). */
const GLUE_AFTER = /^[)\]}.,;:!?”’"']+/;

/**
 * Groups parsed text for line breaking: each formula with the brackets and punctuation that touch it
 * ({@link MathGlue}); text with no formula stays as it is. "at ($t = 3$)." -> ["at ", {before: "(", tex: "t = 3", after: ")."}].
 * Empty text parts are left out.
 */
export function glueMath(parts: readonly MathPart[]): (string | MathGlue)[] {
  const out: (string | MathGlue)[] = [];
  let pending = ''; // text not yet placed (what a formula before it left of a part)
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (typeof p === 'string') {
      pending += p;
      continue;
    }
    const before = GLUE_BEFORE.exec(pending)?.[0] ?? '';
    if (pending.length > before.length) out.push(pending.slice(0, pending.length - before.length));
    const next = parts[i + 1];
    const after = typeof next === 'string' ? (GLUE_AFTER.exec(next)?.[0] ?? '') : '';
    out.push({ before, tex: p.tex, after });
    pending = typeof next === 'string' ? next.slice(after.length) : '';
    if (typeof next === 'string') i++;
  }
  if (pending !== '') out.push(pending);
  return out;
}

/** A nowrap span of a formula and the punctuation glued to it: [text before, the formula, text after]. */
function glueElement(g: MathGlue): HTMLElement {
  const el = document.createElement('span');
  el.className = 'math-glue';
  el.append(document.createTextNode(g.before), mathElement(g.tex), document.createTextNode(g.after));
  return el;
}

/**
 * Sets `el`'s content to text with $…$-marked formulas typeset, each formula with its glued brackets and
 * punctuation in one nowrap span ({@link glueMath}: no "." alone on a line); reuses the nodes when only
 * values change. Cheap to call often with the same text.
 */
export function setMathText(el: HTMLElement, text: string): void {
  if (el.dataset.mathText === text) return;
  el.dataset.mathText = text;
  const groups = glueMath(parseMathText(text));
  const kids = [...el.childNodes];
  const isGlue = (n: ChildNode): n is HTMLElement => n instanceof HTMLElement && n.classList.contains('math-glue');
  const same = kids.length === groups.length && groups.every((g, i) => (typeof g === 'string' ? kids[i].nodeType === Node.TEXT_NODE : isGlue(kids[i])));
  if (!same) {
    el.replaceChildren(...groups.map((g) => (typeof g === 'string' ? document.createTextNode(g) : glueElement(g))));
    return;
  }
  groups.forEach((g, i) => {
    const kid = kids[i];
    if (typeof g === 'string') {
      if (kid.textContent !== g) kid.textContent = g;
      return;
    }
    const [before, math, after] = [...kid.childNodes];
    if (before.textContent !== g.before) before.textContent = g.before;
    setMath(math as HTMLElement, g.tex);
    if (after.textContent !== g.after) after.textContent = g.after;
  });
}

/**
 * A typeset formula as a decoded image, ready for a canvas's drawImage (recorded frames, screenshots):
 * the SVG goes through a Blob URL (the CSP's img-src allows blob:), which is revoked once decoded.
 * @throws (rejects) what {@link texToSvg} throws, or when the browser cannot decode the SVG.
 */
export async function svgImage(tex: string, color: string, scale: number): Promise<{ image: HTMLImageElement; svg: TexSvg }> {
  const svg = await texToSvg(tex, { color, scale });
  const url = URL.createObjectURL(new Blob([svg.svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return { image, svg };
  } finally {
    URL.revokeObjectURL(url);
  }
}
