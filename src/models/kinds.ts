/**
 * The model-kind registry: one typed entry per generative model of the playground, holding everything
 * that differs between kinds, so that a kind string is resolved once (config validation, the URL, the
 * CLI) and code downstream reads the entry instead of switching on the string. Adding a model is one
 * entry here plus its math.
 *
 * Diffusion family (seed §4–5): DDPM on the VP chain, the NCSN score model on VE noise levels, flow
 * matching on the straight path. Adversarial family (seed §3): GAN, WGAN (weight clipping), WGAN-GP.
 * Pure data and pure functions on tfjs: no DOM, no three.js, nothing from particles/ or session/ (the
 * particle process of a kind is named by {@link ProcessKind} and built in particles/process.ts).
 */
import { DdpmTrainer, type PosteriorVariance } from './ddpm';
import { ExactEpsilon, exactSigmaScore, exactVelocityField, type ExactDenoiser } from './exact-fields';
import type { FieldModel, FieldParametrisation } from './field';
import { FieldNetwork } from './field-network';
import { FlowMatchingTrainer, type Coupling } from './flow-matching';
import type { GanLoss, GeneratorObjective } from './gan';
import { linearFlowPath, vePath, vpPath, type GaussianPath } from './gaussian-path';
import type { LiveTrainer } from './live-trainer';
import type { Activation } from './mlp';
import { geometricSigmas, NcsnTrainer, type ScoreReverse } from './ncsn';
import { EVALS_PER_STEP, type OdeMethod } from './ode-solvers';
import type { Rng } from './random';
import { ddimTimesteps } from './samplers';
import type { NoiseSchedule, ScheduleKind } from './schedules';

/** The diffusion-family models: DDPM, the NCSN score model, flow matching. */
export type DiffusionKind = 'ddpm' | 'score' | 'flow';
/** The adversarial games of seed §3 (the losses of models/gan). */
export type AdversarialKind = GanLoss;
/** Which generative model a scene trains. */
export type ModelKind = DiffusionKind | AdversarialKind;
export type Family = 'diffusion' | 'adversarial';

/**
 * The reverse samplers a user can pick. 'langevin' (annealed Langevin over the noise levels) belongs to
 * the score model; the DDPM uses the others; flow matching its ODE solvers (see each kind's `samplers`).
 */
export type SamplerKind = 'ancestral' | 'ddim' | 'euler' | 'heun' | 'rk4' | 'euler-maruyama' | 'langevin';
export const SAMPLER_KINDS: readonly SamplerKind[] = ['ancestral', 'ddim', 'euler', 'heun', 'rk4', 'euler-maruyama', 'langevin'];

/** Names of a sampler: `label` for the GUI menu, `title` for the HUD. */
export const SAMPLER_NAMES: Readonly<Record<SamplerKind, { readonly label: string; readonly title: string }>> = {
  ancestral: { label: 'DDPM ancestral (T steps)', title: 'ancestral' },
  ddim: { label: 'DDIM', title: 'DDIM' },
  euler: { label: 'ODE Euler', title: 'PF-ODE Euler' },
  heun: { label: 'ODE Heun', title: 'PF-ODE Heun' },
  rk4: { label: 'ODE RK4 (classic)', title: 'PF-ODE RK4' },
  'euler-maruyama': { label: 'reverse SDE (Euler–Maruyama)', title: 'Euler–Maruyama' },
  langevin: { label: 'annealed Langevin (score model)', title: 'annealed Langevin' },
};

/** The ODE method of a sampler choice (the non-ODE samplers fall back to RK4), for the straight path and the VE ODE. */
export function odeMethodOf(sampler: SamplerKind): OdeMethod {
  return sampler === 'euler' || sampler === 'heun' || sampler === 'rk4' ? sampler : 'rk4';
}

/** How a diffusion kind's particles move: the DDPM chain (VP), the VE noise levels, or the straight path. */
export type ProcessKind = 'vp-chain' | 've-levels' | 'straight';

/** The settings a kind reads (a PlaygroundConfig has this shape; models/ does not import config/). */
export interface KindSettings {
  readonly schedule: { readonly kind: ScheduleKind; readonly T: number; readonly betaStart: number; readonly betaEnd: number; readonly sigmaMax: number; readonly sigmaMin: number; readonly levels: number };
  readonly model: { readonly kind: ModelKind; readonly coupling: Coupling; readonly width: number; readonly depth: number; readonly activation: Activation; readonly learningRate: number; readonly batchSize: number; readonly emaDecay: number };
  readonly gan: { readonly objective: GeneratorObjective; readonly dSteps: number; readonly nCritic: number };
  readonly sampling: { readonly sampler: SamplerKind; readonly nfe: number; readonly variance: PosteriorVariance; readonly eta: number; readonly stochasticity: number; readonly langevinSteps: number; readonly langevinDelta: number; readonly field: 'learned' | 'exact' };
}

