/**
 * Trained weights of a live session to a weights file and back (format: models/weights-file). The
 * file stores the config the weights were trained under; loading checks it against the scene.
 *
 * What is saved: DDPM / score model / flow matching: the network ('net') and, when the trainer keeps
 * one, its exponential moving average ('ema', what the samplers use). GAN / WGAN / WGAN-GP: the
 * generator and the discriminator / critic. The optimizer's moments are not saved: training resumes
 * with fresh Adam / RMSProp moments.
 *
 * The fields that give the weights their shape and meaning ({@link weightFields}: the model, its
 * width, depth, activation, latent dimension, the data set, and the DDPM schedule or the score model's
 * sigma range) must agree with the scene the weights are loaded into; {@link adoptWeightsConfig}
 * makes a scene's config agree and says what it changed.
 */
import * as tf from '@tensorflow/tfjs';
import { modelKind } from '../models/kinds';
import { cloneConfig, type ConfigGroup, type PlaygroundConfig } from '../config/playground-config';
import { validateConfig } from '../config/validate-config';
import { decodeWeights, encodeWeights, WeightsFileError, type WeightsDocument, type WeightTensor } from '../models/weights-file';
import { DiffusionSession } from './diffusion-session';
import { GanSession } from './gan-session';

/** A config field, as [group, key]. */
export type FieldPath = readonly [ConfigGroup, string];

/**
 * The fields whose values the weights depend on under `config`: the network's shape (model kind,
 * width, depth, activation; a GAN's latent dimension), the data (its set, hence its dimension and what
 * was learned), and for DDPM the schedule, for the score model its sigma range (the network's input
 * time means a noise level through them).
 */
export function weightFields(config: PlaygroundConfig): FieldPath[] {
  const fields: FieldPath[] = [['model', 'kind'], ['model', 'width'], ['model', 'depth'], ['model', 'activation'], ['data', 'source'], ['data', 'dataset']];
  return [...fields, ...modelKind(config).weightSettings];
}

const get = (c: PlaygroundConfig, [g, k]: FieldPath): unknown => (c as unknown as Record<string, Record<string, unknown>>)[g][k];

/** One weight field that differs between the scene and the file. */
export interface FieldDifference {
  readonly field: string;
  readonly scene: unknown;
  readonly saved: unknown;
}

/**
 * The weight fields (of the saved config's model) on which `scene` and `saved` differ. The data fields
 * are skipped for weights trained on custom points (a file never carries them; shapes still must fit).
 */
export function weightDifferences(scene: PlaygroundConfig, saved: PlaygroundConfig): FieldDifference[] {
  // Weights trained on someone's own points fit any data of the same dimension (the tensor shapes decide).
  const anyData = saved.data.source === 'custom';
  return weightFields(saved)
    .filter((f) => !(anyData && f[0] === 'data'))
    .filter((f) => get(scene, f) !== get(saved, f))
    .map((f) => ({ field: `${f[0]}.${f[1]}`, scene: get(scene, f), saved: get(saved, f) }));
}

/**
 * `scene` with the weight fields of `saved` (everything else, e.g. the view, the sampler, the particle
 * count and the learning rate, stays as in the scene), and one line per field it changed, e.g.
 * "model.width 128 -> 64". A saved custom data source becomes the scene's data when it has its own
 * points (`customAvailable`), else the scene's built-in set, with a note: a file never carries points.
 */
export function adoptWeightsConfig(scene: PlaygroundConfig, saved: PlaygroundConfig, customAvailable: boolean): { config: PlaygroundConfig; changes: string[]; notes: string[] } {
  const out = cloneConfig(scene);
  const changes: string[] = [];
  const notes: string[] = [];
  for (const [g, k] of weightFields(saved)) {
    // For weights trained on custom points the saved data set means nothing: the scene keeps its own.
    if (g === 'data' && k === 'dataset' && saved.data.source === 'custom') continue;
    let value = get(saved, [g, k]);
    if (g === 'data' && k === 'source' && value === 'custom') {
      notes.push(customAvailable ? 'the weights were trained on someone\'s own points, which a file does not carry: they meet the data loaded here' : 'the weights were trained on someone\'s own points, which a file does not carry: using the built-in data set');
      value = customAvailable ? 'custom' : 'built-in';
    }
    const target = (out as unknown as Record<string, Record<string, unknown>>)[g];
    if (target[k] !== value) {
      changes.push(`${g}.${k} ${String(target[k])} -> ${String(value)}`);
      target[k] = value;
    }
  }
  return { config: validateConfig(out, scene).config, changes, notes };
}

/** The variables of each network of a session, by the names a weights file uses. */
export function sessionNetworks(session: DiffusionSession | GanSession): Record<string, tf.Variable[]> {
  if (session instanceof GanSession) return { generator: session.gan.generator.variables, critic: session.gan.critic.variables };
  const nets: Record<string, tf.Variable[]> = { net: session.net.variables };
  const sampling = session.trainer.samplingNet;
  if (sampling !== session.net) nets.ema = sampling.variables;
  return nets;
}

/**
 * The session's weights and config as a weights file (JSON text). Reads every weight back: a user
 * action, not for the frame loop.
 */
