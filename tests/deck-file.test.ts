/** Deck files (issue 17): each validation rule, the round trip, and the built-in deck loading with zero problems. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DECK_FORMAT,
  deckFromJson,
  DeckFileError,
  deckToJson,
  MAX_DECK_CHARS,
  MAX_LINE_CHARS,
  MAX_SLIDE_LINES,
  MAX_SLIDES,
  type SceneSlide,
  type WassersteinSlide,
} from '../src/config/deck-file';
import { defaultConfig } from '../src/config/playground-config';
import { presetConfig } from '../src/config/presets';

const deck = (slides: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ format: DECK_FORMAT, version: 1, title: 'Lecture', slides, ...extra });
const load = (slides: unknown[], extra: Record<string, unknown> = {}) => deckFromJson(deck(slides, extra), defaultConfig());
const refused = (text: string): DeckFileError => {
  try {
    deckFromJson(text, defaultConfig());
  } catch (e) {
    expect(e).toBeInstanceOf(DeckFileError);
    return e as DeckFileError;
  }
  throw new Error('not refused');
};

describe('deck files: what is refused as a whole', () => {
  it('not JSON, not an object, another format, a newer or odd version: a typed error with its code', () => {
    expect(refused('{').code).toBe('not-json');
    expect(refused('[1]').code).toBe('not-deck');
    expect(refused('{"format":"generative-playground-preset","version":1,"config":{}}').message).toMatch(/not a deck file/);
    expect(refused(`{"format":"${DECK_FORMAT}","version":2,"slides":[{}]}`).message).toMatch(/version 2, written by a newer/);
    expect(refused(`{"format":"${DECK_FORMAT}","version":0.5,"slides":[{}]}`).code).toBe('version');
    expect(refused(`{"format":"${DECK_FORMAT}","version":1,"slides":{}}`).message).toMatch(/"slides" must be a list/);
  });

  it('a file over 1 MiB, more than 200 slides, no slide at all', () => {
    expect(refused(' '.repeat(MAX_DECK_CHARS + 1)).code).toBe('too-large');
    expect(refused(deck(Array.from({ length: MAX_SLIDES + 1 }, () => ({})))).message).toBe(`the deck has ${MAX_SLIDES + 1} slides; at most ${MAX_SLIDES}`);
    expect(refused(deck([])).message).toMatch(/no slide/);
    expect(refused(deck([1, 'x'])).message).toMatch(/no slide/);
    expect(load(Array.from({ length: MAX_SLIDES }, () => ({}))).deck.slides).toHaveLength(MAX_SLIDES);
  });

  it('an unknown slide kind, naming the slide', () => {
    const e = refused(deck([{}, { kind: 'video', title: 'Intro clip' }]));
    expect(e.code).toBe('unknown-slide-kind');
    expect(e.message).toBe('slide 2 "Intro clip": unknown kind "video" (the kinds are scene, wasserstein)');
    expect(refused(deck([{ kind: 7 }])).message).toMatch(/^slide 1: unknown kind number/);
  });
});

describe('deck files: what is repaired, with one message each', () => {
  it('a scene slide: preset, partial config laid over it, clamped and defaulted values, unknown keys', () => {
    const { deck: d, problems } = load([{ title: 'GAN', preset: 'gan-mode-collapse', scene: { model: { width: 9999 }, view: { pointSize: 'big' }, evil: 1 } }]);
    const s = d.slides[0] as SceneSlide;
    const preset = presetConfig('gan-mode-collapse', defaultConfig()).config;
    expect(s.kind).toBe('scene');
    expect(s.preset).toBe('gan-mode-collapse');
    expect(s.config.gan).toEqual(preset.gan);
    expect(s.config.model.width).toBe(512);
    expect(s.config.view.pointSize).toBe(preset.view.pointSize);
    expect(problems).toEqual([
      'slide 1: model.width: 9999 is above the maximum 512; using 512',
      expect.stringMatching(/^slide 1: view\.pointSize: must be a finite number \(got "big"\); using /),
      'slide 1: unknown group "evil" ignored',
    ]);
  });

  it('"scene": "name" is short for a preset; an unknown preset takes the defaults with a message', () => {
    const a = load([{ scene: 'wgan-gp-contrast' }]);
    expect((a.deck.slides[0] as SceneSlide).config).toEqual(presetConfig('wgan-gp-contrast', defaultConfig()).config);
    expect(a.problems).toEqual([]);
    const b = load([{ preset: 'no-such' }]);
    expect((b.deck.slides[0] as SceneSlide).config).toEqual(defaultConfig());
    expect(b.problems).toEqual([expect.stringMatching(/^slide 1: unknown preset "no-such" \(the presets are ddpm-two-moons, /)]);
    // A preset "name" that is an object with its own toString: named by its type, never converted.
    expect(load([{ preset: { toString: {} } }]).problems).toEqual([expect.stringMatching(/^slide 1: unknown preset \(a object\) /)]);
  });

  it('custom data is refused like in a preset file (a deck cannot carry points)', () => {
    const { deck: d, problems } = load([{ scene: { data: { source: 'custom' } } }]);
    expect((d.slides[0] as SceneSlide).config.data.source).toBe('built-in');
    expect(problems).toEqual(['slide 1: data.source=custom: a preset cannot carry your own points; using the built-in data set']);
  });

  it('titles and text: control characters removed, long lines cut, extra lines dropped, wrong types defaulted', () => {
    const long = 'x'.repeat(MAX_LINE_CHARS + 5);
    const { deck: d, problems } = load([
      { title: 'A\u0000B', text: ['$x_t$\u0007', long, 3, ...Array.from({ length: MAX_SLIDE_LINES }, (_, i) => `line ${i}`)] },
      { title: 5, text: { a: 1 } },
      { text: 'one\ntwo' },
    ], { title: 'T'.repeat(150) });
    expect(d.title).toBe('T'.repeat(100));
    expect(d.slides[0].title).toBe('AB');
    expect(d.slides[0].lines).toHaveLength(MAX_SLIDE_LINES - 1);
    expect(d.slides[0].lines[0]).toBe('$x_t$');
    expect(d.slides[0].lines[1]).toHaveLength(MAX_LINE_CHARS);
    expect(d.slides[1].title).toBe('Slide 2');
    expect(d.slides[1].lines).toEqual([]);
    expect(d.slides[2].lines).toEqual(['one', 'two']);
    expect(problems).toEqual([
      'title cut to 100 characters',
      `slide 1: a text line cut to ${MAX_LINE_CHARS} characters`,
      'slide 1: a text line that is not text ignored',
      `slide 1: ${MAX_SLIDE_LINES + 3} text lines; only the first ${MAX_SLIDE_LINES} kept`,
      'slide 2: title must be text; using "Slide 2"',
      'slide 2: text must be text or a list of lines; ignored',
    ]);
  });

  it('run: live by default, a timeline parsed for the scene family, a bad one takes the family default', () => {
    const { deck: d, problems } = load([
      { run: 'train 10, forward 3, reverse 5, hold 1' },
      { preset: 'gan-8-gaussians', run: 'forward 3' },
      { run: 7 },
      {},
    ]);
    expect(d.slides[0].run).toEqual({ kind: 'timeline', segments: [{ kind: 'train', seconds: 10 }, { kind: 'forward', seconds: 3 }, { kind: 'reverse', seconds: 5 }, { kind: 'hold', seconds: 1 }] });
    expect(d.slides[1].run).toEqual({ kind: 'timeline', segments: [{ kind: 'train', seconds: 6 }, { kind: 'play', seconds: 4 }, { kind: 'hold', seconds: 1 }] });
    expect(d.slides[3].run).toEqual({ kind: 'live' });
    expect(problems).toEqual([
      "slide 2: run: segment 1 'forward 3': a GAN has no forward or reverse process; use train, play, hold; using 'train 6, play 4, hold 1'",
      "slide 3: run must be \"live\" or a timeline; using 'train 10, forward 3, reverse 5, hold 1'",
    ]);
  });

  it('weights: a relative .json path beside the deck, anything else ignored with a message', () => {
    const ok = load([{ weights: 'weights/gan-8.json' }]);
    expect((ok.deck.slides[0] as SceneSlide).weights).toBe('weights/gan-8.json');
    for (const bad of ['../secret.json', '/etc/passwd.json', 'https://x.org/w.json', 'w.bin', 'a//b.json', 'a\\b.json', 3]) {
      const r = load([{ weights: bad }]);
      expect((r.deck.slides[0] as SceneSlide).weights).toBeNull();
      expect(r.problems).toEqual([expect.stringMatching(/^slide 1: weights must be a relative path/)]);
    }
  });

  it('a wasserstein slide: theta clamped to [-2, 2], unknown loss defaulted, train a boolean, unknown keys reported', () => {
    const { deck: d, problems } = load([
      { kind: 'wasserstein', theta: 5, loss: 'wgan-clip', train: 'yes', preset: 'x' },
      { kind: 'wasserstein', theta: -0.5, loss: 'gan-minimax', train: false, run: 'train 2, play 8' },
    ]);
    const [a, b] = d.slides as WassersteinSlide[];
    expect(a).toMatchObject({ kind: 'wasserstein', theta: 2, loss: 'wgan-gp', train: true, run: { kind: 'live' } });
    expect(b).toMatchObject({ theta: -0.5, loss: 'gan-minimax', train: false });
    expect(problems).toEqual([
      'slide 1: unknown entry "preset" ignored',
      'slide 1: theta: 5 is above the maximum 2; using 2',
      'slide 1: loss: must be one of gan-minimax, gan-non-saturating, wgan-gp; using wgan-gp',
      'slide 1: train: must be true or false; using true',
    ]);
  });

  it('a slide that is not an object is skipped; unknown top-level entries and __proto__ are reported and ignored', () => {
    const text = `{"format":"${DECK_FORMAT}","version":1,"slides":[null,{"__proto__":{"polluted":1}}],"__proto__":{"polluted":1},"extra":1}`;
    const { deck: d, problems } = deckFromJson(text, defaultConfig());
    expect(d.slides).toHaveLength(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(problems).toEqual(['unknown entry "__proto__" ignored', 'unknown entry "extra" ignored', 'slide 1 is not an object; skipped', 'slide 2: unknown entry "__proto__" ignored']);
  });
});

describe('deck files: round trip and the built-in deck', () => {
  it('deckToJson then deckFromJson gives the same deck with no problem', () => {
    const first = load([
      { title: 'One', text: ['$L(G, D^*) = 2 JS(p_r \\| p_g) - \\log 4$'], preset: 'gan-vanishing-gradient', weights: 'w/a.json', run: 'train 6, play 4, hold 1' },
      { kind: 'wasserstein', theta: 0.75, loss: 'gan-non-saturating', train: false },
      { scene: { model: { kind: 'flow' } }, run: 'forward 2, reverse 2' },
    ]).deck;
    const back = deckFromJson(deckToJson(first), defaultConfig());
    expect(back.problems).toEqual([]);
    expect(back.deck).toEqual(first);
  });

  it('assets/deck.json follows the review and loads with zero problems', () => {
    const { deck: d, problems } = deckFromJson(readFileSync('assets/deck.json', 'utf8'), defaultConfig());
    expect(problems).toEqual([]);
    expect(d.slides.length).toBeGreaterThanOrEqual(12);
    const text = d.slides.map((s) => [s.title, ...s.lines].join('\n')).join('\n');
    for (const section of ['§3.1', '§3.4', '§3.5', '§3.6', '§4.1', '§4.2', '§5.1', '§5.2', '§5.3']) expect(text, section).toContain(section);
    expect(text).toContain('L(G, D^*) = 2 D_{JS}(p_r \\| p_g) - \\log 4');
    expect(d.slides.filter((s) => s.kind === 'wasserstein').length).toBeGreaterThanOrEqual(1);
    for (const preset of ['gan-mode-collapse', 'gan-vanishing-gradient', 'gan-oscillation']) expect(d.slides.some((s) => s.kind === 'scene' && s.preset === preset), preset).toBe(true);
    // Every formula is closed: an even number of unescaped $ per line.
    for (const s of d.slides) for (const line of s.lines) expect((line.match(/(?<!\\)\$/g) ?? []).length % 2, line).toBe(0);
  });
});
