/**
 * Records the scene: MP4 (H.264) or WebM (VP9) through WebCodecs and mediabunny, GIF through gifenc, PNG
 * frames in a zip through fflate, or MediaRecorder where WebCodecs cannot encode; and PNG screenshots.
 *
 * Two modes (recording.ts): 'live' captures what the running loop draws, in real time; 'frame-exact'
 * stops the live loop and drives the scene itself through {@link RecordHost.stepFrame}: each encoded
 * frame advances scene time by exactly 1 / fps with a fixed number of training steps, however long it
 * takes. Frames are captured right after their render, in the same task (a WebGPU canvas is only
 * readable until the next frame is requested): the stage canvas is copied into a 2D canvas of the frame
 * size, which the encoders read (record-sinks.ts). The pure decisions (timeline, frame plan, codec,
 * names, live pacing) live in src/record; the MediaRecorder fallback in media-recorder-clip.ts.
 */
import { probeCapabilities, GifSink, PngZipSink, VideoSink, type FrameSink } from './record-sinks';
import { recordMediaRecorderClip } from './media-recorder-clip';
import { LivePacer } from '../record/live-pacer';
import { fitsOnePass, parseTimeline, planFrames, segmentControls, type PassSteps, type PlannedSegment, type SegmentControls } from '../record/timeline';
import { chaptersOfPlan, type PlannedChapter, type RecordChapter, type SceneBox } from './record-chapters';
import { chooseEncoding, fnv1a, frameSize, recordingFileName, screenshotSize, type EncodingChoice, type RecordSettings, type ScreenshotScale } from '../record/recording';

/** What the recorder needs from the app (main.ts implements it). */
export interface RecordHost {
  /** The stage's canvas. */
  readonly canvas: HTMLCanvasElement;
  /** The scene is an adversarial game (no forward / reverse passes). */
  isAdversarial(): boolean;
  /** Steps of one forward and one reverse pass, or null for a GAN. */
  passSteps(): PassSteps | null;
  /** Model and data set names for file names. */
  labels(): { model: string; data: string };
  /** Draw at exactly this drawing-buffer size (null: follow the window again). */
  setRenderSize(size: { width: number; height: number } | null): void;
  /** A frame-exact recording starts: stop the live loop; `fresh`: rebuild the scene from its seed first. */
  beginExact(fresh: boolean): void;
  /** Applies a timeline segment's controls (phase, speed, pause, training on or off, restart). */
  applySegment(controls: SegmentControls): void;
  /**
   * Frame-exact: advances the scene by dtMs and trainSteps training steps; when `capture` is given, makes
   * the particle uploads land, renders, and calls `capture` right after the render, in the same task.
   */
  stepFrame(dtMs: number, trainSteps: number, capture: (() => void) | null): Promise<void>;
  /** Renders once now and calls `capture` right after (screenshots). */
  renderNow(capture: () => void): void;
  /** Draws over each captured frame (the caption), after the scene was copied; optional. */
  decorate?: (ctx: CanvasRenderingContext2D, width: number, height: number) => void;
  /** Readies what {@link decorate} draws for a frame of this size (the typeset caption's images); optional. */
  prepareDecoration?: (width: number, height: number) => Promise<void>;
  /** The recording is over (done, stopped, cancelled or failed): the user's settings and the live loop come back. */
  endRecording(): void;
}

/** A finished recording. */
export interface RecordResult {
  readonly blob: Blob;
  readonly fileName: string;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly encoding: EncodingChoice;
  /** FNV-1a of each captured frame's RGBA pixels (only when asked for; tests compare runs). */
  readonly frameHashes: readonly string[];
  /** Wall time the recording took, ms. */
  readonly wallMs: number;
  readonly cancelled: boolean;
  /** Live: frames dropped because the encoder was still busy with the previous one (0 frame-exact). */
  readonly dropped: number;
  /** What the file holds, when it is not simply `frames` frames at the chosen rate (the MediaRecorder fallback). */
  readonly remark: string | null;
}

/** Progress of a recording, for the panel. */
export interface RecordProgress {
  /** Frames stepped so far (recorded or not) and in all (Infinity until stopped). */
  readonly done: number;
  readonly total: number;
  readonly clipFrames: number;
  /** The segment running, e.g. "forward 3" ('' for a plain recording). */
  readonly segment: string;
}

