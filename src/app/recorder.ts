/**
 * Records the scene: MP4 (H.264) or WebM (VP9) through WebCodecs and mediabunny, GIF through gifenc, PNG
 * frames in a zip through fflate, or MediaRecorder where WebCodecs cannot encode; and PNG screenshots.
 *
 * Two modes (recording.ts): 'live' captures what the running loop draws, in real time; 'frame-exact'
 * stops the live loop and drives the scene itself through {@link RecordHost.stepFrame}: each encoded
 * frame advances scene time by exactly 1 / fps with a fixed number of training steps, however long it
 * takes. Frames are captured right after their render, in the same task (a WebGPU canvas is only
 * readable until the next frame is requested): the stage canvas is copied into a 2D canvas of the frame
 * size, which the encoders read. The pure decisions (timeline, frame plan, codec, names) live in
 * src/record.
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';
import { zipSync, type Zippable } from 'fflate';
import { BufferTarget, canEncodeVideo, Mp4OutputFormat, Output, QUALITY_HIGH, VideoSample, VideoSampleSource, WebMOutputFormat } from 'mediabunny';
import { parseTimeline, planFrames, segmentControls, type PassSteps, type PlannedSegment, type SegmentControls } from '../record/timeline';
import {
  chooseEncoding,
  fnv1a,
  frameSize,
  gifDelayMs,
  MEDIA_RECORDER_TYPES,
  pngFrameName,
  recordingFileName,
  screenshotSize,
  type EncoderCapabilities,
  type EncodingChoice,
  type RecordSettings,
  type ScreenshotScale,
} from '../record/recording';

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
}

/** Probes what this browser can encode at a size (WebCodecs through mediabunny, and MediaRecorder). */
export async function probeCapabilities(width: number, height: number): Promise<EncoderCapabilities> {
  const webCodecs = typeof VideoEncoder !== 'undefined';
  const probe = async (codec: 'avc' | 'vp9'): Promise<boolean> => {
    try {
      return webCodecs && (await canEncodeVideo(codec, { width, height, bitrate: QUALITY_HIGH }));
    } catch {
      return false;
    }
  };
  const [avc, vp9] = await Promise.all([probe('avc'), probe('vp9')]);
  const mediaRecorder = typeof MediaRecorder === 'undefined' ? [] : MEDIA_RECORDER_TYPES.filter((t) => MediaRecorder.isTypeSupported(t));
  return { webCodecs, avc, vp9, mediaRecorder };
}

/** Takes frames from the copy canvas and writes a file. */
interface FrameSink {
  /** Takes the copy canvas's current pixels synchronously, before it returns; the promise is the encoder's back-pressure. */
  add(index: number, timestamp: number, duration: number): Promise<void>;
  finish(): Promise<Blob>;
  cancel(): Promise<void>;
}

class VideoSink implements FrameSink {
  private readonly target = new BufferTarget();
  private readonly output: Output;
  private readonly source: VideoSampleSource;
  private started: Promise<void>;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly choice: Extract<EncodingChoice, { engine: 'webcodecs' }>, fps: number) {
    this.output = new Output({ format: choice.container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(), target: this.target });
    this.source = new VideoSampleSource({ codec: choice.codec, bitrate: QUALITY_HIGH, keyFrameInterval: 2 });
    this.output.addVideoTrack(this.source, { frameRate: fps });
    this.started = this.output.start();
  }

  add(_index: number, timestamp: number, duration: number): Promise<void> {
    // The frame is taken now, synchronously; encoding follows.
    const sample = new VideoSample(this.canvas, { timestamp, duration });
    return this.started.then(() => this.source.add(sample)).finally(() => sample.close());
  }

  async finish(): Promise<Blob> {
    await this.started;
    this.source.close();
    await this.output.finalize();
    const buffer = this.target.buffer;
    if (buffer === null) throw new Error('the muxer wrote nothing');
    return new Blob([buffer], { type: this.choice.mime });
  }

  async cancel(): Promise<void> {
    await this.output.cancel().catch(() => undefined);
  }
}

class GifSink implements FrameSink {
  private readonly gif = GIFEncoder();
  constructor(private readonly ctx: CanvasRenderingContext2D, private readonly fps: number) {}

  add(index: number): Promise<void> {
    const { width, height } = this.ctx.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const palette = quantize(rgba, 256);
    this.gif.writeFrame(applyPalette(rgba, palette), width, height, { palette, delay: gifDelayMs(index, this.fps), repeat: 0 });
    return Promise.resolve();
  }

  finish(): Promise<Blob> {
    this.gif.finish();
    return Promise.resolve(new Blob([this.gif.bytes()], { type: 'image/gif' }));
  }

  cancel(): Promise<void> {
    return Promise.resolve();
  }
}

