/**
 * The Record folder of the GUI: format, resolution, frame rate, mode, duration or timeline, training
 * steps per frame, the record / stop button, screenshots, and the presentation controls; a progress
 * bar with cancel during a recording; the 16:9 frame the recording will use, drawn over the stage
 * before it starts. The recording itself is app/recorder.ts.
 */
import type GUI from 'lil-gui';
import type { Controller } from 'lil-gui';
import type { Recorder, RecordOptions, RecordResult } from './recorder';
import { defaultRecordSettings, FORMAT_LABELS, frameSize, RECORD_FPS, RESOLUTION_LABELS, SCREENSHOT_SCALES, VIDEO_ENGINE_LABELS, type RecordSettings, type ScreenshotScale } from '../record/recording';
import { parseTimeline, planFrames, TimelineError, timelineForFamily } from '../record/timeline';
import type { Presentation } from '../ui/presentation';
import { download, h } from '../ui/dom';

type Notify = (message: string, kind?: 'info' | 'error', seconds?: number) => void;

const invert = <K extends string>(labels: Record<K, string>): Record<string, K> => Object.fromEntries(Object.entries(labels).map(([k, v]) => [v, k])) as Record<string, K>;

/** The Record panel. */
export class RecordPanel {
  readonly settings: RecordSettings;
  /** Draw the recording's frame over the stage while the Record folder is open. */
  showFrame = true;
  private readonly folder: GUI;
  private readonly note: HTMLElement;
  private readonly frame: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly barFill: HTMLElement;
  private readonly barText: HTMLElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly recordButton: Controller;
  private readonly shot = { scale: 2 as ScreenshotScale };
  private readonly timelineControl: Controller;
  /** The scene family the timeline was last fitted to (a GAN has no forward or reverse segments). */
  private adversarial: boolean;
  private planToken = 0;
  private startedAt = 0;

  constructor(gui: GUI, overlay: HTMLElement, private readonly recorder: Recorder, private readonly notify: Notify, presentation: Presentation, private readonly isAdversarial: () => boolean) {
    this.adversarial = isAdversarial();
    this.settings = defaultRecordSettings(this.adversarial);
    this.frame = document.createElement('div');
    this.frame.className = 'record-frame';
    this.frame.hidden = true;
    overlay.append(this.frame);
    const s = this.settings;
    const folder = gui.addFolder('Record');
    this.folder = folder;
    const refresh = (): void => this.refresh();
    folder.add(s, 'format', invert(FORMAT_LABELS)).name('format').onChange(refresh);
    folder.add(s, 'engine', invert(VIDEO_ENGINE_LABELS)).name('video encoder').onChange(refresh);
    folder.add(s, 'resolution', invert(RESOLUTION_LABELS)).name('resolution').onChange(refresh);
    folder.add(s, 'fps', [...RECORD_FPS]).name('frame rate (fps)').onChange(refresh);
    folder.add(s, 'mode', { 'frame-exact (smooth, reproducible)': 'frame-exact', 'live (what is on screen)': 'live' }).name('mode').onChange(refresh);
    folder.add(s, 'useTimeline').name('timeline').onChange(refresh);
    const timeline = folder.add(s, 'timeline').name('segments').onFinishChange(refresh);
    this.timelineControl = timeline;
    timeline.domElement.title = 'train s (unrecorded), play s, forward s, reverse s, loop s, hold s; e.g. train 10, forward 3, reverse 5, hold 1. A GAN uses train, play and hold.';
    folder.add(s, 'seconds', 0.5, 600, 0.5).name('duration (s)').onChange(refresh);
    folder.add(s, 'untilStopped').name('until stopped').onChange(refresh);
    folder.add(s, 'trainStepsPerFrame', 0, 64, 1).name('train steps / frame').onChange(refresh);
    folder.add(s, 'freshStart').name('fresh start (seeded)').onChange(refresh);
    folder.add(this, 'showFrame').name('show recording frame').onChange(() => this.placeFrame());
    this.recordButton = folder.add({ record: () => void this.start() }, 'record').name('● record');
    this.note = document.createElement('div');
    this.note.className = 'record-note';
    folder.$children.append(this.note);
    folder.add(this.shot, 'scale', [...SCREENSHOT_SCALES]).name('screenshot scale (x)');
    folder.add({ screenshot: () => void this.screenshot() }, 'screenshot').name('screenshot (PNG)');

    const pres = folder.addFolder('Presentation');
    pres.add({ toggle: () => presentation.toggle() }, 'toggle').name('presentation mode (P)');
    pres.add(presentation, 'theme', { dark: 'dark', light: 'light' }).name('theme').onChange(() => presentation.applyTheme());
    pres.add(presentation, 'caption').name('caption (model, phase, t, formula)').onChange(() => presentation.applyCaption());
    folder.onOpenClose(() => (folder._closed ? this.placeFrame() : this.refresh()));
    // The scene may have changed family (GAN <-> diffusion) since the folder was drawn.
    folder.domElement.addEventListener('pointerenter', () => this.syncFamily() && this.refresh());
    folder.close();

    this.barText = h('div', { className: 'record-progress-text' });
    this.barFill = h('div', { className: 'record-progress-fill' });
    this.stopButton = h('button', { data: { a: 'stop' } }, 'stop & save');
    const cancel = h('button', { data: { a: 'cancel' } }, 'cancel');
    this.stopButton.type = cancel.type = 'button';
    this.bar = h('div', { className: 'record-progress' }, this.barText, h('div', { className: 'record-progress-track' }, this.barFill), h('div', { className: 'record-progress-buttons' }, this.stopButton, cancel));
    this.bar.hidden = true;
    overlay.append(this.bar);
    this.stopButton.addEventListener('click', () => recorder.stop());
    cancel.addEventListener('click', () => recorder.cancel());
    addEventListener('resize', () => this.placeFrame());
    this.refresh();
  }

