import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, cloneConfig, defaultConfig, isRelevant, type Field, type PlaygroundConfig } from '../src/config/playground-config';
import { fieldProblem, validateConfig } from '../src/config/validate-config';
import { DATASET_NAMES } from '../src/data/datasets';
import { trainingProblems } from '../src/models/live-trainer';
import { mlpProblems } from '../src/models/mlp';
import { createRng, type Rng } from '../src/models/random';
import { scheduleProblems } from '../src/models/schedules';

type Loose = Record<string, Record<string, unknown>>;
const loose = (c: PlaygroundConfig): Loose => c as unknown as Loose;

/** Every field as [group, key, field]. */
const FIELDS: [string, string, Field][] = Object.entries(CONFIG_SCHEMA).flatMap(([g, fields]) =>
  Object.entries(fields).map(([k, f]) => [g, k, f as Field] as [string, string, Field]),
);
const NUMBER_FIELDS = FIELDS.filter(([, , f]) => f.kind === 'number') as [string, string, Extract<Field, { kind: 'number' }>][];
const INTEGER_FIELDS = NUMBER_FIELDS.filter(([, , f]) => f.integer);
const CHOICE_FIELDS = FIELDS.filter(([, , f]) => f.kind === 'choice') as [string, string, Extract<Field, { kind: 'choice' }>][];

/** A config that the models accept: the same checks the session's constructors run. */
function modelProblems(c: PlaygroundConfig): string[] {
  return [...scheduleProblems(c.schedule), ...mlpProblems(c.model), ...trainingProblems(c.model)];
}

/** Every field of `c` passes its schema check and the cross-field rule holds. */
function fullyValid(c: PlaygroundConfig): boolean {
  return FIELDS.every(([g, k, f]) => fieldProblem(f, loose(c)[g][k]) === null) && c.schedule.betaEnd >= c.schedule.betaStart;
}

const pristinePrototype = (): void => {
  expect(({} as Record<string, unknown>).x).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('x');
  expect(Object.prototype).not.toHaveProperty('polluted');
};

describe('defaults', () => {
  it('defaultConfig is valid and has exactly the schema fields', () => {
    const c = defaultConfig();
    expect(validateConfig(c)).toEqual({ config: c, problems: [] });
    expect(Object.keys(c).sort()).toEqual(Object.keys(CONFIG_SCHEMA).sort());
    for (const [g, fields] of Object.entries(CONFIG_SCHEMA)) expect(Object.keys(loose(c)[g]).sort()).toEqual(Object.keys(fields).sort());
    expect(modelProblems(c)).toEqual([]);
    expect(fullyValid(c)).toBe(true);
    // The documented default scene.
    expect(c.data).toEqual({ dataset: 'two-moons', source: 'built-in', particles: 20_000, seed: 1 });
    expect(c.schedule).toEqual({ kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02, betaScaling: 'per-1000-steps', sigmaMax: 3, sigmaMin: 0.05, levels: 10 });
    expect([c.model.width, c.model.depth, c.model.activation]).toEqual([128, 3, 'silu']);
    expect(c.sampling.phase).toBe('loop');
  });

  it.each(FIELDS)('%s.%s: the default lies in its range / options', (_g, _k, f) => {
    expect(fieldProblem(f, f.default)).toBeNull();
    if (f.kind === 'number') {
      expect(f.min).toBeLessThanOrEqual(f.default);
      expect(f.default).toBeLessThanOrEqual(f.max);
      expect(f.step).toBeGreaterThan(0);
      if (f.integer) expect(Number.isInteger(f.default)).toBe(true);
    } else if (f.kind === 'choice') {
      expect(f.options).toContain(f.default);
      expect(new Set(f.options).size).toBe(f.options.length);
    } else {
      expect(typeof f.default).toBe('boolean');
    }
    expect(['data', 'model', 'particles', 'training', 'live']).toContain(f.invalidates);
    expect(f.label.length).toBeGreaterThan(0);
  });

  it('defaultConfig returns a fresh object each time; cloneConfig is deep', () => {
    const a = defaultConfig();
    a.model.width = 16;
    expect(defaultConfig().model.width).toBe(128);
    const b = cloneConfig(a);
    b.model.width = 32;
    expect(a.model.width).toBe(16);
  });

  it('the data set menu is every built-in data set', () => {
    expect(CONFIG_SCHEMA.data.dataset.options).toEqual(DATASET_NAMES);
  });

  it.each(NUMBER_FIELDS)('%s.%s: min and max are accepted and the models accept them too', (g, k, f) => {
    for (const v of [f.min, f.max]) {
      const { config, problems } = validateConfig({ [g]: { [k]: v } });
      // A lone extreme beta can break betaEnd >= betaStart; that is reported, and fixed, by the cross-field rule.
      if (problems.length > 0) {
        expect(`${g}.${k}`).toMatch(/^schedule\.beta(Start|End)$/);
        expect(problems).toEqual([expect.stringContaining('below betaStart')]);
      } else {
        expect(loose(config)[g][k]).toBe(v);
      }
      expect(modelProblems(config)).toEqual([]);
    }
  });
});

