import { describe, expect, it } from 'vitest';
import { configFromHash } from '../src/config/url-hash';
import { presetConfig } from '../src/config/presets';
import { defaultConfig } from '../src/config/playground-config';
import {
  askedSecondsPerPass,
  defaultHash,
  firstTimeUnder,
  frameRates,
  GAN_SCENE_PRESET,
  medianPassSeconds,
  NO_SCENE_FIGURES,
  presetHash,
  reversePasses,
  sceneJson,
  type MotionSample,
} from '../src/bench/scene-cells';
import { parseScenesArg } from '../scripts/scene-bench';

const T = 1000;

/** A motion log of the loop phase: forward from `at`, hold at T, reverse, hold at 0; `f`, `h`, `r` in ms. */
function loop(at: number, f: number, h: number, r: number): MotionSample[] {
  return [
    { ms: at, motion: 'forward', t: 1 },
    { ms: at + f, motion: 'hold', t: T },
    { ms: at + f + h, motion: 'reverse', t: T - 4 },
    { ms: at + f + h + r, motion: 'hold', t: 0 },
  ];
}

describe('reverse passes from (time, motion, t) samples', () => {
  it('times each complete pass from its first reverse sample to the first sample at t = 0', () => {
    const log = [...loop(0, 4000, 600, 5000), ...loop(10_000, 4000, 600, 3000), ...loop(20_000, 4000, 600, 7000)];
    const passes = reversePasses(log, T);
    expect(passes.map((p) => p.seconds)).toEqual([5, 3, 7]);
    expect(passes[1]).toEqual({ startMs: 14_600, endMs: 17_600, seconds: 3 });
    expect(medianPassSeconds(passes)).toBe(5);
  });

  it('reads a polled series too: repeated samples of one motion change nothing', () => {
    const polled: MotionSample[] = [
      { ms: 0, motion: 'hold', t: T },
      { ms: 100, motion: 'reverse', t: 990 },
      { ms: 200, motion: 'reverse', t: 500 },
      { ms: 300, motion: 'reverse', t: 10 },
      { ms: 400, motion: 'hold', t: 0 },
      { ms: 500, motion: 'hold', t: 0 },
      { ms: 600, motion: 'reverse', t: 995 },
      { ms: 2600, motion: 'hold', t: 0 },
    ];
    expect(reversePasses(polled, T).map((p) => p.seconds)).toEqual([0.3, 2]);
  });

  it('drops a pass the series starts or ends inside, one begun midway, and one left at t > 0', () => {
    const log: MotionSample[] = [
      { ms: 0, motion: 'reverse', t: 700 }, // the series starts inside a pass
      { ms: 1000, motion: 'hold', t: 0 },
      { ms: 2000, motion: 'forward', t: 1 },
      { ms: 3000, motion: 'reverse', t: 300 }, // a phase change midway: not from the noise end
      { ms: 4000, motion: 'hold', t: 0 },
      { ms: 5000, motion: 'reverse', t: 999 },
      { ms: 6000, motion: 'forward', t: 400 }, // left before reaching the data
      { ms: 7000, motion: 'reverse', t: 999 }, // the series ends inside
    ];
    expect(reversePasses(log, T)).toEqual([]);
    expect(medianPassSeconds([])).toBeNull();
    expect(reversePasses([], T)).toEqual([]);
  });

  it('a GAN has no passes; T must be positive', () => {
    expect(reversePasses([{ ms: 0, motion: 'generate', t: 0 }, { ms: 5, motion: 'generate', t: 0 }], 1)).toEqual([]);
    expect(() => reversePasses([], 0)).toThrow(RangeError);
  });
});

describe('first time under a threshold', () => {
  it('returns the earliest time strictly under it, null when none, NaN never', () => {
    const pts = [
      { ms: 3000, value: 0.2 },
      { ms: 9000, value: 0.009 },
      { ms: 6000, value: 0.01 },
      { ms: 12_000, value: 0.004 },
      { ms: 1000, value: Number.NaN },
    ];
    expect(firstTimeUnder(pts, 0.01)).toBe(9000);
    expect(firstTimeUnder(pts, 0.005)).toBe(12_000);
    expect(firstTimeUnder(pts, 0.001)).toBeNull();
    expect(firstTimeUnder([], 1)).toBeNull();
  });
});

