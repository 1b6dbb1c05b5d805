/**
 * Issue 15 items 6-8 outside the page: the sampler after a model round trip, the warning for a large
 * learning rate on a trained model, the HUD's backend after a lost GPU, the training chart's axis room,
 * the flow preset's chart metric, and the light theme's colours.
 */
import { describe, expect, it, vi } from 'vitest';
import { Color } from 'three/webgpu';
import { defaultConfig } from '../src/config/playground-config';
import { findPreset } from '../src/config/presets';
import { presetFromJson } from '../src/config/preset-file';
import { learningRateWarning, samplerAfter, LEARNING_RATE_WARN_FACTOR } from '../src/app/scene-controller';
import { recoveredChoice } from '../src/app/startup';
import { axisWidth } from '../src/ui/training-chart';
import { criticColor, setPaletteTheme, THEMES } from '../src/scene/palette';
import type { BackendChoice } from '../src/platform/tf-backend';
import { togglePause } from '../src/app/scene-keys';
import { pauseLabel } from '../src/ui/hud';
import { applyLiveSettings } from '../src/app/live-settings';

describe('a model change by hand starts the new model on its default sampler', () => {
  it('DDPM -> flow matching -> DDPM ends on ancestral, not RK4', () => {
    const c = defaultConfig();
    expect(c.model.kind).toBe('ddpm');
    const kind = { cause: 'field', group: 'model', key: 'kind' } as const;
    c.model.kind = 'flow';
    c.sampling.sampler = samplerAfter(kind, c);
    expect(c.sampling.sampler).toBe('rk4');
    c.model.kind = 'ddpm';
    c.sampling.sampler = samplerAfter(kind, c);
    expect(c.sampling.sampler).toBe('ancestral');
  });

  it('other changes (a link, a preset, the sampler itself) keep the chosen sampler', () => {
    const c = defaultConfig();
    c.sampling.sampler = 'rk4';
    expect(samplerAfter({ cause: 'url' }, c)).toBe('rk4');
    expect(samplerAfter({ cause: 'preset', name: 'x' }, c)).toBe('rk4');
    expect(samplerAfter({ cause: 'field', group: 'sampling', key: 'sampler' }, c)).toBe('rk4');
  });
});

describe('raising the learning rate far above its default on a trained model is said', () => {
  const lr = { cause: 'field', group: 'model', key: 'learningRate' } as const;
  it(`warns above ${LEARNING_RATE_WARN_FACTOR}x the default after training, not before nor below`, () => {
    const d = defaultConfig();
    const c = defaultConfig();
    c.model.learningRate = 0.05; // the slider's top, 10x the default 5e-3
    expect(learningRateWarning(lr, c, d, 0)).toBeNull();
    c.model.learningRate = 0.049;
    expect(learningRateWarning(lr, c, d, 500)).toBeNull();
    c.model.learningRate = 0.0501;
    const more = { ...d, model: { ...d.model, learningRate: 0.004 } };
    expect(learningRateWarning(lr, c, more, 500)).toMatch(/13x its default .*a large step can undo training/);
  });

  it('a GAN player\'s rate likewise', () => {
    const d = defaultConfig();
    const c = defaultConfig();
    c.gan.criticLearningRate = 0.02; // 20x 1e-3
    expect(learningRateWarning({ cause: 'field', group: 'gan', key: 'criticLearningRate' }, c, d, 10)).toMatch(/^D \/ critic learning rate 0\.020 is 20x/);
    expect(learningRateWarning({ cause: 'field', group: 'gan', key: 'generatorLearningRate' }, c, d, 10)).toBeNull();
  });
});

describe('after a lost GPU the HUD says so', () => {
  const cpu: BackendChoice = { name: 'wasm', reason: 'wasm: …', short: 'wasm (WebAssembly SIMD on the CPU)', failedNames: [], device: null, skipped: ['webgpu: skipped'], failed: [], software: true };
  it('names the lost backend and its reason, not "no hardware GPU found"', () => {
    const c = recoveredChoice(cpu, { lostBackend: 'webgpu', reason: 'Device was destroyed.' });
    expect(c.short).toBe('wasm (WebAssembly SIMD on the CPU) · the webgpu GPU was lost (Device was destroyed.); restarted on the CPU');
    expect(c.skipped).toEqual([]); // the HUD adds "no hardware GPU found" only for skipped backends
    expect(recoveredChoice(cpu, null)).toBe(cpu);
  });
});

