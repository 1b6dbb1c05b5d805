/**
 * Lecture mode in headless Chromium (WebGL2), issue 17: `#deck=assets/deck.json` opens the built-in deck at
 * 1280x720 and 1920x1080; every slide is stepped to with the deck's keys (PageDown, arrows), shows its
 * title and its typeset text (no raw TeX, no MathJax error) legibly, uncut, and beside the data's frame,
 * not over it; Home / End / B / P / Esc do what they say; a picked deck file is presented; bad deck links and files get the validator's message and the
 * scene stays; and a clip of the deck's first slides records frame-exact and parses (frame count, size,
 * duration). DECK_SHOT_DIR=folder saves screenshots of a few slides (docs/deck.md). Skipped where Chromium
 * is missing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { deckFromJson } from '../../src/config/deck-file';
import { defaultConfig } from '../../src/config/playground-config';
import { planFrames } from '../../src/record/timeline';
import { slideSegments } from '../../src/app/deck-player';
import { chromiumAvailable, collectErrors, launchChromium, recordToasts, snapshot, textWithTex, toastLog, WEBGL_FLAGS } from './harness';
import { servedAppForSuite } from './suite';

const { deck } = deckFromJson(readFileSync('assets/deck.json', 'utf8'), defaultConfig());
/** The keys that step forward, used in turn (clickers send PageDown). */
const NEXT_KEYS = ['PageDown', 'ArrowRight', 'ArrowDown'];
/** Slides saved as screenshots with DECK_SHOT_DIR (1-based). */
const SHOTS = [3, 7];

type DeckState = { title: string; count: number; index: number; blank: boolean } | null;
const deckState = (page: Page): Promise<DeckState> => page.evaluate(() => (window as unknown as { __deck?: { state(): unknown } }).__deck?.state() as DeckState ?? null);

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}
const overlaps = (a: Box, b: Box): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Waits for every formula of the slide panel to be typeset (an SVG, or a MathJax error marked). */
const typeset = (page: Page): Promise<unknown> =>
  page.waitForFunction(() => [...document.querySelectorAll('.slide-panel .math')].every((m) => m.querySelector('svg') !== null || m.classList.contains('math-error')), undefined, { timeout: 60_000 });

