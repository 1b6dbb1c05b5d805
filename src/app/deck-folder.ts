/**
 * The Lecture folder of the settings panel (issue 17): present the built-in deck, open a deck file, record
 * the deck up (or the built-in one) as one clip. The deck itself is app/deck-presenter.ts.
 */
import type GUI from 'lil-gui';

/** What the folder's buttons do. */
export interface LectureActions {
  /** Presents the deck built into the app (assets/deck.json). */
  readonly presentBuiltIn: () => void;
  /** Opens the file picker for a deck file (.json). */
  readonly openDeckFile: () => void;
  /** Records the whole deck (the one presented, else the built-in one) as one frame-exact clip. */
  readonly recordDeck: () => void;
}

/** Adds the Lecture folder (closed) to `gui`. @returns the folder. */
export function addLectureFolder(gui: GUI, actions: LectureActions): GUI {
  const folder = gui.addFolder('Lecture');
  folder.add(actions, 'presentBuiltIn').name('▶ present the built-in deck');
  folder.add(actions, 'openDeckFile').name('open deck file…');
  folder.add(actions, 'recordDeck').name('● record the deck');
  folder.domElement.title = 'Keys while presenting: → ↓ PageDown next, ← ↑ PageUp previous, Home / End, B or . blank, Esc leaves; space pauses the scene.';
  folder.close();
  return folder;
}
