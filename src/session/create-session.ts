/**
 * The one place that picks the session class for a config's model family (the app, the soak script).
 */
import type { PlaygroundConfig } from '../config/playground-config';
import { modelKind } from '../models/kinds';
import type { PointSet } from '../data/datasets';
import { DiffusionSession } from './diffusion-session';
import { GanSession } from './gan-session';

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
