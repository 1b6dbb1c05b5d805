/**
 * `window.__deck`, for the browser tests and scripts/record-deck.ts: where the lecturer is in a deck and
 * recording a deck's clip (like `window.__playground`, app/playground-handle.ts).
 */
import type { RecordSettings } from '../record/recording';
import type { DeckPresenter } from './deck-presenter';
import type { DeckRange } from './deck-recording';
import { base64Of } from './playground-handle';
import type { RecordPanel } from './record-panel';
import type { RecordResult } from './recorder';

/** What the handle needs. */
export interface DeckHandleParts {
  readonly presenter: DeckPresenter;
  readonly recordPanel: RecordPanel;
  /** Records the deck up (else the built-in one) with the panel's settings (deck-recording.ts recordDeck). */
  readonly record: (range: DeckRange) => Promise<RecordResult | null>;
}

/** Installs `window.__deck`. */
export function installDeckHandle(parts: DeckHandleParts): void {
  (window as unknown as Record<string, unknown>).__deck = {
    /** The deck up: its title, slide count, the slide's index, blank; null when no deck is presented. */
    state: () => {
      const up = parts.presenter.current;
      return up === null ? null : { title: up.deck.title, count: up.deck.slides.length, index: up.state.index, blank: up.state.blank };
    },
    /** Records slides first..last (1-based) with the Record panel's settings changed by `settings`; resolves with the file's bytes, base64. */
    record: async (settings: Partial<RecordSettings>, range: DeckRange = {}) => {
      Object.assign(parts.recordPanel.settings, settings);
      const r = await parts.record(range);
      if (r === null) throw new Error('recording the deck failed (see the toast)');
      return { base64: await base64Of(r.blob), fileName: r.fileName, frames: r.frames, width: r.width, height: r.height, encoding: r.encoding, type: r.blob.type, wallMs: r.wallMs };
    },
  };
}
