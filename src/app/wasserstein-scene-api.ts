/**
 * The contract between the deck player (app/deck-player) and the parallel-lines scene of a `wasserstein`
 * slide (why Wasserstein is better than JS or KL, seed §3.4-3.5; models/parallel-lines.ts). The deck
 * player opens the scene over the stage when such a slide comes up and closes it when the slide goes;
 * main.ts hands the player the factory, so neither module imports the other.
 */
import type { ShiftGameLoss } from '../models/parallel-lines-game';
import type { ThemeName } from '../scene/palette';

/** What a `wasserstein` slide asks of its scene (config/deck-file.ts WassersteinSlide). */
export interface WassersteinSceneOptions {
  /** Initial offset theta of p_g, in [-2, 2] data units. */
  readonly theta: number;
  /** The game the discriminator / critic (and with `train` the shift) plays. */
  readonly loss: ShiftGameLoss;
  /** Whether the generator's shift trains (true) or theta is animated / on the slider while only D and the critic train. */
  readonly train: boolean;
  /** Seed of every random draw of the scene. */
  readonly seed: number;
  readonly theme: ThemeName;
}

/** A running parallel-lines scene. It fills its host element and draws nothing outside it. */
export interface WassersteinScene {
  /** Pauses or resumes its animation and training (the deck's pause key). */
  setPaused(paused: boolean): void;
  /** Advances the scene by exactly dtMs of scene time (frame-exact recording; also what its own animation calls). */
  advance(dtMs: number): void;
  /** Resolves once every plot and overlay shows the current state (a frame-exact capture waits for it). */
  whenIdle(): Promise<void>;
  /** Draws the scene as it is now into a frame of width x height (recording), the same picture as on screen. */
  drawFrame(ctx: CanvasRenderingContext2D, width: number, height: number): void;
  setTheme(theme: ThemeName): void;
  /** Stops everything and frees every tensor and element it made. Idempotent. */
  dispose(): void;
}

/** Opens the scene in `host`; @throws RangeError on options out of range. */
export type OpenWassersteinScene = (host: HTMLElement, options: WassersteinSceneOptions) => WassersteinScene;
