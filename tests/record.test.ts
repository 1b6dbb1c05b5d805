import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultTimeline, fitsOnePass, formatTimeline, parseTimeline, planFrames, segmentControls, TimelineError, timelineForFamily, MAX_SEGMENTS, SEGMENT_KINDS, type Segment } from '../src/record/timeline';
import { LivePacer, type AddFrame } from '../src/record/live-pacer';
import { chooseEncoding, defaultRecordSettings, fnv1a, frameSize, gifDelayBetweenMs, gifDelayMs, pngFrameName, recordingFileName, screenshotSize, type EncoderCapabilities } from '../src/record/recording';

describe('timeline parsing', () => {
  it('reads segments separated by commas, semicolons or new lines, with an optional s', () => {
    expect(parseTimeline('train 10, forward 3, reverse 5, hold 1')).toEqual([
      { kind: 'train', seconds: 10 },
      { kind: 'forward', seconds: 3 },
      { kind: 'reverse', seconds: 5 },
      { kind: 'hold', seconds: 1 },
    ]);
    expect(parseTimeline(' Forward 2.5s ;\nREVERSE .5 s\n\n play 4')).toEqual([
      { kind: 'forward', seconds: 2.5 },
      { kind: 'reverse', seconds: 0.5 },
      { kind: 'play', seconds: 4 },
    ]);
  });

  it('rejects bad timelines with messages that name the segment', () => {
    const bad: [string, RegExp][] = [
      ['', /empty/],
      ['  , ,', /empty/],
      ['train 10', /records nothing/],
      ['forward', /segment 1 'forward': write a kind and seconds/],
      ['forward 3, jump 2', /segment 2 'jump 2': unknown kind 'jump'/],
      ['forward -3', /segment 1.*not a duration/],
      ['forward 0', /more than 0 s/],
      ['forward 1e3', /not a duration/],
      ['forward 601', /longer than 600 s/],
      ['forward 3, reverse NaN', /segment 2.*not a duration/],
      ['<script>alert(1)</script> 2', /segment 1/],
      [Array.from({ length: MAX_SEGMENTS + 1 }, () => 'hold 1').join(','), /at most 16/],
      ['hold 1, '.repeat(60), /characters long/],
    ];
    for (const [text, message] of bad) expect(() => parseTimeline(text), text).toThrow(message);
    expect(() => parseTimeline('forward 3')).not.toThrow();
    expect(() => parseTimeline('x 1')).toThrow(TimelineError);
  });

  it('a GAN has no forward or reverse process: only train, play and hold', () => {
    expect(parseTimeline('train 5, play 4, hold 1', true)).toHaveLength(3);
    expect(() => parseTimeline('train 5, forward 3', true)).toThrow(/segment 2 'forward 3': a GAN has no forward or reverse process/);
    expect(() => parseTimeline('loop 3', true)).toThrow(/GAN/);
  });

  it("the default timeline suits the scene's family, and follows a family change unless the user wrote their own", () => {
    // Issue 15: the diffusion default failed for every GAN scene at segment 2 'forward 3'.
    expect(() => parseTimeline(defaultRecordSettings(false).timeline, true)).toThrow(/segment 2 'forward 3'/);
    const gan = defaultRecordSettings(true).timeline;
    expect(gan).toBe('train 6, play 4, hold 1');
    expect(defaultTimeline(true)).toBe(gan);
    const plan = planFrames(parseTimeline(gan, true), 30);
    expect([plan.clipFrames, plan.totalFrames]).toEqual([150, 330]);
    expect(parseTimeline(defaultRecordSettings(false).timeline, false).map((s) => s.kind)).toEqual(['train', 'forward', 'reverse', 'hold']);
    // Switching family swaps one default for the other, both ways; the user's own text stays.
    expect(timelineForFamily(defaultTimeline(false), true)).toBe(defaultTimeline(true));
    expect(timelineForFamily(` ${defaultTimeline(true)} `, false)).toBe(defaultTimeline(false));
    expect(timelineForFamily(defaultTimeline(true), true)).toBe(defaultTimeline(true));
    expect(timelineForFamily('play 2, hold 1', false)).toBe('play 2, hold 1');
    expect(timelineForFamily('forward 2', true)).toBe('forward 2');
  });

  it('formatTimeline round-trips any valid timeline', () => {
    const segment = fc.record({
      kind: fc.constantFrom('train', 'play', 'forward', 'reverse', 'loop', 'hold' as const),
      seconds: fc.integer({ min: 1, max: 60000 }).map((c) => c / 100),
    });
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 12 }), (segs) => {
        const valid: Segment[] = [...segs, { kind: 'hold', seconds: 1 }];
        expect(parseTimeline(formatTimeline(valid))).toEqual(valid);
      }),
    );
  });
});

