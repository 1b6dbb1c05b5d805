/**
 * The one typed configuration of a scene. The GUI, the URL, presets and the CLI all read and write
 * this shape, and every value from outside passes validateConfig (validate-config.ts) first.
 *
 * {@link CONFIG_SCHEMA} describes every field once: its default, its range or options, its label, and
 * what a change to it invalidates (so the app knows whether to retrain, rebuild particles or just redraw).
 */
import type { DatasetName } from '../data/datasets';
import { DATASET_NAMES, datasetInfo } from '../data/datasets';
import type { PosteriorVariance } from '../models/ddpm';
import { ACTIVATIONS, type Activation } from '../models/mlp';
import { DEFAULT_LANGEVIN } from '../models/ncsn';
import { BETA_SCALINGS, type BetaScaling, type ScheduleKind } from '../models/schedules';
import { COUPLINGS, type Coupling } from '../models/flow-matching';
import { GENERATOR_OBJECTIVES, type GeneratorObjective } from '../models/gan';
import type { Phase } from '../models/field';
import { PASS_STEPS_MODES, type PassStepsMode } from '../loop/pass-pace';
import { isAdversarialKind, MODEL_KIND, MODEL_KINDS, SAMPLER_KINDS, SAMPLER_NAMES, samplerOf, type ModelKind, type SamplerKind } from '../models/kinds';

export type { Phase, PassStepsMode };
export type { ModelKind };
export { isAdversarialKind, MODEL_KINDS };
/** The quality metric the training chart follows (samples against the data; models/metrics), or the straightness of reverse passes. */
export type ChartMetric = 'energy-distance' | 'sliced-w1' | 'mmd' | 'w1' | 'mode-coverage' | 'straightness' | 'off';
export const CHART_METRICS: readonly ChartMetric[] = ['energy-distance', 'sliced-w1', 'mmd', 'w1', 'mode-coverage', 'straightness', 'off'];
/** How the GAN landscape is shown: a heat map under the particles, a 3D surface they ride on, or not at all. */
export type LandscapeView = 'heat-map' | 'surface' | 'off';
/** Which discriminator the landscape shows: the learned D (or critic f), or the optimal D* = p_r / (p_r + p_g). */
export type LandscapeSource = 'learned' | 'optimal';
/**
 * Where a scene's data comes from: a built-in data set (`data.dataset`), or a point set handed to the
 * session with the config (loaded from a CSV or an image, or drawn; see data/loaders and
 * session/scene-data). A config says 'custom' but never holds the points: a link or a preset cannot
 * carry them.
 */
export type DataSource = 'built-in' | 'custom';
export const DATA_SOURCES: readonly DataSource[] = ['built-in', 'custom'];
/** Which epsilon the reverse process uses: the live network, or the exact field of the data (oracle). */
export type FieldSource = 'learned' | 'exact';
/** Particle colouring: by the current diffusion time t, or by the data cluster a particle started in. */
export type ColorMode = 'time' | 'cluster';
/** How the field is drawn over the 2D scene: not at all, arrows on a grid, or streamlines. */
export type FieldLines = 'off' | 'arrows' | 'streamlines';
export const FIELD_LINES: readonly FieldLines[] = ['off', 'arrows', 'streamlines'];
/**
 * The heat map under the 2D particles: the exact log-density log p_t of the noised data, the norm of the
 * score of the field in use, or the norm of the learned field minus the exact one (the arrows' parametrisation).
 */
export type HeatMap = 'off' | 'log-density' | 'score-norm' | 'error';
export const HEAT_MAPS: readonly HeatMap[] = ['off', 'log-density', 'score-norm', 'error'];