/** One reverse pass from noise to data: simulation (grid) steps, and network evaluations (NFE). */
export interface PassLength {
  readonly steps: number;
  readonly nfe: number;
}

/**
 * A DDPM pass on T steps: ancestral takes T steps of one evaluation; the grid samplers take the DDIM grid
 * of min(nfe, T) steps (samplers.ddimTimesteps), DDIM and Euler–Maruyama one evaluation a step, the
 * probability-flow ODE EVALS_PER_STEP[method] a step except the last (DDIM's x_0 prediction, one).
 * @throws RangeError for 'langevin' (a score-model sampler).
 */
export function vpPassLength(T: number, sampler: SamplerKind, nfe: number): PassLength {
  if (sampler === 'langevin') throw new RangeError('annealed Langevin samples the score model, not a DDPM');
  if (sampler === 'ancestral') return { steps: T, nfe: T };
  const steps = ddimTimesteps(T, Math.min(nfe, T)).length - 1;
  if (sampler === 'ddim' || sampler === 'euler-maruyama') return { steps, nfe: steps };
  return { steps, nfe: (steps - 1) * EVALS_PER_STEP[sampler] + 1 };
}

/** Flow matching's pass: K grid steps, the last one Euler (one evaluation), the others by `method`. */
export function straightPassLength(K: number, method: OdeMethod): PassLength {
  return { steps: K, nfe: (K - 1) * EVALS_PER_STEP[method] + 1 };
}

/**
 * The score model's pass over L levels: one grid step per level, the last Tweedie's denoising (one
 * evaluation); before it `steps` Langevin updates, one Euler–Maruyama step or one ODE step per level.
 */
export function vePassLength(L: number, reverse: ScoreReverse): PassLength {
  const perLevel = reverse.kind === 'langevin' ? reverse.steps : reverse.kind === 'sde' ? 1 : EVALS_PER_STEP[reverse.method];
  return { steps: L, nfe: (L - 1) * perLevel + 1 };
}

/** What the particles are doing, for the caption's formula. */
export type CaptionMotion = 'forward' | 'reverse' | 'hold';

/** A config setting as [group, key] (the groups a kind's weights may depend on). */
export type SettingPath = readonly ['schedule' | 'gan', string];

interface KindBase<K extends ModelKind> {
  readonly id: K;
  /**
   * Settings besides the network's shape and the data that the trained weights depend on: the DDPM's
   * schedule, the score model's sigma range (its network's time means a noise level through them), a
   * GAN's latent dimension.
   */
  readonly weightSettings: readonly SettingPath[];
  /** The GUI menu's name. */
  readonly label: string;
  /** The short name of the HUD title. */
  readonly title: string;
  /**
   * The update rule the particles follow right now, as TeX in the seed's notation ('' while resting; the
   * games show their objective whatever the motion). Typeset by ui/math.
   */
  caption(motion: CaptionMotion, sampler: SamplerKind): string;
}

/** What a diffusion kind builds: its network and the trainer that owns its optimizer. */
export interface Learner {
  readonly net: FieldNetwork;
  readonly trainer: LiveTrainer;
}

/** A diffusion-family entry. */
export interface DiffusionKindEntry extends KindBase<DiffusionKind> {
  readonly family: 'diffusion';
  /** What the network (and the exact field) outputs. */
  readonly parametrisation: FieldParametrisation;
  readonly process: ProcessKind;
  /** The samplers the model can use, its default first. */
  readonly samplers: readonly SamplerKind[];
  /** The Gaussian path the model samples on (for the schedule plots). */
  path(s: KindSettings): GaussianPath;
  /** The model's own noise levels, descending (the score model's L levels; empty for the others). */
  levels(s: KindSettings): Float64Array;
  /** A fresh network and its trainer on `data` [M, D] (the network first from `rng`, then the trainer). */
  learner(dim: number, data: Float32Array, rng: Rng, s: KindSettings, schedule: NoiseSchedule, levels: Float64Array): Learner;
  /** The exact field of the data in the network's parametrisation (the oracle); does not own the denoiser. */
  exactField(denoiser: ExactDenoiser, s: KindSettings, schedule: NoiseSchedule): FieldModel;
  /** One reverse pass with the sampler the settings pick (see {@link samplerOf}). */
  pass(s: KindSettings): PassLength;
}

