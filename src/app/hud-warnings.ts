/**
 * What the HUD and the toasts say about the state of the math (issue 16): a DDPM chain that does not reach
 * noise, training stopped after repeated divergence, a rollback. Pure: no DOM, tested in Node.
 */
import type { DivergenceEvent } from '../models/divergence-guard';
import type { KindEntry } from '../models/kinds';
import { alphaBarShortOfNoise, type NoiseSchedule } from '../models/schedules';

/** The HUD's line while training is stopped (the full reason is in the toast and the line's tooltip). */
export const TRAINING_STOPPED = 'training stopped · change a setting or reset the weights to train again';

/**
 * The HUD's persistent warnings ($…$-marked TeX), in order: "$x_T$ is not yet noise: $\bar\alpha_T = 0.60$" when the kind is the
 * DDPM chain and alphaBar_T > 0.01 (alphaBarShortOfNoise, seed §4.1), and {@link TRAINING_STOPPED} while the
 * session's divergence guard has stopped training.
 * @param schedule the session's schedule (null for a model without one).
 * @param stopped the session's `trainingStopped`.
 */
export function hudWarnings(kind: KindEntry, schedule: NoiseSchedule | null, stopped: string | null): string[] {
  const warnings: string[] = [];
  const chain = kind.family === 'diffusion' && kind.process === 'vp-chain';
  const short = chain && schedule !== null ? alphaBarShortOfNoise(schedule) : null;
  if (short !== null) warnings.push(`$x_T$ is not yet noise: $\\bar\\alpha_T = ${short.toFixed(2)}$`);
  if (stopped !== null) warnings.push(TRAINING_STOPPED);
  return warnings;
}

/** Names of the learning rates a rollback halves, as the toast says them. */
const RATE_NAMES: Readonly<Record<string, string>> = { learningRate: 'learning rate', generatorLearningRate: 'G learning rate', criticLearningRate: 'D learning rate' };

/**
 * The toast of a divergence: what went wrong, which weights were restored and the halved learning rates;
 * when this rollback was the last one tried (`e.stopped`), the plain-words reason training stopped instead.
 */
export function divergenceMessage(e: DivergenceEvent): string {
  if (e.stopped !== null) return e.stopped;
  const cause = e.cause === 'loss' ? 'the loss left the finite numbers' : 'the particles were thrown to infinity';
  const back = e.restoredFrom === null ? 'fresh weights (no good ones were kept yet)' : `the weights of step ${e.restoredFrom}`;
  const rates = Object.entries(e.learningRates).map(([k, v]) => `${RATE_NAMES[k] ?? k} ${v.toPrecision(2)}`).join(', ');
  return `Training diverged at step ${e.step} (${cause}): back to ${back}, ${rates} (halved).`;
}
