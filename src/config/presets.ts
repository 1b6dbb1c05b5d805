/**
 * Built-in named scenes: one per model (DDPM, score model, flow matching, GAN, WGAN, WGAN-GP), and the GAN problems of the seed's §3.4 set up so that
 * they happen (mode collapse, a vanishing generator gradient under a strong discriminator, oscillation
 * without convergence) with a WGAN-GP on the same data for contrast. A preset is a partial config laid
 * over the defaults and validated like any other input.
 *
 * The GAN settings were measured on 8 Gaussians (3 x 64 networks, batch 128, seed 1; tests/presets.test.ts
 * checks each phenomenon): mode collapse sits on 2 of 8 modes from about 500 steps; the oscillating game
 * keeps changing which modes it covers; the strong discriminator drives E_g D(x) towards 0.
 */
import { validateConfig, type ValidatedConfig } from './validate-config';
import { type PlaygroundConfig, WHOLE_FRAME_MS } from './playground-config';

/** A partial config: any group, any subset of its fields. */
export type PartialConfig = { [G in keyof PlaygroundConfig]?: Partial<PlaygroundConfig[G]> };

/** A named scene. */
export interface Preset {
  readonly name: string;
  readonly label: string;
  /** One sentence for the GUI: what to look at. */
  readonly description: string;
  readonly settings: PartialConfig;
}

/**
 * Small, fast GAN networks: the problems show within a few hundred steps. Training may take a whole
 * frame ({@link WHOLE_FRAME_MS}): the loop's governor gives it everything that drawing and simulating
 * leave of a 30 fps frame, so the game trains as hard as the machine allows without taking the frame
 * rate below 30 (the 200 ms of old gave 4 fps). The scene draws 2,000 particles, so that on a CPU (wasm)
 * the hundreds of steps a problem needs take about a minute rather than three: the game itself
 * (networks, batch, steps) is what tests/presets.test.ts checks.
 */
const GAN_NETS = { width: 64, depth: 3, batchSize: 128, trainBudgetMs: WHOLE_FRAME_MS } as const;
/** Fewer particles than the CPU default (4,000): cheaper frames, and the modes still read clearly. */
const GAN_DATA = { dataset: 'gaussians-8', particles: 2000 } as const;

export const PRESETS: readonly Preset[] = [
  {
    name: 'ddpm-two-moons',
    label: 'DDPM on two moons',
    description: 'The default scene: a DDPM trains live and its particles loop between the data and noise.',
    settings: {},
  },
  {
    name: 'score-8-gaussians',
    label: 'Score model, annealed Langevin',
    description: 'Denoising score matching on 8 Gaussians, sampled by annealed Langevin over 10 noise levels; score arrows on.',
    settings: { data: { dataset: 'gaussians-8' }, model: { kind: 'score' }, sampling: { sampler: 'langevin' }, view: { fieldLines: 'arrows' } },
  },
  {
    name: 'flow-two-moons-ot',
    label: 'Flow matching with minibatch OT',
    description: 'Flow matching on two moons with optimal-transport pairs: watch the straightness (chord / path length) rise in the training chart.',
    settings: { model: { kind: 'flow', coupling: 'minibatch-ot' }, sampling: { sampler: 'rk4', nfe: 20 }, view: { trails: 16, metric: 'straightness' } },
  },
  {
    name: 'gan-8-gaussians',
    label: 'GAN on 8 Gaussians',
    description: 'A GAN with the non-saturating generator loss; the discriminator as a heat map, the generator manifold over it.',
    settings: { data: GAN_DATA, model: { kind: 'gan', ...GAN_NETS } },
  },
  {
    name: 'wgan-8-gaussians',
    label: 'WGAN (weight clipping) on 8 Gaussians',
    description: 'The Wasserstein critic kept Lipschitz by clipping its weights to [-c, c], 5 critic steps per G step: compare its estimate of W1 with the exact W1 in the panel.',
    settings: { data: { dataset: 'gaussians-8' }, model: { kind: 'wgan', ...GAN_NETS } },
  },
  {
    name: 'gan-mode-collapse',
    label: 'GAN problem: mode collapse',
    description: 'Large steps for both players: the generator settles on a couple of the 8 modes and stays there (seed §3.4).',
    settings: { data: GAN_DATA, model: { kind: 'gan', ...GAN_NETS }, gan: { generatorLearningRate: 0.01, criticLearningRate: 0.01 } },
  },
  {
    name: 'gan-vanishing-gradient',
    label: 'GAN problem: vanishing gradient',
    description: 'The minimax loss log(1 - D(G(z))) against a strong discriminator (5 steps per G step, larger steps): D(G(z)) nears 0 and so does the generator gradient; push arrows on.',
    settings: {
      data: GAN_DATA,
      model: { kind: 'gan', ...GAN_NETS },
      gan: { objective: 'minimax', dSteps: 5, criticLearningRate: 0.005, pushArrows: true },
    },
  },
  {
    name: 'gan-oscillation',
    label: 'GAN problem: oscillation',
    description: 'The generator steps five times larger than the discriminator: the game keeps moving between modes without converging.',
    settings: { data: GAN_DATA, model: { kind: 'gan', ...GAN_NETS }, gan: { generatorLearningRate: 0.01, criticLearningRate: 0.002 } },
  },
  {
    name: 'wgan-gp-contrast',
    label: 'WGAN-GP on the same data',
    description: 'The Wasserstein critic with a gradient penalty on the same 8 Gaussians: W1 falls steadily and no mode is dropped; the critic as a 3D surface.',
    settings: { data: GAN_DATA, model: { kind: 'wgan-gp', ...GAN_NETS }, gan: { landscape: 'surface' } },
  },
  {
    name: 'wgan-clip-contrast',
    label: 'WGAN (weight clipping) on the same data',
    description: 'The original WGAN: the critic clipped to [-c, c], c = 0.01, RMSProp, 5 critic steps per G step; its estimate E_r f - E_g f is K W1 for an unknown K (compare its shape with the exact W1 in the panel); the critic as a 3D surface.',
    settings: { data: GAN_DATA, model: { kind: 'wgan', ...GAN_NETS }, gan: { landscape: 'surface' } },
  },
];

/** The preset called `name`, or undefined. */
export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

/**
 * The config of a preset: `base` (e.g. the defaults for this machine) with the preset's settings laid
 * over it, validated. @throws RangeError for an unknown name.
 */
export function presetConfig(name: string, base: PlaygroundConfig): ValidatedConfig {
  const preset = findPreset(name);
  if (preset === undefined) throw new RangeError(`unknown preset '${name}'; the presets are ${PRESETS.map((p) => p.name).join(', ')}`);
  const merged: Record<string, unknown> = {};
  for (const [group, values] of Object.entries(base)) merged[group] = { ...values, ...(preset.settings as Record<string, object>)[group] };
  return validateConfig(merged, base);
}