describe('partial input', () => {
  it('missing groups and fields take their defaults silently', () => {
    const { config, problems } = validateConfig({ model: { width: 64 }, sampling: {} });
    expect(problems).toEqual([]);
    const expected = defaultConfig();
    expected.model.width = 64;
    expect(config).toEqual(expected);
  });

  it('undefined, null and {} give the defaults without problems', () => {
    for (const input of [undefined, null, {}]) expect(validateConfig(input)).toEqual({ config: defaultConfig(), problems: [] });
  });

  it('a complete valid config round-trips through JSON unchanged', () => {
    const c = defaultConfig();
    c.data = { dataset: 'swiss-roll-3d', source: 'custom', particles: 150_000, seed: 123 };
    c.schedule = { kind: 'cosine', T: 500, betaStart: 1e-3, betaEnd: 0.05, betaScaling: 'fixed', sigmaMax: 5, sigmaMin: 0.01, levels: 20 };
    c.model = { kind: 'flow', coupling: 'minibatch-ot', width: 256, depth: 4, activation: 'leakyRelu', learningRate: 3e-4, batchSize: 1024, emaDecay: 0.999, trainBudgetMs: 12, trainPaused: true };
    c.sampling = { phase: 'reverse', secondsPerPass: 12.5, passSteps: 'all', field: 'exact', sampler: 'rk4', nfe: 20, variance: 'beta', eta: 0.5, stochasticity: 0.3, clipX0: false, langevinSteps: 7, langevinDelta: 1e-4, paused: true };
    c.view = { pointSize: 1.5, colorMode: 'cluster', showData: false, showSchedule: false, fieldLines: 'streamlines', heatMap: 'error', fieldFollow: false, fieldT: 0.25, trails: 24, metric: 'mmd' };
    expect(validateConfig(JSON.parse(JSON.stringify(c)))).toEqual({ config: c, problems: [] });
  });

  it('does not keep references to the input', () => {
    const input = { model: { width: 64 } };
    const { config } = validateConfig(input);
    config.model.width = 32;
    expect(input.model.width).toBe(64);
  });
});

