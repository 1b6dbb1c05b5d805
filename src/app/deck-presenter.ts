/**
 * Presenting a deck (issue 17, lecture mode): the browser glue around the pure state machine
 * (app/deck-player.ts). Opens a deck (a link's path beside the app, a dropped or picked file, the built-in
 * deck), turns presentation mode on, and on each slide: applies its config through the scene controller
 * (startPreset, the one apply path), loads its weights when it names a file (fetched beside the deck, the
 * next slide's fetched ahead), runs its timeline on the live loop or leaves it live, and shows its title and
 * text in the slide panel. A `wasserstein` slide opens its own scene (the factory main.ts hands over) in the
 * panel's scene host. Keys: see DECK_KEYS; space, sliders and the step button stay the scene's.
 * A bad deck gets the validator's message in a toast and the running scene stays as it is.
 */
import { deckFromJson, DeckFileError, MAX_DECK_CHARS, type Deck, type LoadedDeck } from '../config/deck-file';
import type { GameLoop } from '../loop';
import { planFrames, segmentControls, fitsOnePass, type PassSteps, type SegmentControls } from '../record/timeline';
import type { ThemeName } from '../scene/palette';
import type { SlidePanel, SlideView } from '../ui/slide-panel';
import { counterText, deckKeyAction, fileDeckMessage, nextState, openState, prefetchUrl, progressFraction, slideChanged, slideEntry, slideLines, weightsMissingAtEntry, type DeckAction, type PlayerState, type SlideEntry } from './deck-player';
import type { ProblemReport } from './file-intake';
import { enterSceneSlide, fetchText, openOwnScene, WeightsFetcher, weightsName } from './deck-slides';
import { savedFileMessage } from './saved-files';
import type { SceneController, Toast } from './scene-controller';
import type { OpenWassersteinScene, WassersteinScene } from './wasserstein-scene-api';

/** The deck built into the app, served beside it. */
export const BUILT_IN_DECK = 'assets/deck.json';

/** Frame rate a timeline is planned at on the live loop (its speeds, not a capture rate). */
const LIVE_PLAN_FPS = 60;

/** What the presenter drives. */
export interface DeckPresenterParts {
  readonly scene: SceneController;
  readonly loop: GameLoop;
  readonly panel: SlidePanel;
  /** Turns presentation mode (ui/presentation) on or off. */
  readonly present: (on: boolean) => void;
  /** Applies a timeline segment's controls to the live scene (the record host's applySegment). */
  readonly applySegment: (controls: SegmentControls) => void;
  /** Steps of one forward and one reverse pass of the scene, or null for a GAN. */
  readonly passSteps: () => PassSteps | null;
  /** The config's live settings back into the loop. */
  readonly applyLive: () => void;
  readonly theme: () => ThemeName;
  readonly toast: Toast;
  readonly report: ProblemReport;
  /** Opens the parallel-lines scene of a `wasserstein` slide; null where this build has none. */
  readonly openWasserstein: OpenWassersteinScene | null;
}

/** A deck being presented. */
interface Open {
  readonly deck: Deck;
  /** The deck's absolute URL (its weights are fetched beside it), or null for a dropped file. */
  readonly url: string | null;
  state: PlayerState;
}

/** Reads a deck's text, reporting what was repaired; a refused deck gets its message. @returns null when refused. */
function readDeck(text: string, source: string, parts: DeckPresenterParts): LoadedDeck | null {
  try {
    const loaded = deckFromJson(text, parts.scene.defaults);
    parts.report(source, loaded.problems);
    return loaded;
  } catch (e) {
    parts.toast(e instanceof DeckFileError ? `${source}: ${e.message}; the scene is unchanged` : `Could not read ${source}: ${e instanceof Error ? e.message : String(e)}; the scene is unchanged`, 'error', 10);
    return null;
  }
}

/** Lecture mode. Call {@link dispose}. */
export class DeckPresenter {
  private open: Open | null = null;
  /** Weights files fetched (shared with recording the deck). */
  readonly weights = new WeightsFetcher();
  private timers: number[] = [];
  private own: WassersteinScene | null = null;
  private ownPaused = false;
  /** Presentation mode was turned off (P) with the deck up: the slide column is hidden and the keys are the scene's until P again. */
  private suspended = false;
  /** Bumped on every slide change: late weights or timeline steps of a slide gone are dropped. */
  private token = 0;
  private readonly onKey: (e: KeyboardEvent) => void;

