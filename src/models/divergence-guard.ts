/**
 * Rollback for training that diverges (issue 8): a learning rate far too large or a loss that explodes
 * turns the weights into NaN or Infinity within a few steps, and every particle drawn through them
 * with it. The guard keeps a copy of weights known to be good and puts them back.
 *
 * Known good: a snapshot of the weights after step c is promoted once a loss read back for a later
 * step s > c is finite (that loss was computed from weights at least as trained as the snapshot).
 * Losses are read back asynchronously and only every few steps, so the guard never stalls training.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * A loss whose magnitude passes this counts as diverged even while still finite: every loss here is
 * O(1) when training works (an MSE against unit-variance targets, a cross-entropy, a critic gap on
 * unit-variance data), and one of 1e6 only grows into Infinity a few steps later.
 */
export const DIVERGED_LOSS = 1e6;

/** Steps between candidate snapshots when not told otherwise. */
export const DEFAULT_SNAPSHOT_EVERY = 50;

/**
 * Rollbacks in a row, with no finite loss in between, after which the guard stops training (issue 16):
 * a device that gives NaN on every step (no float32 render targets) would otherwise roll back forever
 * with the learning rate pinned at its floor.
 */
export const MAX_FAILED_RECOVERIES = 3;

/** What a session did about a divergence, for the HUD. */
export interface DivergenceEvent {
  /** Training step whose loss was not finite. */
  readonly step: number;
  /** Step the weights were restored from, or null when no good weights existed and the network was re-initialised. */
  readonly restoredFrom: number | null;
  /** The halved learning rates now in force, by config field name. */
  readonly learningRates: Readonly<Record<string, number>>;
  /** What gave it away: a loss that was not finite (or huge), or particles that left the finite numbers. */
  readonly cause: 'loss' | 'particles';
  /** Why training stopped, in plain words, when this rollback was the last one tried (see {@link MAX_FAILED_RECOVERIES}); null while it goes on. */
  readonly stopped: string | null;
}

/** A rolled-back step and what was done. */
export interface Rollback {
  /** Training step whose loss was not finite. */
  readonly step: number;
  /** Step the weights were restored from, or null when no good snapshot existed (the caller re-initialises). */
  readonly restoredFrom: number | null;
  /** Non-null (why, in plain words) when this was the last failed recovery in a row: the caller stops training. */
  readonly stopped: string | null;
}

/**
 * Why training stopped after `failures` rollbacks in a row, in plain words for the HUD.
 * @param restoredFrom the step of the weights kept, or null for fresh weights.
 */
export function stopMessage(step: number, failures: number, restoredFrom: number | null): string {
  const kept = restoredFrom === null ? 'fresh weights are kept (none had trained well yet)' : `the weights from step ${restoredFrom} are kept`;
  return (
    `Training stopped at step ${step}: it diverged ${failures} times in a row (numbers that are not finite), ` +
    `even after going back to good weights and halving the learning rate; ${kept}. ` +
    'A device whose GPU cannot compute in float32 does this on every step: try another backend. Change a setting or reset the weights to train again.'
  );
}

/** Copies of `variables`' values (GPU-side clones, no readback). The caller owns them. */
function copyOf(variables: readonly tf.Variable[]): tf.Tensor[] {
  return variables.map((v) => tf.clone(v));
}

/**
 * Keeps the last weights known to be good for a fixed list of variables and restores them on demand.
 * Owns its snapshots: call {@link dispose}.
 */
export class DivergenceGuard {
  private candidate: { step: number; weights: tf.Tensor[] } | null = null;
  private good: { step: number; weights: tf.Tensor[] } | null = null;
  /** Rollbacks since the last finite loss. */
  private failedInARow = 0;
  private stopReason: string | null = null;

