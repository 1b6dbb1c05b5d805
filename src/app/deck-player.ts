/**
 * The deck player's state machine (issue 17, lecture mode): which slide is up, whether the screen is
 * blanked, what a key asks for, what entering a slide asks of the app (its config, its weights' URL, its
 * timeline or live), which weights to prefetch, the counter and the progress line, and each slide's
 * segments in a recording of the whole deck. Pure: no DOM, no tfjs; the browser glue is app/deck-presenter.ts.
 */
import type { Deck, Slide, SlideRun } from '../config/deck-file';
import type { Segment } from '../record/timeline';

/** What the lecturer asks for: a slide forward or back, the first or last, a blank screen, leaving the deck. */
export type DeckAction = 'next' | 'previous' | 'home' | 'end' | 'blank' | 'leave';

/**
 * The deck's keys (KeyboardEvent.key): clickers send PageDown / PageUp; arrows, Home / End; B or '.'
 * blanks the screen (as in slide software); Esc leaves. Space stays the scene's pause key.
 */
export const DECK_KEYS: Readonly<Record<string, DeckAction>> = {
  ArrowRight: 'next',
  ArrowDown: 'next',
  PageDown: 'next',
  ArrowLeft: 'previous',
  ArrowUp: 'previous',
  PageUp: 'previous',
  Home: 'home',
  End: 'end',
  b: 'blank',
  B: 'blank',
  '.': 'blank',
  Escape: 'leave',
};

/** The action of a key, or null for a key the deck leaves to the scene. */
export function deckKeyAction(key: string): DeckAction | null {
  return Object.hasOwn(DECK_KEYS, key) ? DECK_KEYS[key] : null;
}

/** Where the lecturer is in a deck. */
export interface PlayerState {
  /** Index of the slide up, in [0, count). */
  readonly index: number;
  /** Slides in the deck, at least 1. */
  readonly count: number;
  /** The screen is blanked (the slide stays where it was). */
  readonly blank: boolean;
  /** The deck is being presented (false once left). */
  readonly presenting: boolean;
}

/**
 * The state on opening a deck of `count` slides at slide `index` (clamped into the deck).
 * @throws RangeError if count is not a positive integer.
 */