  constructor(private readonly parts: DeckPresenterParts) {
    this.onKey = (e) => {
      if (this.open === null) return;
      const t = e.target;
      if (t instanceof HTMLInputElement && t.type !== 'checkbox' && t.type !== 'button') return;
      if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
      // With the settings shown (P), the keys are the scene's again, but for Esc, which still leaves the deck.
      if (this.suspended && e.key !== 'Escape') return;
      const action = deckKeyAction(e.key);
      // Space pauses the slide's own scene where it has one (the particles' scene is paused under it).
      const pauseOwn = e.key === ' ' && this.own !== null;
      if (action === null && !pauseOwn) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      if (action !== null) this.act(action);
      else this.ownPaused = !this.ownPaused;
      this.own?.setPaused(this.ownPaused);
    };
    // Capture phase, registered before presentation mode's and the scene keys (main.ts): the arrows, '.' and Esc are the deck's while it is up.
    addEventListener('keydown', this.onKey, { capture: true });
  }

  /** Whether a deck is being presented. */
  get presenting(): boolean {
    return this.open !== null;
  }

  /** The deck up and where, or null. */
  get current(): { readonly deck: Deck; readonly url: string | null; readonly state: PlayerState } | null {
    return this.open;
  }

  /**
   * Fetches and reads a deck served beside the app (a relative path, already checked by url-hash
   * deckLinkFromHash, or the built-in one), reporting what was repaired.
   * @returns the deck and its absolute URL, or null (with a toast) when it cannot be fetched or is refused.
   */
  async load(path: string): Promise<{ deck: Deck; url: string } | null> {
    const url = new URL(path, location.href).href;
    let text: string;
    try {
      text = await fetchText(url, MAX_DECK_CHARS);
    } catch (e) {
      this.parts.toast(`Could not open the deck ${path}: ${(e as Error).message}; the scene is unchanged`, 'error', 10);
      return null;
    }
    const loaded = readDeck(text, path, this.parts);
    return loaded === null ? null : { deck: loaded.deck, url };
  }

  /** Fetches a deck served beside the app ({@link load}) and presents it. @returns whether it opened. */
  async openPath(path: string): Promise<boolean> {
    const loaded = await this.load(path);
    if (loaded === null) return false;
    this.start(loaded.deck, loaded.url);
    return true;
  }

  /** Presents a deck file the user dropped or picked (its weights paths cannot be fetched: those scenes train). @returns whether it opened. */
  async openFile(file: File): Promise<boolean> {
    if (file.size > MAX_DECK_CHARS * 4) {
      this.parts.toast(savedFileMessage(file.name, new DeckFileError('too-large', `the file is ${(file.size / 2 ** 20).toFixed(1)} MiB; a deck is at most ${MAX_DECK_CHARS / 2 ** 20} MiB`)), 'error', 10);
      return false;
    }
    const loaded = readDeck(await file.text(), file.name, this.parts);
    if (loaded === null) return false;
    this.start(loaded.deck, null);
    // Said once, as an error toast (presentation mode hides info toasts), after the first slide's own
    // messages so that they do not push it out of the toast stack.
    const untrained = fileDeckMessage(loaded.deck, file.name);
    if (untrained !== null) this.parts.toast(untrained, 'error', 15);
    return true;
  }

  /** Starts presenting `deck` at its first slide; `url` is where it came from (null: a file). */
  start(deck: Deck, url: string | null): void {
    this.open = { deck, url, state: openState(deck.slides.length) };
    this.suspended = false;
    this.parts.present(true);
    this.enter();
  }

  /** Does what a key asks (next, previous, home, end, blank, leave). */
  act(action: DeckAction): void {
    const open = this.open;
    if (open === null) return;
    const before = open.state;
    open.state = nextState(before, action);
    if (!open.state.presenting) return this.leave();
    this.parts.panel.setBlank(open.state.blank);
    if (slideChanged(before, open.state)) this.enter();
  }