export interface PlaygroundConfig {
  data: { dataset: DatasetName; source: DataSource; particles: number; seed: number };
  schedule: { kind: ScheduleKind; T: number; betaStart: number; betaEnd: number; betaScaling: BetaScaling; sigmaMax: number; sigmaMin: number; levels: number };
  model: { kind: ModelKind; coupling: Coupling; width: number; depth: number; activation: Activation; learningRate: number; batchSize: number; emaDecay: number; trainBudgetMs: number; trainPaused: boolean };
  gan: {
    objective: GeneratorObjective;
    dSteps: number;
    nCritic: number;
    generatorLearningRate: number;
    criticLearningRate: number;
    clip: number;
    gpLambda: number;
    latentDim: number;
    landscape: LandscapeView;
    landscapeOf: LandscapeSource;
    manifold: boolean;
    pushArrows: boolean;
  };
  sampling: { phase: Phase; secondsPerPass: number; passSteps: PassStepsMode; field: FieldSource; sampler: SamplerKind; nfe: number; variance: PosteriorVariance; eta: number; stochasticity: number; clipX0: boolean; langevinSteps: number; langevinDelta: number; paused: boolean };
  view: { pointSize: number; colorMode: ColorMode; showData: boolean; showSchedule: boolean; fieldLines: FieldLines; heatMap: HeatMap; fieldFollow: boolean; fieldT: number; trails: number; metric: ChartMetric };
}

export type ConfigGroup = keyof PlaygroundConfig;

/** The samplers each model can use, its default first (from the registry, models/kinds). */
export const MODEL_SAMPLERS: Readonly<Record<ModelKind, readonly SamplerKind[]>> = Object.fromEntries(MODEL_KINDS.map((k) => [k, MODEL_KIND[k].samplers])) as Record<ModelKind, readonly SamplerKind[]>;

/** Menu labels of the model kinds and the samplers (value -> label), from the registry. */
export const KIND_LABELS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(MODEL_KINDS.map((k) => [k, MODEL_KIND[k].label])),
  ...Object.fromEntries(SAMPLER_KINDS.map((k) => [k, SAMPLER_NAMES[k].label])),
};

/** A relevance rule: whether the config's model kind is one of `kinds`. */
const only = (...kinds: ModelKind[]) => (c: PlaygroundConfig): boolean => kinds.includes(c.model.kind);
/** A relevance rule: the diffusion-family models. */
const diffusion = (c: PlaygroundConfig): boolean => !isAdversarialKind(c.model.kind);
/** A relevance rule: the model kind is one of `kinds` and its effective sampler one of `samplers`. */
const sampledBy = (kinds: readonly ModelKind[], ...samplers: SamplerKind[]) => (c: PlaygroundConfig): boolean => kinds.includes(c.model.kind) && samplers.includes(effectiveSampler(c));

/** Settings only some models read (the GUI hides the others). */
const ONLY_FOR: Partial<Record<string, (c: PlaygroundConfig) => boolean>> = {
  // Custom data is chosen by loading it, not from a menu; while it is in use, this switches back.
  'data.dataset': (c) => c.data.source === 'built-in',
  'data.source': (c) => c.data.source === 'custom',
  ...Object.fromEntries(['kind', 'T', 'betaStart', 'betaEnd'].map((k) => [`schedule.${k}`, only('ddpm')])),
  ...Object.fromEntries(['sigmaMax', 'sigmaMin', 'levels'].map((k) => [`schedule.${k}`, only('score')])),
  'schedule.betaScaling': (c) => only('ddpm')(c) && c.schedule.kind === 'linear',
  'model.coupling': only('flow'),
  'gan.objective': only('gan'),
  'gan.dSteps': only('gan'),
  'gan.nCritic': only('wgan', 'wgan-gp'),
  'gan.clip': only('wgan'),
  'gan.gpLambda': only('wgan-gp'),
  ...Object.fromEntries(['model.learningRate', 'model.emaDecay', 'sampling.phase', 'sampling.secondsPerPass', 'sampling.passSteps', 'sampling.field', 'sampling.sampler', 'view.fieldLines', 'view.heatMap', 'view.fieldFollow', 'view.fieldT'].map((k) => [k, diffusion])),
  // The NFE sets the grid of every sampler but DDPM's ancestral one and the score model's Langevin (on its own levels).
  'sampling.nfe': (c) => diffusion(c) && !['ancestral', 'langevin'].includes(effectiveSampler(c)),
  'sampling.variance': sampledBy(['ddpm'], 'ancestral'),
  'sampling.eta': sampledBy(['ddpm'], 'ddim'),
  'sampling.clipX0': only('ddpm'),
  'sampling.stochasticity': sampledBy(['ddpm', 'score'], 'euler-maruyama'),
  'sampling.langevinSteps': sampledBy(['score'], 'langevin'),
  'sampling.langevinDelta': sampledBy(['score'], 'langevin'),
  'view.metric': (c) => c.view.showSchedule,
};