export async function saveWeights(session: DiffusionSession | GanSession, name: string): Promise<string> {
  // A snapshot first, all at the same step: training goes on while the reads are in flight, and an
  // optimizer step replaces (and frees) a variable's data, which an async read of the variable itself
  // would then miss (tfjs on WebGPU fails with "reading 'backend'"). Clones keep the data alive.
  const trainSteps = session.trainSteps;
  const config = cloneConfig(session.config);
  const snapshot = Object.entries(sessionNetworks(session)).map(([key, vars]) => [key, vars.map((v) => tf.clone(v))] as const);
  try {
    const networks: Record<string, WeightTensor[]> = {};
    for (const [key, copies] of snapshot) {
      networks[key] = await Promise.all(copies.map(async (c) => ({ shape: [...c.shape], values: (await c.data()) as Float32Array })));
    }
    return encodeWeights({ name, trainSteps, config, networks, timeScale: session instanceof DiffusionSession ? session.net.spec.timeScale : undefined });
  } finally {
    for (const [, copies] of snapshot) tf.dispose(copies);
  }
}

/** A weights file read and its config validated (see {@link decodeWeights} for what is checked). */
export interface ReadWeights {
  readonly doc: WeightsDocument;
  /** The config the weights were trained under, validated. */
  readonly config: PlaygroundConfig;
  /** What the config validation fixed (a hand-edited file). */
  readonly problems: string[];
}

/** Reads a weights file and validates its config. @throws WeightsFileError. */
export function readWeights(text: string, defaults: PlaygroundConfig): ReadWeights {
  const doc = decodeWeights(text);
  if (typeof doc.config !== 'object' || doc.config === null || Array.isArray(doc.config)) throw new WeightsFileError('malformed', '"config" must be the object of settings the weights were trained under');
  const { config, problems } = validateConfig(doc.config, defaults);
  return { doc, config, problems };
}

/**
 * Puts the file's weights into `session`, whose weight fields must already agree with the file's
 * config (see {@link adoptWeightsConfig}). Every network and shape is checked before any weight is
 * written, so on an error nothing has changed. The training step count is restored, so the EMA's
 * warm-up continues where it stopped. A file without EMA weights fills the EMA with the network's own;
 * EMA weights in the file are unused when the scene keeps no EMA (EMA decay 0).
 * @returns notes for the user (e.g. unused EMA weights).
 * @throws WeightsFileError ('mismatch') naming the first network or tensor that does not fit.
 */
export function loadWeights(session: DiffusionSession | GanSession, read: ReadWeights): string[] {
  const mismatch = weightDifferences(session.config, read.config);
  if (mismatch.length > 0) throw new WeightsFileError('mismatch', `the weights were trained with ${mismatch.map((d) => `${d.field} = ${String(d.saved)}`).join(', ')}; this scene has ${mismatch.map((d) => String(d.scene)).join(', ')}`);
  const targets = sessionNetworks(session);
  const notes: string[] = [];
  const files = read.doc.networks;
  const plan: [tf.Variable, WeightTensor][] = [];
  for (const [name, vars] of Object.entries(targets)) {
    const source = Object.hasOwn(files, name) ? files[name] : name === 'ema' ? files.net : undefined;
    if (source === undefined) throw new WeightsFileError('mismatch', `the file has no '${name}' network (it has ${Object.keys(files).join(', ')})`);
    if (name === 'ema' && !Object.hasOwn(files, 'ema')) notes.push('the file has no EMA weights: the EMA starts from the trained ones');
    if (source.length !== vars.length) throw new WeightsFileError('mismatch', `network '${name}' has ${source.length} tensors in the file, ${vars.length} here`);
    vars.forEach((v, i) => {
      const shape = source[i].shape;
      if (shape.length !== v.shape.length || shape.some((d, j) => d !== v.shape[j])) {
        throw new WeightsFileError('mismatch', `network '${name}' tensor ${i}: ${shape.join(' x ')} in the file, ${v.shape.join(' x ')} here (3D against 2D data, or another network size)`);
      }
      plan.push([v, source[i]]);
    });
  }
  for (const name of Object.keys(files)) {
    if (!Object.hasOwn(targets, name)) notes.push(name === 'ema' ? 'the EMA weights in the file are unused: EMA decay is 0 here' : `network '${name}' in the file is unused`);
  }
  tf.tidy(() => {
    for (const [v, t] of plan) v.assign(tf.tensor(t.values, v.shape));
  });
  // The time embedding at the scale the weights were trained with (version-1 DDPM files: 1000; models/time-scale.ts).
  if (session instanceof DiffusionSession && read.doc.timeScale !== undefined) for (const net of new Set([session.net, session.trainer.samplingNet])) net.useTimeScale(read.doc.timeScale);
  restoreSteps(session, read.doc.trainSteps);
  return notes;
}

/** Sets the step counters after a load (training resumes at the saved step; a GAN's particles are regenerated). */
function restoreSteps(session: DiffusionSession | GanSession, steps: number): void {
  if (session instanceof GanSession) {
    // G changed: a step count the particles were not generated at makes simulate() redraw G(z).
    session.trainer.generatorSteps = -1;
    session.simulate();
    session.trainer.generatorSteps = steps;
    session.simulate();
  } else {
    session.trainer.restoreSteps(steps);
  }
}
