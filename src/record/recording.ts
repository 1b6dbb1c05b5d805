/**
 * Recording settings and the pure decisions behind a recording: the frame size, the container and codec
 * (WebCodecs when it can encode, otherwise MediaRecorder, and why), file names, GIF frame delays and frame
 * hashes. No DOM: the browser's capabilities are handed in, so every choice is unit-tested in Node.
 */
import { defaultTimeline } from './timeline';

/** File formats a clip can be saved as. */
export type RecordFormat = 'mp4' | 'webm' | 'gif' | 'png-zip';
export const FORMAT_LABELS: Record<RecordFormat, string> = {
  mp4: 'MP4 (H.264)',
  webm: 'WebM (VP9)',
  gif: 'GIF (short loops)',
  'png-zip': 'PNG frames (zip)',
};

/** Frame sizes: the canvas as it is, or a fixed 16:9 size. */
export type RecordResolution = 'canvas' | '720p' | '1080p' | '2160p';
export const RESOLUTIONS: Record<Exclude<RecordResolution, 'canvas'>, { readonly width: number; readonly height: number }> = {
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1080 },
  '2160p': { width: 3840, height: 2160 },
};
export const RESOLUTION_LABELS: Record<RecordResolution, string> = { canvas: 'canvas size', '720p': '1280 x 720', '1080p': '1920 x 1080', '2160p': '3840 x 2160' };

export type RecordFps = 24 | 30 | 60;
export const RECORD_FPS: readonly RecordFps[] = [24, 30, 60];

/**
 * 'live': records what is on screen, in real time; 'frame-exact': every encoded frame advances the scene
 * by exactly 1 / fps with a fixed number of training steps, however long it takes to compute.
 */
export type RecordMode = 'live' | 'frame-exact';

/**
 * Which engine encodes a video: 'webcodecs' where this browser can (falling back to MediaRecorder where
 * it cannot), or 'media-recorder' chosen on purpose (real time only, from the canvas's own stream).
 */
export type VideoEngine = 'webcodecs' | 'media-recorder';
export const VIDEO_ENGINE_LABELS: Record<VideoEngine, string> = { webcodecs: 'WebCodecs where possible', 'media-recorder': 'MediaRecorder (real time)' };

/** Everything the Record panel sets. */
export interface RecordSettings {
  format: RecordFormat;
  /** Engine for MP4 and WebM (GIF and PNG frames have their own). */
  engine: VideoEngine;
  resolution: RecordResolution;
  fps: RecordFps;
  mode: RecordMode;
  /** Length of a plain recording (no timeline), s, > 0. */
  seconds: number;
  /** A plain recording runs until stopped (ignores `seconds`). */
  untilStopped: boolean;
  /** Use {@link timeline} instead of a plain recording. */
  useTimeline: boolean;
  /** Timeline text (see timeline.ts), e.g. "train 10, forward 3, reverse 5, hold 1". */
  timeline: string;
  /** Frame-exact: training steps per encoded frame, integer >= 0. */
  trainStepsPerFrame: number;
  /** Frame-exact: rebuild the scene from its seed first, so the same settings give the same frames. */
  freshStart: boolean;
}

/** The panel's settings at start; the timeline is the default of the scene's family ({@link defaultTimeline}). */
export function defaultRecordSettings(adversarial = false): RecordSettings {
  return {
    format: 'mp4',
    engine: 'webcodecs',
    resolution: '1080p',
    fps: 30,
    mode: 'frame-exact',
    seconds: 5,
    untilStopped: false,
    useTimeline: true,
    timeline: defaultTimeline(adversarial),
    trainStepsPerFrame: 4,
    freshStart: true,
  };
}

/** Largest frame edge accepted (the 4K preset's width). */
export const MAX_FRAME_EDGE = 3840;

/**
 * The frame size of a recording in pixels. Fixed sizes are taken as they are; the canvas size is the
 * drawing buffer's, capped to {@link MAX_FRAME_EDGE} with its aspect kept, and rounded down to even
 * numbers (4:2:0 video needs even sizes).
 * @throws RangeError if the canvas size is not positive and finite.
 */