/** The GAN scene's views that exist only over the 2D data plane (the landscape, the manifold mesh, the push arrows). */
const PLANE_ONLY = new Set(['gan.landscape', 'gan.landscapeOf', 'gan.manifold', 'gan.pushArrows']);

/**
 * The data dimension of a config's scene: the built-in data set's, or for custom data `customDim`
 * (the loaded set's dimension; 2 when unknown).
 */
export function dataDimOf(config: PlaygroundConfig, customDim?: number): number {
  if (config.data.source === 'custom') return customDim ?? 2;
  return datasetInfo(config.data.dataset).dim;
}

/**
 * Whether the scene reads `group.key` under `config` (e.g. DDIM's eta only with the DDIM sampler, the
 * weight clip only for WGAN, the GAN landscape only over 2D data). Every setting is kept and validated
 * either way; the GUI hides the others.
 * @param customDim the dimension of the loaded custom data set, if any (see {@link dataDimOf}).
 */
export function isRelevant(group: ConfigGroup, key: string, config: PlaygroundConfig, customDim?: number): boolean {
  if (group === 'gan' && !isAdversarialKind(config.model.kind)) return false;
  if (PLANE_ONLY.has(`${group}.${key}`) && dataDimOf(config, customDim) !== 2) return false;
  return ONLY_FOR[`${group}.${key}`]?.(config) ?? true;
}

/** The sampler a scene actually uses: the configured one if its model has it, else the model's default (models/kinds.samplerOf). */
export const effectiveSampler: (config: PlaygroundConfig) => SamplerKind = samplerOf;

/**
 * What a change invalidates, from most to least costly:
 * data (new points, new particles, retrain), schedule / model (new network, retrain), particles (new
 * particle set), training (optimizer settings only), live (read every frame, nothing to rebuild).
 */
export type Invalidates = 'data' | 'model' | 'particles' | 'training' | 'live';

interface FieldBase {
  readonly label: string;
  readonly invalidates: Invalidates;
}
/** A numeric field; `log` asks the GUI for a logarithmic slider. */
export interface NumberField extends FieldBase {
  readonly kind: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly integer: boolean;
  readonly log?: boolean;
}
export interface ChoiceField<T extends string = string> extends FieldBase {
  readonly kind: 'choice';
  readonly default: T;
  readonly options: readonly T[];
}
export interface BooleanField extends FieldBase {
  readonly kind: 'boolean';
  readonly default: boolean;
}
export type Field = NumberField | ChoiceField | BooleanField;

const num = (label: string, def: number, min: number, max: number, step: number, invalidates: Invalidates, extra: Partial<NumberField> = {}): NumberField => ({
  kind: 'number', label, default: def, min, max, step, integer: Number.isInteger(step) && Number.isInteger(min), invalidates, ...extra,
});
const choice = <T extends string>(label: string, def: T, options: readonly T[], invalidates: Invalidates): ChoiceField<T> => ({ kind: 'choice', label, default: def, options, invalidates });
const bool = (label: string, def: boolean, invalidates: Invalidates): BooleanField => ({ kind: 'boolean', label, default: def, invalidates });

