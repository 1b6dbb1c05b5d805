/**
 * Lecture decks as JSON files (issue 17): a lecture is an ordered list of slides, each a scene, a title,
 * a few lines of text with TeX formulas between $...$ in the review's notation, and what the scene does
 * while the slide is up. Versioned:
 * ```
 * { "format": "generative-playground-deck", "version": 1, "title": "...", "slides": [
 *   { "title": "The forward process", "text": ["$q(x_t | x_0) = N(sqrt(alphaBar_t) x_0, (1 - alphaBar_t) I)$"],
 *     "preset": "ddpm-two-moons", "scene": { "view": { "trails": 8 } }, "weights": "weights/ddpm.json",
 *     "run": "train 10, forward 3, reverse 5, hold 1" },
 *   { "kind": "wasserstein", "title": "Why Wasserstein", "text": "...", "theta": 1, "loss": "wgan-gp", "train": true, "run": "live" } ] }
 * ```
 * Slide kinds: `scene` (the default) and `wasserstein` (the parallel-lines scene, models/parallel-lines.ts).
 * A scene slide's config is `preset` (a built-in preset's name; `"scene": "name"` is short for it) with
 * the partial config `scene` laid over it, validated like a preset file's (preset-file.ts
 * validateSharedConfig: out-of-range numbers clamped, malformed values defaulted, unknown keys reported
 * and ignored). `run` is `live` (the default) or a timeline (record/timeline.ts).
 *
 * Reading refuses the whole file with a {@link DeckFileError} (the running deck is untouched) when it is
 * too large, not JSON, not a deck, of a newer version, has no slides or too many, or a slide of an
 * unknown kind; everything else is repaired with one message per fix, prefixed with the slide it is in.
 */
import { cleanName } from '../models/weights-file';
import { SHIFT_GAME_LOSSES, type ShiftGameLoss } from '../models/parallel-lines-game';
import { defaultTimeline, formatTimeline, parseTimeline, TimelineError, type Segment } from '../record/timeline';
import { CodedError, readEnvelope, unknownEntries } from './file-envelope';
import { isAdversarialKind, type Field, type PlaygroundConfig } from './playground-config';
import { clampToField, fieldProblem } from './validate-config';
import { validateSharedConfig } from './preset-file';
import { findPreset, presetConfig, PRESETS } from './presets';

export const DECK_FORMAT = 'generative-playground-deck';
/** The version this code writes and the newest it reads. */
export const DECK_VERSION = 1;
/** Longest deck file read (characters): 1 MiB. */
export const MAX_DECK_CHARS = 1024 * 1024;
/** Most slides in a deck. */
export const MAX_SLIDES = 200;
/** Longest deck or slide title kept (characters, after control characters are removed). */
export const MAX_TITLE_CHARS = 100;
/** Most text lines on a slide. */
export const MAX_SLIDE_LINES = 8;
/** Longest text line kept (characters). */
export const MAX_LINE_CHARS = 300;
/** Longest weights path (characters). */
export const MAX_WEIGHTS_PATH_CHARS = 200;

/** What a slide's scene does while the slide is up: run live, or play a timeline. */
export type SlideRun = { readonly kind: 'live' } | { readonly kind: 'timeline'; readonly segments: readonly Segment[] };

/** Fields every slide has. */
interface SlideBase {
  /** Title, at most {@link MAX_TITLE_CHARS} characters, no control characters. */
  readonly title: string;
  /** At most {@link MAX_SLIDE_LINES} lines of {@link MAX_LINE_CHARS}; TeX between $...$. */
  readonly lines: readonly string[];
  readonly run: SlideRun;
}

/** A slide showing a scene of the playground. */
export interface SceneSlide extends SlideBase {
  readonly kind: 'scene';
  /** The built-in preset the scene starts from, or null for the defaults. */
  readonly preset: string | null;
  /** The whole validated config of the scene. */
  readonly config: PlaygroundConfig;
  /** A weights file beside the deck (a relative path ending in .json, no '..'), or null. */
  readonly weights: string | null;
}

