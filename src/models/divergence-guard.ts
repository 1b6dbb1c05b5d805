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
}

/** A rolled-back step and what was done. */
export interface Rollback {
  /** Training step whose loss was not finite. */
  readonly step: number;
  /** Step the weights were restored from, or null when no good snapshot existed (the caller re-initialises). */
  readonly restoredFrom: number | null;
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

  /**
   * @param variables every trainable variable of the model, in a fixed order (e.g. the networks'
   *   `variables`); a function, so a rebuilt network is picked up.
   * @param every steps between candidate snapshots, integer >= 1. @throws RangeError otherwise.
   */
  constructor(private readonly variables: () => readonly tf.Variable[], private readonly every = DEFAULT_SNAPSHOT_EVERY) {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`snapshot interval must be an integer >= 1 step, got ${every}`);
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
    if (this.candidate && this.candidate.step < step) {
      if (this.good) tf.dispose(this.good.weights);
      this.good = this.candidate;
      this.candidate = null;
    }
    return true;
  }

  /**
   * Writes the last good weights back into the variables and forgets the unconfirmed candidate (it may
   * already be poisoned). The snapshot is kept, so a second divergence can roll back again.
   * @param step the step whose loss was not finite (for the record).
   * @throws Error when the variables no longer match the snapshot's shapes (the model was rebuilt without {@link reset}).
   */
  rollback(step: number): Rollback {
    if (this.candidate) tf.dispose(this.candidate.weights);
    this.candidate = null;
    if (this.good === null) return { step, restoredFrom: null };
    const vars = this.variables();
    const good = this.good.weights;
    if (vars.length !== good.length || vars.some((v, i) => !tf.util.arraysEqual(v.shape, good[i].shape))) {
      throw new Error('the model changed shape since its last good snapshot');
    }
    vars.forEach((v, i) => v.assign(good[i]));
    return { step, restoredFrom: this.good.step };
  }

  /** Forgets every snapshot (after the model is rebuilt or its weights reset). */
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
