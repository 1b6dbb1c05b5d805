/**
 * Typeset formulas (ui/math, MathJax 3 on its lite adaptor in Node): every formula the app shows typesets
 * without a TeX error into SVG of a real size, colours and sizes are applied as asked, and the caption's
 * words are the same (same case) on the page and in recorded frames (one function produces both).
 */
import { describe, expect, it } from 'vitest';
import { MODEL_KINDS, SAMPLER_KINDS, type CaptionMotion } from '../src/models/kinds';
import { captionFormula } from '../src/ui/caption-text';
import { GAN_PANEL_TEX } from '../src/ui/gan-panel';
import { parseMathText, texToSvg } from '../src/ui/math';
import { captionLines, type CaptionState } from '../src/ui/presentation';
import { SCHEDULE_TEX } from '../src/ui/schedule-plots';

const MOTIONS: readonly CaptionMotion[] = ['forward', 'reverse', 'hold'];
/** TeX parts of text with $…$-marked formulas. */
const texOf = (text: string): string[] => parseMathText(text).flatMap((p) => (typeof p === 'string' ? [] : [p.tex]));

describe('texToSvg', () => {
  it('typesets every kind\'s caption formula for every motion and sampler, with a real width', async () => {
    let typeset = 0;
    for (const kind of MODEL_KINDS) {
      for (const motion of MOTIONS) {
        for (const sampler of SAMPLER_KINDS) {
          const tex = captionFormula(kind, motion, sampler);
          if (motion === 'hold' && (kind === 'ddpm' || kind === 'score' || kind === 'flow')) {
            expect(tex, `${kind} ${sampler} at rest`).toBe('');
            continue;
          }
          const svg = await texToSvg(tex);
          expect(svg.svg, `${kind} ${motion} ${sampler}`).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
          // No error box, no unknown macro shown in red.
          expect(svg.svg, `${kind} ${motion} ${sampler}`).not.toMatch(/merror|data-mjx-error/);
          expect(svg.width, `${kind} ${motion} ${sampler}: ${tex}`).toBeGreaterThan(5);
          expect(svg.height).toBeGreaterThan(1);
          typeset++;
        }
      }
    }
    expect(typeset).toBeGreaterThan(40);
  });

  it('typesets the GAN panel\'s, the schedule legend\'s and the HUD\'s formulas', async () => {
    const all = [...Object.values(GAN_PANEL_TEX), ...Object.values(SCHEDULE_TEX.series), ...texOf(SCHEDULE_TEX.pathTitle), ...texOf(SCHEDULE_TEX.snrTitle), 't = 420 / 1000', 'x = G(z)'];
    for (const tex of all) expect((await texToSvg(tex)).width, tex).toBeGreaterThan(0);
    // The seed's notation: a bar over alpha is one glyph under a combining bar, not a fallback font's ᾱ.
    const alphaBar = await texToSvg(SCHEDULE_TEX.series.alphaBar);
    expect(alphaBar.svg).toMatch(/data-c="1D6FC"/); // mathematical italic alpha
    expect(alphaBar.svg).toMatch(/data-mml-node="mover"/);
  });

  it('rejects a TeX error instead of drawing an error box', async () => {
    await expect(texToSvg(String.raw`\notamacro{x}`)).rejects.toThrow(/notamacro/);
    await expect(texToSvg(String.raw`\frac{1}{2`)).rejects.toThrow();
  });

  it('puts the colour in the glyphs and sizes in px at a scale (1 ex = 8 px at scale 1)', async () => {
    const tex = String.raw`x_{t-1} = \bar\alpha_t`;
    const plain = await texToSvg(tex);
    expect(plain.svg).toMatch(/currentColor/);
    expect(plain.svg).toMatch(/width="[\d.]+ex"/);
    const big = await texToSvg(tex, { color: '#e6ebff', scale: 1.5 });
    expect(big.svg).not.toMatch(/currentColor/);
    expect(big.svg).toMatch(/fill="#e6ebff"/);
    const widthPx = Number(/width="([\d.]+)px"/.exec(big.svg)?.[1]);
    expect(widthPx).toBeCloseTo(big.width, 1);
    expect(big.width).toBeCloseTo(1.5 * plain.width, 6);
    // At scale 1 the sizes in px are 8 x the sizes in ex.
    const exWidth = Number(/width="([\d.]+)ex"/.exec(plain.svg)?.[1]);
    expect(plain.width).toBeCloseTo(8 * exWidth, 6);
    // The depth below the baseline comes from MathJax's vertical-align (x_{t-1} reaches below it).
    expect(big.depth).toBeGreaterThan(0);
    expect(big.depth).toBeLessThan(big.height);
    await expect(texToSvg('x', { color: '"/><script>' })).rejects.toThrow(RangeError);
  });
});

describe('text with $…$-marked formulas', () => {
  it('splits into text and TeX parts', () => {
    expect(parseMathText('at $t = 3$ (fixed)')).toEqual(['at ', { tex: 't = 3' }, ' (fixed)']);
    expect(parseMathText('$x = G(z)$, $z$ fixed')).toEqual([{ tex: 'x = G(z)' }, ', ', { tex: 'z' }, ' fixed']);
    expect(parseMathText('no formula')).toEqual(['no formula']);
    expect(parseMathText('')).toEqual([]);
  });
});

describe('the caption', () => {
  const state: CaptionState = { title: 'DDPM · 8 Gaussians · ancestral', phase: 'reverse', time: '$t = 420 / 1000$', formula: captionFormula('ddpm', 'reverse', 'ancestral') };

  it('has the same words in the same case on the page and in frames (one function for both)', () => {
    const [title, line, formula] = captionLines(state);
    expect(title).toBe('DDPM · 8 Gaussians · ancestral');
    // The phase word as the loop names it: lower case, not capitalised by either renderer.
    expect(parseMathText(line)).toEqual(['reverse ', { tex: 't = 420 / 1000' }]);
    expect(parseMathText(formula)).toEqual([{ tex: String.raw`\displaystyle ` + state.formula }]);
    expect(captionLines({ ...state, formula: '' })[2]).toBe('');
  });

  it('typesets every line\'s formulas, GAN scenes included', async () => {
    const gan: CaptionState = { title: 'GAN · 8 Gaussians', phase: 'generating', time: '$x = G(z)$ after 1,200 training steps', formula: captionFormula('gan', 'hold', 'ancestral') };
    for (const s of [state, gan]) {
      const tex = captionLines(s).flatMap(texOf);
      expect(tex.length).toBe(2);
      for (const t of tex) expect((await texToSvg(t, { color: '#1b2033', scale: 1.3 })).width, t).toBeGreaterThan(10);
    }
    // "x = G(z)" in lower case, as in the HUD.
    expect(captionLines(gan)[1]).toBe('generating $x = G(z)$ after 1,200 training steps');
  });
});