/** Every field of {@link PlaygroundConfig}, with defaults, ranges and invalidation. */
export const CONFIG_SCHEMA = {
  data: {
    dataset: choice<DatasetName>('data set', 'two-moons', DATASET_NAMES, 'data'),
    source: choice<DataSource>('data source', 'built-in', DATA_SOURCES, 'data'),
    particles: num('particles', 20_000, 1_000, 200_000, 1_000, 'particles'),
    seed: num('seed', 1, 0, 2 ** 31 - 1, 1, 'data'),
  },
  schedule: {
    kind: choice<ScheduleKind>('schedule', 'linear', ['linear', 'cosine'], 'model'),
    T: num('T (steps)', 1000, 10, 4000, 10, 'model'),
    betaStart: num('beta_1', 1e-4, 1e-5, 0.01, 1e-5, 'model', { log: true, integer: false }),
    betaEnd: num('beta_T', 0.02, 1e-3, 0.2, 1e-3, 'model', { log: true, integer: false }),
    betaScaling: choice<BetaScaling>('betas scale with 1000 / T', 'per-1000-steps', BETA_SCALINGS, 'model'),
    sigmaMax: num('sigma_max (score model)', 3, 0.2, 50, 0.1, 'model', { integer: false }),
    sigmaMin: num('sigma_min (score model)', 0.05, 0.001, 1, 0.001, 'model', { log: true, integer: false }),
    levels: num('noise levels L (score model)', 10, 2, 100, 1, 'model'),
  },
  model: {
    kind: choice<ModelKind>('model', 'ddpm', MODEL_KINDS, 'model'),
    coupling: choice<Coupling>('coupling (flow)', 'independent', COUPLINGS, 'training'),
    width: num('width', 128, 16, 512, 16, 'model'),
    depth: num('hidden layers', 3, 1, 6, 1, 'model'),
    activation: choice<Activation>('activation', 'silu', ACTIVATIONS, 'model'),
    learningRate: num('learning rate', 5e-3, 1e-5, 0.05, 1e-5, 'training', { log: true, integer: false }),
    batchSize: num('batch size', 512, 32, 8192, 32, 'training'),
    emaDecay: num('EMA decay (sampling)', 0.99, 0, 0.9999, 0.0001, 'training', { integer: false }),
    // The most training may take of a frame: the loop's governor gives it less when the frame would fall below 30 fps (FRAME_TARGET_MS).
    trainBudgetMs: num('train ms / frame (at most)', 8, 0, 200, 1, 'live'),
    trainPaused: bool('training paused', false, 'live'),
  },
  gan: {
    objective: choice<GeneratorObjective>('generator loss (GAN)', 'non-saturating', GENERATOR_OBJECTIVES, 'training'),
    dSteps: num('D steps per G step (GAN k)', 1, 1, 20, 1, 'training'),
    nCritic: num('critic steps per G step (WGAN n_critic)', 5, 1, 20, 1, 'training'),
    generatorLearningRate: num('G learning rate', 1e-3, 1e-5, 0.05, 1e-5, 'training', { log: true, integer: false }),
    criticLearningRate: num('D / critic learning rate', 1e-3, 1e-5, 0.05, 1e-5, 'training', { log: true, integer: false }),
    clip: num('weight clip c (WGAN)', 0.01, 0.001, 1, 0.001, 'training', { log: true, integer: false }),
    gpLambda: num('gradient penalty lambda (WGAN-GP)', 1, 0, 100, 0.1, 'training', { integer: false }),
    latentDim: num('latent dimension k', 2, 1, 8, 1, 'model'),
    landscape: choice<LandscapeView>('landscape', 'heat-map', ['heat-map', 'surface', 'off'], 'live'),
    landscapeOf: choice<LandscapeSource>('landscape of', 'learned', ['learned', 'optimal'], 'live'),
    manifold: bool('generator manifold G(grid)', true, 'live'),
    pushArrows: bool('generator push arrows', false, 'live'),
  },
  sampling: {
    phase: choice<Phase>('phase', 'loop', ['forward', 'reverse', 'loop'], 'live'),
    secondsPerPass: num('seconds per pass', 4, 0.5, 60, 0.1, 'live', { integer: false }),
    passSteps: choice<PassStepsMode>('steps per pass', 'fit', PASS_STEPS_MODES, 'live'),
    field: choice<FieldSource>('field', 'learned', ['learned', 'exact'], 'live'),
    sampler: choice<SamplerKind>('sampler', 'ancestral', SAMPLER_KINDS, 'live'),
    nfe: num('NFE (grid samplers)', 50, 2, 1000, 1, 'live'),
    variance: choice<PosteriorVariance>('sigma_t^2', 'betaTilde', ['beta', 'betaTilde'], 'live'),
    eta: num('DDIM eta', 0, 0, 1, 0.01, 'live', { integer: false }),
    stochasticity: num('SDE <-> ODE (lambda)', 1, 0, 1, 0.01, 'live', { integer: false }),
    clipX0: bool('clip predicted x_0 to the data', true, 'live'),
    langevinSteps: num('Langevin steps / level', DEFAULT_LANGEVIN.stepsPerLevel, 1, 100, 1, 'live'),
    langevinDelta: num('Langevin Delta (at sigma_min)', DEFAULT_LANGEVIN.delta, 1e-6, 0.1, 1e-6, 'live', { log: true, integer: false }),
    paused: bool('paused', false, 'live'),
  },
  view: {
    pointSize: num('point size', 3, 0.5, 12, 0.1, 'live', { integer: false }),
    colorMode: choice<ColorMode>('colour by', 'time', ['time', 'cluster'], 'live'),
    showData: bool('show data', true, 'live'),
    showSchedule: bool('show plots (path, training)', true, 'live'),
    fieldLines: choice<FieldLines>('field lines (2D)', 'off', FIELD_LINES, 'live'),
    heatMap: choice<HeatMap>('heat map (2D)', 'off', HEAT_MAPS, 'live'),
    fieldFollow: bool('field t follows particles', true, 'live'),
    fieldT: num('field t / T (when not following)', 0.5, 0, 1, 0.01, 'live', { integer: false }),
    trails: num('trails (steps, 0 = off)', 0, 0, 64, 1, 'live'),
    metric: choice<ChartMetric>('chart metric (vs the data)', 'energy-distance', CHART_METRICS, 'live'),
  },
} as const satisfies { [G in ConfigGroup]: { [K in keyof PlaygroundConfig[G]]: Field } };