describe('seconds asked per pass', () => {
  it('prefers secondsPerPass, else T / stepsPerSecond, else null', () => {
    expect(askedSecondsPerPass({ secondsPerPass: 4, stepsPerSecond: 250 }, 1000)).toBe(4);
    expect(askedSecondsPerPass({ stepsPerSecond: 250 }, 1000)).toBe(4);
    expect(askedSecondsPerPass({ stepsPerSecond: 100 }, 20)).toBeCloseTo(0.2, 12);
    expect(askedSecondsPerPass({ secondsPerPass: 0, stepsPerSecond: 50 }, 1000)).toBe(20);
    expect(askedSecondsPerPass({ secondsPerPass: 'fast', stepsPerSecond: Number.NaN }, 1000)).toBeNull();
    expect(askedSecondsPerPass({}, 1000)).toBeNull();
  });

  it("matches the app's default config today (T = 1000 at 250 steps per second: 4 s)", () => {
    const c = defaultConfig();
    expect(askedSecondsPerPass(c.sampling, 1000)).toBe(4);
  });
});

describe('frame rates from counter samples', () => {
  it('gives the mean over the whole series and the worst interval', () => {
    const r = frameRates([
      { ms: 0, frames: 100 },
      { ms: 1000, frames: 130 },
      { ms: 2000, frames: 150 },
      { ms: 4000, frames: 210 },
    ]);
    expect(r.mean).toBeCloseTo(110 / 4, 12);
    expect(r.perInterval).toEqual([30, 20, 30]);
    expect(r.worst).toBe(20);
    expect(Number.isNaN(frameRates([{ ms: 0, frames: 0 }]).mean)).toBe(true);
  });
});

describe('scene cell links and JSON', () => {
  it('the default link has no settings at all unless a particle count is asked', () => {
    expect(defaultHash()).toBe('');
    expect(defaultHash(20_000)).toBe('data.particles=20000');
    expect(() => defaultHash(1.5)).toThrow(RangeError);
  });

  it("the GAN link carries every setting of the preset and reads back as the preset's config", () => {
    const hash = presetHash(GAN_SCENE_PRESET);
    const base = defaultConfig();
    const fromLink = configFromHash(hash, base);
    expect(fromLink.problems).toEqual([]);
    expect(fromLink.config).toEqual(presetConfig(GAN_SCENE_PRESET, base).config);
    expect(fromLink.config.model.kind).toBe('gan');
    expect(configFromHash(presetHash(GAN_SCENE_PRESET, 200_000), base).config.data.particles).toBe(200_000);
    expect(() => presetHash('no-such-preset')).toThrow(RangeError);
  });

  it('names exactly the issue-14 keys, null for what was not measured', () => {
    const json = { ...sceneJson('default', { ...NO_SCENE_FIGURES, fps_mean: 31.5, reverse_pass_s: Number.NaN, first_good_s: 12 }), ...sceneJson('gan', NO_SCENE_FIGURES) };
    expect(Object.keys(json).sort()).toEqual(
      [
        'scene.default.fps_mean',
        'scene.default.fps_worst_second',
        'scene.default.reverse_pass_s',
        'scene.default.reverse_pass_asked_s',
        'scene.default.first_good_s',
        'scene.gan.fps_mean',
        'scene.gan.fps_worst_second',
        'scene.gan.train_steps_per_s',
      ].sort(),
    );
    expect(json['scene.default.fps_mean']).toBe(31.5);
    expect(json['scene.default.reverse_pass_s']).toBeNull();
    expect(json['scene.default.first_good_s']).toBe(12);
    expect(Object.keys(sceneJson('gan', NO_SCENE_FIGURES, '.n20000'))).toContain('scene.gan.n20000.fps_mean');
  });

  it('parses --scenes particle counts', () => {
    expect(parseScenesArg(['--quick'])).toBeUndefined();
    expect(parseScenesArg(['--scenes', '20000,200000'])).toEqual([20_000, 200_000]);
    expect(() => parseScenesArg(['--scenes', '20k'])).toThrow(RangeError);
    expect(() => parseScenesArg(['--scenes'])).toThrow(RangeError);
  });
});