export function frameSize(resolution: RecordResolution, canvasWidth: number, canvasHeight: number): { width: number; height: number } {
  if (resolution !== 'canvas') return { ...RESOLUTIONS[resolution] };
  if (!(canvasWidth > 0 && canvasHeight > 0 && Number.isFinite(canvasWidth) && Number.isFinite(canvasHeight))) {
    throw new RangeError(`canvas size must be positive, got ${canvasWidth} x ${canvasHeight}`);
  }
  const scale = Math.min(1, MAX_FRAME_EDGE / Math.max(canvasWidth, canvasHeight));
  const even = (x: number): number => Math.max(2, 2 * Math.floor((x * scale) / 2));
  return { width: even(canvasWidth), height: even(canvasHeight) };
}

/** What the browser can do, probed by the app (mediabunny's canEncodeVideo, MediaRecorder.isTypeSupported). */
export interface EncoderCapabilities {
  /** `VideoEncoder` exists. */
  readonly webCodecs: boolean;
  /** WebCodecs can encode H.264 at the frame size. */
  readonly avc: boolean;
  /** WebCodecs can encode VP9 at the frame size. */
  readonly vp9: boolean;
  /** MIME types MediaRecorder supports, among {@link MEDIA_RECORDER_TYPES}. */
  readonly mediaRecorder: readonly string[];
}

/** MediaRecorder types tried for the fallback, best first. */
export const MEDIA_RECORDER_TYPES = ['video/mp4;codecs=avc1', 'video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'] as const;

/** How a clip will be written. */
export type EncodingChoice =
  | { readonly engine: 'webcodecs'; readonly container: 'mp4' | 'webm'; readonly codec: 'avc' | 'vp9'; readonly extension: string; readonly mime: string; readonly note: string | null }
  | { readonly engine: 'media-recorder'; readonly mime: string; readonly extension: string; readonly note: string }
  | { readonly engine: 'gif' | 'png-zip'; readonly extension: string; readonly mime: string; readonly note: null };

/**
 * The encoder for a format given the browser's capabilities. MP4 wants H.264, WebM wants VP9, both through
 * WebCodecs and mediabunny; without it (or without the codec) the other WebCodecs container is used if
 * it can encode, then MediaRecorder (real time only), each with a note saying why. GIF and PNG frames
 * need no video codec. With `engine` 'media-recorder' MediaRecorder is used whatever WebCodecs can do.
 * @throws Error when nothing here can encode video (the message says so).
 */
export function chooseEncoding(format: RecordFormat, caps: EncoderCapabilities, engine: VideoEngine = 'webcodecs'): EncodingChoice {
  if (format === 'gif') return { engine: 'gif', extension: 'gif', mime: 'image/gif', note: null };
  if (format === 'png-zip') return { engine: 'png-zip', extension: 'zip', mime: 'application/zip', note: null };
  const preferred = format === 'mp4' ? MEDIA_RECORDER_TYPES : MEDIA_RECORDER_TYPES.slice(1);
  const recorderType = preferred.find((t) => caps.mediaRecorder.includes(t)) ?? caps.mediaRecorder[0];
  const viaRecorder = (note: string): EncodingChoice => ({ engine: 'media-recorder', mime: recorderType, extension: recorderType.startsWith('video/mp4') ? 'mp4' : 'webm', note });
  if (engine === 'media-recorder') {
    if (recorderType === undefined) throw new Error('this browser has no MediaRecorder for video: choose WebCodecs, a GIF or PNG frames');
    return viaRecorder(`MediaRecorder (${recorderType}) as chosen: real time only`);
  }
  const mp4 = { engine: 'webcodecs', container: 'mp4', codec: 'avc', extension: 'mp4', mime: 'video/mp4' } as const;
  const webm = { engine: 'webcodecs', container: 'webm', codec: 'vp9', extension: 'webm', mime: 'video/webm' } as const;
  const [wanted, other] = format === 'mp4' ? [mp4, webm] : [webm, mp4];
  const can = (c: 'avc' | 'vp9'): boolean => caps.webCodecs && caps[c];
  if (can(wanted.codec)) return { ...wanted, note: null };
  const missing = caps.webCodecs ? `this browser's WebCodecs cannot encode ${wanted.codec === 'avc' ? 'H.264' : 'VP9'} at this size` : 'this browser has no WebCodecs';
  if (can(other.codec)) return { ...other, note: `${missing}: recording ${other.container === 'webm' ? 'WebM (VP9)' : 'MP4 (H.264)'} instead` };
  if (recorderType === undefined) throw new Error(`${missing}, and MediaRecorder is missing too: record a GIF or PNG frames instead`);
  return viaRecorder(`${missing}: falling back to MediaRecorder (${recorderType}), which records in real time only`);
}

