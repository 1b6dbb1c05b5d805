/** Recording a deck (issue 17): the recorder's chapters split from the frame plan, and the frame's layout (text column, scene box). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deckFromJson } from '../src/config/deck-file';
import { defaultConfig } from '../src/config/playground-config';
import { slideSegments } from '../src/app/deck-player';
import { chaptersOfPlan, type RecordChapter } from '../src/app/record-chapters';
import { planFrames, type Segment } from '../src/record/timeline';
import { SLIDE_COLUMN, slideSceneBox } from '../src/ui/slide-frame';
import { DECK_FORMAT } from '../src/config/deck-file';
import { deckRecording, type DeckRecordingParts } from '../src/app/deck-recording';
import { WeightsFetcher } from '../src/app/deck-slides';
import type { OpenWassersteinScene, WassersteinSceneOptions } from '../src/app/wasserstein-scene-api';

const chapter = (segments: readonly Segment[]): RecordChapter => ({
  segments,
  enter: () => Promise.resolve(),
  own: () => null,
  prepareDecoration: () => Promise.resolve(),
  decorate: () => undefined,
  exit: () => undefined,
});

describe('the chapters of a deck recording', () => {
  const { deck } = deckFromJson(readFileSync('assets/deck.json', 'utf8'), defaultConfig());

  it('splits the frame plan back into the slides, in order, each with its own segments and frames', () => {
    const chapters = deck.slides.map((s) => chapter(slideSegments(s)));
    const plan = planFrames(chapters.flatMap((c) => c.segments), 30);
    const split = chaptersOfPlan(chapters, plan.segments);
    expect(split).toHaveLength(deck.slides.length);
    split.forEach((c, i) => {
      expect(c.chapter).toBe(chapters[i]);
      expect(c.segments.map((s) => ({ kind: s.kind, seconds: s.seconds }))).toEqual(chapters[i].segments.map((s) => ({ kind: s.kind, seconds: s.seconds })));
    });
    // Each slide's clip frames add up to the whole clip: one frame-exact clip of the deck.
    const perSlide = deck.slides.map((s) => planFrames(slideSegments(s), 30).clipFrames);
    expect(perSlide.reduce((a, b) => a + b, 0)).toBe(plan.clipFrames);
    // The clip frames of a slide start where the previous slide's end.
    let at = 0;
    split.forEach((c, i) => {
      const first = c.segments.find((s) => s.recorded);
      if (first !== undefined) expect(first.firstClipFrame).toBe(at);
      at += perSlide[i];
    });
  });

  it('is one chapter of everything for a plain recording, and refuses chapters that do not match the plan', () => {
    const plan = planFrames([{ kind: 'train', seconds: 1 }, { kind: 'play', seconds: 2 }], 10);
    expect(chaptersOfPlan(null, plan.segments)).toEqual([{ chapter: null, segments: plan.segments }]);
    expect(() => chaptersOfPlan([chapter([{ kind: 'play', seconds: 2 }])], plan.segments)).toThrow(RangeError);
  });
});

describe('the layout of a deck frame', () => {
  it('puts the scene right of the text column, full height, in whole pixels, at 720p and 1080p', () => {
    for (const [w, h] of [[1280, 720], [1920, 1080], [3840, 2160]]) {
      const box = slideSceneBox(w, h);
      expect(box.x).toBe(Math.round(w * SLIDE_COLUMN));
      expect(box.x + box.width).toBe(w);
      expect([box.y, box.height]).toEqual([0, h]);
      expect(Number.isInteger(box.width)).toBe(true);
      // The scene's box is wide enough for the data's framing (about as wide as high).
      expect(box.width / box.height).toBeGreaterThan(1);
    }
  });
});

describe('a wasserstein slide in a deck recording (a fake of the parallel-lines scene)', () => {
  const text = JSON.stringify({ format: DECK_FORMAT, version: 1, slides: [{ kind: 'wasserstein', title: 'Why Wasserstein', theta: 0.5, loss: 'wgan-gp', train: false, run: 'live' }] });
  const { deck } = deckFromJson(text, defaultConfig());

  /** A slide panel's host as far as the deck uses it (no DOM in Node). */
  const fakePanel = () => {
    const state = { shown: false, host: { tag: 'host' } };
    const panel = { sceneHost: state.host, showSceneHost: (shown: boolean) => void (state.shown = shown) };
    return { state, panel: panel as unknown as DeckRecordingParts['panel'] };
  };

  it('opens the scene with the slide\'s settings in the panel\'s host, hands its advance and drawFrame to the recorder, and disposes it after the slide', async () => {
    const log: string[] = [];
    let opened: WassersteinSceneOptions | null = null;
    const open: OpenWassersteinScene = (host, options) => {
      opened = options;
      expect(host).toEqual({ tag: 'host' });
      return {
        setPaused: () => undefined,
        advance: (dt) => void log.push(`advance ${dt}`),
        whenIdle: () => Promise.resolve(),
        drawFrame: (_ctx, w, h) => void log.push(`draw ${w}x${h}`),
        setTheme: () => undefined,
        dispose: () => void log.push('dispose'),
      };
    };
    const { state, panel } = fakePanel();
    const parts: DeckRecordingParts = {
      scene: null as unknown as DeckRecordingParts['scene'],
      weights: new WeightsFetcher(),
      report: () => undefined,
      toast: () => undefined,
      panel,
      theme: () => 'light',
      seed: () => 7,
      openWasserstein: open,
    };
    const { chapters } = deckRecording(deck, null, parts, { liveSeconds: 2 });
    expect(chapters).toHaveLength(1);
    const [c] = chapters;
    expect(c.segments).toEqual([{ kind: 'play', seconds: 2 }]);
    await c.enter();
    expect(opened).toEqual({ theta: 0.5, loss: 'wgan-gp', train: false, seed: 7, theme: 'light' });
    expect(state.shown).toBe(true);
    const own = c.own();
    expect(own).not.toBeNull();
    own?.advance(1000 / 30);
    own?.drawFrame(null as unknown as CanvasRenderingContext2D, 768, 720);
    expect(log).toEqual([`advance ${1000 / 30}`, 'draw 768x720']);
    c.exit();
    expect(log.at(-1)).toBe('dispose');
    expect(state.shown).toBe(false);
    expect(c.own()).toBeNull();
  });

  it('refuses a range outside the deck', () => {
    const { panel } = fakePanel();
    const parts = { scene: null, weights: new WeightsFetcher(), report: () => undefined, toast: () => undefined, panel, theme: () => 'dark', seed: () => 1, openWasserstein: null } as unknown as DeckRecordingParts;
    expect(() => deckRecording(deck, null, parts, { first: 1, last: 2 })).toThrow(RangeError);
    expect(() => deckRecording(deck, null, parts, { first: 0 })).toThrow(RangeError);
  });
});