/** The parallel-lines scene (why Wasserstein, seed §3.4-3.5). */
export interface WassersteinSlide extends SlideBase {
  readonly kind: 'wasserstein';
  /** Initial offset theta of p_g, in [-2, 2] data units. */
  readonly theta: number;
  /** The game the discriminator/critic (and, with `train`, the shift) plays. */
  readonly loss: ShiftGameLoss;
  /** Whether the generator's shift trains (true) or theta stays put while only D / f trains (false): ShiftGameSpec.trainShift. */
  readonly train: boolean;
}

export type Slide = SceneSlide | WassersteinSlide;
/** Every slide kind. */
export type SlideKind = Slide['kind'];
export const SLIDE_KINDS: readonly SlideKind[] = ['scene', 'wasserstein'];

/** A validated deck. */
export interface Deck {
  readonly title: string;
  readonly slides: readonly Slide[];
}

/** A deck read from a file and what was fixed on the way (one message per fix). */
export interface LoadedDeck {
  readonly deck: Deck;
  readonly problems: string[];
}

/** A deck file refused as a whole; the message names the problem (and the slide, where there is one). */
export class DeckFileError extends CodedError<'too-large' | 'not-json' | 'not-deck' | 'version' | 'malformed' | 'too-many-slides' | 'unknown-slide-kind'> {
  override readonly name = 'DeckFileError';
}

/** The settings of a wasserstein slide, checked by the config's own rules (fieldProblem, clampToField). */
const WASSERSTEIN_FIELDS: Readonly<Record<'theta' | 'loss' | 'train', Field>> = {
  theta: { kind: 'number', label: 'theta', default: 1, min: -2, max: 2, step: 0.01, integer: false, invalidates: 'live' },
  loss: { kind: 'choice', label: 'loss', default: 'wgan-gp', options: SHIFT_GAME_LOSSES, invalidates: 'training' },
  train: { kind: 'boolean', label: 'train the shift', default: true, invalidates: 'training' },
};

const COMMON_KEYS = ['kind', 'title', 'text', 'run'];
const SLIDE_KEYS: Readonly<Record<SlideKind, readonly string[]>> = {
  scene: [...COMMON_KEYS, 'preset', 'scene', 'weights'],
  wasserstein: [...COMMON_KEYS, ...Object.keys(WASSERSTEIN_FIELDS)],
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const quote = (key: string): string => JSON.stringify(key.slice(0, 40));

/** A field's value from untrusted input by the config's rules: valid as is, a number clamped, or the default; one message per fix. */
function fieldValue(name: string, field: Field, value: unknown, problems: string[]): unknown {
  if (value === undefined) return field.default;
  const problem = fieldProblem(field, value);
  if (problem === null) return value;
  const clamped = field.kind === 'number' ? clampToField(field, value) : null;
  if (clamped !== null) {
    problems.push(`${name}: ${clamped.why}; using ${clamped.value}`);
    return clamped.value;
  }
  problems.push(`${name}: ${problem}; using ${String(field.default)}`);
  return field.default;
}

/** A title: control characters removed, capped at {@link MAX_TITLE_CHARS} (cleanName), or the fallback. */
function title(value: unknown, fallback: string, where: string, problems: string[]): string {
  if (value !== undefined && typeof value !== 'string') problems.push(`${where}title must be text; using ${JSON.stringify(fallback)}`);
  else if (typeof value === 'string' && value.trim().length > MAX_TITLE_CHARS) problems.push(`${where}title cut to ${MAX_TITLE_CHARS} characters`);
  return cleanName(value, fallback);
}

/** A slide's text: a string (split at new lines) or an array of strings, capped in lines and length. */
function lines(value: unknown, where: string, problems: string[]): string[] {
  if (value === undefined) return [];
  const raw = typeof value === 'string' ? value.split('\n') : Array.isArray(value) ? value : null;
  if (raw === null) {
    problems.push(`${where}text must be text or a list of lines; ignored`);
    return [];
  }
  const out: string[] = [];
  for (const line of raw.slice(0, MAX_SLIDE_LINES)) {
    if (typeof line !== 'string') {
      problems.push(`${where}a text line that is not text ignored`);
      continue;
    }
    const clean = line.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
    if (clean.length > MAX_LINE_CHARS) problems.push(`${where}a text line cut to ${MAX_LINE_CHARS} characters`);
    out.push(clean.slice(0, MAX_LINE_CHARS));
  }
  if (raw.length > MAX_SLIDE_LINES) problems.push(`${where}${raw.length} text lines; only the first ${MAX_SLIDE_LINES} kept`);
  return out;
}

/** `live` or a timeline parsed for the scene's family; a bad one falls back on the family's default timeline. */
function run(value: unknown, adversarial: boolean, where: string, problems: string[]): SlideRun {
  if (value === undefined || value === 'live') return { kind: 'live' };
  const fallback = defaultTimeline(adversarial);
  if (typeof value !== 'string') {
    problems.push(`${where}run must be "live" or a timeline; using '${fallback}'`);
    return { kind: 'timeline', segments: parseTimeline(fallback, adversarial) };
  }
  try {
    return { kind: 'timeline', segments: parseTimeline(value, adversarial) };
  } catch (e) {
    if (!(e instanceof TimelineError)) throw e;
    problems.push(`${where}run: ${e.message}; using '${fallback}'`);
    return { kind: 'timeline', segments: parseTimeline(fallback, adversarial) };
  }
}

/**
 * Whether `value` is a relative path to a .json file beside the page or the deck: at most
 * {@link MAX_WEIGHTS_PATH_CHARS} characters of letters, digits, '_', '-', '.' and '/', no scheme, no
 * backslash, no '..', '.' or empty segment, ending in .json (weights paths and deck links).
 */
export function isRelativeJsonPath(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_WEIGHTS_PATH_CHARS &&
    /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*\.json$/.test(value) &&
    !value.split('/').some((part) => part === '..' || part === '.' || part === '')
  );
}

