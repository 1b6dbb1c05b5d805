/**
 * The scene controller: owns the config (edited in place: the GUI's controllers hold its group objects),
 * the user's own data and the running session. Every change goes through {@link SceneController.apply}
 * with a typed {@link ApplyReason}, or replaces the session through {@link SceneController.replaceSession};
 * both end in the one re-point hook that points the view and the charts at the session.
 */
import { cloneConfig, CONFIG_SCHEMA, effectiveSampler, isAdversarialKind, MODEL_SAMPLERS, type ConfigGroup, type Field, type PlaygroundConfig } from '../config/playground-config';
import { validateConfig } from '../config/validate-config';
import { configToHash } from '../config/url-hash';
import type { PointSet } from '../data/datasets';
import type { LoadedData } from '../data/point-data';
import type { DivergenceEvent } from '../models/divergence-guard';
import { divergenceMessage } from './hud-warnings';
import { createSession, sessionWithWeights, type Session, type WeightsScene } from '../session/create-session';
import type { ReadWeights } from '../session/saved-weights';
import { SAMPLER_NAMES, type SamplerKind } from '../models/kinds';
import { savedFileMessage } from './saved-files';
import type { Refit } from './machine-fit';

/** Why the config is applied: a GUI field, a preset, an edited link, the pause key. Never a display label. */
export type ApplyReason =
  | { readonly cause: 'field'; readonly group: ConfigGroup; readonly key: string }
  | { readonly cause: 'preset'; readonly name: string }
  | { readonly cause: 'url' }
  | { readonly cause: 'pause' };

/** A toast's kind and how long it stays (s). */
export type Toast = (message: string, kind?: 'info' | 'error', seconds?: number) => void;

/** What the controller asks of the rest of the app. */
export interface SceneHooks {
  readonly toast: Toast;
  /** The GUI's controls from the config. */
  readonly refreshGui: () => void;
  /**
   * Points the view and the charts at `session` after any change (the one re-point path).
   * @param fresh training starts from scratch (a new session, network or data): the charts restart.
   */
  readonly repoint: (session: Session, fresh: boolean) => void;
  /** The loop's live settings (rate, budget, pause) from the config. */
  readonly applyLive: () => void;
}

/** Groups of a config, each with some of its fields (a whole config, or a few fields). */
export type ConfigPatch = { readonly [G in ConfigGroup]?: Partial<PlaygroundConfig[G]> };