describe('frame plan', () => {
  it('counts frames per segment at the frame rate and only records what is recorded', () => {
    const plan = planFrames(parseTimeline('train 10, forward 3, reverse 5, hold 1'), 30);
    expect(plan.segments.map((s) => s.frames)).toEqual([300, 90, 150, 30]);
    expect(plan.segments.map((s) => s.recorded)).toEqual([false, true, true, true]);
    expect(plan.segments.map((s) => s.firstClipFrame)).toEqual([0, 0, 90, 240]);
    expect(plan.clipFrames).toBe(270);
    expect(plan.totalFrames).toBe(570);
    expect(planFrames([{ kind: 'play', seconds: 2 }], 30).clipFrames).toBe(60);
    expect(planFrames([{ kind: 'play', seconds: 0.01 }], 24).clipFrames).toBe(1);
    expect(planFrames([{ kind: 'play', seconds: 0.7 }], 24).clipFrames).toBe(17);
    expect(() => planFrames([], 29.97)).toThrow(RangeError);
  });

  it('fits a whole forward or reverse pass into the segment', () => {
    const fwd = segmentControls({ kind: 'forward', frames: 90 }, 30, { forward: 1000, reverse: 50 });
    expect(fwd).toEqual({ phase: 'forward', paused: false, train: true, stepsPerSecond: (1000 * 30) / 90, holdSteps: 0, restartUnlessAt: 'data' });
    // frames * (1 / fps) * speed = one pass exactly
    expect(90 * (1 / 30) * (fwd.stepsPerSecond as number)).toBeCloseTo(1000, 9);
    const rev = segmentControls({ kind: 'reverse', frames: 17 }, 24, { forward: 1000, reverse: 50 });
    expect(rev.stepsPerSecond).toBeCloseTo((50 * 24) / 17, 12);
    expect(rev.restartUnlessAt).toBe('noise');
    expect(segmentControls({ kind: 'hold', frames: 3 }, 30, null)).toMatchObject({ paused: true, train: false, phase: null });
    expect(segmentControls({ kind: 'play', frames: 3 }, 30, null)).toMatchObject({ paused: false, train: true, phase: null, stepsPerSecond: null });
    expect(segmentControls({ kind: 'train', frames: 3 }, 30, null)).toMatchObject({ train: true, phase: null });
    expect(segmentControls({ kind: 'loop', frames: 3 }, 30, null)).toMatchObject({ phase: 'loop', stepsPerSecond: null });
    expect(() => segmentControls({ kind: 'forward', frames: 3 }, 30, null)).toThrow(RangeError);
  });

  it('only forward and reverse segments are fitted to one pass', () => {
    expect(SEGMENT_KINDS.filter(fitsOnePass)).toEqual(['forward', 'reverse']);
  });
});

