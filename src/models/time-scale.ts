/**
 * The position scale of the sinusoidal time embedding (issue 16.6): relative time tau in [0, 1] sits at
 * p = TIME_SCALE tau, so the largest angle any network feeds sin and cos is TIME_SCALE radians (the
 * fastest frequency is 1). One bounded scale for every model: float32 sin / cos keep about 1e-6 of
 * absolute error there on every backend, where DDPM's former 1000 rad (Ho et al. 2020 feed the integer
 * step t) left GPU `sin` without guarantees and half-float WebGL with errors up to 0.2 (fp16 spacing at
 * 1000 is 0.5; at 50 it is 1/32). Neighbouring steps of T = 1000 still sit 0.05 rad apart on the fastest
 * feature. No tfjs here, so the weights file (pure) can read it.
 */

import type { ModelKind } from './kinds';

/** The time scale every network is built with. */
export const TIME_SCALE = 50;

/**
 * The scale a network in a version-1 weights file was trained with: 1000 for DDPM (the former default),
 * 50 for the score and flow models (which always set 50). GAN networks have no time input (50, unused).
 * @param modelKind the file config's `model.kind` (untrusted: anything that is not a string reads as the
 *   version-1 default model, 'ddpm'; a string that names no kind reads as 50).
 */
export function legacyTimeScale(modelKind: unknown): number {
  const kind = typeof modelKind === 'string' ? modelKind : 'ddpm';
  return (Object.hasOwn(LEGACY_TIME_SCALE, kind) ? LEGACY_TIME_SCALE[kind as ModelKind] : undefined) ?? TIME_SCALE;
}

/** The kinds whose networks were built at another scale than {@link TIME_SCALE} before version 2 of the weights file (only DDPM; a kind added later needs no entry). */
const LEGACY_TIME_SCALE: Readonly<Partial<Record<ModelKind, number>>> = { ddpm: 1000 };
