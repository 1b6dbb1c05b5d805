/**
 * Issue 15.2: a deck opened from a file (dropped or picked) cannot fetch the weights beside it. The
 * presenter says so once, as a toast that presentation mode shows (an error toast: info toasts are hidden
 * there), and a slide whose weights are not in never claims to start pre-trained: its text says it starts
 * untrained (app/deck-player slideLines), also when a link's fetch fails. The presenter's dependencies are stubbed.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deckFromJson, type Deck } from '../src/config/deck-file';
import { defaultConfig } from '../src/config/playground-config';
import { fileDeckMessage, slideLines, untrainedLine, weightsMissingAtEntry } from '../src/app/deck-player';
import { DeckPresenter, type DeckPresenterParts } from '../src/app/deck-presenter';
import type { SceneController } from '../src/app/scene-controller';
import type { SlidePanel, SlideView } from '../src/ui/slide-panel';
import type { GameLoop } from '../src/loop';

const DECK_TEXT = readFileSync('assets/deck.json', 'utf8');
const deck = (): Deck => deckFromJson(DECK_TEXT, defaultConfig()).deck;

interface Stubbed {
  readonly parts: DeckPresenterParts;
  readonly toasts: { message: string; kind: string | undefined }[];
  readonly shown: SlideView[];
  readonly presets: string[];
}

function stubs(): Stubbed {
  const toasts: Stubbed['toasts'] = [];
  const shown: SlideView[] = [];
  const presets: string[] = [];
  const scene = { defaults: defaultConfig(), config: defaultConfig(), startPreset: (_c: unknown, name: string) => void presets.push(name) } as unknown as SceneController;
  const panel = { show: (v: SlideView) => void shown.push(v), setBlank: () => undefined, setNote: () => undefined, showSceneHost: () => undefined, hide: () => undefined, setColumnShown: () => undefined, sceneHost: null } as unknown as SlidePanel;
  const parts: DeckPresenterParts = {
    scene,
    loop: { paused: false } as unknown as GameLoop,
    panel,
    present: () => undefined,
    applySegment: () => undefined,
    passSteps: () => ({ forward: 100, reverse: 100 }),
    applyLive: () => undefined,
    theme: () => 'dark',
    toast: (message, kind) => void toasts.push({ message, kind }),
    report: () => undefined,
    openWasserstein: null,
  };
  return { parts, toasts, shown, presets };
}

beforeEach(() => {
  vi.stubGlobal('addEventListener', () => undefined);
  vi.stubGlobal('removeEventListener', () => undefined);
  vi.stubGlobal('window', { setTimeout: () => 0 });
});
afterEach(() => vi.unstubAllGlobals());

describe('a scene slide whose weights are not in (issue 15.2)', () => {
  it('drops its "pre-trained" lines for one that says it starts untrained, and why', () => {
    const d = deck();
    const gan = d.slides[1];
    expect(gan.kind === 'scene' && gan.weights !== null).toBe(true);
    expect(gan.lines.some((l) => /pre-trained/.test(l))).toBe(true);
    const weights = gan.kind === 'scene' ? (gan.weights ?? '') : '';
    const lines = slideLines(gan, 'file');
    expect(lines.some((l) => /pre-trained/i.test(l))).toBe(false);
    expect(lines[lines.length - 1]).toBe(untrainedLine(weights, 'file'));
    expect(lines[lines.length - 1]).toContain(weights);
    expect(lines.slice(0, -1)).toEqual(gan.lines.filter((l) => !/pre-trained/.test(l)));
    expect(slideLines(gan, 'failed').at(-1)).toMatch(/^Starts untrained here: its weights .* could not be loaded/);
    // With its weights in, or a slide without weights: its own lines.
    expect(slideLines(gan, null)).toBe(gan.lines);
    const plain = d.slides.find((s) => s.kind === 'scene' && s.weights === null);
    if (plain !== undefined) expect(slideLines(plain, 'file')).toBe(plain.lines);
    expect(weightsMissingAtEntry(gan, null)).toBe('file');
    expect(weightsMissingAtEntry(gan, 'https://example.test/assets/deck.json')).toBeNull();
  });

  it('names the weights, the slides and the link that starts them trained, once for the deck', () => {
    const d = deck();
    const message = fileDeckMessage(d, 'deck.json');
    const numbers = d.slides.flatMap((s, i) => (s.kind === 'scene' && s.weights !== null ? [i + 1] : []));
    expect(numbers.length).toBeGreaterThan(1);
    expect(message).toContain(`so ${numbers.length} of its ${d.slides.length} slides start untrained.`);
    expect(fileDeckMessage({ ...d, slides: d.slides.slice(1, 2) }, 'one.json')).toContain('so its slide 1 starts untrained.');
    expect(message).toContain('#deck=assets/deck.json');
    expect(message).toMatch(/^deck\.json was opened from a file: its weights \(weights\//);
    expect(fileDeckMessage({ ...d, slides: d.slides.filter((s) => s.kind !== 'scene' || s.weights === null) }, 'x.json')).toBeNull();
  });
});

describe('the presenter with a deck from a file (issue 15.2)', () => {
  it('raises one error toast (shown in presentation mode), and slides 1 and 2 say they start untrained', async () => {
    const s = stubs();
    const presenter = new DeckPresenter(s.parts);
    expect(await presenter.openFile(new File([DECK_TEXT], 'deck.json', { type: 'application/json' }))).toBe(true);
    const said = (): Stubbed['toasts'] => s.toasts.filter((t) => t.message.includes('was opened from a file'));
    expect(said()).toHaveLength(1);
    expect(said()[0].kind).toBe('error');
    expect(said()[0].message).toBe(fileDeckMessage(deck(), 'deck.json'));
    expect(s.shown).toHaveLength(1);
    expect(s.shown[0].lines.some((l) => /pre-trained/i.test(l))).toBe(false);
    expect(s.shown[0].lines.at(-1)).toMatch(/^Starts untrained here: the deck was opened from a file/);
    presenter.act('next');
    expect(s.shown).toHaveLength(2);
    expect(s.shown[1].title).toBe(deck().slides[1].title);
    expect(s.shown[1].lines.some((l) => /pre-trained|1,000 generator steps/i.test(l))).toBe(false);
    expect(s.shown[1].lines.at(-1)).toContain('Starts untrained here');
    expect(s.presets).toHaveLength(2);
    // Said once: not again on the next slide.
    expect(said()).toHaveLength(1);
    presenter.dispose();
  });

  it('a link whose weights cannot be fetched: an error toast, and the slide is shown again saying it starts untrained', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new Error('offline')));
    const s = stubs();
    const presenter = new DeckPresenter(s.parts);
    presenter.start(deck(), 'https://example.test/assets/deck.json');
    expect(s.shown[0].lines.some((l) => /pre-trained/.test(l))).toBe(true); // fetching: its own text
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(s.toasts.filter((t) => t.kind === 'error' && t.message.includes('trains from scratch'))).toHaveLength(1);
    const last = s.shown.at(-1);
    expect(s.shown).toHaveLength(2);
    expect(last?.lines.some((l) => /pre-trained/i.test(l))).toBe(false);
    expect(last?.lines.at(-1)).toMatch(/^Starts untrained here: its weights \(weights\/.*\) could not be loaded/);
    presenter.dispose();
  });
});
