/**
 * Issue 15.3: a formula keeps the punctuation after it (.,;:!?), a closing bracket after it and an
 * opening bracket before it on its own line: ui/math's glueMath groups them, and setMathText puts each
 * group in one `white-space: nowrap` span (ui/math.css .math-glue); the recorded frames (ui/slide-frame)
 * wrap by the same groups.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { glueMath, parseMathText } from '../src/ui/math';

const glue = (text: string): ReturnType<typeof glueMath> => glueMath(parseMathText(text));

describe('a formula and its glued punctuation (issue 15.3)', () => {
  it('keeps the full stop after a formula with it (deck slide 7: no lone "." on a line)', () => {
    expect(glue('clipping its weights $w$ to $[-c, c]$, $c = 0.01$.')).toEqual([
      'clipping its weights ',
      { before: '', tex: 'w', after: '' },
      ' to ',
      { before: '', tex: '[-c, c]', after: ',' },
      ' ',
      { before: '', tex: 'c = 0.01', after: '.' },
    ]);
  });

  it('keeps a comma between two formulas with the first (deck slide 12: no line starting with ", $\\bar\\alpha_t$")', () => {
    const g = glue('In closed form: $x_t = a$, $\\bar{\\alpha}_t = b$.');
    expect(g).toEqual(['In closed form: ', { before: '', tex: 'x_t = a', after: ',' }, ' ', { before: '', tex: '\\bar{\\alpha}_t = b', after: '.' }]);
  });

  it('keeps an opening bracket before and a closing bracket with punctuation after (the parallel-lines note: "($h = 0.05$):")', () => {
    expect(glue('kernel density estimates ($h = 0.05$): KL grows as $\\theta^2 / 2h^2$')).toEqual([
      'kernel density estimates ',
      { before: '(', tex: 'h = 0.05', after: '):' },
      ' KL grows as ',
      { before: '', tex: '\\theta^2 / 2h^2', after: '' },
    ]);
    expect(glue('[$a$]; “$b$”!')).toEqual([{ before: '[', tex: 'a', after: '];' }, ' ', { before: '“', tex: 'b', after: '”!' }]);
  });

  it('glues only what touches the formula: a space before the punctuation, or a word, stays loose', () => {
    expect(glue('a $x$ . b')).toEqual(['a ', { before: '', tex: 'x', after: '' }, ' . b']);
    expect(glue('f($x$)')).toEqual(['f', { before: '(', tex: 'x', after: ')' }]);
    expect(glue('$x$$y$')).toEqual([{ before: '', tex: 'x', after: '' }, { before: '', tex: 'y', after: '' }]);
  });

  it('leaves text without formulas unchanged, and loses no character', () => {
    expect(glue('no formula (here), at all.')).toEqual(['no formula (here), at all.']);
    expect(glue('')).toEqual([]);
    const deck = JSON.parse(readFileSync('assets/deck.json', 'utf8')) as { slides: { title: string; text?: string[] }[] };
    const texts = deck.slides.flatMap((s) => [s.title, ...(s.text ?? [])]);
    let formulas = 0;
    for (const text of texts) {
      const joined = glue(text)
        .map((g) => (typeof g === 'string' ? g : `${g.before}$${g.tex}$${g.after}`))
        .join('');
      expect(joined).toBe(text);
      formulas += glue(text).filter((g) => typeof g !== 'string').length;
    }
    expect(formulas).toBeGreaterThan(20);
    // No loose text in the deck starts with punctuation a formula before it could hold.
    for (const text of texts) {
      const g = glue(text);
      g.forEach((part, i) => {
        if (typeof part === 'string' && i > 0 && typeof g[i - 1] !== 'string') expect(part).not.toMatch(/^[.,;:!?)\]]/);
      });
    }
  });
});