describe('bad values are reported and replaced by the default (malformed) or clamped (out of range)', () => {
  /** Validates one bad value and checks it is replaced by the default with one message naming the field. */
  function rejects(group: string, key: string, value: unknown, message?: RegExp): string {
    // Plus one good value in another group that must survive.
    const [sg, sk, sv] = group === 'view' ? ['data', 'seed', 9] : ['view', 'pointSize', 7];
    const { config, problems } = validateConfig({ [group]: { [key]: value }, [sg]: { [sk]: sv } });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`${group}.${key}: `)).toBe(true);
    if (message) expect(problems[0]).toMatch(message);
    const field = (CONFIG_SCHEMA as unknown as Record<string, Record<string, Field>>)[group][key];
    expect(problems[0]).toContain(`using ${String(field.default)}`);
    expect(loose(config)[group][key]).toBe(field.default);
    expect(loose(config)[sg][sk]).toBe(sv);
    expect(fullyValid(config)).toBe(true);
    return problems[0];
  }

  it('wrong types', () => {
    rejects('model', 'width', '128', /finite number/);
    rejects('model', 'width', true, /finite number/);
    rejects('model', 'width', null, /finite number/);
    rejects('data', 'dataset', 5, /must be one of/);
    rejects('sampling', 'paused', 'true', /true or false/);
    rejects('sampling', 'paused', 1, /true or false/);
    rejects('view', 'showData', null, /true or false/);
    rejects('schedule', 'T', [100], /finite number/);
    rejects('schedule', 'T', { value: 100 }, /finite number/);
  });

  /** Validates one out-of-range or non-integer number and checks it is clamped (and rounded) with one message. */
  function clamps(group: string, key: string, value: number, expected: number, message: RegExp): string {
    const [sg, sk, sv] = group === 'view' ? ['data', 'seed', 9] : ['view', 'pointSize', 7];
    const { config, problems } = validateConfig({ [group]: { [key]: value }, [sg]: { [sk]: sv } });
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`${group}.${key}: `)).toBe(true);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).toContain(`using ${expected}`);
    expect(loose(config)[group][key]).toBe(expected);
    expect(loose(config)[sg][sk]).toBe(sv);
    expect(fullyValid(config)).toBe(true);
    return problems[0];
  }

  it('NaN and Infinity take the default; huge and tiny finite numbers are clamped', () => {
    rejects('model', 'learningRate', Number.NaN, /finite number.*got NaN/);
    rejects('model', 'learningRate', Number.POSITIVE_INFINITY, /finite number.*got Infinity/);
    rejects('model', 'learningRate', Number.NEGATIVE_INFINITY, /finite number/);
    rejects('data', 'particles', JSON.parse('1e309') as number, /finite number.*got Infinity/);
    clamps('data', 'particles', 1e308, 200_000, /1e\+308 is above the maximum 200000/);
    clamps('data', 'particles', 1e9, 200_000, /1000000000 is above the maximum 200000/);
    clamps('data', 'particles', Number.MAX_SAFE_INTEGER * 4, 200_000, /above the maximum/);
    clamps('model', 'learningRate', 1e-300, 1e-5, /below the minimum 0\.00001/);
    clamps('data', 'seed', -1, 0, /-1 is below the minimum 0/);
    clamps('data', 'seed', 2 ** 31, 2 ** 31 - 1, /above the maximum 2147483647/);
    clamps('data', 'particles', -1e9, 1000, /below the minimum 1000/);
  });

  it.each(NUMBER_FIELDS)('%s.%s: out of range on both sides is clamped to the range', (g, k, f) => {
    const span = Math.max(1, f.max - f.min);
    clamps(g, k, f.min - span, f.min, /below the minimum/);
    clamps(g, k, f.max + span, f.max, /above the maximum/);
  });

  it.each(INTEGER_FIELDS)('%s.%s: non-integers are rounded and stay integers', (g, k, f) => {
    const msg = clamps(g, k, f.min + 0.75, f.min + 1, /is not an integer/);
    expect(msg).not.toMatch(/minimum|maximum/);
    clamps(g, k, f.max + 0.5, f.max, /not an integer and .* above the maximum/);
  });

  it.each(CHOICE_FIELDS)('%s.%s: unknown choices are rejected and not echoed raw', (g, k) => {
    const msg = rejects(g, k, '<script>alert(1)</script>', /must be one of/);
    expect(msg.length).toBeLessThan(400);
    rejects(g, k, '', /must be one of/);
    rejects(g, k, 'toString', /must be one of/); // inherited property names are not options
  });

  it('long values are shortened in the message', () => {
    const msg = rejects('data', 'dataset', 'x'.repeat(10_000));
    expect(msg.length).toBeLessThan(300);
    expect(msg).toContain('...');
  });

  it('unknown groups and keys are reported, named, and ignored', () => {
    const { config, problems } = validateConfig({ render: { fps: 60 }, model: { width: 64, widht: 32 } });
    expect(config.model.width).toBe(64);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/unknown group .*render/);
    expect(problems[1]).toMatch(/unknown setting .*model\..*widht/);
    expect(config).not.toHaveProperty('render');
    expect(config.model).not.toHaveProperty('widht');
  });

  it('a group that is not an object is reported and left at its defaults', () => {
    for (const bad of [[1, 2], 'x', 5, null, true]) {
      const { config, problems } = validateConfig({ model: bad, data: { seed: 9 } });
      expect(problems).toEqual([expect.stringMatching(/^model: must be an object/)]);
      expect(config.model).toEqual(defaultConfig().model);
      expect(config.data.seed).toBe(9);
    }
  });

  it('a top level that is not an object gives the defaults with one problem', () => {
    for (const bad of [[], [{ model: { width: 64 } }], 42, 'model.width=64', true, Number.NaN]) {
      const { config, problems } = validateConfig(bad);
      expect(config).toEqual(defaultConfig());
      expect(problems).toEqual(['config must be an object; using defaults']);
    }
  });
});