export function openState(count: number, index = 0): PlayerState {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a deck needs at least one slide, got ${count}`);
  const at = Number.isFinite(index) ? Math.min(count - 1, Math.max(0, Math.trunc(index))) : 0;
  return { index: at, count, blank: false, presenting: true };
}

/**
 * The state after `action`. Next / previous stop at the ends; home / end jump there; blank toggles the
 * blank screen; while blank, any move only brings the same slide back (as slide software does); leave
 * ends the presentation. A state no longer presenting stays as it is.
 */
export function nextState(state: PlayerState, action: DeckAction): PlayerState {
  if (!state.presenting) return state;
  if (action === 'leave') return { ...state, blank: false, presenting: false };
  if (action === 'blank') return { ...state, blank: !state.blank };
  if (state.blank) return { ...state, blank: false };
  const last = state.count - 1;
  const index = action === 'next' ? Math.min(last, state.index + 1) : action === 'previous' ? Math.max(0, state.index - 1) : action === 'home' ? 0 : last;
  return { ...state, index };
}

/** Whether going from `before` to `after` brings another slide up (its scene must be entered). */
export function slideChanged(before: PlayerState, after: PlayerState): boolean {
  return after.presenting && before.index !== after.index;
}

/** The slide counter, e.g. "5 / 18" (1-based). */
export function counterText(state: PlayerState): string {
  return `${state.index + 1} / ${state.count}`;
}

/** The progress line's length as a fraction of the width, in (0, 1]: (index + 1) / count. */
export function progressFraction(state: PlayerState): number {
  return (state.index + 1) / state.count;
}

/**
 * The absolute URL of a file a deck names (its weights), relative to the deck's own URL.
 * @throws TypeError if deckUrl is not an absolute URL.
 */
export function besideDeck(path: string, deckUrl: string): string {
  return new URL(path, deckUrl).href;
}

/** What entering a slide asks of the app. */
export type SlideEntry =
  | {
      readonly kind: 'scene';
      /** How the messages name the scene: the preset's name or the slide's title. */
      readonly label: string;
      readonly slide: Extract<Slide, { kind: 'scene' }>;
      /** The weights file's absolute URL (beside the deck), or null when the scene trains from scratch. */
      readonly weightsUrl: string | null;
      readonly run: SlideRun;
    }
  | { readonly kind: 'wasserstein'; readonly slide: Extract<Slide, { kind: 'wasserstein' }>; readonly run: SlideRun };

/**
 * What entering `slide` asks of the app. `deckUrl` is where the deck came from (null for a dropped file,
 * whose weights paths cannot be fetched: the scene then trains from scratch).
 */
export function slideEntry(slide: Slide, deckUrl: string | null): SlideEntry {
  if (slide.kind === 'wasserstein') return { kind: 'wasserstein', slide, run: slide.run };
  const weightsUrl = slide.weights !== null && deckUrl !== null ? besideDeck(slide.weights, deckUrl) : null;
  return { kind: 'scene', label: slide.preset ?? slide.title, slide, weightsUrl, run: slide.run };
}

/** The weights URL to fetch ahead of time: the next slide's, or null (none, or the last slide is up). */
export function prefetchUrl(deck: Deck, state: PlayerState, deckUrl: string | null): string | null {
  const next = deck.slides[state.index + 1];
  if (next === undefined) return null;
  const entry = slideEntry(next, deckUrl);
  return entry.kind === 'scene' ? entry.weightsUrl : null;
}

/** Seconds a `live` slide lasts in a recording of the deck. */
export const LIVE_SLIDE_SECONDS = 6;

/** A slide's segments in a recording of the whole deck: its timeline, or {@link LIVE_SLIDE_SECONDS} of `play` for a live slide. */
export function slideSegments(slide: Slide, liveSeconds = LIVE_SLIDE_SECONDS): readonly Segment[] {
  return slide.run.kind === 'timeline' ? slide.run.segments : [{ kind: 'play', seconds: liveSeconds }];
}

/** A slide line that says its scene starts trained ("Starts pre-trained (1,000 generator steps): ..."). */
const PRETRAINED_LINE = /\bpre-?trained\b/i;

/** Why a scene slide's weights are not in: a deck opened from a file (nothing to fetch them beside), or a fetch or read that failed. */
export type WeightsMissing = 'file' | 'failed';

/** The line a scene slide shows, in place of its "pre-trained" lines, when its weights (`weights`, the deck's path) are not in. */
export function untrainedLine(weights: string, why: WeightsMissing): string {
  return why === 'file'
    ? `Starts untrained here: the deck was opened from a file, so its weights (${weights}) could not be fetched; it trains from scratch.`
    : `Starts untrained here: its weights (${weights}) could not be loaded; it trains from scratch.`;
}

/**
 * The lines a slide shows: its own, but where a scene slide's weights are not in (`missing` not null), the
 * lines that say it starts pre-trained give way to one {@link untrainedLine} at the end, so the slide never
 * claims a training it does not have. A slide without weights, or with them in (`missing` null), is unchanged.
 */
export function slideLines(slide: Slide, missing: WeightsMissing | null): readonly string[] {
  if (missing === null || slide.kind !== 'scene' || slide.weights === null) return slide.lines;
  return [...slide.lines.filter((line) => !PRETRAINED_LINE.test(line)), untrainedLine(slide.weights, missing)];
}

/** Why a scene slide's weights are not in when it is entered: 'file' for a deck from a file (no `deckUrl`), else null (they are fetched). */
export function weightsMissingAtEntry(slide: Slide, deckUrl: string | null): WeightsMissing | null {
  return slide.kind === 'scene' && slide.weights !== null && deckUrl === null ? 'file' : null;
}

/**
 * The one message for a deck opened from a file whose scene slides name weights (they cannot be fetched
 * beside a file): which weights, which slides start untrained, and how to open it trained. null when no
 * slide names weights.
 * @param fileName the file's name, e.g. "deck.json".
 */
export function fileDeckMessage(deck: Deck, fileName: string): string | null {
  const slides = deck.slides.flatMap((s, i) => (s.kind === 'scene' && s.weights !== null ? [{ n: i + 1, weights: s.weights }] : []));
  if (slides.length === 0) return null;
  const files = [...new Set(slides.map((s) => s.weights))];
  const named = files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
  return `${fileName} was opened from a file: its weights (${named}) can't be fetched beside it, so ${slides.length === 1 ? `its slide ${slides[0].n} starts` : `${slides.length} of its ${deck.slides.length} slides start`} untrained. Open it as a link (#deck=assets/${fileName}, the file served beside the app) to start them trained.`;
}