/** A weights path beside the deck: relative, no '..', no scheme or backslash, ending in .json; otherwise null with a message. */
function weightsPath(value: unknown, where: string, problems: string[]): string | null {
  if (value === undefined || value === null) return null;
  if (isRelativeJsonPath(value)) return value;
  problems.push(`${where}weights must be a relative path to a .json file beside the deck (no '..'); ignored`);
  return null;
}

/** The config of a scene slide: the preset (or the defaults) with the slide's partial config over it. */
function sceneConfig(slide: Record<string, unknown>, defaults: PlaygroundConfig, where: string, problems: string[]): { preset: string | null; config: PlaygroundConfig } {
  let name = slide.preset;
  let overrides = slide.scene;
  if (typeof overrides === 'string') {
    if (name !== undefined) problems.push(`${where}both "preset" and a preset name in "scene"; using "preset"`);
    else name = overrides;
    overrides = undefined;
  }
  let preset: string | null = null;
  let base = defaults;
  if (name !== undefined) {
    if (typeof name === 'string' && findPreset(name) !== undefined) {
      preset = name;
      base = presetConfig(name, defaults).config;
    } else {
      problems.push(`${where}unknown preset ${typeof name === 'string' ? quote(name) : `(a ${name === null ? 'null' : typeof name})`} (the presets are ${PRESETS.map((p) => p.name).join(', ')}); using the defaults`);
    }
  }
  if (overrides === undefined) return { preset, config: base };
  if (!isPlainObject(overrides)) {
    problems.push(`${where}scene must be a preset name or an object of settings; ignored`);
    return { preset, config: base };
  }
  const validated = validateSharedConfig(overrides, base);
  problems.push(...validated.problems.map((p) => `${where}${p}`));
  return { preset, config: validated.config };
}

