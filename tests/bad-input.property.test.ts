/**
 * Property-based tests (fast-check, seeded, moderate run counts) of everything a user can hand the app:
 * URL hashes, preset JSON files, deck JSON files, weights files, CSV bytes and images. Each input either loads (into a
 * fully valid config / point set) or is refused with the loader's own typed error and a short message;
 * never another exception, never a polluted prototype.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, defaultConfig, type Field, type NumberField, type PlaygroundConfig } from '../src/config/playground-config';
import { validateConfig } from '../src/config/validate-config';
import { MAX_PRESET_CHARS, presetFromJson, PresetFileError, presetToJson } from '../src/config/preset-file';
import { DECK_FORMAT, deckFromJson, DeckFileError, deckToJson, MAX_DECK_CHARS, MAX_LINE_CHARS, MAX_SLIDE_LINES, MAX_SLIDES, type Deck, type Slide } from '../src/config/deck-file';
import { SHIFT_GAME_LOSSES } from '../src/models/parallel-lines-game';
import { configFromHash, configToHash } from '../src/config/url-hash';
import { decodeImage } from '../src/data/image-decode';
import { DataLoadError } from '../src/data/point-data';
import { loadPointData } from '../src/data/loaders';
import { pointsFromPixels } from '../src/data/image-points';
import { decodeWeights, encodeWeights, floatsToBase64, WeightsFileError } from '../src/models/weights-file';
import { parseArgs, UsageError } from '../src/cli/options';
import { runHeadless } from '../src/cli/run';

const SCHEMA = CONFIG_SCHEMA as unknown as Record<string, Record<string, Field>>;
const FIELDS = Object.entries(SCHEMA).flatMap(([g, fs]) => Object.entries(fs).map(([k, f]) => [g, k, f] as const));
const NAMES = FIELDS.map(([g, k]) => `${g}.${k}`);
const ODD_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '${process.exit()}', 'NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '1e9', '-1', '0x10', '1_000', ' 5 ', '', '\u0000', '\u202e', 'true', 'null', '[]', '{}'];
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/** Object.prototype, Array.prototype and a fresh object are as they were. */
function pristine(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTO_KEYS);
  const o: Record<string, unknown> = {};
  for (const k of ['x', 'polluted', 'evil', 'model', 'width', 'isAdmin']) expect(o[k]).toBeUndefined();
}
afterEach(pristine);

/** A complete config passes validation untouched, every integer field holds an integer, every number is in range. */
function fullyValid(c: PlaygroundConfig): void {
  expect(validateConfig(c).problems).toEqual([]);
  for (const [g, k, f] of FIELDS) {
    const v = (c as unknown as Record<string, Record<string, unknown>>)[g][k];
    if (f.kind === 'number') {
      expect(Number.isFinite(v)).toBe(true);
      if (f.integer) expect(Number.isInteger(v), `${g}.${k} = ${String(v)}`).toBe(true);
      expect(v as number).toBeGreaterThanOrEqual(f.min);
      expect(v as number).toBeLessThanOrEqual(f.max);
    }
  }
}

/** A random valid config: each field drawn from its own range or options (floats at full precision). */
const validConfig: fc.Arbitrary<PlaygroundConfig> = fc
  .tuple(
    ...FIELDS.map(([, , f]) => {
      if (f.kind === 'boolean') return fc.boolean() as fc.Arbitrary<unknown>;
      if (f.kind === 'choice') return fc.constantFrom(...f.options) as fc.Arbitrary<unknown>;
      const n = f as NumberField;
      return (n.integer ? fc.integer({ min: n.min, max: n.max }) : fc.double({ min: n.min, max: n.max, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x))) as fc.Arbitrary<unknown>;
    }),
  )
  .map((values) => {
    const c = defaultConfig() as unknown as Record<string, Record<string, unknown>>;
    FIELDS.forEach(([g, k], i) => (c[g][k] = values[i]));
    const config = c as unknown as PlaygroundConfig;
    config.data.source = 'built-in'; // a link or preset never carries custom points
    if (config.schedule.sigmaMin >= config.schedule.sigmaMax) config.schedule.sigmaMin = config.schedule.sigmaMax / 2 >= 0.001 ? config.schedule.sigmaMax / 2 : 0.001;
    if (config.schedule.sigmaMin >= config.schedule.sigmaMax) config.schedule.sigmaMax = 3;
    if (config.schedule.betaEnd < config.schedule.betaStart) config.schedule.betaEnd = config.schedule.betaStart;
    return config;
  });

