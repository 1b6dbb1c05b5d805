/**
 * A clip's timeline: a short list of segments, each a phase and a duration, recorded in one go, e.g.
 * "train 10, forward 3, reverse 5, hold 1". Pure: parsing, validation, the frame plan and what each
 * segment asks of the scene. No DOM, no tfjs.
 *
 * Segments:
 * - `train s`   trains for s seconds of scene time, not recorded (the particles keep their phase);
 * - `play s`    records the scene as it runs (its own phase and speed; for a GAN: training moves G(z));
 * - `forward s` one whole forward pass, data -> noise, fitted to s seconds (starts from the data);
 * - `reverse s` one whole reverse pass, noise -> data, fitted to s seconds (continues from t = T after a
 *               forward segment, otherwise generates from fresh noise);
 * - `loop s`    the loop phase at the scene's own speed;
 * - `hold s`    the scene stands still: no simulation and no training.
 * A GAN has no forward or reverse process: its timelines use train, play and hold.
 */

/** What one segment does. */
export type SegmentKind = 'train' | 'play' | 'forward' | 'reverse' | 'loop' | 'hold';
export const SEGMENT_KINDS: readonly SegmentKind[] = ['train', 'play', 'forward', 'reverse', 'loop', 'hold'];

/** One segment: a kind and its duration in seconds of scene time. */
export interface Segment {
  readonly kind: SegmentKind;
  readonly seconds: number;
}

/** Longest segment, s. */
export const MAX_SEGMENT_SECONDS = 600;
/** Most segments in one timeline. */
export const MAX_SEGMENTS = 16;
/** Longest timeline text accepted, characters. */
export const MAX_TIMELINE_CHARS = 400;
/** Segment kinds a GAN's timeline may use (it has no forward or reverse process). */
export const GAN_SEGMENT_KINDS: readonly SegmentKind[] = ['train', 'play', 'hold'];

/**
 * The default timeline of each scene family: a diffusion scene shows one forward and one reverse pass;
 * a GAN has neither, so it trains unrecorded, then records G(z) moving as it trains, then holds.
 */
export const DEFAULT_TIMELINES: Readonly<Record<'diffusion' | 'adversarial', string>> = {
  diffusion: 'train 10, forward 3, reverse 5, hold 1',
  adversarial: 'train 6, play 4, hold 1',
};

/** The default timeline for a diffusion scene or (adversarial) a GAN ({@link DEFAULT_TIMELINES}). */
export function defaultTimeline(adversarial: boolean): string {
  return DEFAULT_TIMELINES[adversarial ? 'adversarial' : 'diffusion'];
}

/**
 * The timeline to show after the scene's family may have changed: the other family's default becomes
 * this family's default; any other text (the user's own) is kept as it is.
 */
export function timelineForFamily(text: string, adversarial: boolean): string {
  return text.trim() === defaultTimeline(!adversarial) ? defaultTimeline(adversarial) : text;
}

/** A timeline that cannot be used; the message says which segment and why. */
export class TimelineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimelineError';
  }
}

const EXAMPLE = "e.g. 'train 10, forward 3, reverse 5, hold 1'";

/**
 * Parses a timeline: segments separated by commas, semicolons or new lines, each `kind seconds`
 * (seconds a positive number, an optional trailing 's'). Kinds are case-insensitive.
 * @param adversarial the scene is a GAN (only train, play and hold make sense there).
 * @throws TimelineError naming the offending segment: empty text, unknown kind, missing, zero, negative
 *   or huge duration, too many segments, too long a text, or nothing recorded.
 */
export function parseTimeline(text: string, adversarial = false): Segment[] {
  if (typeof text !== 'string') throw new TimelineError(`timeline must be text (${EXAMPLE})`);
  if (text.length > MAX_TIMELINE_CHARS) throw new TimelineError(`timeline is ${text.length} characters long; at most ${MAX_TIMELINE_CHARS}`);
  const parts = text.split(/[,;\n]/).map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw new TimelineError(`timeline is empty (${EXAMPLE})`);
  if (parts.length > MAX_SEGMENTS) throw new TimelineError(`timeline has ${parts.length} segments; at most ${MAX_SEGMENTS}`);
  const segments = parts.map((part, i): Segment => {
    const where = `segment ${i + 1} '${part.length > 24 ? `${part.slice(0, 24)}…` : part}'`;
    const m = /^([a-zA-Z]+)\s+(\S+?)\s*s?$/.exec(part);
    if (!m) throw new TimelineError(`${where}: write a kind and seconds, ${EXAMPLE}`);
    const kind = m[1].toLowerCase() as SegmentKind;
    if (!SEGMENT_KINDS.includes(kind)) throw new TimelineError(`${where}: unknown kind '${m[1].slice(0, 16)}' (one of ${SEGMENT_KINDS.join(', ')})`);
    if (adversarial && !GAN_SEGMENT_KINDS.includes(kind)) {
      throw new TimelineError(`${where}: a GAN has no forward or reverse process; use ${GAN_SEGMENT_KINDS.join(', ')}`);
    }
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(m[2])) throw new TimelineError(`${where}: '${m[2].slice(0, 16)}' is not a duration in seconds`);
    const seconds = Number(m[2]);
    if (!(seconds > 0)) throw new TimelineError(`${where}: the duration must be more than 0 s`);
    if (seconds > MAX_SEGMENT_SECONDS) throw new TimelineError(`${where}: ${seconds} s is longer than ${MAX_SEGMENT_SECONDS} s`);
    return { kind, seconds };
  });
  if (!segments.some((s) => isRecorded(s.kind))) throw new TimelineError('timeline records nothing: add a play, forward, reverse, loop or hold segment');
  return segments;
}

