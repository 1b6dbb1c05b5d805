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
import { readWeights } from '../session/saved-weights';
import type { SlidePanel } from '../ui/slide-panel';
import { counterText, deckKeyAction, nextState, openState, prefetchUrl, progressFraction, slideChanged, slideEntry, type DeckAction, type PlayerState, type SlideEntry } from './deck-player';
import type { ProblemReport } from './file-intake';
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
  private readonly weights = new Map<string, Promise<string>>();
  private timers: number[] = [];
  private own: WassersteinScene | null = null;
  /** Bumped on every slide change: late weights or timeline steps of a slide gone are dropped. */
  private token = 0;
  private readonly onKey: (e: KeyboardEvent) => void;

  constructor(private readonly parts: DeckPresenterParts) {
    this.onKey = (e) => {
      if (this.open === null) return;
      const t = e.target;
      if (t instanceof HTMLInputElement && t.type !== 'checkbox' && t.type !== 'button') return;
      if (t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || e.ctrlKey || e.metaKey || e.altKey) return;
      const action = deckKeyAction(e.key);
      if (action === null) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      this.act(action);
    };
    // Capture phase, registered before the scene keys (main.ts): the arrows and '.' are the deck's while it is up.
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
   * Fetches a deck served beside the app (a relative path, already checked by url-hash deckLinkFromHash
   * or the built-in one) and presents it. A deck that cannot be fetched or read gets a toast.
   * @returns whether the deck opened.
   */
  async openPath(path: string): Promise<boolean> {
    const url = new URL(path, location.href).href;
    let text: string;
    try {
      text = await fetchText(url, MAX_DECK_CHARS);
    } catch (e) {
      this.parts.toast(`Could not open the deck ${path}: ${(e as Error).message}; the scene is unchanged`, 'error', 10);
      return false;
    }
    const loaded = readDeck(text, path, this.parts);
    if (loaded === null) return false;
    this.start(loaded.deck, url);
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
    if (loaded.deck.slides.some((s) => s.kind === 'scene' && s.weights !== null)) {
      this.parts.toast(`${file.name}: weights files are fetched beside a deck served with the app (#deck=...); from a dropped file those scenes train from scratch.`, 'info', 8);
    }
    this.start(loaded.deck, null);
    return true;
  }

  /** Starts presenting `deck` at its first slide; `url` is where it came from (null: a file). */
  start(deck: Deck, url: string | null): void {
    this.open = { deck, url, state: openState(deck.slides.length) };
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

  /** Leaves the deck: the slide's timeline and scene stop, the panel goes, the scene stays as it is, live. Idempotent. */
  leave(): void {
    if (this.open === null) return;
    this.open = null;
    this.stopSlide();
    this.parts.panel.hide();
    this.parts.applyLive();
    this.parts.present(false);
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
    this.parts.panel.show({ title: slide.title, lines: slide.lines, counter: counterText(open.state), progress: progressFraction(open.state), note: '' });
    if (entry.kind === 'wasserstein') this.enterOwnScene(entry);
    else this.enterScene(entry, token);
    const ahead = prefetchUrl(open.deck, open.state, open.url);
    if (ahead !== null) void this.fetchWeights(ahead).catch(() => undefined);
  }

  private enterScene(entry: Extract<SlideEntry, { kind: 'scene' }>, token: number): void {
    const { scene } = this.parts;
    scene.startPreset(entry.slide.config, entry.label);
    this.runTimeline(entry.run, token);
    if (entry.weightsUrl === null) return;
    const url = entry.weightsUrl;
    const name = url.slice(url.lastIndexOf('/') + 1);
    this.fetchWeights(url)
      .then((text) => {
        if (token !== this.token) return;
        const read = readWeights(text, scene.defaults);
        this.parts.report(name, read.problems);
        scene.useWeights(read, name);
        this.parts.panel.setNote(`The scene starts pre-trained (${read.doc.trainSteps.toLocaleString('en')} training steps, ${name}).`);
        this.runTimeline(entry.run, token);
      })
      .catch((e: unknown) => {
        if (token === this.token) this.parts.toast(savedFileMessage(name, e).replace('the scene is unchanged', 'the scene trains from scratch'), 'error', 8);
      });
  }

  private enterOwnScene(entry: Extract<SlideEntry, { kind: 'wasserstein' }>): void {
    const { panel, loop, openWasserstein } = this.parts;
    loop.paused = true;
    panel.showSceneHost(true);
    if (openWasserstein === null) {
      const note = document.createElement('div');
      note.className = 'slide-scene-missing';
      note.textContent = 'The parallel-lines scene (why Wasserstein) is not part of this build.';
      panel.sceneHost.append(note);
      return;
    }
    try {
      this.own = openWasserstein(panel.sceneHost, { theta: entry.slide.theta, loss: entry.slide.loss, train: entry.slide.train, seed: this.parts.scene.config.data.seed, theme: this.parts.theme() });
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
    this.parts.panel.showSceneHost(false);
    this.parts.applyLive();
  }

  /** A weights file's text, fetched once per URL (the next slide's ahead of time). */
  private fetchWeights(url: string): Promise<string> {
    let text = this.weights.get(url);
    if (text === undefined) {
      text = fetchText(url, Number.POSITIVE_INFINITY);
      this.weights.set(url, text);
      text.catch(() => this.weights.delete(url));
    }
    return text;
  }
}

/** The text at a same-origin URL. @throws Error on a failed request, a non-2xx answer, or a text longer than maxChars. */
async function fetchText(url: string, maxChars: number): Promise<string> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`.trim());
  const text = await response.text();
  if (text.length > maxChars) throw new Error(`it is ${(text.length / 2 ** 20).toFixed(1)} MiB; a deck is at most ${maxChars / 2 ** 20} MiB`);
  return text;
}