  /**
   * Fits the timeline to the scene's family when it changed since the last look: the other family's
   * default timeline becomes this one's (a GAN's default has no forward or reverse segment); a timeline
   * the user wrote is kept. Called by {@link refresh} (so on opening the folder), when the pointer enters
   * the folder, and before recording. @returns whether the family changed.
   */
  syncFamily(): boolean {
    const adversarial = this.isAdversarial();
    if (adversarial === this.adversarial) return false;
    this.adversarial = adversarial;
    this.settings.timeline = timelineForFamily(this.settings.timeline, adversarial);
    this.timelineControl.updateDisplay();
    return true;
  }

  /**
   * After the scene controller replaced its session: when the family changed (GAN <-> diffusion), an open
   * panel shows the new family's default timeline and its clip length at once.
   */
  followScene(): void {
    if (this.syncFamily()) this.refresh();
  }

  /** Shows the controls that apply and says how the clip will be encoded (and why, on a fallback). */
  refresh(): void {
    this.syncFamily();
    const s = this.settings;
    for (const c of this.folder.controllers) {
      const key = c.property;
      if (key === 'timeline') c.show(s.useTimeline);
      if (key === 'seconds') c.show(!s.useTimeline && !s.untilStopped);
      if (key === 'untilStopped') c.show(!s.useTimeline);
      if (key === 'trainStepsPerFrame' || key === 'freshStart') c.show(s.mode === 'frame-exact');
      if (key === 'engine') c.show(s.format === 'mp4' || s.format === 'webm');
    }
    this.placeFrame();
    const token = ++this.planToken;
    let length = '';
    try {
      if (s.useTimeline) {
        const plan = planFrames(parseTimeline(s.timeline, this.isAdversarial()), s.fps);
        length = `${(plan.clipFrames / s.fps).toFixed(1)} s clip (${plan.clipFrames} frames)`;
      } else {
        length = s.untilStopped ? 'until stopped' : `${s.seconds} s clip`;
      }
    } catch (e) {
      this.note.textContent = e instanceof TimelineError ? `Timeline: ${e.message}` : String(e);
      this.note.classList.add('record-note-error');
      return;
    }
    this.recorder
      .plan(s)
      .then(({ encoding, width, height }) => {
        if (token !== this.planToken) return;
        const how = encoding.engine === 'webcodecs' ? `${encoding.container.toUpperCase()} ${encoding.codec === 'avc' ? 'H.264' : 'VP9'} via WebCodecs` : encoding.engine === 'media-recorder' ? `MediaRecorder ${encoding.mime}` : encoding.engine === 'gif' ? 'GIF' : 'PNG frames in a zip';
        const recorder = encoding.engine === 'media-recorder';
        const exactNote = recorder && s.mode === 'frame-exact' ? ' Frame-exact needs WebCodecs: this records live.' : '';
        const liveNote = s.mode === 'live' && !recorder ? ' Live: frames are stamped with the time they were drawn; frames the encoder cannot keep up with are dropped (and counted).' : '';
        this.note.textContent = `${width} x ${height} · ${s.fps} fps · ${length} · ${how}.${encoding.note ? ` ${encoding.note}.` : ''}${exactNote}${liveNote}`;
        this.note.classList.toggle('record-note-error', encoding.note !== null);
      })
      .catch((e: unknown) => {
        if (token !== this.planToken) return;
        this.note.textContent = (e as Error).message;
        this.note.classList.add('record-note-error');
      });
  }

