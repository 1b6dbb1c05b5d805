/**
 * The heat map's legend: what is shown and when, a colour bar of its colour map, and the values at
 * both ends ("≤" / "≥" where the range clips the data); formulas typeset (ui/math). Plain DOM at the bottom
 * of the overlay, left of the GUI panel.
 */
import { h } from './dom';
import { setMathText } from './math';

/** What the legend shows. */
export interface LegendState {
  /** What the colours mean, text with $…$-marked TeX (typeset), e.g. "$\log p_t(x)$, exact". */
  readonly title: string;
  /** Where in time, text with $…$-marked TeX, e.g. "$t = 420 / 1000$" ('' for none). */
  readonly time: string;
  readonly lo: number;
  readonly hi: number;
  readonly clippedLo: boolean;
  readonly clippedHi: boolean;
  /** The colour map, t in [0, 1] -> CSS colour. */
  readonly colormap: (t: number) => string;
}

/** A number for a legend end: 3 significant digits, no exponent between 1e-3 and 1e5. */
function fmt(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

/** Sets `el`'s text only when it differs. */
function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** The legend element. */
export class FieldLegend {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly time: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly lo: HTMLElement;
  private readonly hi: HTMLElement;
  private colormap: ((t: number) => string) | null = null;

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.className = 'field-legend';
    this.title = h('span');
    this.time = h('span', { className: 'field-legend-time' });
    this.lo = h('span', { className: 'field-legend-lo' });
    this.bar = h('div', { className: 'field-legend-bar' });
    this.hi = h('span', { className: 'field-legend-hi' });
    this.root.append(h('div', { className: 'field-legend-title' }, this.title, ' ', this.time), h('div', { className: 'field-legend-row' }, this.lo, this.bar, this.hi));
    this.root.hidden = true;
    parent.append(this.root);
  }

  show(s: LegendState): void {
    setMathText(this.title, s.title);
    setMathText(this.time, s.time === '' ? '' : `at ${s.time}`);
    // Written only when the text changed (a write re-lays out and repaints the panel over the canvas).
    setText(this.lo, `${s.clippedLo ? '≤ ' : ''}${fmt(s.lo)}`);
    setText(this.hi, `${s.clippedHi ? '≥ ' : ''}${fmt(s.hi)}`);
    if (s.colormap !== this.colormap) {
      this.colormap = s.colormap;
      const stops = Array.from({ length: 17 }, (_, i) => `${s.colormap(i / 16)} ${((100 * i) / 16).toFixed(2)}%`);
      this.bar.style.background = `linear-gradient(to right, ${stops.join(', ')})`;
    }
    if (this.root.hidden) this.root.hidden = false;
  }

  hide(): void {
    if (!this.root.hidden) this.root.hidden = true;
  }

  dispose(): void {
    this.root.remove();
  }
}
