/**
 * The scene's keys: space pauses or resumes the scene (the particles and training together), shift+space
 * training alone, '.' or the right arrow takes one step. They work wherever focus is (a GUI button or list
 * included), except while typing in a text field. The HUD says which is paused (ui/hud.pauseLabel).
 */
import type { GameLoop } from '../loop';
import { stepOnce } from './gui-actions';
import type { SceneController } from './scene-controller';

/** What is paused: the particles (config sampling.paused) and training (config model.trainPaused). */
export interface PauseState {
  readonly particles: boolean;
  readonly training: boolean;
}

/**
 * The pause after space (`trainingOnly` false) or shift+space (true): space pauses both when either runs
 * and resumes both when both are paused; shift+space flips training alone.
 */
export function togglePause(now: PauseState, trainingOnly: boolean): PauseState {
  if (trainingOnly) return { particles: now.particles, training: !now.training };
  const pause = !(now.particles && now.training);
  return { particles: pause, training: pause };
}

/** Listens for the scene keys (capture phase, so a focused GUI control does not swallow them). @returns a function that stops listening. */
export function listenForSceneKeys(scene: SceneController, loop: GameLoop): () => void {
  const onKey = (e: KeyboardEvent): void => {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.type !== 'checkbox' && t.type !== 'button') return;
    if (t instanceof HTMLTextAreaElement || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === ' ') {
      const next = togglePause({ particles: scene.config.sampling.paused, training: scene.config.model.trainPaused }, e.shiftKey);
      scene.config.sampling.paused = next.particles;
      scene.config.model.trainPaused = next.training;
      scene.apply({ cause: 'pause' });
    } else if (e.key === '.' || e.key === 'ArrowRight') {
      stepOnce(scene, loop, false);
    } else {
      return;
    }
    e.preventDefault();
    e.stopPropagation();
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
  };
  addEventListener('keydown', onKey, { capture: true });
  return () => removeEventListener('keydown', onKey, { capture: true });
}