/** Options of one recording besides the panel's settings. */
export interface RecordOptions {
  readonly onProgress?: (p: RecordProgress) => void;
  /** Hash every captured frame (costs a pixel readback per frame). */
  readonly hashFrames?: boolean;
  /**
   * Record these chapters one after another (a deck) instead of the settings' timeline; frame-exact only
   * (the settings' mode and timeline are not used; each chapter enters its own scene, no fresh start).
   */
  readonly chapters?: readonly RecordChapter[];
  /** Where the scene is drawn in a width x height frame (the rest is the decoration's); default the whole frame. */
  readonly sceneBox?: (width: number, height: number) => SceneBox;
}

/** A frame-exact or live recording in progress (one at a time). */
export class Recorder {
  private running = false;
  private stopRequested = false;
  private cancelRequested = false;
  /** Set during a live recording: called by the app after each render of the live loop. */
  private liveFrame: (() => void) | null = null;

  constructor(private readonly host: RecordHost) {}

  /** A recording is in progress. */
  get busy(): boolean {
    return this.running;
  }

  /** Ends a recording early and keeps what was recorded ("until stopped"). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Ends a recording early and throws away what was recorded. */
  cancel(): void {
    this.cancelRequested = true;
  }

  /** The live loop has just rendered (main.ts calls this after each live render). */
  afterRender(): void {
    this.liveFrame?.();
  }

  /**
   * The encoding a recording with these settings would use, and why (checked before it starts).
   * @throws Error if nothing can encode the format here.
   */
  async plan(settings: RecordSettings): Promise<{ encoding: EncodingChoice; width: number; height: number }> {
    const { width, height } = frameSize(settings.resolution, this.host.canvas.width, this.host.canvas.height);
    const caps = settings.format === 'gif' || settings.format === 'png-zip' ? { webCodecs: false, avc: false, vp9: false, mediaRecorder: [] } : await probeCapabilities(width, height);
    return { encoding: chooseEncoding(settings.format, caps, settings.engine), width, height };
  }

  /**
   * Records a clip with `settings`. Resolves with the file (also after stop(); `cancelled` after cancel()).
   * @throws TimelineError on a bad timeline, Error when nothing can encode, or what an encoder throws;
   *   the scene is handed back to the live loop in every case.
   */
  async record(settings: RecordSettings, options: RecordOptions = {}): Promise<RecordResult> {
    if (this.running) throw new Error('a recording is already running');
    const chapters = options.chapters ?? null;
    const segments = chapters !== null ? chapters.flatMap((c) => c.segments) : settings.useTimeline ? parseTimeline(settings.timeline, this.host.isAdversarial()) : [{ kind: 'play' as const, seconds: settings.seconds }];
    if (chapters !== null && chapters.length === 0) throw new RangeError('nothing to record: no chapter');
    if (chapters === null && !settings.useTimeline && !settings.untilStopped && !(settings.seconds > 0 && settings.seconds <= 600)) throw new RangeError(`duration must be in (0, 600] s, got ${settings.seconds}`);
    const { encoding, width, height } = await this.plan(settings);
    const plan = planFrames(segments, settings.fps);
    const untilStopped = chapters === null && !settings.useTimeline && settings.untilStopped;
    const exact = (chapters !== null || settings.mode === 'frame-exact') && encoding.engine !== 'media-recorder';
    if (chapters !== null && !exact) throw new Error('a deck records frame by frame, which needs WebCodecs here: choose GIF or PNG frames');
    const box = options.sceneBox?.(width, height) ?? { x: 0, y: 0, width, height };
    // The chapter being recorded (its scene and decoration), set by runExact.
    const now: { active: RecordChapter | null } = { active: null };
    this.running = true;
    this.stopRequested = false;
    this.cancelRequested = false;
    const start = performance.now();
    const copy = document.createElement('canvas');
    copy.width = width;
    copy.height = height;
    const ctx = copy.getContext('2d', { willReadFrequently: encoding.engine === 'gif' || options.hashFrames === true, alpha: false }) as CanvasRenderingContext2D;
    const hashes: string[] = [];
    const capture = (): void => {
      const active = now.active;
      const own = active?.own() ?? null;
      if (own !== null) {
        ctx.save();
        ctx.translate(box.x, box.y);
        own.drawFrame(ctx, box.width, box.height);
        ctx.restore();
      } else {
        ctx.drawImage(this.host.canvas, box.x, box.y, box.width, box.height);
      }
      if (active !== null) active.decorate(ctx, width, height);
      else this.host.decorate?.(ctx, width, height);
      if (options.hashFrames) hashes.push(fnv1a(ctx.getImageData(0, 0, width, height).data));
    };
    let sink: FrameSink | null = null;
    let frames = 0;
    try {
      this.host.setRenderSize({ width: box.width, height: box.height });
      // The caption's typeset formulas decoded before the first frame (live frames cannot wait for them).
      await this.host.prepareDecoration?.(width, height);
      if (encoding.engine === 'media-recorder') {
        const made = await recordMediaRecorderClip(this.host.canvas, encoding.mime, plan.segments, settings.fps, untilStopped, {
          enter: (segment) => this.host.applySegment(this.controls(segment, settings.fps)),
          stopRequested: () => this.stopRequested,
          cancelRequested: () => this.cancelRequested,
          onProgress: options.onProgress,
        });
        const result = this.result(made.blob, encoding, width, height, made.frames, hashes, start, 0, made.remark);
        return this.cancelRequested ? { ...result, blob: new Blob([]), cancelled: true } : result;
      }
      sink = encoding.engine === 'webcodecs' ? new VideoSink(copy, encoding, settings.fps) : encoding.engine === 'gif' ? new GifSink(ctx) : new PngZipSink(copy);
      const s = sink;
      let dropped = 0;
      if (exact) {
        let added = 0;
        const addFrame = (): Promise<void> => {
          const i = added++;
          return s.add(i, i / settings.fps, 1 / settings.fps);
        };
        frames = await this.runExact(chaptersOfPlan(chapters, plan.segments), plan.totalFrames, settings, untilStopped, capture, addFrame, options, (c) => (now.active = c), { width, height });
      } else {
        ({ written: frames, dropped } = await this.runLive(plan.segments, plan.totalFrames, settings, untilStopped, capture, s, options));
      }
      const remark = exact ? null : `live: frames are stamped with the time they were drawn; frames the encoder could not keep up with are dropped: ${dropped} dropped`;
      if (this.cancelRequested) {
        await sink.cancel();
        return { ...this.result(new Blob([]), encoding, width, height, frames, hashes, start, dropped, remark), cancelled: true };
      }
      if (frames === 0) throw new Error('no frame was recorded');
      const blob = await sink.finish();
      return this.result(blob, encoding, width, height, frames, hashes, start, dropped, remark);
    } catch (e) {
      await sink?.cancel();
      throw e;
    } finally {
      now.active?.exit();
      now.active = null;
      this.liveFrame = null;
      this.host.setRenderSize(null);
      this.host.endRecording();
      this.running = false;
    }
  }

