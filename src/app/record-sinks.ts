/**
 * Where a recording's frames go: the encoders and muxers (WebCodecs through mediabunny for MP4 and
 * WebM, gifenc for GIF, fflate for PNG frames in a zip), the capability probe, and the remux that gives
 * a MediaRecorder file its duration. Each sink takes the frame from the recorder's copy canvas when
 * `add` is called. The recorder (recorder.ts) decides which frames and when.
 */
import { applyPalette, GIFEncoder, quantize } from 'gifenc';
import { zipSync, type Zippable } from 'fflate';
import {
  ALL_FORMATS,
  BlobSource,
  BufferSource,
  BufferTarget,
  canEncodeVideo,
  Conversion,
  EncodedPacketSink,
  Input,
  Mp4OutputFormat,
  Output,
  QUALITY_HIGH,
  VideoSample,
  VideoSampleSource,
  WebMOutputFormat,
} from 'mediabunny';
import { gifDelayBetweenMs, MEDIA_RECORDER_TYPES, pngFrameName, type EncoderCapabilities, type EncodingChoice } from '../record/recording';

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
export interface FrameSink {
  /** Takes the copy canvas's current pixels synchronously, before it returns; the promise is the encoder's back-pressure. */
  add(index: number, timestamp: number, duration: number): Promise<void>;
  finish(): Promise<Blob>;
  cancel(): Promise<void>;
}

export class VideoSink implements FrameSink {
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

/**
 * GIF: each frame is quantized when it is taken and written when the next one arrives, with the delay
 * between their timestamps (real time for a live recording; exactly gifDelayMs frame-exact).
 */
export class GifSink implements FrameSink {
  private readonly gif = GIFEncoder();
  private held: { index: Uint8Array; palette: number[][]; timestamp: number; duration: number } | null = null;
  constructor(private readonly ctx: CanvasRenderingContext2D) {}

  add(_index: number, timestamp: number, duration: number): Promise<void> {
    const { width, height } = this.ctx.canvas;
    const rgba = this.ctx.getImageData(0, 0, width, height).data;
    const palette = quantize(rgba, 256);
    this.writeHeld(timestamp);
    this.held = { index: applyPalette(rgba, palette), palette, timestamp, duration };
    return Promise.resolve();
  }

  private writeHeld(until: number): void {
    const h = this.held;
    if (h === null) return;
    const { width, height } = this.ctx.canvas;
    this.gif.writeFrame(h.index, width, height, { palette: h.palette, delay: gifDelayBetweenMs(h.timestamp, until), repeat: 0 });
    this.held = null;
  }

  finish(): Promise<Blob> {
    if (this.held !== null) this.writeHeld(this.held.timestamp + this.held.duration);
    this.gif.finish();
    return Promise.resolve(new Blob([this.gif.bytes()], { type: 'image/gif' }));
  }

  cancel(): Promise<void> {
    this.held = null;
    return Promise.resolve();
  }
}

export class PngZipSink implements FrameSink {
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

/**
 * Rewrites a MediaRecorder file through mediabunny without re-encoding: its Input reads the packets and
 * an Output of the same container writes them again, with the duration that MediaRecorder's WebM lacks
 * (without it a player shows Infinity and cannot seek). @param raw the recorder's file; its type names
 * the container. @returns the new file (same type), its video packets (the frames it holds) and its
 * duration in seconds. @throws Error if the file has no video track or cannot be remuxed.
 */
export async function remuxWithDuration(raw: Blob): Promise<{ blob: Blob; frames: number; seconds: number }> {
  const mp4 = raw.type.startsWith('video/mp4');
  const target = new BufferTarget();
  const output = new Output({ format: mp4 ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat(), target });
  const conversion = await Conversion.init({ input: new Input({ source: new BlobSource(raw), formats: ALL_FORMATS }), output });
  if (!conversion.isValid) throw new Error(`the recorded ${raw.type} file cannot be remuxed: ${conversion.discardedTracks.map((t) => t.reason).join(', ') || 'no track'}`);
  await conversion.execute();
  if (target.buffer === null) throw new Error('the muxer wrote nothing');
  const written = new Input({ source: new BufferSource(target.buffer), formats: ALL_FORMATS });
  const track = await written.getPrimaryVideoTrack();
  if (track === null) throw new Error('the recorded file has no video track');
  let frames = 0;
  const packets = new EncodedPacketSink(track).packets(undefined, undefined, { metadataOnly: true });
  for (let p = await packets.next(); p.done !== true; p = await packets.next()) frames++;
  return { blob: new Blob([target.buffer], { type: raw.type }), frames, seconds: await written.computeDuration() };
}