describe('encoding choice', () => {
  const all: EncoderCapabilities = { webCodecs: true, avc: true, vp9: true, mediaRecorder: ['video/webm;codecs=vp9', 'video/webm'] };
  it('MP4 is H.264 and WebM is VP9 through WebCodecs when they can encode', () => {
    expect(chooseEncoding('mp4', all)).toMatchObject({ engine: 'webcodecs', container: 'mp4', codec: 'avc', extension: 'mp4', note: null });
    expect(chooseEncoding('webm', all)).toMatchObject({ engine: 'webcodecs', container: 'webm', codec: 'vp9', extension: 'webm', note: null });
    expect(chooseEncoding('gif', all)).toMatchObject({ engine: 'gif', extension: 'gif' });
    expect(chooseEncoding('png-zip', all)).toMatchObject({ engine: 'png-zip', extension: 'zip' });
  });
  it('falls back to the other codec, then to MediaRecorder, and says why', () => {
    const noAvc = chooseEncoding('mp4', { ...all, avc: false });
    expect(noAvc).toMatchObject({ engine: 'webcodecs', container: 'webm', codec: 'vp9' });
    expect(noAvc.note).toMatch(/cannot encode H.264.*WebM \(VP9\) instead/);
    const none = chooseEncoding('mp4', { ...all, webCodecs: false });
    expect(none).toMatchObject({ engine: 'media-recorder', mime: 'video/webm;codecs=vp9', extension: 'webm' });
    expect(none.note).toMatch(/no WebCodecs.*MediaRecorder.*real time/);
    expect(chooseEncoding('mp4', { webCodecs: false, avc: false, vp9: false, mediaRecorder: ['video/webm', 'video/mp4;codecs=avc1'] })).toMatchObject({ mime: 'video/mp4;codecs=avc1', extension: 'mp4' });
    expect(chooseEncoding('webm', { webCodecs: false, avc: false, vp9: false, mediaRecorder: ['video/mp4;codecs=avc1', 'video/webm'] })).toMatchObject({ mime: 'video/webm' });
    expect(() => chooseEncoding('webm', { webCodecs: false, avc: false, vp9: false, mediaRecorder: [] })).toThrow(/GIF or PNG/);
  });
  it('MediaRecorder can be chosen on purpose for video, and says so; GIF and PNG frames keep their own encoders', () => {
    const chosen = chooseEncoding('mp4', all, 'media-recorder');
    expect(chosen).toMatchObject({ engine: 'media-recorder', mime: 'video/webm;codecs=vp9', extension: 'webm' });
    expect(chosen.note).toMatch(/MediaRecorder \(video\/webm;codecs=vp9\) as chosen: real time only/);
    expect(chooseEncoding('webm', { ...all, mediaRecorder: ['video/mp4;codecs=avc1', 'video/webm'] }, 'media-recorder')).toMatchObject({ mime: 'video/webm', extension: 'webm' });
    expect(chooseEncoding('gif', all, 'media-recorder')).toMatchObject({ engine: 'gif' });
    expect(chooseEncoding('mp4', all, 'webcodecs')).toMatchObject({ engine: 'webcodecs', codec: 'avc' });
    expect(() => chooseEncoding('mp4', { ...all, mediaRecorder: [] }, 'media-recorder')).toThrow(/no MediaRecorder/);
    expect(defaultRecordSettings().engine).toBe('webcodecs');
  });
});

