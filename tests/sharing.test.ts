import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, MODEL_KINDS, type PlaygroundConfig } from '../src/config/playground-config';
import { validateConfig } from '../src/config/validate-config';
import { presetFromJson, presetToJson } from '../src/config/preset-file';
import { presetConfig, PRESETS } from '../src/config/presets';
import { configFromHash, configToHash } from '../src/config/url-hash';
import { DiffusionSession } from '../src/session/diffusion-session';
import { GanSession } from '../src/session/gan-session';

type Session = DiffusionSession | GanSession;
const make = (c: PlaygroundConfig): Session => (c.model.kind.includes('gan') ? new GanSession(c) : new DiffusionSession(c));
/** Everything that makes a scene: its particles and all its weights, after a few training steps. */
function fingerprint(s: Session): number[] {
  for (let i = 0; i < 3; i++) s.trainStep();
  s.simulate();
  const vars = s instanceof GanSession ? [...s.gan.generator.variables, ...s.gan.critic.variables] : s.net.variables;
  return [...s.particles.current.dataSync(), ...vars.flatMap((v) => Array.from(v.dataSync()))];
}

describe('built-in presets', () => {
  it('one per model, and one per GAN problem of seed §3.4', () => {
    for (const kind of MODEL_KINDS) expect(PRESETS.some((p) => presetConfig(p.name, defaultConfig()).config.model.kind === kind), kind).toBe(true);
    for (const problem of ['gan-mode-collapse', 'gan-vanishing-gradient', 'gan-oscillation']) expect(PRESETS.map((p) => p.name)).toContain(problem);
  });

  it('every built-in preset survives a preset file and a link exactly', () => {
    for (const p of PRESETS) {
      const c = presetConfig(p.name, defaultConfig()).config;
      expect(presetFromJson(presetToJson(p.label, c), defaultConfig())).toEqual({ name: p.label, config: c, problems: [] });
      expect(configFromHash(configToHash(c))).toEqual({ config: c, problems: [] });
    }
  });
});

describe('a shared link rebuilds the same scene', () => {
  it.each([
    ['flow, seed 1234, odd floats', { data: { dataset: 'rings', particles: 1000, seed: 1234 }, model: { kind: 'flow', width: 32, depth: 2, batchSize: 64, learningRate: 0.0012345678901234567 }, sampling: { sampler: 'heun', nfe: 7 }, view: { pointSize: 2.7182818284590455, fieldT: 0.1 + 0.2 } }],
    ['WGAN-GP, seed 99', { data: { dataset: 'gaussians-25', particles: 1000, seed: 99 }, model: { kind: 'wgan-gp', width: 32, depth: 2, batchSize: 64 }, gan: { gpLambda: 2.5, latentDim: 3 } }],
  ])('%s: same config, same particles and weights after training', (_name, input) => {
    const { config, problems } = validateConfig(input);
    expect(problems).toEqual([]);
    const hash = configToHash(config);
    expect(hash).toContain('data.seed=');
    const opened = configFromHash(`#${hash}`);
    expect(opened).toEqual({ config, problems: [] });
    expect(opened.config.view.fieldT).toBe(config.view.fieldT); // floats bit for bit (0.30000000000000004 stays so)
    const before = tf.memory().numTensors;
    const [a, b] = [make(config), make(opened.config)];
    expect(fingerprint(b)).toEqual(fingerprint(a));
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