/** The text of a file a user may open: random text, random JSON, or random bytes decoded as UTF-8. */
const fileText: fc.Arbitrary<string> = fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 4 }), fc.uint8Array({ maxLength: 300 }).map((b) => new TextDecoder().decode(b)));

/**
 * 400 random file texts ({@link fileText}, seeded): each either loads (`read` checks what came out) or is
 * refused with the reader's own error (`isOwnError`), never anything else.
 */
function loadsOrRefuses(read: (text: string) => void, isOwnError: (e: unknown) => boolean, seed: number): void {
  fc.assert(
    fc.property(fileText, (text) => {
      try {
        read(text);
      } catch (e) {
        expect(isOwnError(e), String(e)).toBe(true);
      }
    }),
    { seed, numRuns: 400 },
  );
}

/** A hostile value: strings from the list above, odd numbers (as numbers or text), or junk. */
const hostileValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.double().map(String),
  fc.integer({ min: -2e9, max: 2e9 }).map(String),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

describe('URL hashes', () => {
  it('a random valid config round-trips through the hash exactly (floats, seed and all)', () => {
    fc.assert(
      fc.property(validConfig, (c) => {
        const back = configFromHash(`#${configToHash(c)}`);
        expect(back.problems).toEqual([]);
        expect(back.config).toEqual(c);
      }),
      { seed: 61, numRuns: 300 },
    );
  });

  it('random strings and bytes never throw and always give a fully valid config', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => String.fromCharCode(...b))), (hash) => {
        const r = configFromHash(hash);
        fullyValid(r.config);
        for (const p of r.problems) expect(p.length).toBeLessThan(400);
      }),
      { seed: 62, numRuns: 400 },
    );
  });

  it('known and unknown keys with hostile values: clamped or defaulted with one message each, never executed', () => {
    const key = fc.oneof(fc.constantFrom(...NAMES), fc.constantFrom(...ODD_KEYS, ...ODD_KEYS.map((k) => `${k}.polluted`), 'data.__proto__', 'model.constructor'));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, hostileValue), { maxLength: 12 }), (pairs) => {
        const hash = `#${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
        const r = configFromHash(hash);
        fullyValid(r.config);
        // Each pair alone is either accepted, or refused / fixed with a message naming it.
        for (const [k, v] of pairs) {
          const one = configFromHash(`#${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
          fullyValid(one.config);
          for (const p of one.problems) expect(p.includes(k.slice(0, 40)) || p.includes('custom'), p).toBe(true);
        }
      }),
      { seed: 63, numRuns: 300 },
    );
  });

  it('1e9 particles, 1e309, NaN and negative counts: clamped to the slider or defaulted, integers stay integers', () => {
    const r = configFromHash('#data.particles=1e9&model.width=1e309&model.depth=NaN&data.seed=-5&model.batchSize=100.5&sampling.nfe=-1e9');
    expect(r.config.data.particles).toBe(200_000);
    expect(r.config.model.width).toBe(128);
    expect(r.config.model.depth).toBe(3);
    expect(r.config.data.seed).toBe(0);
    expect(r.config.model.batchSize).toBe(101);
    expect(r.config.sampling.nfe).toBe(2);
    expect(r.problems).toHaveLength(6);
    fullyValid(r.config);
  });
});

