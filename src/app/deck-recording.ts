/**
 * Recording a whole deck as one frame-exact clip (issue 17): one recorder chapter per slide, each entering
 * its slide as presenting does (app/deck-slides.ts), playing its timeline (a live slide: LIVE_SLIDE_SECONDS
 * of play), with the slide's title and text drawn into every frame on the left (ui/slide-frame.ts) and the
 * scene in the rest; a `wasserstein` slide's frames come from its own scene's drawFrame.
 */
import type { Deck } from '../config/deck-file';
import { prepareSlideFrame, slideSceneBox, type PreparedSlideFrame } from '../ui/slide-frame';
import type { SlideView } from '../ui/slide-panel';
import { counterText, openState, progressFraction, slideEntry, slideLines, slideSegments, weightsMissingAtEntry, LIVE_SLIDE_SECONDS } from './deck-player';
import { enterSceneSlide, NO_OWN_SCENE, openOwnScene, type OwnSceneParts, type SceneSlideParts } from './deck-slides';
import type { OwnFrames, RecordChapter, SceneBox } from './record-chapters';
import { BUILT_IN_DECK, type DeckPresenter } from './deck-presenter';
import type { RecordPanel } from './record-panel';
import type { RecordResult } from './recorder';
import type { Toast } from './scene-controller';
import type { WassersteinScene } from './wasserstein-scene-api';

/** What recording a deck uses. */
export interface DeckRecordingParts extends SceneSlideParts, OwnSceneParts {
  readonly toast: Toast;
}

/** A deck's recording: its chapters and where the scene goes in each frame. */
export interface DeckRecording {
  readonly chapters: readonly RecordChapter[];
  readonly sceneBox: (width: number, height: number) => SceneBox;
}

/** Frames of the note drawn where the build has no parallel-lines scene: the message on the theme's background. */
function missingScene(parts: OwnSceneParts): OwnFrames {
  return {
    advance: () => undefined,
    whenIdle: () => Promise.resolve(),
    drawFrame: (ctx, width, height) => {
      const light = parts.theme() === 'light';
      ctx.fillStyle = light ? '#f7f7f2' : '#0b0f1e';
      ctx.fillRect(0, 0, width, height);
      ctx.fillStyle = light ? '#5b6380' : '#8b93b8';
      ctx.font = `${Math.round(height * 0.026)}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.fillText(NO_OWN_SCENE, width / 2, height / 2, width * 0.9);
    },
  };
}

/**
 * The chapters of `deck` (from `deckUrl`, null for a dropped file: no weights), slides `first`..`last`
 * (1-based, inclusive; default all), a live slide lasting `liveSeconds`.
 * @throws RangeError on an empty or reversed range.
 */
export function deckRecording(deck: Deck, deckUrl: string | null, parts: DeckRecordingParts, range: { first?: number; last?: number; liveSeconds?: number } = {}): DeckRecording {
  const count = deck.slides.length;
  const first = range.first ?? 1;
  const last = range.last ?? count;
  if (!(Number.isInteger(first) && Number.isInteger(last) && first >= 1 && last <= count && first <= last)) throw new RangeError(`slides ${first} to ${last}: the deck has slides 1 to ${count}`);
  const chapters = deck.slides.slice(first - 1, last).map((slide, i): RecordChapter => {
    const state = openState(count, first - 1 + i);
    const entry = slideEntry(slide, deckUrl);
    let note = '';
    let missing = weightsMissingAtEntry(slide, deckUrl);
    let own: WassersteinScene | null = null;
    let ownFrames: OwnFrames | null = null;
    let prepared: PreparedSlideFrame | null = null;
    return {
      segments: slideSegments(slide, range.liveSeconds ?? LIVE_SLIDE_SECONDS),
      enter: async () => {
        if (entry.kind === 'wasserstein') {
          own = openOwnScene(entry, parts);
          ownFrames = own ?? missingScene(parts);
          return;
        }
        try {
          note = (await enterSceneSlide(entry, parts, () => true)) ?? '';
        } catch (e) {
          parts.toast(`Slide ${state.index + 1}: its weights could not be loaded (${(e as Error).message}); recorded training from scratch.`, 'error', 8);
          missing = 'failed';
        }
      },
      own: () => ownFrames,
      prepareDecoration: async (width, height) => {
        const view: SlideView = { title: slide.title, lines: slideLines(slide, missing), counter: counterText(state), progress: progressFraction(state), note };
        prepared = await prepareSlideFrame(view, parts.theme(), width, height);
      },
      decorate: (ctx) => prepared?.draw(ctx),
      exit: () => {
        (own as WassersteinScene | null)?.dispose();
        own = null;
        ownFrames = null;
        parts.panel.showSceneHost(false);
      },
    };
  });
  return { chapters, sceneBox: slideSceneBox };
}

/** Which slides a deck recording covers and how long a live slide lasts (see {@link deckRecording}). */
export interface DeckRange {
  readonly first?: number;
  readonly last?: number;
  readonly liveSeconds?: number;
}

/**
 * Records the deck being presented (which is left first), else the built-in one, through the Record
 * panel (its format, resolution, frame rate and training steps per frame; its progress bar).
 * @returns the recording, or null when the deck could not be loaded or the recording failed (with a toast).
 */
export async function recordDeck(presenter: DeckPresenter, panel: RecordPanel, parts: DeckRecordingParts, range: DeckRange = {}, options: { hashFrames?: boolean; download?: boolean } = {}): Promise<RecordResult | null> {
  const up = presenter.current;
  const source = up !== null ? { deck: up.deck, url: up.url } : await presenter.load(BUILT_IN_DECK);
  if (source === null) return null;
  presenter.leave();
  let recording: DeckRecording;
  try {
    recording = deckRecording(source.deck, source.url, parts, range);
  } catch (e) {
    parts.toast(`Could not record the deck: ${(e as Error).message}`, 'error');
    return null;
  }
  return panel.start({ ...options, chapters: recording.chapters, sceneBox: recording.sceneBox });
}