/** The canonical text of a timeline ("train 10, forward 3"); parseTimeline(formatTimeline(s)) equals s. */
export function formatTimeline(segments: readonly Segment[]): string {
  return segments.map((s) => `${s.kind} ${s.seconds}`).join(', ');
}

/** Whether a segment's frames go into the clip. */
export function isRecorded(kind: SegmentKind): boolean {
  return RECORDED[kind];
}

/** Whether a segment's speed is fitted to one pass of the particles (forward and reverse). */
export function fitsOnePass(kind: SegmentKind): boolean {
  return Object.hasOwn(PASS_START, kind);
}

/** Which segments go into the clip: all but training without drawing. */
const RECORDED: Readonly<Record<SegmentKind, boolean>> = { train: false, play: true, forward: true, reverse: true, loop: true, hold: true };

/** Where a pass segment must start, unless the particles are there already: forward from the data, reverse from noise. */
const PASS_START = { forward: 'data', reverse: 'noise' } as const;

/** One segment of a frame plan. */
export interface PlannedSegment extends Segment {
  /** Frames the segment lasts at the plan's fps: round(seconds * fps), at least 1. */
  readonly frames: number;
  readonly recorded: boolean;
  /** Index in the clip of the segment's first recorded frame (the clip's frame count so far). */
  readonly firstClipFrame: number;
}

/** Every frame of a timeline at a frame rate: which are rendered into the clip and which only advance the scene. */
export interface FramePlan {
  readonly fps: number;
  readonly segments: readonly PlannedSegment[];
  /** Frames written to the clip. */
  readonly clipFrames: number;
  /** All frames stepped, recorded or not (the progress bar's denominator). */
  readonly totalFrames: number;
}

/**
 * The frame plan of a timeline at `fps` frames per second (each frame advances scene time by 1 / fps).
 * @throws RangeError if fps is not a positive integer.
 */
export function planFrames(segments: readonly Segment[], fps: number): FramePlan {
  if (!Number.isInteger(fps) || fps <= 0) throw new RangeError(`fps must be a positive integer, got ${fps}`);
  let clip = 0;
  let total = 0;
  const planned = segments.map((s): PlannedSegment => {
    const frames = Math.max(1, Math.round(s.seconds * fps));
    const recorded = isRecorded(s.kind);
    const p = { ...s, frames, recorded, firstClipFrame: clip };
    if (recorded) clip += frames;
    total += frames;
    return p;
  });
  return { fps, segments: planned, clipFrames: clip, totalFrames: total };
}

/** What a segment asks of the scene while it runs. */
export interface SegmentControls {
  /** Phase to set, or null to keep the scene's own. */
  readonly phase: 'forward' | 'reverse' | 'loop' | null;
  /** Simulation stands still (no diffusion steps). */
  readonly paused: boolean;
  /** Training runs during the segment. */
  readonly train: boolean;
  /**
   * Simulation steps per second that make one whole pass span exactly the segment's frames
   * (passSteps * fps / frames), or null to keep the scene's own speed.
   */
  readonly stepsPerSecond: number | null;
  /** Rest at the ends of a pass, in steps: 0 inside a fitted pass, null to keep the scene's own. */
  readonly holdSteps: 0 | null;
  /** Whether the particles must first go back to the data (t = 0) unless already at `startAt`. */
  readonly restartUnlessAt: 'data' | 'noise' | null;
}

/** Simulation steps of one pass of the scene, forward (data -> noise) and reverse (noise -> data). */
export interface PassSteps {
  readonly forward: number;
  readonly reverse: number;
}

/**
 * The controls of a planned segment. Forward and reverse passes are fitted to the segment: with
 * `passSteps` steps in `frames` frames at `fps`, the speed is passSteps * fps / frames steps per second,
 * so that frames * (1 / fps) * speed is exactly one pass.
 * @throws RangeError if passSteps are not positive integers for a forward or reverse segment.
 */
export function segmentControls(segment: Pick<PlannedSegment, 'kind' | 'frames'>, fps: number, passSteps: PassSteps | null): SegmentControls {
  const keep = { phase: null, paused: false, train: true, stepsPerSecond: null, holdSteps: null, restartUnlessAt: null } as const;
  switch (segment.kind) {
    case 'train':
    case 'play':
      return keep;
    case 'loop':
      return { ...keep, phase: 'loop' };
    case 'hold':
      return { ...keep, paused: true, train: false };
    case 'forward':
    case 'reverse': {
      const steps = passSteps?.[segment.kind];
      if (steps === undefined || !Number.isInteger(steps) || steps <= 0) throw new RangeError(`a ${segment.kind} segment needs the pass length in steps, got ${steps}`);
      return {
        phase: segment.kind,
        paused: false,
        train: true,
        stepsPerSecond: (steps * fps) / segment.frames,
        holdSteps: 0,
        restartUnlessAt: PASS_START[segment.kind],
      };
    }
  }
}
