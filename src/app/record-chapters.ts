/**
 * Recordings made of several parts (a lecture deck, issue 17): each chapter enters its own scene, readies
 * its decoration (the slide's text), and plays its segments; a chapter may draw its own scene into the
 * frames (the parallel-lines slide) instead of the stage. The recorder (app/recorder.ts) runs them.
 */
import type { PlannedSegment, Segment } from '../record/timeline';

/** A scene that draws itself into frames rather than on the stage (a deck's parallel-lines slide). */
export interface OwnFrames {
  /** Advances the scene by exactly dtMs of scene time. */
  advance(dtMs: number): void;
  /** Resolves once what it draws shows the current state. */
  whenIdle(): Promise<void>;
  /** Draws the scene as it is now into a width x height box of the frame (ctx translated to its corner). */
  drawFrame(ctx: CanvasRenderingContext2D, width: number, height: number): void;
}

/** One part of a recording made of several (a deck's slide): its own scene, segments and decoration. */
export interface RecordChapter {
  readonly segments: readonly Segment[];
  /** Readies the scene before the chapter's first frame (a slide: its config, its weights). */
  enter(): Promise<void>;
  /** A scene drawn by itself instead of the stage, or null (the stage); valid once {@link enter} resolved. */
  own(): OwnFrames | null;
  /** Readies what {@link decorate} draws on frames of this size (the slide's typeset text). */
  prepareDecoration(width: number, height: number): Promise<void>;
  /** Draws over each of the chapter's frames, in place of the host's decoration. */
  decorate(ctx: CanvasRenderingContext2D, width: number, height: number): void;
  /** The chapter is over (or the recording ended): frees what {@link enter} opened. */
  exit(): void;
}

/** A rectangle of a frame, px. */
export interface SceneBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A chapter of a recording and its planned segments (chapter null: a plain recording). */
export interface PlannedChapter {
  readonly chapter: RecordChapter | null;
  readonly segments: readonly PlannedSegment[];
}

/**
 * The planned segments of a recording split back into its chapters, in order (`chapters` null: one plain
 * recording of all the segments). @throws RangeError if the chapters' segment counts do not add up to the plan's.
 */
export function chaptersOfPlan(chapters: readonly RecordChapter[] | null, segments: readonly PlannedSegment[]): PlannedChapter[] {
  if (chapters === null) return [{ chapter: null, segments }];
  const count = chapters.reduce((n, c) => n + c.segments.length, 0);
  if (count !== segments.length) throw new RangeError(`the chapters have ${count} segments, the plan ${segments.length}`);
  let from = 0;
  return chapters.map((chapter) => {
    from += chapter.segments.length;
    return { chapter, segments: segments.slice(from - chapter.segments.length, from) };
  });
}
