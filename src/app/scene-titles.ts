/**
 * How the scene is named on screen: the HUD's title line (also the caption's and a saved file's name)
 * and the samplers' short names.
 */
import { effectiveSampler, type PlaygroundConfig } from '../config/playground-config';
import type { SamplerKind } from '../particles/reverse-samplers';
import type { Session } from '../session/create-session';
import { asDiffusion } from './session-family';

/** Short sampler names for the HUD title and messages. */
export const SAMPLER_TITLES: Record<SamplerKind, string> = { ancestral: 'ancestral', ddim: 'DDIM', euler: 'PF-ODE Euler', heun: 'PF-ODE Heun', rk4: 'PF-ODE RK4', 'euler-maruyama': 'Euler–Maruyama', langevin: 'annealed Langevin' };

const GAME_TITLES = { gan: 'GAN', wgan: 'WGAN', 'wgan-gp': 'WGAN-GP' } as const;

/** The HUD title: model, data set, sampler with its NFE (or the game's settings), and whether the field is exact. */
export function hudTitle(config: PlaygroundConfig, session: Session): string {
  const kind = config.model.kind;
  const data = session.sceneData.label;
  if (kind === 'gan' || kind === 'wgan' || kind === 'wgan-gp') {
    const detail = kind === 'gan' ? `${config.gan.objective} G loss, k = ${config.gan.dSteps}` : `n_critic = ${config.gan.nCritic}`;
    return `${GAME_TITLES[kind]} · ${data} · ${detail}`;
  }
  const nfe = asDiffusion(session)?.reverseNfe ?? 0;
  const model = kind === 'flow' ? 'Flow matching' : kind === 'score' ? 'Score model (VE)' : 'DDPM';
  const used = effectiveSampler(config);
  const sampler = kind === 'flow' ? SAMPLER_TITLES[used].replace('PF-', '') : SAMPLER_TITLES[used];
  const showNfe = used !== 'ancestral';
  return `${model} · ${data} · ${sampler}${showNfe ? ` (NFE ${nfe})` : ''}${config.sampling.field === 'exact' ? ' · exact field' : ''}`;
}