  /**
   * Presentation mode turned off (P) or on again with the deck up: off hides the slide column, so the
   * settings can be changed on the slide's scene; on shows the same slide again (its scene as it is now).
   */
  setPresenting(on: boolean): void {
    if (this.open === null) return;
    this.suspended = !on;
    this.parts.panel.setColumnShown(on);
  }

  /** Leaves the deck: the slide's timeline and scene stop, the panel goes, the scene stays as it is, live. Idempotent. */
  leave(): void {
    if (this.open === null) return;
    this.open = null;
    this.suspended = false;
    this.stopSlide();
    this.parts.panel.hide();
    this.parts.applyLive();
    this.parts.present(false);
  }

  /** The slide's own scene follows the page's theme (the stage's follows through presentation's onTheme). */
  setTheme(theme: ThemeName): void {
    this.own?.setTheme(theme);
  }

  dispose(): void {
    this.leave();
    removeEventListener('keydown', this.onKey, { capture: true });
  }

  /** Brings the slide at the state's index up. */
  private enter(): void {
    const open = this.open;
    if (open === null) return;
    this.stopSlide();
    const token = ++this.token;
    const slide = open.deck.slides[open.state.index];
    const entry = slideEntry(slide, open.url);
    const view: SlideView = { title: slide.title, lines: slideLines(slide, weightsMissingAtEntry(slide, open.url)), counter: counterText(open.state), progress: progressFraction(open.state), note: '' };
    this.parts.panel.show(view);
    if (entry.kind === 'wasserstein') this.enterOwnScene(entry);
    else this.enterScene(entry, token, view);
    const ahead = prefetchUrl(open.deck, open.state, open.url);
    if (ahead !== null) void this.weights.get(ahead).catch(() => undefined);
  }

  /** A scene slide: its config now, its weights when fetched; where they fail, the slide's text says it starts untrained. */
  private enterScene(entry: Extract<SlideEntry, { kind: 'scene' }>, token: number, view: SlideView): void {
    const loading = enterSceneSlide(entry, { scene: this.parts.scene, weights: this.weights, report: this.parts.report }, () => token === this.token);
    this.runTimeline(entry.run, token);
    loading?.then(
      (note) => {
        if (note === null || token !== this.token) return;
        this.parts.panel.setNote(note);
        this.runTimeline(entry.run, token); // the timeline from its start, on the trained scene
      },
      (e: unknown) => {
        if (token !== this.token || entry.weightsUrl === null) return;
        this.parts.toast(savedFileMessage(weightsName(entry.weightsUrl), e).replace('the scene is unchanged', 'the scene trains from scratch'), 'error', 8);
        this.parts.panel.show({ ...view, lines: slideLines(entry.slide, 'failed') });
      },
    );
  }

  private enterOwnScene(entry: Extract<SlideEntry, { kind: 'wasserstein' }>): void {
    this.parts.loop.paused = true; // the particles' scene stands still under the slide's own
    try {
      this.own = openOwnScene(entry, { panel: this.parts.panel, theme: this.parts.theme, seed: () => this.parts.scene.config.data.seed, openWasserstein: this.parts.openWasserstein });
    } catch (e) {
      this.parts.toast(`Could not open the slide's scene: ${(e as Error).message}`, 'error');
    }
  }

  /** Plays a timeline on the live loop, one segment after another by the clock; the last one stays. */
  private runTimeline(run: SlideEntry['run'], token: number): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (run.kind === 'live') return;
    const plan = planFrames(run.segments, LIVE_PLAN_FPS);
    let at = 0;
    for (const segment of plan.segments) {
      const start = (): void => {
        if (token !== this.token) return;
        try {
          this.parts.applySegment(segmentControls(segment, LIVE_PLAN_FPS, fitsOnePass(segment.kind) ? this.parts.passSteps() : null));
        } catch (e) {
          this.parts.toast(`The slide's timeline stopped: ${(e as Error).message}`, 'error');
        }
      };
      if (at === 0) start();
      else this.timers.push(window.setTimeout(start, at));
      at += segment.seconds * 1000;
    }
  }

  /** Stops what the slide up runs: its timeline's timers, its own scene; the live settings come back. */
  private stopSlide(): void {
    this.token++;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.own?.dispose();
    this.own = null;
    this.ownPaused = false;
    this.parts.panel.showSceneHost(false);
    this.parts.applyLive();
  }
}
