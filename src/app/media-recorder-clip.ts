/**
 * The recorder's fallback where WebCodecs cannot encode (recorder.ts): MediaRecorder on the stage
 * canvas's own stream, in real time, segment after segment of the timeline, paused over the segments
 * that are not recorded. The canvas stream carries a frame only when the canvas was redrawn, so the
 * frames are counted afterwards from the file (remuxWithDuration, record-sinks.ts).
 */
import { remuxWithDuration } from './record-sinks';
import type { PlannedSegment } from '../record/timeline';

/** What the fallback reads from the recording that runs it. */
export interface MediaRecorderRun {
  /** Applies a segment's controls to the scene as it starts. */
  enter(segment: PlannedSegment): void;
  /** The user stopped (keep what was recorded) or cancelled. */
  stopRequested(): boolean;
  cancelRequested(): boolean;
  /** Frames of the timeline stepped so far and in all (Infinity until stopped), and the segment's label. */
  onProgress?: (p: { done: number; total: number; clipFrames: number; segment: string }) => void;
}

/**
 * Records `segments` from `canvas` through MediaRecorder at `fps` (frames per second, the stream's
 * rate cap), each for its seconds of wall time (`untilStopped`: the first until stop or cancel). The file
 * is remuxed so that it carries its duration, and the frames reported are the video packets it holds;
 * its type is the recorder's own (`mime` asked for). Cancelled: the raw file, 0 frames.
 * @throws what MediaRecorder or the remux throws (e.g. NotSupportedError for `mime`).
 */
export async function recordMediaRecorderClip(
  canvas: HTMLCanvasElement,
  mime: string,
  segments: readonly PlannedSegment[],
  fps: number,
  untilStopped: boolean,
  run: MediaRecorderRun,
): Promise<{ blob: Blob; frames: number; remark: string }> {
  const stream = canvas.captureStream(fps);
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
      run.enter(segment);
      if (segment.recorded) recorder.resume();
      else recorder.pause();
      const end = performance.now() + (untilStopped ? Infinity : segment.seconds * 1000);
      while (performance.now() < end && !run.stopRequested() && !run.cancelRequested()) {
        await new Promise((r) => setTimeout(r, 100));
        run.onProgress?.({ done: done + Math.round(((performance.now() - (end - segment.seconds * 1000)) / 1000) * fps), total: untilStopped ? Infinity : total, clipFrames: 0, segment: `${segment.kind} ${segment.seconds}` });
      }
      done += segment.frames;
    }
  } finally {
    recorder.stop();
    for (const t of stream.getTracks()) t.stop();
  }
  await stopped;
  const raw = new Blob(chunks, { type: recorder.mimeType || mime });
  if (run.cancelRequested()) return { blob: raw, frames: 0, remark: 'cancelled' };
  const { blob, frames, seconds } = await remuxWithDuration(raw);
  return { blob, frames, remark: `MediaRecorder (real time): ${frames} frames in ${seconds.toFixed(1)} s; the canvas stream carries a frame only when the scene was redrawn` };
}