describe('prototype pollution', () => {
  it('__proto__, constructor and prototype keys from JSON are ignored and pollute nothing', () => {
    const inputs = [
      '{"__proto__": {"x": 1, "polluted": true}}',
      '{"model": {"__proto__": {"x": 1}}}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"model": {"constructor": {"prototype": {"polluted": true}}}}',
      '{"data": {"prototype": 1, "__proto__": {"polluted": 1}, "seed": 5}}',
      '{"__proto__": {"model": {"width": 64}}}',
      '{"hasOwnProperty": {"x": 1}, "toString": 1, "valueOf": {}}',
    ];
    for (const json of inputs) {
      const input = JSON.parse(json) as unknown;
      const { config, problems } = validateConfig(input);
      expect(problems.length, json).toBeGreaterThan(0);
      for (const p of problems) expect(p).toMatch(/^unknown (group|setting)/);
      expect(fullyValid(config)).toBe(true);
      // Nothing leaked into the config, its groups, or any object.
      expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(config.model)).toBe(Object.prototype);
      expect(config.model.width).toBe(128);
      expect(Object.keys(config.data).sort()).toEqual(['dataset', 'particles', 'seed', 'source']);
      pristinePrototype();
    }
    // The good value next to a poisoned key is still taken.
    expect(validateConfig(JSON.parse('{"data": {"__proto__": {"polluted": 1}, "seed": 5}}')).config.data.seed).toBe(5);
  });

  it('objects whose prototype is null are accepted', () => {
    const model = Object.assign(Object.create(null) as Record<string, unknown>, { width: 64 });
    const input = Object.assign(Object.create(null) as Record<string, unknown>, { model });
    expect(validateConfig(input)).toEqual({ config: { ...defaultConfig(), model: { ...defaultConfig().model, width: 64 } }, problems: [] });
  });

  // Objects that String() cannot convert (e.g. {"toString": 1}, null-prototype objects) must be reported, not thrown.
  it('values that cannot be turned into a string are reported, not thrown', () => {
    expect(() => validateConfig(JSON.parse('{"model": {"width": {"toString": 1}}}'))).not.toThrow();
    expect(() => validateConfig({ model: { width: Object.create(null) } })).not.toThrow();
  });
});

