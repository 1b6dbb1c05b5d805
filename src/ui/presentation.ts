/**
 * Presentation mode: one key (P) hides the GUI, the HUD and the other panels, leaving the scene (and
 * toasts, which carry errors); a light or a dark theme; an optional caption with the model, the phase,
 * t and the formula in use. Plain DOM and CSS classes on <body>; the stage's colours are the caller's
 * (onTheme).
 */
import type { ThemeName } from '../scene/palette';
import { h } from './dom';

/** What the caption shows. */
export interface CaptionState {
  readonly title: string;
  readonly phase: string;
  readonly time: string;
  readonly formula: string;
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
      h('div', { className: 'caption-line' }, h('span', { className: 'caption-phase' }), ' ', h('span', { className: 'caption-time' })),
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

  /** Updates the caption's text (cheap; called a few times a second). */
  setCaption(state: CaptionState): void {
    if (this.root.hidden) return;
    const set = (cls: string, text: string): void => {
      const el = this.root.querySelector(`.${cls}`) as HTMLElement;
      if (el.textContent !== text) el.textContent = text;
    };
    set('caption-title', state.title);
    set('caption-phase', state.phase);
    set('caption-time', state.time);
    set('caption-formula', state.formula);
  }

  dispose(): void {
    removeEventListener('keydown', this.onKey, { capture: true });
    clearTimeout(this.hintTimer);
    this.root.remove();
    this.hint.remove();
  }
}

/**
 * Draws the caption into a captured frame (recordings and screenshots), bottom centre, sized to the
 * frame's height, in the theme's colours.
 */
export function drawCaption(ctx: CanvasRenderingContext2D, width: number, height: number, state: CaptionState, theme: ThemeName): void {
  const unit = height / 720;
  const lines: { text: string; font: string; dim: boolean }[] = [
    { text: state.title, font: `600 ${Math.round(20 * unit)}px system-ui, sans-serif`, dim: false },
    { text: `${state.phase} ${state.time}`.trim(), font: `${Math.round(16 * unit)}px system-ui, sans-serif`, dim: true },
  ];
  if (state.formula) lines.push({ text: state.formula, font: `${Math.round(18 * unit)}px "STIX Two Math", "Cambria Math", Georgia, serif`, dim: false });
  const lineHeight = 28 * unit;
  let boxWidth = 0;
  for (const l of lines) {
    ctx.font = l.font;
    boxWidth = Math.max(boxWidth, ctx.measureText(l.text).width);
  }
  const pad = 14 * unit;
  const boxHeight = lines.length * lineHeight + pad;
  const x = width / 2;
  const top = height - boxHeight - 28 * unit;
  ctx.save();
  ctx.fillStyle = theme === 'light' ? 'rgba(255, 255, 255, 0.86)' : 'rgba(14, 19, 40, 0.72)';
  ctx.beginPath();
  ctx.roundRect(x - boxWidth / 2 - pad, top, boxWidth + 2 * pad, boxHeight, 10 * unit);
  ctx.fill();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  lines.forEach((l, i) => {
    ctx.font = l.font;
    ctx.fillStyle = theme === 'light' ? (l.dim ? '#5b6380' : '#1b2033') : l.dim ? '#8b93b8' : '#e6ebff';
    ctx.fillText(l.text, x, top + pad / 2 + lineHeight * (i + 0.5));
  });
  ctx.restore();
}
