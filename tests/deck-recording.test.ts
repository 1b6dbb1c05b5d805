/** Recording a deck (issue 17): the recorder's chapters split from the frame plan, and the frame's layout (text column, scene box). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deckFromJson } from '../src/config/deck-file';
import { defaultConfig } from '../src/config/playground-config';
import { slideSegments } from '../src/app/deck-player';
import { chaptersOfPlan, type RecordChapter } from '../src/app/record-chapters';
import { planFrames, type Segment } from '../src/record/timeline';
import { SLIDE_COLUMN, slideSceneBox } from '../src/ui/slide-frame';

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
