/**
 * Entering a deck's slide, shared by presenting (app/deck-presenter.ts) and recording (app/deck-recording.ts):
 * a scene slide's config through the scene controller's one apply path (startPreset) and its weights
 * (fetched beside the deck, once per URL), and a `wasserstein` slide's own scene in the slide panel's host.
 */
import type { ThemeName } from '../scene/palette';
import { readWeights } from '../session/saved-weights';
import type { SlidePanel } from '../ui/slide-panel';
import type { SlideEntry } from './deck-player';
import type { ProblemReport } from './file-intake';
import type { SceneController } from './scene-controller';
import type { OpenWassersteinScene, WassersteinScene } from './wasserstein-scene-api';

/**
 * The text at a same-origin URL.
 * @throws Error on a failed request, a non-2xx answer, an HTML page (a server's answer for a missing file), or a text longer than maxChars characters.
 */
export async function fetchText(url: string, maxChars: number): Promise<string> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`.trim());
  // A dev or preview server answers an unknown path with the app's own page (200, text/html): a missing file.
  if ((response.headers.get('content-type') ?? '').includes('text/html')) throw new Error('no such file beside the app (the server answered with a web page)');
  const text = await response.text();
  if (text.length > maxChars) throw new Error(`it is ${(text.length / 2 ** 20).toFixed(1)} MiB; at most ${(maxChars / 2 ** 20).toFixed(0)} MiB`);
  return text;
}

/** Weights files' text by URL, each fetched once (the next slide's ahead of time); a failed fetch is forgotten. */
export class WeightsFetcher {
  private readonly texts = new Map<string, Promise<string>>();

  /** The file's text. @throws (rejects) as {@link fetchText}. */
  get(url: string): Promise<string> {
    let text = this.texts.get(url);
    if (text === undefined) {
      text = fetchText(url, Number.POSITIVE_INFINITY);
      this.texts.set(url, text);
      text.catch(() => this.texts.delete(url));
    }
    return text;
  }
}

/** What entering a scene slide uses. */
export interface SceneSlideParts {
  readonly scene: SceneController;
  readonly weights: WeightsFetcher;
  readonly report: ProblemReport;
}

/** A scene slide's weights file name, for messages. */
export function weightsName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/**
 * Applies a scene slide's config now (startPreset: the scene starts at once, training from scratch).
 * @returns null when the slide has no weights; else a promise of the panel's note once its weights are in
 *   ("starts pre-trained"), or of null when the slide was left first (`stillUp` false); rejects when the
 *   weights cannot be fetched or read (the scene then keeps training from scratch).
 */
export function enterSceneSlide(entry: Extract<SlideEntry, { kind: 'scene' }>, parts: SceneSlideParts, stillUp: () => boolean): Promise<string | null> | null {
  const { scene } = parts;
  scene.startPreset(entry.slide.config, entry.label);
  const url = entry.weightsUrl;
  if (url === null) return null;
  const name = weightsName(url);
  return parts.weights.get(url).then((text) => {
    if (!stillUp()) return null;
    const read = readWeights(text, scene.defaults);
    parts.report(name, read.problems);
    scene.useWeights(read, name);
    return `The scene starts pre-trained (${read.doc.trainSteps.toLocaleString('en')} training steps, ${name}).`;
  });
}

/** What a `wasserstein` slide's own scene needs. */
export interface OwnSceneParts {
  readonly panel: SlidePanel;
  readonly theme: () => ThemeName;
  readonly seed: () => number;
  /** The factory main.ts hands over; null where this build has none (the host then says so). */
  readonly openWasserstein: OpenWassersteinScene | null;
}

/** The line shown (and drawn into frames) where the build has no parallel-lines scene. */
export const NO_OWN_SCENE = 'The parallel-lines scene (why Wasserstein) is not part of this build.';

/**
 * Opens a `wasserstein` slide's scene in the panel's scene host (shown), or a note where there is none.
 * @returns the scene, or null without a factory. @throws RangeError from the factory on options out of range.
 */
export function openOwnScene(entry: Extract<SlideEntry, { kind: 'wasserstein' }>, parts: OwnSceneParts): WassersteinScene | null {
  const { panel } = parts;
  panel.showSceneHost(true);
  if (parts.openWasserstein === null) {
    const note = document.createElement('div');
    note.className = 'slide-scene-missing';
    note.textContent = NO_OWN_SCENE;
    panel.sceneHost.append(note);
    return null;
  }
  const { theta, loss, train } = entry.slide;
  return parts.openWasserstein(panel.sceneHost, { theta, loss, train, seed: parts.seed(), theme: parts.theme() });
}