describe('the training chart gives its axes room for their labels', () => {
  it('the widest label plus the ticks, never less than the minimum', () => {
    const measure = (s: string): number => 6.2 * s.length; // a 10 px font's digits
    expect(axisWidth(['0.0010', '0.0020', '0.0040'], measure)).toBe(Math.ceil(6.2 * 6 + 18));
    expect(axisWidth(['1', '2'], measure)).toBe(30);
    expect(axisWidth(null, measure, 40)).toBe(40);
  });
});

describe('presets and messages', () => {
  it('the flow preset plots the straightness it tells the user to watch', () => {
    const flow = findPreset('flow-two-moons-ot');
    expect(flow?.description).toMatch(/straightness/);
    expect(flow?.settings.view?.metric).toBe('straightness');
  });

  it('a JSON error is kept whole up to 400 characters (was cut at 80)', () => {
    // Chromium's messages run past 80 characters: "Expected double-quoted property name in JSON at position 158 (line 1 column 159)".
    const long = `Expected double-quoted property name in JSON at position 158 (line 1 column 159) ${'x'.repeat(60)}`;
    const parse = vi.spyOn(JSON, 'parse').mockImplementation(() => {
      throw new SyntaxError(long);
    });
    let message = '';
    try {
      presetFromJson('{"name": "x", }', defaultConfig());
    } catch (e) {
      message = (e as Error).message;
    } finally {
      parse.mockRestore();
    }
    expect(message).toBe(`not a JSON file (${long})`);
  });
});

describe('the light theme is legible', () => {
  const lightness = (css: string): number => {
    const hsl = { h: 0, s: 0, l: 0 };
    new Color().setStyle(css).getHSL(hsl);
    return hsl.l;
  };
  it('the critic map stays light (white in the middle, no dark navy) and the dark theme keeps its dark middle', () => {
    setPaletteTheme('light');
    try {
      for (let t = 0; t <= 1; t += 0.05) expect(lightness(criticColor(t))).toBeGreaterThan(0.35);
      expect(lightness(criticColor(0.5))).toBeGreaterThan(0.85); // white (lightness in three's linear working space)
    } finally {
      setPaletteTheme('dark');
    }
    expect(lightness(criticColor(0.5))).toBeLessThan(0.2);
  });

  it('the data is a saturated dark colour, drawn more than twice as opaque as on the dark stage', () => {
    const hsl = { h: 0, s: 0, l: 0 };
    new Color(THEMES.light.data).getHSL(hsl);
    expect(hsl.s).toBeGreaterThan(0.6);
    expect(hsl.l).toBeLessThan(0.45);
    expect(THEMES.light.dataOpacity).toBeGreaterThan(2 * THEMES.dark.dataOpacity);
  });
});

describe('space pauses the particles and training together, shift+space training alone', () => {
  it('space from running pauses both; from half-paused pauses both; from both paused resumes both', () => {
    expect(togglePause({ particles: false, training: false }, false)).toEqual({ particles: true, training: true });
    expect(togglePause({ particles: true, training: false }, false)).toEqual({ particles: true, training: true });
    expect(togglePause({ particles: true, training: true }, false)).toEqual({ particles: false, training: false });
    expect(togglePause({ particles: false, training: false }, true)).toEqual({ particles: false, training: true });
    expect(togglePause({ particles: false, training: true }, true)).toEqual({ particles: false, training: false });
  });

  it('the HUD says which is paused', () => {
    expect(pauseLabel(true, true)).toBe('particles and training paused');
    expect(pauseLabel(true, false)).toBe('particles paused (training goes on)');
    expect(pauseLabel(false, true)).toBe('training paused');
    expect(pauseLabel(false, false)).toBe('');
  });

  it('paused training takes no training time in the loop', () => {
    const c = defaultConfig();
    const budgets: number[] = [];
    const loop = { setStepsPerSecond: () => undefined, setTrainBudgetMs: (ms: number) => budgets.push(ms), paused: false };
    let paced = 0;
    const pacer = { apply: () => paced++ };
    c.model.trainPaused = true;
    applyLiveSettings(loop as unknown as Parameters<typeof applyLiveSettings>[0], c, pacer);
    c.model.trainPaused = false;
    applyLiveSettings(loop as unknown as Parameters<typeof applyLiveSettings>[0], c, pacer);
    expect(budgets).toEqual([0, c.model.trainBudgetMs]);
    expect(paced).toBe(2); // the pace (steps per second, rest at the ends) is the pacer's
  });
});
