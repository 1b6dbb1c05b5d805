import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, effectiveSampler, KIND_LABELS, MODEL_SAMPLERS, type PlaygroundConfig } from '../src/config/playground-config';
import { validateConfig } from '../src/config/validate-config';
import { adversarialKind, diffusionKind, isAdversarialKind, kindTitle, MODEL_KIND, MODEL_KINDS, modelKind, SAMPLER_KINDS, samplerOf, type ModelKind } from '../src/models/kinds';
import { DiffusionSession } from '../src/session/diffusion-session';
import { smallConfig } from './session-helpers';

/** A small validated config of `kind` with sampling settings. */
const config = (kind: ModelKind, sampling: Record<string, unknown> = {}, schedule: Record<string, unknown> = {}): PlaygroundConfig => smallConfig({ model: { kind }, sampling, schedule });

describe('the model-kind registry', () => {
  it('resolves every kind of the config schema to its own entry, once each, in menu order', () => {
    expect(CONFIG_SCHEMA.model.kind.options).toEqual(MODEL_KINDS);
    expect(MODEL_KINDS).toEqual(['ddpm', 'score', 'flow', 'gan', 'wgan', 'wgan-gp']);
    for (const k of MODEL_KINDS) {
      expect(MODEL_KIND[k].id).toBe(k);
      expect(modelKind({ model: { kind: k } })).toBe(MODEL_KIND[k]);
      expect(isAdversarialKind(k)).toBe(MODEL_KIND[k].family === 'adversarial');
    }
    expect(MODEL_KINDS.filter(isAdversarialKind)).toEqual(['gan', 'wgan', 'wgan-gp']);
    expect(() => diffusionKind('gan')).toThrow(RangeError);
    expect(() => adversarialKind('flow')).toThrow(RangeError);
    expect(diffusionKind('flow').process).toBe('straight');
    expect(adversarialKind('wgan').clippedCritic).toBe(true);
  });

  it('has unique labels and titles, and the GUI reads the labels from it', () => {
    const labels = MODEL_KINDS.map((k) => MODEL_KIND[k].label);
    const titles = MODEL_KINDS.map((k) => MODEL_KIND[k].title);
    expect(new Set(labels).size).toBe(MODEL_KINDS.length);
    expect(new Set(titles).size).toBe(MODEL_KINDS.length);
    for (const k of MODEL_KINDS) expect(KIND_LABELS[k]).toBe(MODEL_KIND[k].label);
  });

  it("puts each diffusion kind's default sampler first in its list, and falls back to it for a sampler the model lacks", () => {
    for (const k of MODEL_KINDS) {
      const entry = MODEL_KIND[k];
      expect(MODEL_SAMPLERS[k]).toEqual(entry.samplers);
      for (const s of entry.samplers) expect(SAMPLER_KINDS).toContain(s);
      if (entry.family === 'adversarial') {
        expect(entry.samplers).toEqual([]);
        continue;
      }
      expect(entry.samplers.length).toBeGreaterThan(0);
      const lacking = SAMPLER_KINDS.find((s) => !entry.samplers.includes(s));
      expect(lacking).toBeDefined();
      const c = config(k, { sampler: lacking });
      expect(samplerOf(c)).toBe(entry.samplers[0]);
      expect(effectiveSampler(c)).toBe(entry.samplers[0]);
    }
    expect(MODEL_KIND.ddpm.samplers[0]).toBe('ancestral');
    expect(MODEL_KIND.score.samplers[0]).toBe('langevin');
    expect(MODEL_KIND.flow.samplers[0]).toBe('rk4');
  });

  it('gives the pass length of the old reverseNfe / reversePassSteps / CLI passSteps on a few configs, equal to the particle process', () => {
    const cases: [ModelKind, Record<string, unknown>, Record<string, unknown>, number, number][] = [
      ['ddpm', { sampler: 'ancestral' }, { T: 50 }, 50, 50],
      ['ddpm', { sampler: 'ddim', nfe: 10 }, { T: 50 }, 10, 10],
      ['ddpm', { sampler: 'heun', nfe: 10 }, { T: 50 }, 10, 9 * 2 + 1],
      ['ddpm', { sampler: 'euler-maruyama', nfe: 200 }, { T: 50 }, 50, 50],
      ['score', { sampler: 'langevin', langevinSteps: 3 }, { levels: 10 }, 10, 9 * 3 + 1],
      ['score', { sampler: 'rk4', nfe: 6 }, {}, 6, 5 * 4 + 1],
      ['score', { sampler: 'euler-maruyama', nfe: 7 }, {}, 7, 7],
      ['flow', { sampler: 'rk4', nfe: 8 }, {}, 8, 7 * 4 + 1],
      ['flow', { sampler: 'euler', nfe: 8 }, {}, 8, 8],
    ];
    for (const [kind, sampling, schedule, steps, nfe] of cases) {
      const c = config(kind, sampling, schedule);
      expect(diffusionKind(kind).pass(c), `${kind} ${JSON.stringify(sampling)}`).toEqual({ steps, nfe });
      const s = new DiffusionSession(c);
      expect(s.pass).toEqual({ steps, nfe });
      s.dispose();
    }
  });

  it('titles the HUD from the entry: model, data, sampler with its NFE, exact field; or the game and its settings', () => {
    expect(kindTitle(config('ddpm', { sampler: 'ddim', nfe: 10 }, { T: 50 }), 'Two moons')).toBe('DDPM · Two moons · DDIM (NFE 10)');
    expect(kindTitle(config('ddpm', { sampler: 'ancestral', field: 'exact' }), 'Two moons')).toBe('DDPM · Two moons · ancestral · exact field');
    expect(kindTitle(config('flow', { sampler: 'heun', nfe: 5 }), 'Rings')).toBe('Flow matching · Rings · ODE Heun (NFE 9)');
    expect(kindTitle(config('score', { sampler: 'rk4', nfe: 6 }), 'Rings')).toBe('Score model (VE) · Rings · PF-ODE RK4 (NFE 21)');
    expect(kindTitle(config('gan'), 'Rings')).toBe('GAN · Rings · non-saturating G loss, k = 1');
    expect(kindTitle(config('wgan-gp'), 'Rings')).toBe('WGAN-GP · Rings · n_critic = 5');
  });

  it('is resolved at the boundary: validation rejects a kind outside the registry', () => {
    const { config: c, problems } = validateConfig({ model: { kind: 'vae' } });
    expect(c.model.kind).toBe('ddpm');
    expect(problems.join()).toMatch(/model\.kind/);
  });

  it('keeps the layers: nothing in models/ imports particles/, session/, config/ or the DOM layers', () => {
    const dir = join(__dirname, '../src/models');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(imports.filter((i) => /^\.\.\/(particles|session|config|loop|scene|ui|app)\//.test(i)), file).toEqual([]);
    }
  });
});
