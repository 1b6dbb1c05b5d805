/**
 * The slide panel of lecture mode (issue 17): the slide's title and text (formulas between $...$ typeset by
 * ui/math) in a column on the left of the screen, a small note when the scene starts pre-trained, the slide
 * counter ("5 / 18") and a thin progress line; a blank screen; and the host element a slide's own scene
 * (the parallel-lines scene) fills, over the free area where the data is framed. Plain DOM; the deck's
 * state is app/deck-player.ts. The panel is a left-hand obstacle of ui/layout's free area, so the data is
 * framed to its right and never under it.
 */
import './slide-panel.css';
import { h } from './dom';
import { setMathText } from './math';

/** What the panel shows of a slide. */
export interface SlideView {
  readonly title: string;
  /** Text lines, TeX between $...$. */
  readonly lines: readonly string[];
  /** e.g. "5 / 18". */
  readonly counter: string;
  /** The progress line's length as a fraction of its track, in [0, 1]. */
  readonly progress: number;
  /** A note in small type (the scene starts pre-trained), or ''. */
  readonly note: string;
}

/** The panel, the blank screen and the scene host. Call {@link dispose}. */
export class SlidePanel {
  /** The column on the left (give it to ui/layout's free-area watcher as a left panel). */
  readonly element: HTMLElement;
  /** Where a slide's own scene draws itself: the free area, opaque. */
  readonly sceneHost: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly linesEl: HTMLElement;
  private readonly noteEl: HTMLElement;
  private readonly counterEl: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly blankEl: HTMLElement;

  constructor(overlay: HTMLElement) {
    this.titleEl = h('div', { className: 'slide-title' });
    this.linesEl = h('div', { className: 'slide-lines' });
    this.noteEl = h('div', { className: 'slide-note' });
    this.counterEl = h('div', { className: 'slide-counter' });
    this.fill = h('div', { className: 'slide-progress-fill' });
    this.element = h('section', { className: 'slide-panel' }, this.titleEl, this.linesEl, this.noteEl, h('div', { className: 'slide-footer' }, this.counterEl, h('div', { className: 'slide-progress' }, this.fill)));
    this.element.setAttribute('aria-live', 'polite');
    this.sceneHost = h('div', { className: 'slide-scene-host' });
    this.blankEl = h('div', { className: 'slide-blank' });
    this.element.hidden = true;
    this.sceneHost.hidden = true;
    this.blankEl.hidden = true;
    overlay.append(this.sceneHost, this.element, this.blankEl);
  }

  /** Shows a slide: title, lines (typeset), the note, the counter and the progress line. */
  show(view: SlideView): void {
    this.element.hidden = false;
    setMathText(this.titleEl, view.title);
    const rows = this.linesEl.children;
    while (rows.length > view.lines.length) rows[rows.length - 1].remove();
    while (rows.length < view.lines.length) this.linesEl.append(h('div', { className: 'slide-line' }));
    view.lines.forEach((line, i) => setMathText(rows[i] as HTMLElement, line));
    this.noteEl.textContent = view.note;
    this.counterEl.textContent = view.counter;
    this.fill.style.width = `${(Math.min(1, Math.max(0, view.progress)) * 100).toFixed(2)}%`;
  }

  /** Shows or hides the text column alone (presentation mode off with a deck up; the scene host stays). */
  setColumnShown(shown: boolean): void {
    this.element.hidden = !shown;
  }

  /** Sets the note in small type ('' hides it). */
  setNote(note: string): void {
    this.noteEl.textContent = note;
  }

  /** Blanks the whole screen (true) or shows it again. */
  setBlank(blank: boolean): void {
    this.blankEl.hidden = !blank;
  }

  /** Shows or hides the host of a slide's own scene (emptied when hidden). */
  showSceneHost(shown: boolean): void {
    this.sceneHost.hidden = !shown;
    if (!shown) this.sceneHost.replaceChildren();
  }

  /** Hides everything (the deck was left). */
  hide(): void {
    this.element.hidden = true;
    this.setBlank(false);
    this.showSceneHost(false);
  }

  dispose(): void {
    this.element.remove();
    this.sceneHost.remove();
    this.blankEl.remove();
  }
}
