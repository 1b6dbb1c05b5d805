/**
 * Issue 15.1: a re-fit to a slow machine is the machine's baseline, not the user's setting, so the URL
 * (SceneController.writeHash) does not take it up; the user's own changes after it and a link's own
 * settings still appear.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SceneController } from '../src/app/scene-controller';
import { defaultConfig, withProfile, type PlaygroundConfig } from '../src/config/playground-config';

/** Small defaults (the start's fit): 2,000 particles, batch 256, a tiny network. */
function fitted(): PlaygroundConfig {
  const c = withProfile(defaultConfig(), { data: { particles: 2_000, dataset: 'gaussians-8' }, model: { batchSize: 256, width: 16, depth: 1 }, schedule: { T: 100 } });
  return c;
}

let hash = '';
const toasts: string[] = [];

function controller(config: PlaygroundConfig, defaults: PlaygroundConfig): SceneController {
  return new SceneController(config, defaults, { toast: (m) => toasts.push(m), refreshGui: () => undefined, repoint: () => undefined, applyLive: () => undefined });
}

beforeEach(() => {
  hash = '';
  toasts.length = 0;
  vi.stubGlobal('location', { pathname: '/', search: '' });
  vi.stubGlobal('history', { replaceState: (_s: unknown, _t: string, url: string) => (hash = url.includes('#') ? url.slice(url.indexOf('#') + 1) : '') });
});
afterEach(() => vi.unstubAllGlobals());

describe('the URL and the machine fit (issue 15.1)', () => {
  it('a re-fit of the particles leaves the hash unchanged; a user change after it still appears', () => {
    const defaults = fitted();
    const scene = controller(fitted(), defaults);
    scene.writeHash();
    expect(hash).toBe('');
    scene.refit({ key: 'data.particles', to: 1_000 });
    expect(scene.config.data.particles).toBe(1_000);
    expect(scene.session.config.data.particles).toBe(1_000);
    expect(hash).toBe('');
    scene.refit({ key: 'model.batchSize', to: 128 });
    expect(scene.config.model.batchSize).toBe(128);
    expect(hash).toBe('');
    // The user's own change after the re-fit: in the URL, against the fitted baseline.
    scene.config.data.particles = 3_000;
    scene.apply({ cause: 'field', group: 'data', key: 'particles' });
    expect(new URLSearchParams(hash).get('data.particles')).toBe('3000');
    expect(new URLSearchParams(hash).has('model.batchSize')).toBe(false);
    // Back to the machine's value: out of the URL again.
    scene.config.data.particles = 1_000;
    scene.apply({ cause: 'field', group: 'data', key: 'particles' });
    expect(hash).toBe('');
    scene.session.dispose();
  });

  it("a link's own particle count wins and stays in the hash through a re-fit of the batch", () => {
    const defaults = fitted();
    const fromLink = withProfile(fitted(), { data: { particles: 1_500 }, model: { learningRate: defaults.model.learningRate * 2 } });
    const scene = controller(fromLink, defaults);
    scene.writeHash();
    const before = new URLSearchParams(hash);
    expect(before.get('data.particles')).toBe('1500');
    scene.refit({ key: 'model.batchSize', to: 128 });
    const after = new URLSearchParams(hash);
    expect(after.get('data.particles')).toBe('1500');
    expect(after.get('model.learningRate')).toBe(before.get('model.learningRate'));
    expect(after.has('model.batchSize')).toBe(false);
    expect(scene.config.data.particles).toBe(1_500);
    scene.session.dispose();
  });
});

describe("the machine's baseline (issue 15.1)", () => {
  it('moves with each re-fit and is a copy (changing it changes nothing)', () => {
    const scene = controller(fitted(), fitted());
    expect(scene.machineDefaults.data.particles).toBe(2_000);
    scene.refit({ key: 'data.particles', to: 1_000 });
    const base = scene.machineDefaults;
    expect(base.data.particles).toBe(1_000);
    expect(base.model.batchSize).toBe(256);
    expect(scene.defaults.data.particles).toBe(2_000);
    base.data.particles = 7_000;
    expect(scene.machineDefaults.data.particles).toBe(1_000);
    scene.session.dispose();
  });
});

describe('a re-fit and tfjs memory (issue 15.1)', () => {
  it('a re-fit of the particles and of the batch leaves no tensor behind once the session is disposed', () => {
    const before = tf.memory().numTensors;
    const scene = controller(fitted(), fitted());
    scene.refit({ key: 'data.particles', to: 1_000 });
    scene.refit({ key: 'model.batchSize', to: 128 });
    scene.session.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
