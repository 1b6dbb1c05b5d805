/**
 * The scene's keys: space pauses or resumes, '.' or the right arrow takes one step. They work wherever
 * focus is (a GUI button or list included), except while typing in a text field.
 */
import type { GameLoop } from '../loop';
import { stepOnce } from './gui-actions';
import type { SceneController } from './scene-controller';

/** Listens for the scene keys (capture phase, so a focused GUI control does not swallow them). @returns a function that stops listening. */
export function listenForSceneKeys(scene: SceneController, loop: GameLoop): () => void {
  const onKey = (e: KeyboardEvent): void => {
    const t = e.target;
    if (t instanceof HTMLInputElement && t.type !== 'checkbox' && t.type !== 'button') return;
    if (t instanceof HTMLTextAreaElement || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === ' ') {
      scene.config.sampling.paused = !scene.config.sampling.paused;
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