/** An adversarial entry: a game of models/gan. */
export interface AdversarialKindEntry extends KindBase<AdversarialKind> {
  readonly family: 'adversarial';
  readonly samplers: readonly SamplerKind[];
  /** Whether the critic's weights are clipped (WGAN; models/gan.clippedCriticGains). */
  readonly clippedCritic: boolean;
  /** The GAN's discriminator D(x) in (0, 1), or a WGAN's critic f (only Lipschitz-bounded; seed §3.5). */
  readonly critic: 'discriminator' | 'wasserstein';
  /** Critic updates per generator update (k for the GAN, n_critic for the WGANs). */
  criticSteps(s: KindSettings): number;
  /** The game's settings for the HUD title. */
  detail(s: KindSettings): string;
}

export type KindEntry = DiffusionKindEntry | AdversarialKindEntry;

/** The settings' sampler if its model has it, else the model's default (a game keeps the configured one). */
export function samplerOf(s: KindSettings): SamplerKind {
  const allowed = MODEL_KIND[s.model.kind].samplers;
  if (allowed.length === 0) return s.sampling.sampler;
  return allowed.includes(s.sampling.sampler) ? s.sampling.sampler : allowed[0];
}

/** The score model's reverse rule for the settings: Langevin on its L levels, or the VE ODE / SDE on NFE levels. */
export function scoreReverseOf(s: KindSettings): ScoreReverse {
  const sampler = samplerOf(s);
  if (sampler === 'langevin') return { kind: 'langevin', steps: s.sampling.langevinSteps, delta: s.sampling.langevinDelta };
  if (sampler === 'euler-maruyama') return { kind: 'sde', lambda: s.sampling.stochasticity };
  return { kind: 'ode', method: odeMethodOf(sampler) };
}

/** The levels the score model's particles walk: its L training levels for Langevin, else NFE geometric levels. */
export function scoreGridLevels(s: KindSettings): Float64Array {
  const { sigmaMax, sigmaMin, levels } = s.schedule;
  return geometricSigmas(sigmaMax, sigmaMin, samplerOf(s) === 'langevin' ? levels : s.sampling.nfe);
}

const ddpm: DiffusionKindEntry = {
  id: 'ddpm',
  family: 'diffusion',
  label: 'DDPM (diffusion)',
  title: 'DDPM',
  weightSettings: [['schedule', 'kind'], ['schedule', 'T'], ['schedule', 'betaStart'], ['schedule', 'betaEnd'], ['schedule', 'betaScaling']],
  parametrisation: 'epsilon',
  process: 'vp-chain',
  samplers: ['ancestral', 'ddim', 'euler', 'heun', 'rk4', 'euler-maruyama'],
  path: (s) => vpPath({ ...s.schedule }),
  levels: () => new Float64Array(0),
  learner: (dim, data, rng, s, schedule) => {
    const net = new FieldNetwork(dim, s.model, rng.fork());
    return { net, trainer: new DdpmTrainer(net, schedule, data, rng.fork(), s.model) };
  },
  exactField: (denoiser, _s, schedule) => new ExactEpsilon(denoiser, schedule),
  pass: (s) => vpPassLength(s.schedule.T, samplerOf(s), s.sampling.nfe),
  caption: (motion, sampler) => {
    if (motion === 'hold') return '';
    // seed §4.1 (forward), §4.2–4.3 (ancestral), DDIM (Song et al. 2021 eq. 12), §5.1 (probability-flow ODE, reverse SDE).
    if (motion === 'forward') return String.raw`x_t = \sqrt{1 - \beta_t}\, x_{t-1} + \sqrt{\beta_t}\, \epsilon`;
    switch (sampler) {
      case 'ddim':
        return String.raw`x_{t-1} = \sqrt{\bar\alpha_{t-1}}\, \hat x_0 + \sqrt{1 - \bar\alpha_{t-1}}\, \epsilon_\theta(x_t, t)`;
      case 'euler':
      case 'heun':
      case 'rk4':
        return String.raw`\frac{dx}{dt} = -\tfrac{1}{2} \beta(t) \left[x + s_\theta(x, t)\right]`;
      case 'euler-maruyama':
        return String.raw`dx = \left[-\tfrac{1}{2} \beta(t)\, x - \beta(t)\, s_\theta(x, t)\right] dt + \sqrt{\beta(t)}\, d\bar w`;
      default:
        return String.raw`x_{t-1} = \frac{1}{\sqrt{\alpha_t}} \left(x_t - \frac{\beta_t}{\sqrt{1 - \bar\alpha_t}}\, \epsilon_\theta(x_t, t)\right) + \sigma_t z`;
    }
  },
};