  /** A PNG of the scene at `scale` times the canvas's CSS size. */
  async screenshot(scale: ScreenshotScale): Promise<{ blob: Blob; fileName: string; width: number; height: number }> {
    if (this.running) throw new Error('a recording is running');
    const c = this.host.canvas;
    const { width, height } = screenshotSize(Math.max(1, c.clientWidth), Math.max(1, c.clientHeight), scale);
    const copy = document.createElement('canvas');
    copy.width = width;
    copy.height = height;
    const ctx = copy.getContext('2d', { alpha: false }) as CanvasRenderingContext2D;
    await this.host.prepareDecoration?.(width, height);
    this.host.setRenderSize({ width, height });
    try {
      this.host.renderNow(() => {
        ctx.drawImage(c, 0, 0, width, height);
        this.host.decorate?.(ctx, width, height);
      });
    } finally {
      this.host.setRenderSize(null);
    }
    const blob = await new Promise<Blob>((resolve, reject) => copy.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'));
    const { model, data } = this.host.labels();
    return { blob, fileName: recordingFileName(model, data, new Date(), 'png', `${scale}x`), width, height };
  }

  private result(blob: Blob, encoding: EncodingChoice, width: number, height: number, frames: number, hashes: string[], start: number, dropped: number, remark: string | null): RecordResult {
    const { model, data } = this.host.labels();
    return { blob, fileName: recordingFileName(model, data, new Date(), encoding.extension), frames, width, height, encoding, frameHashes: hashes, wallMs: performance.now() - start, cancelled: false, dropped, remark };
  }

  /** A segment's controls; `onStage` false: a chapter's own scene, which has no passes to fit. */
  private controls(segment: PlannedSegment, fps: number, onStage = true): SegmentControls {
    return segmentControls(segment, fps, fitsOnePass(segment.kind) && onStage ? this.host.passSteps() : null);
  }

  /**
   * Frame-exact: the recorder drives the scene frame by frame, chapter after chapter (each entered, its
   * decoration readied, then its segments; a chapter with its own scene is advanced and drawn by itself);
   * returns the frames written.
   */
  private async runExact(
    chapters: readonly PlannedChapter[],
    total: number,
    settings: RecordSettings,
    untilStopped: boolean,
    capture: () => void,
    addFrame: () => Promise<void>,
    options: RecordOptions,
    setActive: (chapter: RecordChapter | null) => void,
    frame: { readonly width: number; readonly height: number },
  ): Promise<number> {
    const dt = 1000 / settings.fps;
    let done = 0;
    let written = 0;
    for (const [ci, { chapter, segments }] of chapters.entries()) {
      if (chapter !== null) {
        await chapter.enter();
        await chapter.prepareDecoration(frame.width, frame.height);
      }
      setActive(chapter);
      this.host.beginExact(ci === 0 && chapter === null && settings.freshStart);
      const own = chapter?.own() ?? null;
      for (const segment of segments) {
        const controls = this.controls(segment, settings.fps, own === null);
        if (own === null) this.host.applySegment(controls);
        const frames = untilStopped ? Infinity : segment.frames;
        for (let f = 0; f < frames; f++) {
          if (this.cancelRequested || this.stopRequested) return written;
          let captured = false;
          const take = segment.recorded ? () => {
            capture();
            captured = true;
          } : null;
          if (own !== null) {
            if (segment.kind !== 'hold') own.advance(dt);
            await own.whenIdle();
            take?.();
          } else {
            await this.host.stepFrame(dt, controls.train ? settings.trainStepsPerFrame : 0, take);
          }
          if (captured) {
            await addFrame();
            written++;
          }
          done++;
          const label = chapter !== null ? `slide ${ci + 1} / ${chapters.length} · ${segment.kind} ${segment.seconds}` : settings.useTimeline ? `${segment.kind} ${segment.seconds}` : '';
          options.onProgress?.({ done, total: untilStopped ? Infinity : total, clipFrames: written, segment: label });
          // Let the page breathe (cancel button, HUD) between frames.
          if (done % 2 === 0 || captured) await new Promise((r) => setTimeout(r, 0));
        }
      }
      chapter?.exit();
      setActive(null);
    }
    return written;
  }

  /**
   * Live: the running loop draws; after its renders, frames are taken at most fps times a second, stamped
   * with the recorded time they were drawn at, and dropped while the encoder is still busy with the
   * previous one (record/live-pacer.ts). @returns the frames written and dropped.
   */
  private runLive(
    segments: readonly PlannedSegment[],
    total: number,
    settings: RecordSettings,
    untilStopped: boolean,
    capture: () => void,
    sink: FrameSink,
    options: RecordOptions,
  ): Promise<{ written: number; dropped: number }> {
    return new Promise((resolve, reject) => {
      let index = 0;
      let segmentStart = performance.now();
      let recordedMs = 0;
      let settled = false;
      const fail = (e: unknown): void => {
        if (settled) return;
        settled = true;
        this.liveFrame = null;
        reject(e);
      };
      const pacer = new LivePacer(settings.fps, (i, t, d) => sink.add(i, t, d), fail);
      const segmentMs = (i: number): number => (untilStopped ? Infinity : segments[i].seconds * 1000);
      this.host.applySegment(this.controls(segments[0], settings.fps));
      const finish = (): void => {
        this.liveFrame = null;
        pacer.drain().then((written) => {
          if (settled) return;
          settled = true;
          resolve({ written, dropped: pacer.dropped });
        }, fail);
      };
      this.liveFrame = () => {
        if (settled) return;
        if (this.cancelRequested || this.stopRequested) return finish();
        const now = performance.now();
        const segment = segments[index];
        const elapsed = Math.min(now - segmentStart, segmentMs(index));
        options.onProgress?.({ done: Math.round(((recordedMs + elapsed) / 1000) * settings.fps), total: untilStopped ? Infinity : total, clipFrames: pacer.written, segment: settings.useTimeline ? `${segment.kind} ${segment.seconds}` : '' });
        // This render first, stamped with the recorded time it was drawn at; then the timeline moves on if the segment is over.
        if (segment.recorded) pacer.offer((recordedMs + elapsed) / 1000, capture);
        if (now - segmentStart < segmentMs(index)) return;
        if (segment.recorded) recordedMs += segmentMs(index);
        index++;
        if (index >= segments.length) return finish();
        segmentStart = now;
        this.host.applySegment(this.controls(segments[index], settings.fps));
      };
    });
  }
}