/**
 * The frame time the loop holds while training, ms (30 frames a second): the loop's frame governor
 * (loop/frame-governor) measures each frame and gives training what is left, at most `model.trainBudgetMs`.
 */
export const FRAME_TARGET_MS = 1000 / 30;

/**
 * A training cap of a whole frame at {@link FRAME_TARGET_MS} (34 ms, the field is whole ms): "train as hard
 * as the frame allows", everything that drawing and simulating leave of a 30 fps frame (the GAN presets).
 */
export const WHOLE_FRAME_MS = Math.ceil(FRAME_TARGET_MS);

/**
 * Settings for a machine without a hardware GPU, where the math runs on wasm: fewer particles and a
 * smaller batch. Applied at start to the fields that the URL does not set (app/machine-fit refines them
 * from a measured probe). The training cap is 10 ms a frame; the governor (see {@link CPU_LOOP}) gives
 * less when the frame would fall below 30 fps, and runs a step that costs more every few frames.
 */
export const CPU_PROFILE = {
  data: { particles: 4_000 },
  model: { batchSize: 256, trainBudgetMs: 10 },
} as const satisfies { [G in ConfigGroup]?: Partial<PlaygroundConfig[G]> };

/**
 * The loop's settings without a hardware GPU (GameLoop options): the frame governor holds 30 fps
 * (`targetFrameMs`) and gives training what is left; the simulation's budget is an average (`amortize`),
 * so a reverse step of thousands of particles (tens of ms of wasm) runs every few frames instead of
 * setting the frame rate, 10 ms a frame; and the frame is drawn first (`renderFirst`), so that
 * SwiftShader draws on the other core while the page simulates and trains.
 */
export const CPU_LOOP = { simBudgetMs: 10, amortize: true, renderFirst: true, targetFrameMs: FRAME_TARGET_MS } as const;

/** The loop's settings with a hardware GPU: the frame governor holds 30 fps (training at most `model.trainBudgetMs`). */
export const GPU_LOOP = { targetFrameMs: FRAME_TARGET_MS } as const;

/** `base` with the fields of `profile` overwritten (a new object). */
export function withProfile(base: PlaygroundConfig, profile: { [G in ConfigGroup]?: Partial<PlaygroundConfig[G]> }): PlaygroundConfig {
  const out = cloneConfig(base);
  for (const g of Object.keys(profile) as ConfigGroup[]) Object.assign(out[g], profile[g]);
  return out;
}

/** The default scene: two moons, 20k particles, DDPM with the linear schedule, looping. */
export function defaultConfig(): PlaygroundConfig {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [group, fields] of Object.entries(CONFIG_SCHEMA)) {
    out[group] = {};
    for (const [key, field] of Object.entries(fields)) out[group][key] = (field as Field).default;
  }
  return out as unknown as PlaygroundConfig;
}

/** Deep copy (configs are plain data). */
export function cloneConfig(c: PlaygroundConfig): PlaygroundConfig {
  return structuredClone(c);
}