/** The reason as the messages name it: the field's label, "Preset 'x'", "URL", "Pause". */
export function reasonLabel(reason: ApplyReason): string {
  if (reason.cause === 'preset') return `Preset '${reason.name}'`;
  if (reason.cause === 'url') return 'URL';
  if (reason.cause === 'pause') return 'Pause';
  const label = (CONFIG_SCHEMA as unknown as Record<string, Record<string, Field>>)[reason.group][reason.key].label;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/**
 * The sampler after `reason` changed the config: a model change by hand (the GUI's model field) starts
 * the new model on its own default sampler (the first of its samplers, e.g. DDPM's ancestral), so that a
 * round trip through another model does not leave DDPM on RK4; any other change keeps the config's sampler.
 */
export function samplerAfter(reason: ApplyReason, config: PlaygroundConfig): SamplerKind {
  const own = MODEL_SAMPLERS[config.model.kind];
  if (reason.cause === 'field' && reason.group === 'model' && reason.key === 'kind' && own.length > 0) return own[0];
  return config.sampling.sampler;
}

/** How many times the default learning rate a trained model may be given without a warning. */
export const LEARNING_RATE_WARN_FACTOR = 10;

/**
 * A warning when `reason` raised a learning rate above {@link LEARNING_RATE_WARN_FACTOR} times its
 * default on a model that has trained (`trainSteps` > 0): a large step can undo the training. null otherwise.
 */
export function learningRateWarning(reason: ApplyReason, config: PlaygroundConfig, defaults: PlaygroundConfig, trainSteps: number): string | null {
  if (reason.cause !== 'field' || trainSteps <= 0) return null;
  const rates: Readonly<Record<string, number | undefined>> =
    reason.group === 'model' ? { learningRate: config.model.learningRate } : reason.group === 'gan' ? { generatorLearningRate: config.gan.generatorLearningRate, criticLearningRate: config.gan.criticLearningRate } : {};
  const value = rates[reason.key];
  const base = reason.group === 'model' ? defaults.model.learningRate : reason.key === 'generatorLearningRate' ? defaults.gan.generatorLearningRate : defaults.gan.criticLearningRate;
  if (value === undefined || !(value > LEARNING_RATE_WARN_FACTOR * base)) return null;
  return `${reasonLabel(reason)} ${value.toPrecision(2)} is ${Math.round(value / base)}x its default (${base.toPrecision(2)}): a large step can undo training (the losses may jump back to untrained values).`;
}

/** The scene's state and the one way to change it. */
export class SceneController {
  /** The user's own points (a file or a drawing), normalised; used while config.data.source is 'custom'. */
  customData: PointSet | null = null;
  private current: Session;
  /**
   * What the URL leaves out: the defaults (fitted to this machine at start), moved by each re-fit
   * ({@link refit}). A machine's fit is its baseline, not the user's setting: a link copied on a slow
   * machine must not force its particle count on a fast one.
   */
  private readonly baseline: PlaygroundConfig;

  /**
   * Builds the first session from `config` (validated by the caller).
   * @param defaults what links leave out (the CPU profile without a hardware GPU).
   * @throws RangeError on settings the model rejects.
   */
  constructor(
    readonly config: PlaygroundConfig,
    readonly defaults: PlaygroundConfig,
    private readonly hooks: SceneHooks,
  ) {
    this.baseline = cloneConfig(defaults);
    this.current = createSession(config, null);
    this.current.onDivergence = (e) => this.onDivergence(e);
  }

  /** The machine's baseline: the fitted defaults with every re-fit since (what the URL leaves out; a pasted link's missing fields could come from it). */
  get machineDefaults(): PlaygroundConfig {
    return cloneConfig(this.baseline);
  }

  /** The running session. */
  get session(): Session {
    return this.current;
  }

  /** Copies `patch` into the config group by group (the GUI's controllers keep their group objects). */
  adopt(patch: ConfigPatch): void {
    for (const g of Object.keys(patch) as ConfigGroup[]) Object.assign(this.config[g], patch[g]);
  }

  /**
   * Mirrors the config in the URL: only what differs from the machine's baseline (the fitted defaults and
   * any re-fit since), so the user's own changes and a link's own settings, never the machine's fit.
   */
  writeHash(): void {
    const hash = configToHash(this.config, this.baseline);
    history.replaceState(null, '', `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`);
  }

  /**
   * Validates the (edited) config in place, applies it to the session (a new one for another family of
   * models), re-points the view, says what was rebuilt, and mirrors the config in the GUI, the loop
   * and the URL. A change the session refuses leaves it running and says why.
   */
  apply(reason: ApplyReason): void {
    const { config: valid, problems } = validateConfig(this.config, this.defaults);
    for (const p of problems) this.hooks.toast(p, 'error');
    this.adopt(valid);
    const config = this.config;
    config.sampling.sampler = samplerAfter(reason, config);
    const sampler = effectiveSampler(config);
    if (sampler !== config.sampling.sampler && !isAdversarialKind(config.model.kind)) {
      const names = MODEL_SAMPLERS[config.model.kind].map((k) => SAMPLER_NAMES[k].title).join(', ');
      this.hooks.toast(`This model samples with ${names}; using ${SAMPLER_NAMES[sampler].title}.`);
      config.sampling.sampler = sampler;
    }
    this.hooks.refreshGui();
    const what = reasonLabel(reason);
    try {
      const family = isAdversarialKind(config.model.kind) ? 'adversarial' : 'diffusion';
      let rebuilt: ReturnType<Session['apply']>;
      if (family !== this.current.family) {
        // Another family of models: a new session (the old one keeps running until the new one is built).
        this.replaceSession(createSession(config, this.customData));
        rebuilt = 'data';
      } else {
        rebuilt = this.current.apply(config, this.customData);
        this.hooks.repoint(this.current, rebuilt === 'data' || rebuilt === 'model');
      }
      // A preset says it once itself (startPreset): one toast per preset, not two.
      if (reason.cause !== 'preset' && rebuilt === 'data') {
        const dataSet = reason.cause === 'field' && reason.group === 'data' && reason.key === 'dataset';
        this.hooks.toast(`${dataSet ? `Data set: ${this.current.sceneData.label}` : `${what} changed`}. Retraining from scratch.`);
      } else if (reason.cause !== 'preset' && rebuilt === 'model') {
        this.hooks.toast(`${what} changed: new network, retraining from scratch.`);
      }
      const warning = learningRateWarning(reason, config, this.defaults, this.current.trainSteps);
      if (warning !== null) this.hooks.toast(warning, 'error', 8);
    } catch (e) {
      this.hooks.toast(`Could not apply ${what}: ${(e as Error).message}`, 'error');
    }
    this.hooks.applyLive();
    this.writeHash();
  }

  /**
   * A re-fit to this machine (app/startup's re-fit watch, machine-fit's RefitWatch): `to` becomes both
   * the setting and the machine's baseline, then goes through {@link apply} as that field's change. The
   * URL therefore does not take it up; a setting the user or a link made elsewhere stays in it.
   */
  refit(change: Pick<Refit, 'key' | 'to'>): void {
    if (change.key === 'data.particles') {
      this.config.data.particles = change.to;
      this.baseline.data.particles = change.to;
      this.apply({ cause: 'field', group: 'data', key: 'particles' });
    } else {
      this.config.model.batchSize = change.to;
      this.baseline.model.batchSize = change.to;
      this.apply({ cause: 'field', group: 'model', key: 'batchSize' });
    }
  }

  /** Replaces the running session (disposing the old one) and re-points the view and the charts at it. */
  replaceSession(next: Session): void {
    if (next !== this.current) this.current.dispose();
    this.current = next;
    next.onDivergence = (e) => this.onDivergence(e);
    this.hooks.repoint(next, true);
  }

  /** A preset is a scene from its start: its settings, then fresh weights even where the network's shape did not change. */
  startPreset(patch: ConfigPatch, name: string): void {
    this.adopt(patch);
    this.apply({ cause: 'preset', name });
    this.current.resetWeights();
    this.hooks.repoint(this.current, true);
    this.hooks.toast(`${reasonLabel({ cause: 'preset', name })}: training from scratch.`);
  }

  /**
   * The user's own data (a file or a drawing) becomes the scene's data. A set the session refuses
   * leaves the scene as it was, with a message. @param label how the messages name it.
   */
  useData(loaded: LoadedData, label: string): void {
    const previous = { data: this.customData, source: this.config.data.source };
    this.customData = loaded.set;
    this.config.data.source = 'custom';
    try {
      const rebuilt = this.current.apply(this.config, this.customData);
      if (rebuilt !== 'data') throw new Error('the data did not change');
    } catch (e) {
      this.customData = previous.data;
      this.config.data.source = previous.source;
      this.hooks.toast(`Could not use ${label}: ${(e as Error).message}`, 'error');
      return;
    }
    this.hooks.repoint(this.current, true);
    this.hooks.refreshGui();
    this.writeHash();
    this.hooks.toast(`${label}: ${loaded.set.count.toLocaleString('en')} points (${loaded.set.dim}D), centred and scaled to unit variance. Retraining from scratch.`, 'info', 6);
  }

  /**
   * Trained weights (a file, or the copy kept across a lost GPU) go into a scene built off to the side
   * with the settings they were trained under; the running one is kept until they fit.
   * @param fileName how the messages name the source.
   */
  useWeights(read: ReadWeights, fileName: string): void {
    let loaded: WeightsScene;
    try {
      loaded = sessionWithWeights(this.config, read, this.customData);
    } catch (e) {
      this.hooks.toast(savedFileMessage(fileName, e), 'error');
      return;
    }
    const { session: candidate, config: next, changes, notes } = loaded;
    this.adopt(next);
    this.replaceSession(candidate);
    this.hooks.refreshGui();
    this.hooks.applyLive();
    this.writeHash();
    const steps = read.doc.trainSteps.toLocaleString('en');
    this.hooks.toast(`Weights '${read.doc.name}' loaded (${steps} training steps)${changes.length > 0 ? `; the scene takes the settings they were trained under: ${changes.join(', ')}` : ''}.`, 'info', 8);
    for (const n of notes) this.hooks.toast(`${fileName}: ${n}`, 'info', 8);
  }

  /** Training diverged and the session rolled it back: the halved learning rates go into the config (GUI, URL), and a toast says so (or why training stopped). */
  private onDivergence(e: DivergenceEvent): void {
    const s = this.current.config;
    this.adopt({ model: { learningRate: s.model.learningRate }, gan: { generatorLearningRate: s.gan.generatorLearningRate, criticLearningRate: s.gan.criticLearningRate } });
    this.hooks.refreshGui();
    this.writeHash();
    this.hooks.toast(divergenceMessage(e), 'error', e.stopped === null ? 10 : 20);
  }
}