describe('sizes, names, delays, hashes', () => {
  it('frame sizes: fixed presets, or the canvas rounded down to even and capped at 3840', () => {
    expect(frameSize('1080p', 5, 5)).toEqual({ width: 1920, height: 1080 });
    expect(frameSize('720p', 1, 1)).toEqual({ width: 1280, height: 720 });
    expect(frameSize('canvas', 1001, 677)).toEqual({ width: 1000, height: 676 });
    expect(frameSize('canvas', 7680, 4320)).toEqual({ width: 3840, height: 2160 });
    expect(() => frameSize('canvas', 0, 10)).toThrow(RangeError);
  });
  it('file names are safe and dated', () => {
    const d = new Date(2026, 10, 29, 9, 5, 7);
    expect(recordingFileName('DDPM', 'two moons', d, 'mp4')).toBe('generative-playground_ddpm_two-moons_20261129-090507.mp4');
    expect(recordingFileName('../<x>', '', d, '.p/n/g', '2x')).toBe('generative-playground_x_scene_20261129-090507_2x.png');
    expect(pngFrameName(0)).toBe('frame-00001.png');
    expect(pngFrameName(59)).toBe('frame-00060.png');
  });
  it('GIF delays sum to the exact duration in hundredths of a second', () => {
    const delays = Array.from({ length: 30 }, (_, i) => gifDelayMs(i, 30));
    expect(delays.slice(0, 6)).toEqual([30, 40, 30, 30, 40, 30]);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Array.from({ length: 24 }, (_, i) => gifDelayMs(i, 24)).reduce((a, b) => a + b, 0)).toBe(1000);
  });
  it('GIF delays between timestamps: gifDelayMs frame-exact, real time live, summing to the clip', () => {
    for (const fps of [24, 30, 60]) {
      for (let i = 0; i < 600; i++) expect(gifDelayBetweenMs(i / fps, (i + 1) / fps), `${fps} fps, frame ${i}`).toBe(gifDelayMs(i, fps));
    }
    // Live stamps 0, 0.27, 0.61, 0.95 s, the last shown for 1/30 s: 270 + 340 + 340 + 30 ms, the clip's 0.98 s.
    const stamps = [0, 0.27, 0.61, 0.95, 0.95 + 1 / 30];
    const delays = stamps.slice(1).map((t, i) => gifDelayBetweenMs(stamps[i], t));
    expect(delays).toEqual([270, 340, 340, 30]);
    expect(gifDelayBetweenMs(0.5, 0.5)).toBe(0);
  });
  it('FNV-1a matches its reference values', () => {
    expect(fnv1a(new Uint8Array())).toBe('811c9dc5');
    expect(fnv1a(new TextEncoder().encode('a'))).toBe('e40c292c');
    expect(fnv1a(new TextEncoder().encode('foobar'))).toBe('bf9cf968');
  });
  it('screenshot sizes scale the canvas and stay under the texture limit', () => {
    expect(screenshotSize(1280, 720, 2)).toEqual({ width: 2560, height: 1440 });
    expect(screenshotSize(1280, 720, 4, 4096)).toEqual({ width: 4096, height: 2304 });
  });
});

import { captionFormula } from '../src/ui/caption-text';
describe('caption formula', () => {
  it('names the update rule in use in the seed notation (TeX)', () => {
    expect(captionFormula('ddpm', 'forward', 'ancestral')).toBe(String.raw`x_t = \sqrt{1 - \beta_t}\, x_{t-1} + \sqrt{\beta_t}\, \epsilon`);
    expect(captionFormula('ddpm', 'reverse', 'ancestral')).toMatch(/\\epsilon_\\theta\(x_t, t\)\\right\) \+ \\sigma_t z$/);
    expect(captionFormula('ddpm', 'reverse', 'ancestral')).toMatch(/^x_\{t-1\} = \\frac\{1\}\{\\sqrt\{\\alpha_t\}\}/);
    expect(captionFormula('ddpm', 'reverse', 'ddim')).toMatch(/\\hat x_0/);
    expect(captionFormula('flow', 'forward', 'rk4')).toBe(String.raw`x_t = (1 - t)\, x_0 + t\, x_1`);
    expect(captionFormula('flow', 'reverse', 'rk4')).toMatch(/v_\\theta.*RK4/);
    expect(captionFormula('score', 'reverse', 'langevin')).toMatch(/\\sqrt\{\\delta_i\}\\, z, \\quad \\delta_i = 2\\alpha_i$/);
    expect(captionFormula('ddpm', 'hold', 'ddim')).toBe('');
    expect(captionFormula('gan', 'hold', 'ancestral')).toMatch(/\\log\(1 - D\(G\(z\)\)\)/);
    expect(captionFormula('wgan-gp', 'forward', 'ancestral')).toMatch(/\\lambda/);
    expect(captionFormula('wgan', 'forward', 'ancestral')).not.toMatch(/\\lambda/);
  });
});