  /**
   * @param variables every trainable variable of the model, in a fixed order (e.g. the networks'
   *   `variables`); a function, so a rebuilt network is picked up.
   * @param every steps between candidate snapshots, integer >= 1.
   * @param maxFailures rollbacks in a row (no finite loss between them) after which training stops, integer >= 1.
   * @throws RangeError on a bad interval or count.
   */
  constructor(private readonly variables: () => readonly tf.Variable[], private readonly every = DEFAULT_SNAPSHOT_EVERY, private readonly maxFailures = MAX_FAILED_RECOVERIES) {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`snapshot interval must be an integer >= 1 step, got ${every}`);
    if (!Number.isInteger(maxFailures) || maxFailures < 1) throw new RangeError(`the failed recoveries allowed must be an integer >= 1, got ${maxFailures}`);
  }

  /** Why training has stopped (plain words), or null while it may go on. Cleared by {@link resume}. */
  get stopped(): string | null {
    return this.stopReason;
  }

  /** Lets training go on after a stop (the user changed a setting or reset the weights) and forgets the failures. */
  resume(): void {
    this.failedInARow = 0;
    this.stopReason = null;
  }

  /** Step of the weights a rollback would restore, or null when none is known good yet. */
  get goodStep(): number | null {
    return this.good?.step ?? null;
  }

  /** Call after training step `step` (1, 2, ...): every `every` steps the weights become the candidate snapshot (one GPU copy). */
  afterStep(step: number): void {
    if (step % this.every !== 0) return;
    // A candidate that was never confirmed is replaced; the confirmed one stays until a newer is confirmed.
    if (this.candidate) tf.dispose(this.candidate.weights);
    this.candidate = { step, weights: copyOf(this.variables()) };
  }

  /**
   * Call with each loss read back. A finite loss for a step after the candidate promotes the candidate
   * to known good. @returns false when the loss is not finite or above {@link DIVERGED_LOSS} in
   * magnitude: the caller should {@link rollback}.
   */
  observe(step: number, loss: number): boolean {
    if (!(Math.abs(loss) < DIVERGED_LOSS)) return false;
    this.failedInARow = 0;
    if (this.candidate && this.candidate.step < step) {
      if (this.good) tf.dispose(this.good.weights);
      this.good = this.candidate;
      this.candidate = null;
    }
    return true;
  }

  /**
   * Writes the last good weights back into the variables and forgets the unconfirmed candidate (it may
   * already be poisoned). The snapshot is kept, so a second divergence can roll back again. The
   * {@link MAX_FAILED_RECOVERIES}-th rollback with no finite loss since the first one stops training
   * (`stopped` says why; the weights restored are the ones kept).
   * @param step the step whose loss was not finite (for the record).
   * @throws Error when the variables no longer match the snapshot's shapes (the model was rebuilt without {@link reset}).
   */
  rollback(step: number): Rollback {
    if (this.candidate) tf.dispose(this.candidate.weights);
    this.candidate = null;
    this.failedInARow++;
    const restoredFrom = this.good?.step ?? null;
    if (this.failedInARow >= this.maxFailures && this.stopReason === null) this.stopReason = stopMessage(step, this.failedInARow, restoredFrom);
    const stopped = this.stopReason;
    if (this.good === null) return { step, restoredFrom: null, stopped };
    const vars = this.variables();
    const good = this.good.weights;
    if (vars.length !== good.length || vars.some((v, i) => !tf.util.arraysEqual(v.shape, good[i].shape))) {
      throw new Error('the model changed shape since its last good snapshot');
    }
    vars.forEach((v, i) => v.assign(good[i]));
    return { step, restoredFrom, stopped };
  }

  /**
   * Forgets every snapshot (after the model is rebuilt or its weights reset). The failures in a row and
   * a stop are kept (a recovery that re-initialises must not forget them): see {@link resume}.
   */
  reset(): void {
    if (this.candidate) tf.dispose(this.candidate.weights);
    if (this.good) tf.dispose(this.good.weights);
    this.candidate = null;
    this.good = null;
  }

  dispose(): void {
    this.reset();
  }
}

/** True when every value of every tensor is finite (one small asynchronous readback; the tensors are not disposed). */
export async function allFinite(tensors: readonly tf.Tensor[]): Promise<boolean> {
  const ok = tf.tidy(() => tf.stack(tensors.map((t) => tf.all(tf.isFinite(t)))).all());
  try {
    return (await ok.data())[0] === 1;
  } finally {
    ok.dispose();
  }
}