describe('preset JSON files', () => {
  const isPresetError = (e: unknown): boolean => e instanceof PresetFileError && e.message.length > 0 && e.message.length < 300;

  it('a random valid config round-trips through a preset file exactly', () => {
    fc.assert(
      fc.property(validConfig, fc.string({ maxLength: 40 }), (c, name) => {
        const back = presetFromJson(presetToJson(name, c), defaultConfig());
        expect(back.problems).toEqual([]);
        expect(back.config).toEqual(c);
      }),
      { seed: 71, numRuns: 200 },
    );
  });

  it('random text and bytes: a PresetFileError or a fully valid config, nothing else', () => {
    loadsOrRefuses((text) => fullyValid(presetFromJson(text, defaultConfig()).config), isPresetError, 72);
  });

  it('a well-formed envelope around random JSON (wrong types, huge numbers, __proto__ keys, deep nesting) loads with messages', () => {
    const settings = fc.dictionary(
      fc.oneof(fc.constantFrom(...Object.keys(SCHEMA), ...ODD_KEYS)),
      fc.oneof(
        fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS.map(([, k]) => k), ...ODD_KEYS)), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(1e308, -1e308, 1e9, -1, 0.5, '1e309', '<script>'))),
        fc.jsonValue({ maxDepth: 3 }),
      ),
      { maxKeys: 8 },
    );
    fc.assert(
      fc.property(settings, fc.jsonValue({ maxDepth: 2 }), (config, name) => {
        // JSON text with literal "__proto__" keys, as a hostile file would have.
        const text = `{"format":"generative-playground-preset","version":1,"name":${JSON.stringify(name)},"config":${JSON.stringify(config)},"__proto__":{"polluted":1}}`;
        const r = presetFromJson(text, defaultConfig());
        fullyValid(r.config);
        expect(r.name.length).toBeLessThanOrEqual(100);
        expect(r.problems.join('\n')).toMatch(/unknown entry "__proto__" ignored/);
      }),
      { seed: 73, numRuns: 300 },
    );
  });

  it('refuses non-JSON, other formats, newer versions, oversized and deeply nested files with one message', () => {
    const cases: [string, RegExp][] = [
      ['', /not a JSON file/],
      ['<html>', /not a JSON file/],
      ['null', /not an object/],
      ['[]', /not an object/],
      ['{"format":"generative-playground-weights","version":1}', /not a preset file/],
      ['{"format":"generative-playground-preset","version":9,"config":{}}', /version 9, written by a newer/],
      ['{"format":"generative-playground-preset","version":1.5,"config":{}}', /"version" must be a positive integer/],
      ['{"format":"generative-playground-preset","version":1,"config":[1]}', /"config" must be an object/],
      ['{"format":"generative-playground-preset","version":1,"config":"rm -rf"}', /"config" must be an object/],
      [' '.repeat(MAX_PRESET_CHARS + 1), /at most 262,144/],
      ['['.repeat(100_000) + ']'.repeat(100_000), /not a preset file|not a JSON file/],
    ];
    for (const [text, message] of cases) expect(() => presetFromJson(text, defaultConfig()), text.slice(0, 40)).toThrow(message);
    // Nested deeply inside a valid envelope: ignored with a message, not recursed into.
    const deep = `{"format":"generative-playground-preset","version":1,"config":{"model":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`;
    const r = presetFromJson(deep, defaultConfig());
    expect(r.config).toEqual(defaultConfig());
    expect(r.problems).toEqual([expect.stringMatching(/unknown setting model\."a" ignored/)]);
  });
});

