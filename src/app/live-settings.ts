/**
 * The settings that apply to the running loop without rebuilding anything: the simulation rate, the
 * training budget (none while training is paused), the pause, and how long the particles rest at each end of a pass.
 */
import type { PlaygroundConfig } from '../config/playground-config';
import type { GameLoop } from '../loop';

/** Seconds the particles rest at t = 0 and t = T before turning around. */
export const HOLD_SECONDS = 0.6;

/** Rest at each end of a pass, in simulation steps at `stepsPerSecond`. */
export function holdSteps(stepsPerSecond: number): number {
  return Math.round(HOLD_SECONDS * stepsPerSecond);
}

/** Puts the config's live settings into the loop and the session; the pace (steps per second, rest) through `pacer` (app/pass-pacer). */
export function applyLiveSettings(loop: GameLoop, config: PlaygroundConfig, pacer: { apply(): void }): void {
  loop.setTrainBudgetMs(config.model.trainPaused ? 0 : config.model.trainBudgetMs);
  loop.paused = config.sampling.paused;
  pacer.apply();
}
