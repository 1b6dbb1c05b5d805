/** The deck player's state machine (app/deck-player.ts) and the deck link in the URL hash (config/url-hash.ts), issue 17. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deckFromJson, DECK_FORMAT } from '../src/config/deck-file';
import { defaultConfig } from '../src/config/playground-config';
import { configFromHash, deckLinkFromHash } from '../src/config/url-hash';
import {
  besideDeck,
  counterText,
  deckKeyAction,
  LIVE_SLIDE_SECONDS,
  nextState,
  openState,
  prefetchUrl,
  progressFraction,
  slideChanged,
  slideEntry,
  slideSegments,
  type DeckAction,
  type PlayerState,
} from '../src/app/deck-player';

const run = (state: PlayerState, ...actions: DeckAction[]): PlayerState => actions.reduce(nextState, state);

describe('the deck player state machine', () => {
  it('opens at the first slide (or a given one, clamped) and refuses an empty deck', () => {
    expect(openState(18)).toEqual({ index: 0, count: 18, blank: false, presenting: true });
    expect(openState(18, 40).index).toBe(17);
    expect(openState(18, -3).index).toBe(0);
    expect(openState(5, Number.NaN).index).toBe(0);
    expect(() => openState(0)).toThrow(RangeError);
    expect(() => openState(2.5)).toThrow(RangeError);
  });

  it('steps next and previous, stopping at the ends; home and end jump', () => {
    const s = openState(3);
    expect(run(s, 'next').index).toBe(1);
    expect(run(s, 'next', 'next', 'next', 'next').index).toBe(2);
    expect(run(s, 'previous').index).toBe(0);
    expect(run(s, 'next', 'next', 'previous').index).toBe(1);
    expect(run(s, 'end').index).toBe(2);
    expect(run(s, 'end', 'home').index).toBe(0);
  });

  it('blanks and unblanks; a move while blank only brings the same slide back', () => {
    const s = run(openState(4), 'next');
    const blank = nextState(s, 'blank');
    expect(blank).toEqual({ ...s, blank: true });
    expect(nextState(blank, 'blank')).toEqual(s);
    expect(nextState(blank, 'next')).toEqual(s);
    expect(nextState(blank, 'end')).toEqual(s);
    expect(slideChanged(blank, nextState(blank, 'next'))).toBe(false);
  });

  it('leaves on Esc and then ignores every action', () => {
    const left = run(openState(4), 'next', 'blank', 'leave');
    expect(left.presenting).toBe(false);
    expect(left.blank).toBe(false);
    expect(run(left, 'next', 'end', 'blank')).toEqual(left);
    expect(slideChanged(run(openState(4), 'next'), left)).toBe(false);
  });

  it('says when a slide changes, the counter and the progress', () => {
    const s = openState(18);
    const n = nextState(s, 'next');
    expect(slideChanged(s, n)).toBe(true);
    expect(slideChanged(n, nextState(n, 'previous'))).toBe(true);
    expect(slideChanged(s, nextState(s, 'previous'))).toBe(false);
    expect(counterText(run(s, 'next', 'next', 'next', 'next'))).toBe('5 / 18');
    expect(progressFraction(s)).toBeCloseTo(1 / 18, 12);
    expect(progressFraction(run(s, 'end'))).toBe(1);
  });

  it('maps the clicker, arrow, Home/End, blank and Esc keys; space and letters stay the scene\'s', () => {
    for (const k of ['ArrowRight', 'ArrowDown', 'PageDown']) expect(deckKeyAction(k)).toBe('next');
    for (const k of ['ArrowLeft', 'ArrowUp', 'PageUp']) expect(deckKeyAction(k)).toBe('previous');
    expect(deckKeyAction('Home')).toBe('home');
    expect(deckKeyAction('End')).toBe('end');
    for (const k of ['b', 'B', '.']) expect(deckKeyAction(k)).toBe('blank');
    expect(deckKeyAction('Escape')).toBe('leave');
    for (const k of [' ', 'p', 'x', 'toString', '__proto__', 'constructor']) expect(deckKeyAction(k)).toBeNull();
  });
});

describe('entering slides of the built-in deck', () => {
  const text = readFileSync('assets/deck.json', 'utf8');
  const { deck } = deckFromJson(text, defaultConfig());
  const deckUrl = 'http://localhost:4173/assets/deck.json';

  it('asks for each slide its config or its wasserstein scene, and its timeline or live', () => {
    for (const slide of deck.slides) {
      const entry = slideEntry(slide, deckUrl);
      expect(entry.kind).toBe(slide.kind);
      expect(entry.run).toBe(slide.run);
      if (entry.kind === 'scene' && slide.kind === 'scene') {
        expect(entry.label).toBe(slide.preset ?? slide.title);
        expect(entry.weightsUrl).toBe(slide.weights === null ? null : `http://localhost:4173/assets/${slide.weights}`);
      }
    }
  });

  it('resolves weights beside the deck, never on another origin, and none for a dropped file', () => {
    expect(besideDeck('weights/ddpm.json', deckUrl)).toBe('http://localhost:4173/assets/weights/ddpm.json');
    const withWeights = deckFromJson(JSON.stringify({ format: DECK_FORMAT, version: 1, slides: [{ preset: 'ddpm-two-moons' }, { preset: 'ddpm-two-moons', weights: 'w/a.json' }] }), defaultConfig()).deck;
    const entry = slideEntry(withWeights.slides[1], deckUrl);
    expect(entry.kind === 'scene' && new URL(entry.weightsUrl ?? '').origin).toBe('http://localhost:4173');
    const dropped = slideEntry(withWeights.slides[1], null);
    expect(dropped.kind === 'scene' && dropped.weightsUrl).toBeNull();
    // The next slide's weights are fetched ahead; the last slide has no next.
    expect(prefetchUrl(withWeights, openState(2), deckUrl)).toBe('http://localhost:4173/assets/w/a.json');
    expect(prefetchUrl(withWeights, openState(2, 1), deckUrl)).toBeNull();
    expect(prefetchUrl(withWeights, openState(2), null)).toBeNull();
  });

  it('gives every slide its recorded segments: the timeline, or LIVE_SLIDE_SECONDS of play', () => {
    let seconds = 0;
    for (const slide of deck.slides) {
      const segments = slideSegments(slide);
      if (slide.run.kind === 'live') expect(segments).toEqual([{ kind: 'play', seconds: LIVE_SLIDE_SECONDS }]);
      else expect(segments).toBe(slide.run.segments);
      seconds += segments.reduce((a, s) => a + s.seconds, 0);
    }
    expect(seconds).toBeGreaterThan(deck.slides.length);
    expect(slideSegments(deck.slides[0], 2)).toEqual(deck.slides[0].run.kind === 'live' ? [{ kind: 'play', seconds: 2 }] : slideSegments(deck.slides[0]));
  });
});

describe('the deck link in the URL hash', () => {
  it('takes a relative path to a .json file served beside the app', () => {
    expect(deckLinkFromHash('#deck=assets/deck.json')).toEqual({ kind: 'path', path: 'assets/deck.json' });
    expect(deckLinkFromHash('deck=lectures/week_1-gans.json')).toEqual({ kind: 'path', path: 'lectures/week_1-gans.json' });
    expect(deckLinkFromHash('#data.particles=2000&deck=assets/deck.json')).toEqual({ kind: 'path', path: 'assets/deck.json' });
  });

  it('has no deck without the key', () => {
    for (const h of ['', '#', '#data.particles=2000', '#decks=assets/deck.json']) expect(deckLinkFromHash(h)).toEqual({ kind: 'none' });
  });

  it('refuses other origins, schemes, parent folders, absolute paths and other file types with a message', () => {
    const bad = [
      'https://evil.example/deck.json',
      '//evil.example/deck.json',
      '/assets/deck.json',
      '../deck.json',
      'assets/../../deck.json',
      'assets/./deck.json',
      'assets//deck.json',
      'javascript:alert(1)//.json',
      'data:application/json,{}.json',
      'assets\\deck.json',
      'assets/deck.txt',
      'assets/deck.json?x=1',
      `${'a'.repeat(300)}.json`,
      '',
    ];
    for (const path of bad) {
      const link = deckLinkFromHash(`#deck=${encodeURIComponent(path)}`);
      expect(link.kind, path).toBe('refused');
      if (link.kind === 'refused') expect(link.problem).toMatch(/relative path to a \.json file/);
    }
  });

  it('is not a setting: a link with a deck and settings reads the settings without a problem', () => {
    const { config, problems } = configFromHash('#deck=assets/deck.json&data.particles=2000', defaultConfig());
    expect(problems).toEqual([]);
    expect(config.data.particles).toBe(2000);
  });
});
