/**
 * MathJax 3 (mathjax-full) set up once: TeX in (base and AMS packages, no autoload: nothing is fetched),
 * SVG out with self-contained glyph paths (fontCache 'none': no font files, no shared defs), on the lite
 * adaptor (no DOM: the same code runs in the browser and in Node's tests). Loaded lazily by ui/math.
 */
import { mathjax } from 'mathjax-full/js/mathjax.js';
import { TeX } from 'mathjax-full/js/input/tex.js';
import { SVG } from 'mathjax-full/js/output/svg.js';
import { liteAdaptor } from 'mathjax-full/js/adaptors/liteAdaptor.js';
import { RegisterHTMLHandler } from 'mathjax-full/js/handlers/html.js';
import type { LiteElement } from 'mathjax-full/js/adaptors/lite/Element.js';
import 'mathjax-full/js/input/tex/base/BaseConfiguration.js';
import 'mathjax-full/js/input/tex/ams/AmsConfiguration.js';

/** Font metrics the SVG's sizes are computed with: 1 em = 16 px, 1 ex = 8 px (MathJax's defaults). */
export const EM = 16;
export const EX = 8;

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const tex = new TeX({
  packages: ['base', 'ams'],
  // A TeX error throws (the caller reports it) instead of typesetting a red error box.
  formatError: (_jax: unknown, error: Error) => {
    throw error;
  },
});
const mathDocument = mathjax.document('', { InputJax: tex, OutputJax: new SVG({ fontCache: 'none' }) });

/**
 * One TeX string (inline style) as an SVG element's source. Its width, height and vertical-align are in
 * ex (1 ex = {@link EX} px at a 16 px em); its colour is `currentColor`.
 * @throws Error with MathJax's message on a TeX error (an unknown macro, an unbalanced brace).
 */
export function typeset(source: string): string {
  const container = mathDocument.convert(source, { display: false, em: EM, ex: EX, containerWidth: 80 * EM }) as LiteElement;
  const svg = adaptor.firstChild(container) as LiteElement;
  return adaptor.serializeXML(svg);
}
