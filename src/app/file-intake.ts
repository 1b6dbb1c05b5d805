/**
 * File intake: the user's own data (a dropped or picked CSV or image, or a drawing) and saved files
 * (presets, weights and lecture decks, JSON; a deck goes to {@link FileIntake.openDeck}). A bad file gets a message naming the problem and the running scene
 * stays as it is; a good one goes to the scene controller.
 */
import dragDrop from 'drag-drop';
import { DECK_FORMAT } from '../config/deck-file';
import { Color } from 'three/webgpu';
import { DataLoadError, pointsFromCoordinates } from '../data/point-data';
import { ParticleLayer } from '../scene/particle-layer';
import type { Stage } from '../scene/stage';
import { hiddenFilePicker } from '../ui/dom';
import { MAX_DRAWN_POINTS, PointDrawing } from '../ui/point-drawing';
import { filesWithoutEntries } from './drop-guard';
import { loadFile } from './load-file';
import type { ParticleView } from './particle-view';
import { isSavedFile, MAX_SAVED_FILE_BYTES, readSavedFile, savedFileMessage } from './saved-files';
import type { SceneController, Toast } from './scene-controller';

/** One message for all that a link or file had wrong (each problem on its own line, the first 12 of them). */
export type ProblemReport = (source: string, problems: readonly string[]) => void;

/** The pickers, the drop target and the drawing. Call {@link dispose}. */
export class FileIntake {
  private readonly dataPicker: HTMLInputElement;
  private readonly savedPicker: HTMLInputElement;
  private readonly preview: ParticleLayer;
  private readonly drawing: PointDrawing;
  private readonly guardDrop: (event: DragEvent) => void;
  /** Where a deck file goes (the deck presenter, set by main.ts); null: decks are refused with a message. */
  openDeck: ((file: File) => void) | null = null;

  constructor(
    overlay: HTMLElement,
    private readonly stage: Stage,
    private readonly scene: SceneController,
    view: ParticleView,
    private readonly toast: Toast,
    private readonly report: ProblemReport,
  ) {
    this.savedPicker = hiddenFilePicker('saved-file', '.json,application/json', (file) => this.openSaved(file));
    this.dataPicker = hiddenFilePicker('data-file', '.csv,.tsv,.txt,.png,.jpg,.jpeg,text/csv,image/png,image/jpeg', (file) => this.openFile(file));
    const dropHint = document.createElement('div');
    dropHint.className = 'drop-hint';
    dropHint.textContent = 'Drop a CSV of points or an image to train on it, or a preset / weights / deck file';
    dropHint.hidden = true;
    overlay.append(this.savedPicker, this.dataPicker, dropHint);
    const onFiles = (files: readonly File[]): void => {
      dropHint.hidden = true;
      if (files.length > 1) toast(`${files.length} files dropped: using the first, ${files[0].name}.`);
      if (files[0]) this.openFile(files[0]);
      else toast('The drop held no file to open.', 'error');
    };
    // Drops drag-drop cannot walk (items without a file-system entry) are taken first, in the capture phase.
    this.guardDrop = (event: DragEvent): void => {
      const files = filesWithoutEntries(event.dataTransfer?.items);
      if (files === null) return;
      event.preventDefault();
      event.stopPropagation();
      onFiles(files);
    };
    window.addEventListener('drop', this.guardDrop, true);
    dragDrop(document.body, { onDragEnter: () => (dropHint.hidden = false), onDragLeave: () => (dropHint.hidden = true), onDrop: onFiles });
    // Drawing: a preview layer of the painted points, then the drawing becomes the data.
    const preview = new ParticleLayer({ count: MAX_DRAWN_POINTS, dim: 2, positions: new Float32Array(MAX_DRAWN_POINTS * 2), colors: null, pointSize: 3, additive: false, opacity: 0.9 });
    preview.setColoring('time', new Color(0x9fe8d8));
    preview.object.count = 0;
    stage.scene.add(preview.object);
    this.preview = preview;
    const stopPreview = (): void => {
      preview.setPositions(new Float32Array(0));
      view.setParticlesVisible(true);
    };
    this.drawing = new PointDrawing(stage, overlay, {
      onChange: (points) => {
        preview.setPositions(points);
        view.setParticlesVisible(false);
      },
      onUse: (points) => {
        stopPreview();
        try {
          scene.useData(pointsFromCoordinates(points, 2), 'Your drawing');
        } catch (e) {
          toast((e as Error).message, 'error');
        }
      },
      onCancel: stopPreview,
    });
  }

  /** Opens the picker for the user's own data (CSV or image). */
  pickData(): void {
    this.dataPicker.click();
  }

  /** Opens the picker for a preset, weights or deck file. */
  pickSaved(): void {
    this.savedPicker.click();
  }

  /** Starts drawing points; only on a flat 2D view (the GAN's heat-map landscape included). */
  draw(): void {
    if (this.scene.session.dim !== 2 || this.stage.currentView !== '2d') {
      this.toast('Drawing works on a flat 2D view: choose a 2D data set (and for a GAN the heat-map landscape) first.', 'error');
      return;
    }
    this.drawing.start();
  }

  dispose(): void {
    window.removeEventListener('drop', this.guardDrop, true);
    this.drawing.dispose();
    this.stage.scene.remove(this.preview.object);
    this.preview.dispose();
  }

  /** A dropped or picked file: a saved preset or weights file (small JSON), else data. */
  private openFile(file: File): void {
    if (file.size <= MAX_SAVED_FILE_BYTES) {
      void isSavedFile(file).then((saved) => (saved ? this.openSaved(file) : this.openData(file)), () => this.openData(file));
    } else {
      this.openData(file);
    }
  }

  /** A saved JSON file: a deck (its format string anywhere in it) goes to {@link openDeck}, anything else is a preset or weights. */
  private openSaved(file: File): void {
    if (file.size > MAX_SAVED_FILE_BYTES) return this.readSaved(file);
    file
      .text()
      .then((text) => {
        if (!text.includes(`"${DECK_FORMAT}"`)) return this.readSaved(file);
        if (this.openDeck === null) this.toast(`${file.name}: a lecture deck, and this page cannot present one; the scene is unchanged`, 'error');
        else this.openDeck(file);
      })
      .catch((e: unknown) => this.toast(savedFileMessage(file.name, e), 'error'));
  }

  private readSaved(file: File): void {
    readSavedFile(file, this.scene.defaults)
      .then((saved) => {
        switch (saved.kind) {
          case 'preset':
            this.report(file.name, saved.preset.problems);
            this.scene.startPreset(saved.preset.config, saved.preset.name);
            break;
          case 'weights':
            this.report(file.name, saved.read.problems);
            this.scene.useWeights(saved.read, file.name);
            break;
        }
      })
      .catch((e: unknown) => this.toast(savedFileMessage(file.name, e), 'error'));
  }

  private openData(file: File): void {
    loadFile(file, this.scene.config.data.seed)
      .then((loaded) => this.scene.useData(loaded, file.name))
      .catch((e: unknown) => this.toast(e instanceof DataLoadError || e instanceof RangeError ? e.message : `Could not read ${file.name}: ${String(e)}`, 'error'));
  }
}
