/**
 * The one place the app narrows a session to its family (a diffusion-family model or an adversarial
 * game), so the wiring asks "which family" once instead of testing classes everywhere.
 */
import type { Session } from '../session/create-session';
import type { DiffusionSession } from '../session/diffusion-session';
import type { GanSession } from '../session/gan-session';

/** The session when it is a GAN game (GAN, WGAN, WGAN-GP), else null. */
export function asGan(session: Session): GanSession | null {
  return session.family === 'adversarial' ? session : null;
}

/** The session when it is a diffusion-family model (DDPM, score model, flow matching), else null. */
export function asDiffusion(session: Session): DiffusionSession | null {
  return session.family === 'diffusion' ? session : null;
}
