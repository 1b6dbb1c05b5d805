import { describe, expect, it } from 'vitest';
import { MAX_CARRIED_COORDINATES, RECOVERY_KEY, RECOVERY_MAX_AGE_MS, REPEATED_LOSS_MS, stashRecovery, takeRecovery, type NoteStorage, type RecoveryNote } from '../src/app/device-recovery';

/** sessionStorage in a Map, with an optional size limit like the browser's quota. */
class MemoryStorage implements NoteStorage {
  readonly map = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (value.length > this.quota) throw new Error('QuotaExceededError');
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

const note = (at: number, over: Partial<RecoveryNote> = {}): Omit<RecoveryNote, 'skip'> => ({
  hash: '#model.kind=flow&data.seed=7',
  weights: '{"format":"generative-playground-weights"}',
  custom: { dim: 2, points: new Float32Array([0.5, -1, 2.25, 3]) },
  lostBackend: 'webgpu',
  reason: 'destroyed',
  at,
  ...over,
});

describe('device-loss recovery note', () => {
  it('round-trips the hash, the weights and the user points exactly, once', () => {
    const storage = new MemoryStorage();
    expect(stashRecovery(storage, note(1000), null)).toEqual({ weightsKept: true, customKept: true, written: true });
    const back = takeRecovery(storage, 2000);
    expect(back).not.toBeNull();
    expect(back?.hash).toBe('#model.kind=flow&data.seed=7');
    expect(back?.weights).toBe('{"format":"generative-playground-weights"}');
    expect(Array.from(back?.custom?.points ?? [])).toEqual([0.5, -1, 2.25, 3]);
    expect(back?.skip).toEqual([]);
    expect(takeRecovery(storage, 2000)).toBeNull(); // taken: a later reload starts clean
  });

  it('skips a backend lost twice within a minute, and forgets after that', () => {
    const storage = new MemoryStorage();
    stashRecovery(storage, note(0), null);
    const first = takeRecovery(storage, 10);
    stashRecovery(storage, note(REPEATED_LOSS_MS / 2), first);
    const second = takeRecovery(storage, REPEATED_LOSS_MS / 2 + 10);
    expect(second?.skip).toEqual(['webgpu']);
    stashRecovery(storage, note(REPEATED_LOSS_MS * 3, { lostBackend: 'webgl' }), second);
    expect(takeRecovery(storage, REPEATED_LOSS_MS * 3)?.skip).toEqual([]);
  });

  it('drops the points, then the weights, when storage is too small, and says so', () => {
    const big = { dim: 2 as const, points: new Float32Array(20_000) };
    const weights = 'w'.repeat(5_000);
    const storage = new MemoryStorage(20_000);
    expect(stashRecovery(storage, note(0, { custom: big, weights }), null)).toEqual({ weightsKept: true, customKept: false, written: true });
    const tiny = new MemoryStorage(1_000);
    expect(stashRecovery(tiny, note(0, { custom: big, weights }), null)).toEqual({ weightsKept: false, customKept: false, written: true });
    expect(takeRecovery(tiny, 1)?.hash).toBe('#model.kind=flow&data.seed=7');
    expect(stashRecovery(new MemoryStorage(10), note(0), null).written).toBe(false);
    const tooMany = { dim: 3 as const, points: new Float32Array(MAX_CARRIED_COORDINATES + 3) };
    expect(stashRecovery(new MemoryStorage(), note(0, { custom: tooMany }), null).customKept).toBe(false);
  });

  it('ignores stale, malformed or hostile notes without throwing', () => {
    const storage = new MemoryStorage();
    stashRecovery(storage, note(0), null);
    expect(takeRecovery(storage, RECOVERY_MAX_AGE_MS + 1)).toBeNull();
    for (const bad of ['', 'not json', '[]', 'null', '{"hash":1}', '{"__proto__":{"polluted":true},"hash":"#","weights":null,"lostBackend":"x","reason":"","at":0,"skip":[]}', JSON.stringify({ hash: '#', weights: 5, lostBackend: 'x', reason: '', at: 0, skip: [] }), JSON.stringify({ hash: '#', weights: null, custom: { dim: 2, count: 2, data: '!!' }, lostBackend: 'x', reason: '', at: 0, skip: [] })]) {
      storage.setItem(RECOVERY_KEY, bad);
      const got = takeRecovery(storage, 1);
      if (got !== null) expect(got.custom).toBeNull();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});