describe('cross-field rule', () => {
  it('betaEnd below betaStart is reported and both reset to their defaults', () => {
    const { config, problems } = validateConfig({ schedule: { betaStart: 0.01, betaEnd: 0.005, T: 200 } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^schedule\.betaEnd \(0\.005\) is below betaStart \(0\.01\)/);
    expect(config.schedule).toEqual({ kind: 'linear', T: 200, betaStart: 1e-4, betaEnd: 0.02, betaScaling: 'per-1000-steps', sigmaMax: 3, sigmaMin: 0.05, levels: 10 });
    expect(modelProblems(config)).toEqual([]);
  });

  it('betaEnd == betaStart is fine', () => {
    const { config, problems } = validateConfig({ schedule: { betaStart: 0.005, betaEnd: 0.005 } });
    expect(problems).toEqual([]);
    expect([config.schedule.betaStart, config.schedule.betaEnd]).toEqual([0.005, 0.005]);
  });

  it('a valid betaStart above the default betaEnd that replaced a bad value is caught too', () => {
    // betaEnd 5 is clamped to its maximum 0.2; betaStart 0.01 stays: still ordered.
    const high = validateConfig({ schedule: { betaStart: 0.01, betaEnd: 5 } });
    expect(high.problems).toEqual([expect.stringMatching(/^schedule\.betaEnd: 5 is above the maximum 0\.2; using 0\.2$/)]);
    expect([high.config.schedule.betaStart, high.config.schedule.betaEnd]).toEqual([0.01, 0.2]);
    // betaEnd -1 is clamped to 0.001, below betaStart 0.01: the cross-field rule puts both back.
    const { config, problems } = validateConfig({ schedule: { betaStart: 0.01, betaEnd: -1 } });
    expect(problems).toHaveLength(2);
    expect(problems[1]).toMatch(/is below betaStart/);
    expect([config.schedule.betaStart, config.schedule.betaEnd]).toEqual([1e-4, 0.02]);
  });
});

describe('garbage in', () => {
  const GROUPS = Object.keys(CONFIG_SCHEMA);
  const KEYS = [...new Set(FIELDS.map(([, k]) => k))];
  const ODD_KEYS = ['toString', 'valueOf', '__proto__', 'constructor', 'prototype', 'hasOwnProperty', '', ' ', 'x', '0', '<script>', 'polluted'];
  const STRINGS = ['', 'two-moons', 'silu', 'loop', 'beta', 'cosine', '<script>alert(1)</script>', '__proto__', '1e3', 'NaN', 'true', 'ü✓\u0000', 'x'.repeat(100)];
  const NUMBERS = [0, -0, 1, -1, 0.5, 16, 128, 1000, 20_000, 2 ** 31, 1e-5, 1e308, -1e308, Number.NaN, Infinity, -Infinity, Number.EPSILON, Number.MAX_SAFE_INTEGER];

  function pick<T>(rng: Rng, xs: readonly T[]): T {
    return xs[rng.int(xs.length)];
  }

  /** A random JSON-ish value (plus NaN and infinities); objects are built with own '__proto__' keys. */
  function garbage(rng: Rng, depth: number): unknown {
    const r = rng.int(depth > 0 ? 9 : 6);
    switch (r) {
      case 0:
        return null;
      case 1:
        return rng.uniform() < 0.5;
      case 2:
        return pick(rng, NUMBERS);
      case 3:
        return (rng.uniform() - 0.5) * 10 ** rng.int(12);
      case 4:
        return pick(rng, STRINGS);
      case 5:
        return undefined;
      case 6:
        return Array.from({ length: rng.int(4) }, () => garbage(rng, depth - 1));
      default: {
        const n = rng.int(5);
        const keyPool = depth >= 2 ? [...GROUPS, ...ODD_KEYS] : [...KEYS, ...ODD_KEYS];
        // fromEntries defines own properties, so '__proto__' becomes a real key (as JSON.parse does).
        return Object.fromEntries(Array.from({ length: n }, () => [pick(rng, keyPool), garbage(rng, depth - 1)]));
      }
    }
  }

  it('validateConfig never throws and always returns a fully valid config', () => {
    const rng = createRng(2024);
    let withProblems = 0;
    for (let i = 0; i < 400; i++) {
      // Mostly config-shaped objects ({group: {key: value}}), sometimes anything at all.
      const input = i % 4 === 0 ? garbage(rng, 3) : Object.fromEntries(GROUPS.filter(() => rng.uniform() < 0.5).map((g) => [g, garbage(rng, 1)]));
      let result: ReturnType<typeof validateConfig> | undefined;
      expect(() => (result = validateConfig(input)), `input #${i}`).not.toThrow();
      const { config, problems } = result!;
      expect(fullyValid(config), `input #${i}`).toBe(true);
      expect(modelProblems(config)).toEqual([]);
      for (const p of problems) {
        expect(typeof p).toBe('string');
        expect(p.length).toBeLessThan(400);
      }
      // Validating the output again finds nothing: the output is a fixed point.
      expect(validateConfig(config).problems).toEqual([]);
      // A JSON round trip (what a URL or preset file goes through) does not throw either.
      const json = JSON.stringify(input);
      if (json !== undefined) expect(() => validateConfig(JSON.parse(json))).not.toThrow();
      if (problems.length > 0) withProblems++;
    }
    expect(withProblems).toBeGreaterThan(200); // the generator really produces garbage
    pristinePrototype();
  });
});

describe('relevance of the GAN view controls', () => {
  const PLANE_VIEWS = ['landscape', 'landscapeOf', 'manifold', 'pushArrows'];
  it('shows the landscape, manifold and push-arrow controls for 2D data only (built-in or custom)', () => {
    const c = defaultConfig();
    c.model.kind = 'wgan';
    c.data.dataset = 'gaussians-8';
    for (const key of PLANE_VIEWS) expect(isRelevant('gan', key, c)).toBe(true);
    for (const dataset of ['swiss-roll-3d', 'torus-knot'] as const) {
      c.data.dataset = dataset;
      for (const key of PLANE_VIEWS) expect(isRelevant('gan', key, c)).toBe(false);
      // The training controls stay: they still act on a 3D scene.
      for (const key of ['nCritic', 'clip', 'generatorLearningRate', 'latentDim']) expect(isRelevant('gan', key, c)).toBe(true);
    }
    // Custom data: the loaded set's dimension decides, whatever the (unused) built-in name says.
    c.data.source = 'custom';
    for (const key of PLANE_VIEWS) {
      expect(isRelevant('gan', key, c, 3)).toBe(false);
      expect(isRelevant('gan', key, c, 2)).toBe(true);
    }
    // Never for a diffusion model.
    c.model.kind = 'ddpm';
    c.data.source = 'built-in';
    c.data.dataset = 'gaussians-8';
    for (const key of PLANE_VIEWS) expect(isRelevant('gan', key, c)).toBe(false);
  });
});