describe('weights files', () => {
  const tiny = encodeWeights({ name: 'w', trainSteps: 5, config: defaultConfig(), networks: { net: [{ shape: [2, 3], values: new Float32Array([1, 2, 3, 4, 5, 6]) }, { shape: [3], values: new Float32Array([0, -1, 1]) }] } });
  const check = (text: string): void => {
    try {
      const doc = decodeWeights(text);
      for (const list of Object.values(doc.networks)) for (const t of list) expect(t.values.every(Number.isFinite)).toBe(true);
    } catch (e) {
      expect(e, String(e)).toBeInstanceOf(WeightsFileError);
      expect((e as Error).message.length).toBeLessThan(300);
    }
  };

  it('random text and bytes: a WeightsFileError, nothing else', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 4 }), fc.uint8Array({ maxLength: 300 }).map((b) => String.fromCharCode(...b))), check), { seed: 81, numRuns: 300 });
  });

  it('a valid file with one entry replaced by junk: a WeightsFileError or a file that still checks out', () => {
    const paths: ((o: any, v: unknown) => void)[] = [
      (o, v) => (o.version = v),
      (o, v) => (o.trainSteps = v),
      (o, v) => (o.networks = v),
      (o, v) => (o.networks.net = v),
      (o, v) => (o.networks.net[0] = v),
      (o, v) => (o.networks.net[0].shape = v),
      (o, v) => (o.networks.net[0].shape[1] = v),
      (o, v) => (o.networks.net[1].data = v),
      (o, v) => (o.networks[String(v)] = o.networks.net),
    ];
    const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(1e308, -1, 0, 1e9, 2 ** 40, 'AAAA', floatsToBase64(new Float32Array([Number.NaN, 1, 2])), '__proto__', 'constructor'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: paths.length - 1 }), junk, (which, v) => {
        const o = JSON.parse(tiny);
        paths[which](o, v);
        check(JSON.stringify(o));
      }),
      { seed: 82, numRuns: 300 },
    );
  });
});

describe('CSV and images', () => {
  const isDataError = (e: unknown): boolean => (e instanceof DataLoadError || e instanceof RangeError) && (e as Error).message.length < 400;
  const loads = (f: () => { set: { points: Float32Array } }): void => {
    try {
      const { set } = f();
      expect(set.points.every(Number.isFinite)).toBe(true);
    } catch (e) {
      expect(isDataError(e), String(e)).toBe(true);
    }
  };

  it('random bytes and text named .csv / .png / .jpg: a DataLoadError or finite points', () => {
    const name = fc.constantFrom('x.csv', 'x.png', 'x.jpg', 'x.txt', 'noext', '<script>.csv');
    const cells = fc.oneof(fc.constantFrom('1', '-2.5', 'NaN', 'Infinity', '1e309', '-1e309', '', 'x', '"3"', '1e-320', '0x1f'), fc.double().map(String));
    const csv = fc.array(fc.array(cells, { minLength: 1, maxLength: 4 }), { maxLength: 20 }).map((rows) => new TextEncoder().encode(rows.map((r) => r.join(',')).join('\n')));
    const pngLike = fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...b]));
    const jpegLike = fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0xff, 0xd8, 0xff, ...b]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), csv, pngLike, jpegLike), name, (bytes, n) => loads(() => loadPointData(bytes, n, { decodeImage }))),
      { seed: 91, numRuns: 300 },
    );
  });

  it('random pixel buffers and dimensions (negative, huge, NaN, wrong length): a DataLoadError or finite points', () => {
    const dim = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(-1, 1e9, Number.NaN, 2.5, 65536));
    fc.assert(
      fc.property(dim, dim, fc.uint8Array({ maxLength: 600 }), (width, height, data) => loads(() => pointsFromPixels({ width, height, data: new Uint8ClampedArray(data) }, { count: 50 }))),
      { seed: 92, numRuns: 300 },
    );
  });
});

