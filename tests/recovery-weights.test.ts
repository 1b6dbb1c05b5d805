/**
 * GPU device recovery keeps the time scale of weights from a version-1 file (issue 16.6 in the app): the
 * weights copy recovery keeps is a version-2 file that says its timeScale, and the restart loads it back
 * at that scale, so a DDPM trained at 1000 samples the same field after the restart.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { stashRecovery, takeRecovery, type NoteStorage } from '../src/app/device-recovery';
import { defaultConfig, type PlaygroundConfig } from '../src/config/playground-config';
import { WEIGHTS_FORMAT } from '../src/models/weights-file';
import { sessionWithWeights, type Session } from '../src/session/create-session';
import { DiffusionSession } from '../src/session/diffusion-session';
import { readWeights, saveWeights } from '../src/session/saved-weights';

class MemoryStorage implements NoteStorage {
  private readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

function small(): PlaygroundConfig {
  const c = defaultConfig();
  c.data.dataset = 'gaussians-8';
  c.data.particles = 500;
  c.schedule.T = 100;
  c.model.width = 16;
  c.model.depth = 1;
  c.model.batchSize = 32;
  return c;
}

/** The sampling (EMA) network's and the trained network's field on a grid at three times. */
function field(s: Session): number[][] {
  if (!(s instanceof DiffusionSession)) throw new Error('a diffusion session was expected');
  return tf.tidy(() => {
    const pts: number[] = [];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) pts.push(-2 + i, -2 + j);
    const grid = tf.tensor2d(pts, [25, 2]);
    return [Array.from(s.trainer.samplingNet.predict(grid, 0.2).dataSync()), Array.from(s.trainer.samplingNet.predict(grid, 0.9).dataSync()), Array.from(s.net.predict(grid, 0.5).dataSync())];
  });
}

describe('device recovery and the time scale of version-1 weights', () => {
  it('a DDPM loaded from a version-1 file keeps its time scale 1000 through the weights copy and the restart', async () => {
    const before = tf.memory().numTensors;
    // What a version-1 build trained and saved: the DDPM embedding at 1000, no "timeScale" in the file.
    const old = new DiffusionSession(small());
    for (const net of new Set([old.net, old.trainer.samplingNet])) net.useTimeScale(1000);
    for (let i = 0; i < 5; i++) old.trainStep();
    const v1 = JSON.parse(await saveWeights(old, 'v1'));
    delete v1.timeScale;
    v1.version = 1;
    old.dispose();

    // The file opened in the app (SceneController.useWeights), then trained a little further.
    const opened = sessionWithWeights(defaultConfig(), readWeights(JSON.stringify(v1), defaultConfig()), null);
    const live = opened.session as DiffusionSession;
    expect(live.net.spec.timeScale).toBe(1000);
    for (let i = 0; i < 3; i++) live.trainStep();

    // The copy recovery keeps (watchForLoss) is a version-2 file with its timeScale.
    const copy = await saveWeights(live, 'recovery');
    const doc = JSON.parse(copy);
    expect(doc.format).toBe(WEIGHTS_FORMAT);
    expect(doc.version).toBe(2);
    expect(doc.timeScale).toBe(1000);

    // The GPU is lost: the note is written, the page reloads, the note is taken and the copy loaded (restoreRecovered).
    const storage = new MemoryStorage();
    expect(stashRecovery(storage, { hash: '', weights: copy, custom: null, lostBackend: 'webgpu', reason: 'destroyed', at: 1000 }, null).weightsKept).toBe(true);
    const note = takeRecovery(storage, 2000);
    expect(note?.weights).toBe(copy);
    const read = readWeights(note?.weights ?? '', defaultConfig());
    expect(read.doc.timeScale).toBe(1000);
    const restored = sessionWithWeights(defaultConfig(), read, null);
    const back = restored.session as DiffusionSession;
    expect(back.net.spec.timeScale).toBe(1000);
    expect(back.trainer.samplingNet.spec.timeScale).toBe(1000);
    expect(back.trainSteps).toBe(live.trainSteps);
    // The same field bit for bit: the restart samples as the scene did before the loss.
    const want = field(live);
    field(back).forEach((row, k) => expect(row).toEqual(want[k]));

    live.dispose();
    back.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a file that does not fit leaves no session behind', async () => {
    const before = tf.memory().numTensors;
    const s = new DiffusionSession(small());
    const doc = JSON.parse(await saveWeights(s, 'v2'));
    s.dispose();
    doc.networks.net = doc.networks.net.slice(1); // one tensor short
    const read = readWeights(JSON.stringify(doc), defaultConfig());
    expect(() => sessionWithWeights(defaultConfig(), read, null)).toThrow(/network 'net' has \d+ tensors in the file/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