class PngZipSink implements FrameSink {
  private readonly files: Zippable = {};
  private readonly pending: Promise<void>[] = [];
  constructor(private readonly canvas: HTMLCanvasElement) {}

  add(index: number): Promise<void> {
    // A private copy, so the next frame can be drawn while this one is compressed.
    const copy = new OffscreenCanvas(this.canvas.width, this.canvas.height);
    (copy.getContext('2d') as OffscreenCanvasRenderingContext2D).drawImage(this.canvas, 0, 0);
    const done = copy
      .convertToBlob({ type: 'image/png' })
      .then((b) => b.arrayBuffer())
      .then((buf) => {
        this.files[pngFrameName(index)] = [new Uint8Array(buf), { level: 0 }];
      });
    this.pending.push(done);
    return done;
  }

  async finish(): Promise<Blob> {
    await Promise.all(this.pending);
    return new Blob([zipSync(this.files) as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
  }

  async cancel(): Promise<void> {
    await Promise.allSettled(this.pending);
  }
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
    return { encoding: chooseEncoding(settings.format, caps), width, height };
  }

  /**
   * Records a clip with `settings`. Resolves with the file (also after stop(); `cancelled` after cancel()).
   * @throws TimelineError on a bad timeline, Error when nothing can encode, or what an encoder throws;
   *   the scene is handed back to the live loop in every case.
   */
  async record(settings: RecordSettings, options: RecordOptions = {}): Promise<RecordResult> {
    if (this.running) throw new Error('a recording is already running');
    const segments = settings.useTimeline ? parseTimeline(settings.timeline, this.host.isAdversarial()) : [{ kind: 'play' as const, seconds: settings.seconds }];
    if (!settings.useTimeline && !settings.untilStopped && !(settings.seconds > 0 && settings.seconds <= 600)) throw new RangeError(`duration must be in (0, 600] s, got ${settings.seconds}`);
    const { encoding, width, height } = await this.plan(settings);
    const plan = planFrames(segments, settings.fps);
    const untilStopped = !settings.useTimeline && settings.untilStopped;
    const exact = settings.mode === 'frame-exact' && encoding.engine !== 'media-recorder';
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
      ctx.drawImage(this.host.canvas, 0, 0, width, height);
      this.host.decorate?.(ctx, width, height);
      if (options.hashFrames) hashes.push(fnv1a(ctx.getImageData(0, 0, width, height).data));
    };
    let sink: FrameSink | null = null;
    let frames = 0;
    try {
      this.host.setRenderSize({ width, height });
      if (encoding.engine === 'media-recorder') {
        const blob = await this.recordMediaRecorder(encoding.mime, plan.segments, settings.fps, untilStopped, options);
        frames = Math.round(plan.clipFrames);
        return this.result(blob, encoding, width, height, frames, hashes, start);
      }
      sink = encoding.engine === 'webcodecs' ? new VideoSink(copy, encoding, settings.fps) : encoding.engine === 'gif' ? new GifSink(ctx, settings.fps) : new PngZipSink(copy);
      const s = sink;
      let added = 0;
      const addFrame = (): Promise<void> => {
        const i = added++;
        return s.add(i, i / settings.fps, 1 / settings.fps);
      };
      if (exact) {
        frames = await this.runExact(plan.segments, plan.totalFrames, settings, untilStopped, capture, addFrame, options);
      } else {
        frames = await this.runLive(plan.segments, plan.totalFrames, settings, untilStopped, capture, addFrame, options);
      }
      if (this.cancelRequested) {
        await sink.cancel();
        return { ...this.result(new Blob([]), encoding, width, height, frames, hashes, start), cancelled: true };
      }
      if (frames === 0) throw new Error('no frame was recorded');
      const blob = await sink.finish();
      return this.result(blob, encoding, width, height, frames, hashes, start);
    } catch (e) {
      await sink?.cancel();
      throw e;
    } finally {
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

  private result(blob: Blob, encoding: EncodingChoice, width: number, height: number, frames: number, hashes: string[], start: number): RecordResult {
    const { model, data } = this.host.labels();
    return { blob, fileName: recordingFileName(model, data, new Date(), encoding.extension), frames, width, height, encoding, frameHashes: hashes, wallMs: performance.now() - start, cancelled: false };
  }

  private controls(segment: PlannedSegment, fps: number): SegmentControls {
    const needsPass = segment.kind === 'forward' || segment.kind === 'reverse';
    return segmentControls(segment, fps, needsPass ? this.host.passSteps() : null);
  }

  /** Frame-exact: the recorder drives the scene frame by frame; returns the frames written. */
  private async runExact(
    segments: readonly PlannedSegment[],
    total: number,
    settings: RecordSettings,
    untilStopped: boolean,
    capture: () => void,
    addFrame: () => Promise<void>,
    options: RecordOptions,
  ): Promise<number> {
    this.host.beginExact(settings.freshStart);
    const dt = 1000 / settings.fps;
    let done = 0;
    let written = 0;
    for (const segment of segments) {
      const controls = this.controls(segment, settings.fps);
      this.host.applySegment(controls);
      const frames = untilStopped ? Infinity : segment.frames;
      for (let f = 0; f < frames; f++) {
        if (this.cancelRequested || this.stopRequested) return written;
        let captured = false;
        await this.host.stepFrame(dt, controls.train ? settings.trainStepsPerFrame : 0, segment.recorded ? () => {
          capture();
          captured = true;
        } : null);
        if (captured) {
          await addFrame();
          written++;
        }
        done++;
        options.onProgress?.({ done, total: untilStopped ? Infinity : total, clipFrames: written, segment: settings.useTimeline ? `${segment.kind} ${segment.seconds}` : '' });
        // Let the page breathe (cancel button, HUD) between frames.
        if (done % 2 === 0 || captured) await new Promise((r) => setTimeout(r, 0));
      }
    }
    return written;
  }

  /** Live: the running loop draws; frames are taken after its renders at most fps times a second. */
  private runLive(
    segments: readonly PlannedSegment[],
    total: number,
    settings: RecordSettings,
    untilStopped: boolean,
    capture: () => void,
    addFrame: () => Promise<void>,
    options: RecordOptions,
  ): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      let index = 0;
      let segmentStart = performance.now();
      let recordedMs = 0;
      let written = 0;
      const pending: Promise<void>[] = [];
      let failed = false;
      const segmentMs = (i: number): number => (untilStopped ? Infinity : segments[i].seconds * 1000);
      this.host.applySegment(this.controls(segments[0], settings.fps));
      const finish = (): void => {
        this.liveFrame = null;
        Promise.all(pending).then(() => resolve(written), reject);
      };
      this.liveFrame = () => {
        if (failed) return;
        if (this.cancelRequested || this.stopRequested) return finish();
        const now = performance.now();
        const segment = segments[index];
        const elapsed = Math.min(now - segmentStart, segmentMs(index));
        options.onProgress?.({ done: Math.round(((recordedMs + elapsed) / 1000) * settings.fps), total: untilStopped ? Infinity : total, clipFrames: written, segment: settings.useTimeline ? `${segment.kind} ${segment.seconds}` : '' });
        // One frame per 1 / fps of recorded time (the clip is timed by the frame count); this render first,
        // then the timeline moves on if the segment is over.
        if (segment.recorded && (recordedMs + elapsed) / 1000 >= written / settings.fps) {
          capture();
          written++;
          // The sink takes the pixels now; the encoding promises are awaited at the end.
          const added = addFrame();
          pending.push(added);
          added.catch((e: unknown) => {
            failed = true;
            this.liveFrame = null;
            reject(e);
          });
        }
        if (now - segmentStart < segmentMs(index)) return;
        if (segment.recorded) recordedMs += segmentMs(index);
        index++;
        if (index >= segments.length) return finish();
        segmentStart = now;
        this.host.applySegment(this.controls(segments[index], settings.fps));
      };
    });
  }

  /** MediaRecorder fallback: real time, from the stage canvas's own stream. */
  private async recordMediaRecorder(mime: string, segments: readonly PlannedSegment[], fps: number, untilStopped: boolean, options: RecordOptions): Promise<Blob> {
    const stream = this.host.canvas.captureStream(fps);
    const recorder = new MediaRecorder(stream, { mimeType: mime, videoBitsPerSecond: 12_000_000 });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => e.data.size > 0 && chunks.push(e.data);
    const stopped = new Promise<void>((r) => (recorder.onstop = () => r()));
    recorder.start(1000);
    recorder.pause();
    const total = segments.reduce((a, s) => a + s.frames, 0);
    let done = 0;
    try {
      for (const segment of segments) {
        this.host.applySegment(this.controls(segment, fps));
        if (segment.recorded) recorder.resume();
        else recorder.pause();
        const end = performance.now() + (untilStopped ? Infinity : segment.seconds * 1000);
        while (performance.now() < end && !this.stopRequested && !this.cancelRequested) {
          await new Promise((r) => setTimeout(r, 100));
          options.onProgress?.({ done: done + Math.round(((performance.now() - (end - segment.seconds * 1000)) / 1000) * fps), total: untilStopped ? Infinity : total, clipFrames: 0, segment: `${segment.kind} ${segment.seconds}` });
        }
        done += segment.frames;
      }
    } finally {
      recorder.stop();
      for (const t of stream.getTracks()) t.stop();
    }
    await stopped;
    return new Blob(chunks, { type: mime });
  }
}