describe('the command line', () => {
  const OPTIONS = ['model', 'data', 'train-steps', 'batch', 'lr', 'width', 'depth', 'seed', 'schedule', 'T', 'sampler', 'nfe', 'eta', 'field', 'samples'];

  it('random options with hostile values: a valid config holding exactly what was given, or a one-line UsageError (never clamped)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...OPTIONS), hostileValue), { maxLength: 4 }), (pairs) => {
        const argv = pairs.flatMap(([o, v]) => [`--${o}=${v}`]);
        try {
          const args = parseArgs(argv);
          fullyValid(args.config);
          // A number the CLI accepted is used as given: nothing out of range slips in by clamping.
          const width = pairs.filter(([o]) => o === 'width').at(-1);
          if (width) expect(args.config.model.width).toBe(Number(width[1]));
        } catch (e) {
          expect(e, String(e)).toBeInstanceOf(UsageError);
          expect((e as Error).message.split('\n')).toHaveLength(1);
          expect((e as Error).message.length).toBeLessThan(400);
        }
      }),
      { seed: 101, numRuns: 300 },
    );
  });

  it('out-of-range and malformed numbers exit 2 with the one-line error', async () => {
    const cases: [string[], RegExp][] = [
      [['--samples', '1e9'], /^error: --samples 1e9: must be in \[1000, 200000\]\n$/],
      [['--samples', '-5'], /^error: --samples -5: must be in/],
      [['--width', '1e309'], /^error: --width 1e309: must be a finite number\n$/],
      [['--lr', 'NaN'], /^error: --lr "NaN": not a number\n$/],
      [['--seed', '-1'], /^error: --seed -1: must be in \[0, 2147483647\]\n$/],
      [['--batch', '100.5'], /^error: --batch 100\.5: must be an integer\n$/],
      [['--T', 'Infinity'], /^error: --T "Infinity": not a number\n$/],
      [['--nfe', '0x10'], /^error: --nfe "0x10": not a number\n$/],
      [['--train-steps', '-5'], /^error: --train-steps -5: must be an integer in/],
      [['--depth', '<script>'], /^error: --depth "<script>": not a number\n$/],
      [['--model', '__proto__'], /^error: --model __proto__: must be one of/],
      [['--__proto__', '1'], /^error: unknown option --__proto__/],
    ];
    for (const [argv, message] of cases) {
      let out = '';
      let err = '';
      const code = await runHeadless(argv, { out: (t) => void (out += t), err: { write: (t) => void (err += t), tty: false } });
      expect(code, argv.join(' ')).toBe(2);
      expect(err, argv.join(' ')).toMatch(message);
      expect(out).toBe('');
    }
  });
});