/** One slide from untrusted input. @throws DeckFileError for an unknown kind. */
function readSlide(value: unknown, index: number, defaults: PlaygroundConfig, problems: string[]): Slide | null {
  const number = index + 1;
  if (!isPlainObject(value)) {
    problems.push(`slide ${number} is not an object; skipped`);
    return null;
  }
  const kind = value.kind ?? 'scene';
  const named = typeof value.title === 'string' ? ` ${quote(cleanName(value.title, ''))}` : '';
  if (typeof kind !== 'string' || !(SLIDE_KINDS as readonly string[]).includes(kind)) {
    throw new DeckFileError('unknown-slide-kind', `slide ${number}${named}: unknown kind ${typeof kind === 'string' ? quote(kind) : typeof kind} (the kinds are ${SLIDE_KINDS.join(', ')})`);
  }
  const slideKind = kind as SlideKind;
  const where = `slide ${number}: `;
  problems.push(...unknownEntries(value, SLIDE_KEYS[slideKind]).map((p) => `${where}${p}`));
  const common = { title: title(value.title, `Slide ${number}`, where, problems), lines: lines(value.text, where, problems) };
  if (slideKind === 'wasserstein') {
    const field = (key: keyof typeof WASSERSTEIN_FIELDS): unknown => fieldValue(`${where}${key}`, WASSERSTEIN_FIELDS[key], value[key], problems);
    return { kind: 'wasserstein', ...common, theta: field('theta') as number, loss: field('loss') as ShiftGameLoss, train: field('train') as boolean, run: run(value.run, true, where, problems) };
  }
  const { preset, config } = sceneConfig(value, defaults, where, problems);
  const adversarial = isAdversarialKind(config.model.kind);
  return { kind: 'scene', ...common, preset, config, weights: weightsPath(value.weights, where, problems), run: run(value.run, adversarial, where, problems) };
}

/**
 * Reads a deck file. Scene slides' fields the file does not give take the preset's or `defaults`.
 * @param text the file's text. @param defaults a valid config (e.g. the defaults for this machine).
 * @returns the validated deck and one message per fix.
 * @throws DeckFileError when the text is too long, not JSON, not a deck, of a newer version, has no
 *   slide array, no slide or more than {@link MAX_SLIDES}, or a slide of an unknown kind.
 */
export function deckFromJson(text: string, defaults: PlaygroundConfig): LoadedDeck {
  const raw = readEnvelope(text, { format: DECK_FORMAT, version: DECK_VERSION, maxChars: MAX_DECK_CHARS, noun: 'deck' }, (problem, message) => new DeckFileError(problem === 'other-format' ? 'not-deck' : problem, message));
  const slides = raw.slides;
  if (!Array.isArray(slides)) throw new DeckFileError('malformed', '"slides" must be a list of slides');
  if (slides.length > MAX_SLIDES) throw new DeckFileError('too-many-slides', `the deck has ${slides.length} slides; at most ${MAX_SLIDES}`);
  const problems = unknownEntries(raw, ['format', 'version', 'title', 'slides']);
  const deckTitle = title(raw.title, 'Untitled deck', '', problems);
  const read = slides.map((s, i) => readSlide(s, i, defaults, problems)).filter((s): s is Slide => s !== null);
  if (read.length === 0) throw new DeckFileError('malformed', 'the deck has no slide');
  return { deck: { title: deckTitle, slides: read }, problems };
}

/**
 * The deck file (pretty JSON text) of a deck: every scene slide with its whole config (so that it does
 * not depend on defaults or on the presets' current settings, `preset` kept as its label), timelines
 * in their canonical text. deckFromJson(deckToJson(d)) gives d back.
 */
export function deckToJson(deck: Deck): string {
  const slides = deck.slides.map((s) => {
    const common = { kind: s.kind, title: s.title, text: [...s.lines], run: s.run.kind === 'live' ? 'live' : formatTimeline(s.run.segments) };
    if (s.kind === 'wasserstein') return { ...common, theta: s.theta, loss: s.loss, train: s.train };
    return { ...common, ...(s.preset === null ? {} : { preset: s.preset }), scene: s.config, ...(s.weights === null ? {} : { weights: s.weights }) };
  });
  return `${JSON.stringify({ format: DECK_FORMAT, version: DECK_VERSION, title: deck.title, slides }, null, 2)}\n`;
}