const score: DiffusionKindEntry = {
  id: 'score',
  family: 'diffusion',
  label: 'score model (NCSN)',
  title: 'Score model (VE)',
  weightSettings: [['schedule', 'sigmaMax'], ['schedule', 'sigmaMin']],
  parametrisation: 'sigma-score',
  process: 've-levels',
  samplers: ['langevin', 'euler', 'heun', 'rk4', 'euler-maruyama'],
  path: (s) => vePath(s.schedule.sigmaMin, s.schedule.sigmaMax),
  levels: (s) => geometricSigmas(s.schedule.sigmaMax, s.schedule.sigmaMin, s.schedule.levels),
  learner: (dim, data, rng, s, _schedule, levels) => {
    // A continuous-time model: a smoother time embedding (see MlpSpec.timeScale).
    const net = new FieldNetwork(dim, { ...s.model, timeScale: 50 }, rng.fork());
    return { net, trainer: new NcsnTrainer(net, levels, data, rng.fork(), s.model) };
  },
  exactField: (denoiser, s) => exactSigmaScore(denoiser, s.schedule.sigmaMax, s.schedule.sigmaMin),
  pass: (s) => vePassLength(scoreGridLevels(s).length, scoreReverseOf(s)),
  caption: (motion, sampler) => {
    if (motion === 'hold') return '';
    // Annealed Langevin with step delta_i = 2 alpha_i (seed's Langevin update, §4.1; Song & Ermon 2019 alg. 1).
    if (motion === 'forward') return String.raw`x_k = x_{k-1} + \sqrt{\sigma_k^2 - \sigma_{k-1}^2}\, z`;
    if (sampler === 'langevin') return String.raw`x \leftarrow x + \frac{\delta_i}{2}\, s_\theta(x, \sigma_i) + \sqrt{\delta_i}\, z, \quad \delta_i = 2\alpha_i`;
    if (sampler === 'euler-maruyama') return String.raw`dx = -\frac{d[\sigma^2]}{dt}\, s_\theta(x, t)\, dt + \sqrt{\frac{d[\sigma^2]}{dt}}\, d\bar w`;
    return String.raw`\frac{dx}{dt} = -\tfrac{1}{2} \frac{d[\sigma^2]}{dt}\, s_\theta(x, t)`;
  },
};

const ODE_NAMES: Readonly<Record<OdeMethod, string>> = { euler: 'Euler', heun: 'Heun', rk4: 'RK4' };

const flow: DiffusionKindEntry = {
  id: 'flow',
  family: 'diffusion',
  label: 'flow matching',
  title: 'Flow matching',
  weightSettings: [],
  parametrisation: 'velocity',
  process: 'straight',
  samplers: ['rk4', 'heun', 'euler'],
  path: () => linearFlowPath(),
  levels: () => new Float64Array(0),
  learner: (dim, data, rng, s) => {
    // A continuous-time model: a smoother time embedding (see MlpSpec.timeScale).
    const net = new FieldNetwork(dim, { ...s.model, timeScale: 50 }, rng.fork());
    return { net, trainer: new FlowMatchingTrainer(net, data, rng.fork(), s.model, s.model.coupling) };
  },
  exactField: (denoiser) => exactVelocityField(denoiser),
  pass: (s) => straightPassLength(s.sampling.nfe, odeMethodOf(samplerOf(s))),
  caption: (motion, sampler) => {
    if (motion === 'hold') return '';
    return motion === 'forward' ? String.raw`x_t = (1 - t)\, x_0 + t\, x_1` : String.raw`\frac{dx}{dt} = v_\theta(x, t), \quad t: 1 \to 0 \quad \text{(${ODE_NAMES[odeMethodOf(sampler)]})}`;
  },
};