/** Keeps [a-z0-9-] of a label, dashes between words, at most 40 characters. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'scene';
}

/** Two digits. */
const pad2 = (n: number): string => String(n).padStart(2, '0');

/**
 * A download name: `generative-playground_<model>_<data>_<YYYYMMDD-HHMMSS>[_<suffix>].<ext>`, made of
 * safe characters only (local time of `date`).
 */
export function recordingFileName(model: string, data: string, date: Date, extension: string, suffix = ''): string {
  const stamp = `${date.getFullYear()}${pad2(date.getMonth() + 1)}${pad2(date.getDate())}-${pad2(date.getHours())}${pad2(date.getMinutes())}${pad2(date.getSeconds())}`;
  const ext = extension.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return `generative-playground_${slug(model)}_${slug(data)}_${stamp}${suffix ? `_${slug(suffix)}` : ''}.${ext}`;
}

/** Name of frame `index` (0-based) inside a PNG-sequence zip: frame-00001.png, ... */
export function pngFrameName(index: number): string {
  return `frame-${String(index + 1).padStart(5, '0')}.png`;
}

/**
 * Delay of GIF frame `index` in ms at `fps`. GIF stores delays in hundredths of a second, so 1 / fps is
 * rounded per frame in a way that keeps the total exact: delay_i = round(100 (i + 1) / fps) - round(100 i / fps)
 * centiseconds (30 fps: 3, 4, 3, 3, 4, 3, ...).
 */
export function gifDelayMs(index: number, fps: number): number {
  return 10 * (Math.round((100 * (index + 1)) / fps) - Math.round((100 * index) / fps));
}

/**
 * Delay in ms of a GIF frame shown from `from` to `until` (seconds of clip time, until >= from), in whole
 * hundredths of a second by rounding both ends, so that delays of consecutive frames sum to the clip's
 * length exactly: at t_i = i / fps it equals {@link gifDelayMs}(i, fps).
 */
export function gifDelayBetweenMs(from: number, until: number): number {
  // The 1e-6 keeps exact halves (t = 1/8 s at 24 fps: 12.5 cs) rounding up however t was computed.
  const cs = (t: number): number => Math.round(100 * t + 1e-6);
  return 10 * Math.max(0, cs(until) - cs(from));
}

/** FNV-1a 32-bit hash of bytes as 8 hex digits (to compare frames, not for security). */
export function fnv1a(bytes: Uint8Array | Uint8ClampedArray): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Screenshot scales offered. */
export const SCREENSHOT_SCALES = [1, 2, 4] as const;
export type ScreenshotScale = (typeof SCREENSHOT_SCALES)[number];

/**
 * The drawing-buffer size of a screenshot at `scale` times the canvas's CSS size, capped so that no edge
 * exceeds `maxEdge` (the GPU's largest texture), aspect kept.
 */
export function screenshotSize(cssWidth: number, cssHeight: number, scale: ScreenshotScale, maxEdge = 8192): { width: number; height: number } {
  const s = Math.min(scale, maxEdge / Math.max(cssWidth * 1, cssHeight * 1));
  return { width: Math.max(1, Math.floor(cssWidth * s)), height: Math.max(1, Math.floor(cssHeight * s)) };
}
