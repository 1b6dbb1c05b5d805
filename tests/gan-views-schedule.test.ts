import { describe, expect, it } from 'vitest';
import { THEORY_EVERY_REFRESHES, TheorySchedule } from '../src/app/gan-views';

/** The refreshes (0-based) at which the schedule asks for the theory, over `open.length` refreshes. */
function asks(schedule: TheorySchedule, session: object, open: readonly boolean[]): number[] {
  return open.flatMap((o, i) => (schedule.due(session, o) ? [i] : []));
}

describe('TheorySchedule: the GAN panel theory figures on the loop cadence (issue 14)', () => {
  it('asks at the first refresh of a session, then every 4th refresh (2 s of loop time at 500 ms a refresh)', () => {
    expect(THEORY_EVERY_REFRESHES).toBe(4);
    const s = new TheorySchedule();
    expect(asks(s, {}, Array(13).fill(true))).toEqual([0, 4, 8, 12]);
  });

  it('never asks while the panel is collapsed, and asks at once when it is opened again', () => {
    const s = new TheorySchedule();
    const session = {};
    const open = [true, true, false, false, false, false, false, false, true, true, true, true, true];
    expect(asks(s, session, open)).toEqual([0, 8, 12]);
  });

  it('starts over for a new session (a new scene has no figures yet)', () => {
    const s = new TheorySchedule(3);
    const a = {};
    const b = {};
    expect(asks(s, a, [true, true])).toEqual([0]);
    expect(s.due(b, true)).toBe(true);
    expect(s.due(b, true)).toBe(false);
    expect(s.due(a, true)).toBe(true);
  });

  it('rejects a period that is not an integer >= 1', () => {
    expect(() => new TheorySchedule(0)).toThrow(RangeError);
    expect(() => new TheorySchedule(1.5)).toThrow(RangeError);
  });
});