/** The slide panel as laid out: its box, sizes, and whether anything in it is cut. */
const panelFacts = (page: Page) =>
  page.evaluate(() => {
    const panel = document.querySelector('.slide-panel') as HTMLElement;
    const r = panel.getBoundingClientRect();
    const px = (sel: string): number => Number.parseFloat(getComputedStyle(panel.querySelector(sel) as Element).fontSize);
    const lines = panel.querySelector('.slide-lines') as HTMLElement;
    const host = document.querySelector('.slide-scene-host') as HTMLElement;
    const h = host.getBoundingClientRect();
    return {
      box: { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
      hidden: panel.hidden,
      titlePx: px('.slide-title'),
      linePx: lines.children.length > 0 ? px('.slide-line') : null,
      cut: lines.scrollHeight > lines.clientHeight + 1 || [...panel.querySelectorAll('svg')].some((s) => s.getBoundingClientRect().right > r.right + 1),
      counter: (panel.querySelector('.slide-counter') as HTMLElement).textContent,
      errors: panel.querySelectorAll('.math-error').length,
      rawTex: /\\[a-zA-Z]|\$/.test(panel.textContent ?? ''),
      progress: (panel.querySelector('.slide-progress-fill') as HTMLElement).style.width,
      host: host.hidden ? null : { left: h.left, top: h.top, right: h.right, bottom: h.bottom },
      blank: !(document.querySelector('.slide-blank') as HTMLElement).hidden,
    };
  });

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Steps through the whole deck at one viewport, checking every slide; returns the page's console errors. */
async function presentWholeDeck(url: string, width: number, height: number): Promise<void> {
  const browser = await launchChromium(WEBGL_FLAGS, { width, height });
  const page = browser.page;
  try {
    const errors = collectErrors(page);
    await recordToasts(page);
    await page.goto(`${url}#deck=assets/deck.json`);
    await page.waitForFunction(() => (window as unknown as { __deck?: { state(): unknown } }).__deck?.state() != null, undefined, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.classList.contains('presenting'))).toBe(true);
    for (let i = 0; i < deck.slides.length; i++) {
      const slide = deck.slides[i];
      await page.waitForFunction((n) => (window as unknown as { __deck: { state(): { index: number } } }).__deck.state().index === n, i, { timeout: 30_000 });
      await typeset(page);
      // Let the stage frame the slide's data in the free area.
      await page.waitForTimeout(400);
      const facts = await panelFacts(page);
      const where = `slide ${i + 1} at ${width}x${height}`;
      expect(facts.counter, where).toBe(`${i + 1} / ${deck.slides.length}`);
      expect(Number.parseFloat(facts.progress), where).toBeCloseTo((100 * (i + 1)) / deck.slides.length, 1);
      expect(await textWithTex(page, '.slide-title'), where).toBe(collapse(slide.title));
      expect(await textWithTex(page, '.slide-lines'), where).toBe(collapse(slide.lines.join('')));
      expect(facts.errors, where).toBe(0);
      expect(facts.rawTex, where).toBe(false);
      expect(facts.cut, where).toBe(false);
      // Legible on a projector: a title of at least 4% and text of at least 2.6% of the screen's height.
      expect(facts.titlePx, where).toBeGreaterThanOrEqual(0.04 * height);
      if (facts.linePx !== null) expect(facts.linePx, where).toBeGreaterThanOrEqual(0.026 * height);
      expect(facts.box.bottom, where).toBeLessThanOrEqual(height);
      if (slide.kind === 'wasserstein') {
        expect(facts.host, where).not.toBeNull();
        if (facts.host !== null) expect(overlaps(facts.box, facts.host), where).toBe(false);
      } else {
        const snap = await snapshot(page);
        const framing = (snap as unknown as { framing: { data: Box } }).framing;
        expect(overlaps(facts.box, framing.data), `${where}: panel ${JSON.stringify(facts.box)}, data ${JSON.stringify(framing.data)}`).toBe(false);
      }
      if (process.env.DECK_SHOT_DIR && SHOTS.includes(i + 1)) {
        await page.waitForTimeout(2500);
        await page.screenshot({ path: join(process.env.DECK_SHOT_DIR, `deck-${width}x${height}-slide-${i + 1}.png`) });
      }
      if (i + 1 < deck.slides.length) await page.keyboard.press(NEXT_KEYS[i % NEXT_KEYS.length]);
    }
    // At the end, next stays; Home, End, previous; B blanks and brings it back; Esc leaves.
    await page.keyboard.press('PageDown');
    expect((await deckState(page))?.index).toBe(deck.slides.length - 1);
    await page.keyboard.press('Home');
    expect((await deckState(page))?.index).toBe(0);
    await page.keyboard.press('End');
    await page.keyboard.press('PageUp');
    expect((await deckState(page))?.index).toBe(deck.slides.length - 2);
    await page.keyboard.press('b');
    expect((await panelFacts(page)).blank).toBe(true);
    await page.keyboard.press('b');
    expect((await panelFacts(page)).blank).toBe(false);
    // P shows the settings on the slide's scene (the column hides, the arrows are the scene's); P again goes on.
    const at = (await deckState(page))?.index;
    await page.keyboard.press('p');
    expect((await panelFacts(page)).hidden).toBe(true);
    expect(await page.evaluate(() => document.body.classList.contains('presenting'))).toBe(false);
    await page.keyboard.press('ArrowRight');
    expect((await deckState(page))?.index).toBe(at);
    await page.keyboard.press('p');
    expect((await panelFacts(page)).hidden).toBe(false);
    expect((await deckState(page))?.index).toBe(at);
    await page.keyboard.press('Escape');
    expect(await deckState(page)).toBeNull();
    const after = await panelFacts(page);
    expect(after.hidden).toBe(true);
    expect(await page.evaluate(() => document.body.classList.contains('presenting'))).toBe(false);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
}

describe.skipIf(!chromiumAvailable())('lecture mode in headless Chromium', () => {
  const url = servedAppForSuite();

  it('presents the built-in deck from a link at 1280x720: every slide, its typeset text beside the data', () => presentWholeDeck(url(), 1280, 720), 600_000);

  it('presents the built-in deck from a link at 1920x1080', () => presentWholeDeck(url(), 1920, 1080), 600_000);

  it('refuses bad deck links and files with the validator\'s message, the scene untouched, presents a picked deck file, and records the first slides of the deck as one clip that parses', async () => {
    const browser = await launchChromium(WEBGL_FLAGS, { width: 1280, height: 720 });
    const page = browser.page;
    try {
      const errors = collectErrors(page);
      await recordToasts(page);
      await page.goto(`${url()}#data.particles=1000&model.width=32&deck=..%2Fsecret.json`);
      await page.waitForFunction(() => (window as unknown as { __deck?: unknown }).__deck !== undefined, undefined, { timeout: 120_000 });
      expect(await toastLog(page, /a deck link must be a relative path/)).toMatch(/deck="\.\.\/secret\.json": a deck link must be a relative path to a \.json file/);
      expect(await deckState(page)).toBeNull();
      expect((await snapshot(page))?.config.data.particles).toBe(1000);
      // A deck that is not there (this server answers with the app's page): the validator's message, the scene kept.
      await page.evaluate(() => (location.hash = 'deck=assets/no-such-deck.json'));
      // Vite's preview server answers a missing path with the app's page: said as a missing file, not as bad JSON.
      expect(await toastLog(page, /no-such-deck/)).toMatch(/Could not open the deck assets\/no-such-deck\.json: (no such file beside the app|the server answered 404).*the scene is unchanged/);
      expect(await deckState(page)).toBeNull();
      expect((await snapshot(page))?.config.data.particles).toBe(1000);

      // Deck files picked (as dropped ones): a bad one gets the validator's message and the scene stays; a good one is presented.
      const file = (slides: unknown[]) => ({ name: 'lecture.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'generative-playground-deck', version: 1, title: 'Test', slides })) });
      await page.setInputFiles('input.saved-file', file([{ preset: 'ddpm-two-moons' }, { kind: 'quiz', title: 'Pop quiz' }]));
      expect(await toastLog(page, /unknown kind/)).toMatch(/lecture\.json: slide 2 "Pop quiz": unknown kind "quiz" \(the kinds are scene, wasserstein\); the scene is unchanged/);
      expect(await deckState(page)).toBeNull();
      expect((await snapshot(page))?.config.data.particles).toBe(1000);
      await page.setInputFiles('input.saved-file', file([{ preset: 'ddpm-two-moons', scene: { data: { particles: 1500 } } }, { preset: 'flow-two-moons-ot' }]));
      await page.waitForFunction(() => (window as unknown as { __deck: { state(): { count: number } | null } }).__deck.state()?.count === 2, undefined, { timeout: 30_000 });
      expect((await snapshot(page))?.config.data.particles).toBe(1500);
      await page.keyboard.press('Escape');
      expect(await deckState(page)).toBeNull();

      // The first three slides (a live one for 1 s, two GAN timelines) at 10 fps, 1280x720.
      const fps = 10;
      const range = { first: 1, last: 3, liveSeconds: 1 };
      const expected = deck.slides.slice(0, 3).reduce((n, s) => n + planFrames(slideSegments(s, range.liveSeconds), fps).clipFrames, 0);
      const avc = await page.evaluate(async () => (await VideoEncoder.isConfigSupported({ codec: 'avc1.42001f', width: 1280, height: 720, bitrate: 4e6 })).supported === true);
      const r = (await page.evaluate(
        ([s, rg]) => (window as unknown as { __deck: { record(s: unknown, r: unknown): Promise<unknown> } }).__deck.record(s, rg),
        [{ format: avc ? 'mp4' : 'webm', resolution: '720p', fps, trainStepsPerFrame: 1 }, range] as const,
      )) as { base64: string; frames: number; width: number; height: number };
      expect(r.frames).toBe(expected);
      expect([r.width, r.height]).toEqual([1280, 720]);
      const bytes = Buffer.from(r.base64, 'base64');
      if (process.env.DECK_CLIP_OUT) writeFileSync(process.env.DECK_CLIP_OUT, bytes);
      const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
      const track = await input.getPrimaryVideoTrack();
      const stats = await track?.computePacketStats();
      expect(stats?.packetCount).toBe(expected);
      expect([track?.codedWidth, track?.codedHeight]).toEqual([1280, 720]);
      expect(await input.computeDuration()).toBeCloseTo(expected / fps, 1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 600_000);
});