/** The games' objectives in TeX (seed §3.1 eq. for L(G, D); §3.5 for the WGAN critic f_w). */
const GAN_OBJECTIVE = String.raw`\min_G \max_D\; \mathbb{E}_{x \sim p_r}[\log D(x)] + \mathbb{E}_{z \sim p_z}[\log(1 - D(G(z)))]`;
const WGAN_CRITIC = String.raw`\mathbb{E}_{x \sim p_r}[f_w(x)] - \mathbb{E}_{z \sim p_z}[f_w(G(z))]`;
const WGAN_OBJECTIVE = String.raw`\min_G \max_{w:\, \|f_w\|_L \le K}\; ${WGAN_CRITIC}`;

/** What every game shares: no sampler (G(z) in one pass), weights that depend on the latent dimension. */
const GAME = { family: 'adversarial', samplers: [], weightSettings: [['gan', 'latentDim']] } as const;

const gan: AdversarialKindEntry = {
  ...GAME,
  id: 'gan',
  label: 'GAN',
  title: 'GAN',
  clippedCritic: false,
  critic: 'discriminator',
  criticSteps: (s) => s.gan.dSteps,
  detail: (s) => `${s.gan.objective} G loss, k = ${s.gan.dSteps}`,
  caption: () => GAN_OBJECTIVE,
};

const wgan: AdversarialKindEntry = {
  ...GAME,
  id: 'wgan',
  label: 'WGAN (weight clipping)',
  title: 'WGAN',
  clippedCritic: true,
  critic: 'wasserstein',
  criticSteps: (s) => s.gan.nCritic,
  detail: (s) => `n_critic = ${s.gan.nCritic}`,
  caption: () => WGAN_OBJECTIVE,
};

const wganGp: AdversarialKindEntry = {
  ...wgan,
  id: 'wgan-gp',
  label: 'WGAN-GP (gradient penalty)',
  title: 'WGAN-GP',
  clippedCritic: false,
  // Gulrajani et al. 2017 eq. 3: the critic's loss adds lambda times the penalty.
  caption: () => String.raw`\min_G \max_w\; ${WGAN_CRITIC} - \lambda\, \mathbb{E}_{\hat x}\big[(\|\nabla_{\hat x} f_w(\hat x)\| - 1)^2\big]`,
};

/** Every kind's entry. */
export const MODEL_KIND: { readonly [K in DiffusionKind]: DiffusionKindEntry } & { readonly [K in AdversarialKind]: AdversarialKindEntry } = {
  ddpm,
  score,
  flow,
  gan,
  wgan,
  'wgan-gp': wganGp,
};

/** The kinds in menu order. */
export const MODEL_KINDS: readonly ModelKind[] = Object.keys(MODEL_KIND) as ModelKind[];

/** The entry of the settings' model kind. */
export function modelKind(s: { readonly model: { readonly kind: ModelKind } }): KindEntry {
  return MODEL_KIND[s.model.kind];
}

/** Whether a model kind is one of the adversarial games rather than a diffusion-family model. */
export function isAdversarialKind(kind: ModelKind): kind is AdversarialKind {
  return MODEL_KIND[kind].family === 'adversarial';
}

/** The entry of a diffusion kind. @throws RangeError for an adversarial kind. */
export function diffusionKind(kind: ModelKind): DiffusionKindEntry {
  const entry = MODEL_KIND[kind];
  if (entry.family !== 'diffusion') throw new RangeError(`${kind} is not a diffusion-family model`);
  return entry;
}

/** The entry of an adversarial kind. @throws RangeError for a diffusion kind. */
export function adversarialKind(kind: ModelKind): AdversarialKindEntry {
  const entry = MODEL_KIND[kind];
  if (entry.family !== 'adversarial') throw new RangeError(`a GAN session needs model gan, wgan or wgan-gp, got ${kind}`);
  return entry;
}

/**
 * The HUD title: the model, the data set's label, then the sampler with its NFE (diffusion; ancestral
 * shows no NFE, flow matching's ODE no "PF-") and whether the field is exact, or the game's settings.
 */
export function kindTitle(s: KindSettings, dataLabel: string): string {
  const entry = modelKind(s);
  if (entry.family === 'adversarial') return `${entry.title} · ${dataLabel} · ${entry.detail(s)}`;
  const used = samplerOf(s);
  const name = entry.process === 'straight' ? SAMPLER_NAMES[used].title.replace('PF-', '') : SAMPLER_NAMES[used].title;
  const nfe = used !== 'ancestral' ? ` (NFE ${entry.pass(s).nfe})` : '';
  return `${entry.title} · ${dataLabel} · ${name}${nfe}${s.sampling.field === 'exact' ? ' · exact field' : ''}`;
}