describe('live pacing (record/live-pacer)', () => {
  /** A sink that records what it gets; each add resolves when `release` is called (a slow encoder). */
  function slowSink(): { add: AddFrame; got: { index: number; timestamp: number; duration: number }[]; inFlight: () => number; release: () => void } {
    const got: { index: number; timestamp: number; duration: number }[] = [];
    let waiting: (() => void)[] = [];
    return {
      got,
      add: (index, timestamp, duration) => {
        got.push({ index, timestamp, duration });
        return new Promise<void>((r) => waiting.push(r));
      },
      inFlight: () => waiting.length,
      release: () => {
        const w = waiting;
        waiting = [];
        w.forEach((r) => r());
      },
    };
  }
  const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

  it('stamps frames with the time they were drawn: 10 s rendered at 4 frames/s is a 10 s clip at any fps', async () => {
    // Issue 15: frames stamped i / fps made 10 s of a slow loop a 0.6 s clip at 60 fps.
    for (const fps of [24, 30, 60]) {
      const sink = slowSink();
      const pacer = new LivePacer(fps, sink.add);
      let captures = 0;
      for (let k = 0; k <= 40; k++) {
        expect(pacer.offer(k * 0.25, () => captures++)).toBe('captured');
        sink.release();
        await flush();
      }
      expect(await pacer.drain()).toBe(41);
      expect(captures).toBe(41);
      expect(pacer.dropped).toBe(0);
      // On the frame grid: the start of the 1 / fps slot each was drawn in.
      expect(sink.got.map((f) => f.timestamp)).toEqual(Array.from({ length: 41 }, (_, k) => Math.floor(k * 0.25 * fps) / fps));
      sink.got.forEach((f, k) => expect(k * 0.25 - f.timestamp).toBeLessThan(1 / fps));
      expect(sink.got.map((f) => f.index)).toEqual(Array.from({ length: 41 }, (_, k) => k));
      const last = sink.got[40];
      expect(last.duration).toBeCloseTo(1 / fps, 12);
      // The clip ends where its last frame ends: the 10 s recorded, plus one frame.
      expect(last.timestamp + last.duration).toBeCloseTo(10 + 1 / fps, 9);
      expect(last.timestamp).toBe(10);
    }
  });

  it('takes at most one frame per 1 / fps of recorded time from a faster loop', async () => {
    const sink = slowSink();
    const pacer = new LivePacer(30, sink.add);
    const outcomes: string[] = [];
    for (let k = 0; k < 120; k++) {
      outcomes.push(pacer.offer(k / 120, () => undefined));
      sink.release();
      await flush();
    }
    expect(await pacer.drain()).toBe(30);
    expect(outcomes.filter((o) => o === 'early')).toHaveLength(90);
    // One frame per slot, stamped with its start: 0, 1/30, 2/30, ...
    expect(sink.got.map((f) => f.timestamp)).toEqual(Array.from({ length: 30 }, (_, i) => i / 30));
  });

  it('drops (and counts) frames while the encoder is busy: at most one frame in its queue', async () => {
    // A sink three times slower than the loop: each add resolves after 3 renders.
    const sink = slowSink();
    const pacer = new LivePacer(60, sink.add);
    let maxInFlight = 0;
    let captures = 0;
    for (let k = 0; k < 60; k++) {
      pacer.offer(k / 60 + 1e-6, () => captures++);
      maxInFlight = Math.max(maxInFlight, sink.inFlight());
      if (k % 3 === 2) sink.release();
      await flush();
    }
    sink.release();
    expect(await pacer.drain()).toBe(20);
    expect(captures).toBe(20);
    expect(pacer.dropped).toBe(40);
    expect(maxInFlight).toBe(1);
    // Frames taken are every third render, stamped when they were drawn.
    expect(sink.got.map((f) => f.timestamp)).toEqual(Array.from({ length: 20 }, (_, i) => (3 * i) / 60));
  });

  it('stops at the first encoder failure and reports it once', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const pacer = new LivePacer(30, () => (++calls === 2 ? Promise.reject(new Error('encoder broke')) : Promise.resolve()), (e) => errors.push(e));
    for (let k = 0; k < 10; k++) {
      pacer.offer(k / 30, () => undefined);
      await flush();
    }
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    await expect(pacer.drain()).rejects.toThrow('encoder broke');
    expect(() => new LivePacer(0, () => Promise.resolve())).toThrow(RangeError);
  });
});
