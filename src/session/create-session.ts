/**
 * The one place that picks the session class for a config's model family (the app, the soak script).
 */
import type { PlaygroundConfig } from '../config/playground-config';
import { modelKind } from '../models/kinds';
import type { PointSet } from '../data/datasets';
import { DiffusionSession } from './diffusion-session';
import { GanSession } from './gan-session';
import { adoptWeightsConfig, loadWeights, type ReadWeights } from './saved-weights';

/**
 * The live scene: a diffusion-family model (DDPM, score model, flow matching) or an adversarial game (GAN,
 * WGAN, WGAN-GP). Both meet the one contract of session.ts (LiveSession); `family` tells them apart.
 */
export type Session = DiffusionSession | GanSession;

/**
 * A new session for the config's model family, on the built-in data set or `customData` when the
 * config's data source is 'custom'. The caller owns it (dispose()).
 * @throws RangeError on settings the model rejects.
 */
export function createSession(config: PlaygroundConfig, customData: PointSet | null = null): Session {
  switch (modelKind(config).family) {
    case 'adversarial':
      return new GanSession(config, customData);
    case 'diffusion':
      return new DiffusionSession(config, 0, customData);
  }
}

/** A session holding trained weights, and how the scene's settings changed to take them. */
export interface WeightsScene {
  readonly session: Session;
  /** The scene's config with the settings the weights were trained under (see adoptWeightsConfig). */
  readonly config: PlaygroundConfig;
  /** The settings that changed, for the user. */
  readonly changes: string[];
  /** Notes for the user (unused EMA weights, custom points unavailable, ...). */
  readonly notes: string[];
}

/**
 * A new session beside the running one (config `scene`) with the settings `read`'s weights were trained
 * under, holding those weights at the time scale they were trained with (a version-1 DDPM file's 1000,
 * models/time-scale.ts): for a weights file and for the copy kept across a lost GPU (app/recovery).
 * The caller owns the session. @throws WeightsFileError or RangeError; nothing is left allocated then.
 */
export function sessionWithWeights(scene: PlaygroundConfig, read: ReadWeights, customData: PointSet | null): WeightsScene {
  const { config, changes, notes } = adoptWeightsConfig(scene, read.config, customData !== null);
  const session = createSession(config, customData);
  try {
    notes.push(...loadWeights(session, read));
  } catch (e) {
    session.dispose();
    throw e;
  }
  return { session, config, changes, notes };
}