describe('deck JSON files (validated by the preset rules)', () => {
  const isDeckError = (e: unknown): boolean => e instanceof DeckFileError && e.message.length > 0 && e.message.length < 300;

  /** Every slide of a loaded deck is fully valid: scene configs by the preset rules, capped text, wasserstein settings in range. */
  function validDeck(d: Deck): void {
    expect(d.title.length).toBeLessThanOrEqual(100);
    expect(d.slides.length).toBeGreaterThan(0);
    expect(d.slides.length).toBeLessThanOrEqual(MAX_SLIDES);
    for (const s of d.slides) {
      expect(s.title.length).toBeGreaterThan(0);
      expect(s.title.length).toBeLessThanOrEqual(100);
      expect(s.lines.length).toBeLessThanOrEqual(MAX_SLIDE_LINES);
      for (const line of s.lines) expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
      if (s.run.kind === 'timeline') expect(s.run.segments.length).toBeGreaterThan(0);
      if (s.kind === 'scene') {
        fullyValid(s.config);
        expect(s.config.data.source).toBe('built-in');
      } else {
        expect(s.theta).toBeGreaterThanOrEqual(-2);
        expect(s.theta).toBeLessThanOrEqual(2);
        expect(SHIFT_GAME_LOSSES).toContain(s.loss);
        expect(typeof s.train).toBe('boolean');
      }
    }
  }

  /** A random valid slide: a scene of a random valid config, or a wasserstein slide. */
  const validSlide: fc.Arbitrary<Slide> = fc.oneof(
    fc.record({
      kind: fc.constant('scene' as const),
      title: fc.string({ minLength: 1, maxLength: 30 }).map((t) => `S ${t.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim()}`.trim()),
      lines: fc.array(fc.string({ maxLength: 60 }).map((l) => l.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')), { maxLength: MAX_SLIDE_LINES }),
      run: fc.constant({ kind: 'live' as const }),
      preset: fc.constant(null),
      config: validConfig,
      weights: fc.constantFrom(null, 'weights/a.json', 'w-1.json'),
    }),
    fc.record({
      kind: fc.constant('wasserstein' as const),
      title: fc.constantFrom('Why Wasserstein', 'Lines'),
      lines: fc.array(fc.constantFrom('$W = |\\theta|$', '$D_{JS} = \\log 2$'), { maxLength: 3 }),
      run: fc.constantFrom({ kind: 'live' as const }, { kind: 'timeline' as const, segments: [{ kind: 'train' as const, seconds: 2 }, { kind: 'play' as const, seconds: 5 }] }),
      theta: fc.double({ min: -2, max: 2, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
      loss: fc.constantFrom(...SHIFT_GAME_LOSSES),
      train: fc.boolean(),
    }),
  );

  it('a random valid deck round-trips through a deck file exactly', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }).map((t) => `D ${t.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim()}`.trim()), fc.array(validSlide, { minLength: 1, maxLength: 4 }), (title, slides) => {
        const d: Deck = { title, slides };
        const back = deckFromJson(deckToJson(d), defaultConfig());
        expect(back.problems).toEqual([]);
        expect(back.deck).toEqual(d);
      }),
      { seed: 91, numRuns: 100 },
    );
  });

  it('random text and bytes: a DeckFileError or a fully valid deck, nothing else', () => {
    loadsOrRefuses((text) => validDeck(deckFromJson(text, defaultConfig()).deck), isDeckError, 92);
  });

  it('a well-formed envelope around random slides (wrong types, huge numbers, unknown kinds, __proto__ keys): a valid deck with short messages, or a DeckFileError naming the slide', () => {
    const slideKey = fc.constantFrom('kind', 'title', 'text', 'run', 'preset', 'scene', 'weights', 'theta', 'loss', 'train', ...ODD_KEYS);
    const hostile = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(1e308, -1e308, 1e9, -1, 0.5, '1e309', '<script>', 'scene', 'wasserstein', 'live', 'gan-8-gaussians', 'train 5, hold 1', 'forward 3', '../x.json', 'a.json', 'wgan-gp'),
      fc.dictionary(fc.constantFrom(...Object.keys(SCHEMA), ...ODD_KEYS), fc.dictionary(fc.constantFrom(...FIELDS.map(([, k]) => k), ...ODD_KEYS), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(1e308, -1, 'custom'))), { maxKeys: 4 }),
    );
    const slide = fc.oneof(fc.dictionary(slideKey, hostile, { maxKeys: 8 }), fc.jsonValue({ maxDepth: 2 }));
    fc.assert(
      fc.property(fc.array(slide, { maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), (slides, title) => {
        const text = `{"format":"${DECK_FORMAT}","version":1,"title":${JSON.stringify(title)},"slides":${JSON.stringify(slides)},"__proto__":{"polluted":1}}`;
        try {
          const r = deckFromJson(text, defaultConfig());
          validDeck(r.deck);
          expect(r.problems.join('\n')).toMatch(/unknown entry "__proto__" ignored/);
          for (const p of r.problems) expect(p.length).toBeLessThan(600);
        } catch (e) {
          expect(isDeckError(e), String(e)).toBe(true);
          expect((e as DeckFileError).code).toMatch(/^(unknown-slide-kind|malformed)$/);
          if ((e as DeckFileError).code === 'unknown-slide-kind') expect((e as Error).message).toMatch(/^slide \d+/);
        }
      }),
      { seed: 93, numRuns: 300 },
    );
  });

  it('huge files, too many slides and deep nesting are refused or ignored with one message', () => {
    const envelope = (slides: string): string => `{"format":"${DECK_FORMAT}","version":1,"slides":${slides}}`;
    expect(() => deckFromJson(' '.repeat(MAX_DECK_CHARS + 1), defaultConfig())).toThrow(/at most 1,048,576/);
    expect(() => deckFromJson(envelope(`[${Array.from({ length: MAX_SLIDES + 1 }, () => '{}').join(',')}]`), defaultConfig())).toThrow(/at most 200/);
    expect(() => deckFromJson('['.repeat(100_000) + ']'.repeat(100_000), defaultConfig())).toThrow(DeckFileError);
    const deep = deckFromJson(envelope(`[{"scene":{"model":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}]`), defaultConfig());
    expect(deep.problems).toEqual([expect.stringMatching(/^slide 1: unknown setting model\."a" ignored/)]);
  });
});