  /** Draws the recording's frame (its aspect, centred, full height) while the folder is open and not recording. */
  private placeFrame(): void {
    const s = this.settings;
    const visible = this.showFrame && !this.folder._closed && !this.recorder.busy && s.resolution !== 'canvas';
    this.frame.hidden = !visible;
    if (!visible) return;
    const { width, height } = frameSize(s.resolution, 1, 1);
    const w = innerWidth;
    const h = innerHeight;
    // The stage keeps its vertical extent: the clip spans the full height and aspect * height across
    // (wider than a narrow window, whose sides then show less than the clip will).
    const fh = h;
    const fw = h * (width / height);
    Object.assign(this.frame.style, { left: `${(w - fw) / 2}px`, top: `${(h - fh) / 2}px`, width: `${fw}px`, height: `${fh}px` });
    this.frame.dataset.label = `${width} x ${height} frame`;
  }

  /** Adds a button to the Record folder, above the screenshot controls (e.g. "record the deck"). */
  addButton(label: string, onClick: () => void): void {
    const button = this.folder.add({ run: onClick }, 'run').name(label);
    button.domElement.parentElement?.insertBefore(button.domElement, this.note.nextSibling);
  }

  /**
   * Starts a recording with the panel's settings; the file downloads at the end. `chapters` and
   * `sceneBox` record several scenes in one clip (a deck, frame-exact: see RecordOptions).
   */
  async start(options: { hashFrames?: boolean; download?: boolean } & Pick<RecordOptions, 'chapters' | 'sceneBox'> = {}): Promise<RecordResult | null> {
    if (this.recorder.busy) {
      this.notify('A recording is already running.', 'error');
      return null;
    }
    this.syncFamily();
    const s = this.settings;
    this.frame.hidden = true;
    this.bar.hidden = false;
    this.recordButton.disable(true);
    this.startedAt = performance.now();
    this.barText.textContent = 'Starting…';
    this.barFill.style.width = '0';
    try {
      const result = await this.recorder.record(s, {
        hashFrames: options.hashFrames,
        chapters: options.chapters,
        sceneBox: options.sceneBox,
        onProgress: (p) => {
          const share = Number.isFinite(p.total) && p.total > 0 ? p.done / p.total : 0;
          this.barFill.style.width = `${(100 * Math.min(1, share)).toFixed(1)}%`;
          const secs = (performance.now() - this.startedAt) / 1000;
          this.barText.textContent = `${s.mode === 'frame-exact' || options.chapters !== undefined ? 'Rendering' : 'Recording'} frame ${p.done}${Number.isFinite(p.total) ? ` / ${p.total}` : ''} · ${p.clipFrames} in the clip${p.segment ? ` · ${p.segment}` : ''} · ${(p.done / Math.max(secs, 1e-3)).toFixed(1)} frames/s`;
        },
      });
      if (result.cancelled) {
        this.notify('Recording cancelled.');
      } else {
        if (options.download !== false) download(result.blob, result.fileName);
        const size = result.blob.size > 1e6 ? `${(result.blob.size / 1e6).toFixed(1)} MB` : `${Math.ceil(result.blob.size / 1e3)} kB`;
        const remarks = [result.remark, result.encoding.note].filter((r) => r !== null).join('; ');
        this.notify(`Saved ${result.fileName}: ${result.frames} frames, ${result.width} x ${result.height}, ${size}${remarks ? ` (${remarks})` : ''}.`, 'info', 8);
      }
      return result;
    } catch (e) {
      this.notify(`Recording failed: ${(e as Error).message}`, 'error');
      return null;
    } finally {
      this.bar.hidden = true;
      this.recordButton.disable(false);
      this.placeFrame();
    }
  }

  /** Saves a PNG of the scene at the chosen scale. */
  async screenshot(): Promise<void> {
    try {
      const shot = await this.recorder.screenshot(this.shot.scale);
      download(shot.blob, shot.fileName);
      this.notify(`Saved ${shot.fileName} (${shot.width} x ${shot.height}).`);
    } catch (e) {
      this.notify(`Screenshot failed: ${(e as Error).message}`, 'error');
    }
  }
}
