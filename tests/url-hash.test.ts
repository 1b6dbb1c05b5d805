import { describe, expect, it } from 'vitest';
import { CPU_PROFILE, defaultConfig, withProfile } from '../src/config/playground-config';
import { validateConfig } from '../src/config/validate-config';
import { configFromHash, configToHash, MAX_HASH_LENGTH } from '../src/config/url-hash';

describe('config <-> URL hash', () => {
  it('the default config is the empty hash', () => {
    expect(configToHash(defaultConfig())).toBe('');
    expect(configFromHash('')).toEqual({ config: defaultConfig(), problems: [] });
    expect(configFromHash('#')).toEqual({ config: defaultConfig(), problems: [] });
  });

  it('round-trips every kind of field exactly', () => {
    const c = defaultConfig();
    c.data.dataset = 'torus-knot';
    c.data.particles = 123_000;
    c.schedule.kind = 'cosine';
    c.schedule.betaStart = 0.00037;
    c.model.learningRate = 0.0123;
    c.model.emaDecay = 0;
    c.sampling.paused = true;
    c.view.showData = false;
    const hash = configToHash(c);
    expect(hash).toContain('data.dataset=torus-knot');
    expect(hash).not.toContain('data.seed'); // defaults are left out
    expect(configFromHash(`#${hash}`)).toEqual({ config: c, problems: [] });
  });

  it('reports bad values and unknown keys, and keeps the rest', () => {
    const { config, problems } = configFromHash('#model.width=abc&data.particles=1e9&data.dataset=%3Cscript%3E&evil=1&sampling.phase=&sampling.paused=yes&model.depth=2');
    expect(config.model.depth).toBe(2);
    expect(config.model.width).toBe(128);
    expect(config.data.particles).toBe(200_000); // clamped to the slider's maximum
    expect(config.data.dataset).toBe('two-moons');
    expect(problems.join('\n')).toMatch(/unknown URL setting 'evil'/);
    expect(problems.join('\n')).toMatch(/model\.width: must be a finite number \(got "abc"\)/);
    expect(problems.join('\n')).toMatch(/data\.particles: 1000000000 is above the maximum 200000; using 200000/);
    expect(problems.join('\n')).toMatch(/data\.dataset: must be one of/);
    expect(problems.join('\n')).toMatch(/sampling\.phase: must be one of/);
    expect(problems.join('\n')).toMatch(/sampling\.paused: must be true or false/);
    expect(problems).toHaveLength(6);
  });

  it('carries the field views (lines, heat map, field t) and rejects the old boolean view.fieldArrows', () => {
    const c = defaultConfig();
    Object.assign(c.view, { fieldLines: 'streamlines', heatMap: 'log-density', fieldFollow: false, fieldT: 0.35 });
    const hash = configToHash(c);
    expect(hash).toBe('view.fieldLines=streamlines&view.heatMap=log-density&view.fieldFollow=false&view.fieldT=0.35');
    expect(configFromHash(hash)).toEqual({ config: c, problems: [] });
    const old = configFromHash('#view.fieldArrows=true&view.heatMap=contours');
    expect(old.config.view).toEqual(defaultConfig().view);
    expect(old.problems.join('\n')).toMatch(/unknown URL setting 'view.fieldArrows'/);
    expect(old.problems.join('\n')).toMatch(/view\.heatMap: must be one of off, log-density, score-norm, error/);
  });

  it('never throws on hostile input', () => {
    for (const h of ['#%%%', '#__proto__.x=1', '#constructor.prototype=1', '#a'.repeat(MAX_HASH_LENGTH), '#=&=&', '#data..x=1', '#\u0000']) {
      const r = configFromHash(h);
      expect(validateConfig(r.config).problems).toEqual([]);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    }
    expect(configFromHash('#' + 'x'.repeat(MAX_HASH_LENGTH + 1)).problems[0]).toMatch(/longer than/);
  });

  it('reports a setting given twice', () => {
    const { config, problems } = configFromHash('#data.particles=-5&data.particles=1000');
    expect(config.data.particles).toBe(1000);
    expect(problems).toEqual(['data.particles is given more than once; the last one is used']);
  });

  it('falls back on the given defaults (e.g. the CPU profile), and links record only what differs from them', () => {
    const cpu = withProfile(defaultConfig(), CPU_PROFILE);
    const { config, problems } = configFromHash('#data.particles=1e999&data.dataset=rings', cpu);
    expect(config.data.particles).toBe(4000);
    expect(problems[0]).toMatch(/finite number \(got Infinity\); using 4000$/);
    expect(configToHash(config, cpu)).toBe('data.dataset=rings');
    expect(configFromHash('', cpu).config).toEqual(cpu);
  });

  it('the CPU profile holds valid values', () => {
    expect(validateConfig(withProfile(defaultConfig(), CPU_PROFILE)).problems).toEqual([]);
  });
});
