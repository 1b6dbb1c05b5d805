/**
 * The cells of `npm run bench`, run on whatever tfjs backend is active: the same code measures in Node
 * (scripts/bench.ts) and in headless Chromium (bench.html -> src/bench/browser-bench.ts).
 *
 * - training: DdpmTrainer steps on two-moons, batch `plan.batch` (and `plan.extraTrain`), the default network (3 x 128, SiLU), Adam;
 * - reverse sampling: ancestralStep over each of `plan.particleCounts` particles with the same network.
 *
 * Every timed iteration awaits a read-back of its result, so the clock sees finished work. Results are
 * plain numbers (structured-clone safe, so a page can hand them to Node); scripts/bench-lib.ts formats them.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleDataset } from '../data/datasets';
import { ancestralStep, DdpmTrainer } from '../models/ddpm';
import { FieldNetwork } from '../models/field-network';
import { DEFAULT_MLP } from '../models/mlp';
import { createRng } from '../models/random';
import { DEFAULT_SCHEDULE, makeSchedule } from '../models/schedules';
import { timeIterations, type Timing, type TimingOptions } from './timing';

/** How to run the cells on one backend. */
export interface CellPlan {
  /** Training batch size. */
  readonly batch: number;
  /**
   * Further training cells after the main one: other batch sizes, and `autograd` for the reference path
   * (tfjs autograd through `optimizer.minimize` instead of the hand-written gradients) to compare with.
   */
  readonly extraTrain?: readonly { readonly batch: number; readonly autograd?: boolean }[];
  /** Particle counts of the reverse-sampler cells, ascending. */
  readonly particleCounts: readonly number[];
  readonly train: TimingOptions;
  readonly sample: TimingOptions;
  /**
   * A sampler cell whose warm-up plus minimum iterations, predicted from the previous (smaller) cell by
   * linear scaling in the particle count, would take longer than this (ms) is not run (unless `all`):
   * its result is the prediction, marked 'estimated'.
   */
  readonly cellBoxMs: number;
  /** Run predicted-too-slow cells anyway. */
  readonly all: boolean;
  /** How to measure a cell that was predicted too slow, for the note (e.g. "--all measures it"). */
  readonly measureHint: string;
}

/**
 * One cell. `status`:
 * - 'measured': `ms` is the median ms per iteration over `iterations` timed iterations;
 * - 'estimated': not run, `ms` is a linear extrapolation from the previous cell;
 * - 'skipped': not timed because a first warm-up call took longer than `boxMs` (or an earlier cell's
 *   abandoned work was still queued); `ms` is NaN.
 */
export interface CellResult {
  readonly backend: string;
  readonly benchmark: string;
  readonly status: 'measured' | 'estimated' | 'skipped';
  readonly iterations: number;
  readonly ms: number;
  /** Work units per iteration (1 training step, or N particle-steps): throughput = work * 1000 / ms. */
  readonly work: number;
  readonly unit: 'steps/s' | 'particle-steps/s';
  /** For 'skipped': the time box in ms. */
  readonly boxMs?: number;
  /**
   * Name of the figure in the benchmark's JSON (under `node.<backend>.` or `browser.<backend>.`):
   * `train_ms_b<batch>[_autograd]` (value: median ms) or `sampler_particle_steps_per_s_n<N>` (value: throughput).
   */
  readonly key?: string;
}

/** Outcome of {@link benchDdpm}: never throws; a failure ends the list of results early and adds a note. */
export interface CellReport {
  readonly results: CellResult[];
  readonly notes: string[];
}

export const NETWORK_LABEL = `${DEFAULT_MLP.depth}x${DEFAULT_MLP.width} ${DEFAULT_MLP.activation}`;

const secs = (ms: number): string => (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
/** Progress line after a cell. */
const doneLine = (t: Timing): string =>
  `first call ${secs(t.firstWarmupMs)} s, ` + (t.skipped ? 'over the box: skipped' : `then median ${t.medianMs.toFixed(1)} ms over ${t.iterations}`);

/** Runs the training cell and the sampler cells on the active tfjs backend, labelled `backend`. */
export async function benchDdpm(backend: string, plan: CellPlan, progress: (msg: string) => void): Promise<CellReport> {
  const results: CellResult[] = [];
  const notes: string[] = [];
  const before = tf.memory().numTensors;
  const schedule = makeSchedule(DEFAULT_SCHEDULE);
  const rng = createRng(1);
  const data = sampleDataset('two-moons', 20_000, rng.fork());
  const net = new FieldNetwork(2, DEFAULT_MLP, rng.fork());
  const trainer = new DdpmTrainer(net, schedule, data.points, rng.fork(), { learningRate: 1e-3, batchSize: plan.batch });
  /** Set once a cell was abandoned with its work still queued: later timings would include that work. */
  let queueBusy = false;
  /** Turns a skipped timing into a result and a note. */
  const skip = (benchmark: string, unit: CellResult['unit'], work: number, timing: Timing, box: number): CellResult => {
    const pending = timing.skipped?.pending ?? false;
    notes.push(
      `${backend}, ${benchmark}: skipped; the first warm-up call ${pending ? 'was still running after' : 'took'} ${secs(timing.firstWarmupMs)} s, ` +
        `over the ${secs(box)} s time box${pending ? ' (abandoned: later cells on this backend are not run)' : ''}.`,
    );
    queueBusy ||= pending;
    return { backend, benchmark, status: 'skipped', iterations: 0, ms: Number.NaN, work, unit, boxMs: box };
  };
  const notRun = (benchmark: string, unit: CellResult['unit'], work: number, why: string, box: number): void => {
    results.push({ backend, benchmark, status: 'skipped', iterations: 0, ms: Number.NaN, work, unit, boxMs: box });
    notes.push(`${backend}, ${benchmark}: not run (${why}).`);
  };
  try {
    const trainCells = [{ batch: plan.batch, autograd: false }, ...(plan.extraTrain ?? [])];
    for (const cell of trainCells) {
      if (queueBusy) break;
      const trainName = `train step, batch ${cell.batch}, ${NETWORK_LABEL}${cell.autograd ? ', autograd (reference)' : ''}`;
      const key = `train_ms_b${cell.batch}${cell.autograd ? '_autograd' : ''}`;
      progress(`[${backend}] training, batch ${cell.batch}${cell.autograd ? ', autograd' : ''} ...`);
      const cellNet = cell === trainCells[0] ? net : new FieldNetwork(2, DEFAULT_MLP, createRng(2));
      const cellTrainer =
        cell === trainCells[0] ? trainer : new DdpmTrainer(cellNet, schedule, data.points, createRng(3), { learningRate: 1e-3, batchSize: cell.batch });
      cellTrainer.fastGradients = !cell.autograd;
      let lastLoss = Number.NaN;
      try {
        const train = await timeIterations(async () => {
          const loss = cellTrainer.step();
          lastLoss = (await loss.data())[0];
          loss.dispose();
        }, plan.train);
        progress(`[${backend}]   ${doneLine(train)}`);
        if (train.skipped) {
          results.push({ ...skip(trainName, 'steps/s', 1, train, plan.train.abandonAfterMs ?? Number.NaN), key });
        } else {
          if (!Number.isFinite(lastLoss)) throw new Error(`training diverged on ${backend} (loss ${lastLoss})`);
          results.push({ backend, benchmark: trainName, status: 'measured', iterations: train.iterations, ms: train.medianMs, work: 1, unit: 'steps/s', key });
        }
      } finally {
        if (cellTrainer !== trainer && !queueBusy) {
          cellTrainer.dispose();
          cellNet.dispose();
        }
      }
    }

    let msPerParticle = Number.NaN; // from the previous cell
    let smallerSkipped = false;
    for (const n of plan.particleCounts) {
      const name = `reverse step, ${n / 1000}k particles`;
      const box = plan.sample.abandonAfterMs ?? plan.cellBoxMs;
      if (queueBusy) {
        notRun(name, 'particle-steps/s', n, 'an abandoned call of an earlier cell was still queued', box);
        continue;
      }
      if (smallerSkipped && !plan.all) {
        notRun(name, 'particle-steps/s', n, `the ${plan.particleCounts[0] / 1000}k cell already exceeded the time box`, box);
        continue;
      }
      const predictedMs = msPerParticle * n;
      const cellMs = predictedMs * (plan.sample.warmup + plan.sample.minIters);
      if (!plan.all && cellMs > plan.cellBoxMs) {
        results.push({ backend, benchmark: name, status: 'estimated', iterations: 0, ms: predictedMs, work: n, unit: 'particle-steps/s', key: `sampler_particle_steps_per_s_n${n}` });
        notes.push(
          `${backend}, ${n / 1000}k particles: not run; predicted ~${(cellMs / 1000).toFixed(0)} s for warm-up + ${plan.sample.minIters} steps, over the ${plan.cellBoxMs / 1000} s time box. ` +
            `The row is a linear extrapolation from the smaller cell (real runs scale slightly worse); ${plan.measureHint}.`,
        );
        continue;
      }
      progress(`[${backend}] reverse sampler, ${n} particles ...`);
      const noise = createRng(n);
      let x = tf.randomNormal([n, 2], 0, 1, 'float32', noise.nextSeed()) as tf.Tensor2D;
      const z = tf.randomNormal([n, 2], 0, 1, 'float32', noise.nextSeed()) as tf.Tensor2D; // drawn once: times the sampler, not the RNG
      let t = schedule.T;
      const sample = await timeIterations(async () => {
        const next = ancestralStep(net, x, t, schedule, 'betaTilde', z);
        await next.data();
        x.dispose();
        x = next;
        t = t > 2 ? t - 1 : schedule.T;
      }, plan.sample);
      progress(`[${backend}]   ${doneLine(sample)}`);
      // An abandoned call (still pending) uses x and z: leave them (the page is closed after a skip like that).
      if (!sample.skipped?.pending) tf.dispose([x, z]);
      if (sample.skipped) {
        results.push({ ...skip(name, 'particle-steps/s', n, sample, box), key: `sampler_particle_steps_per_s_n${n}` });
        smallerSkipped = true;
        continue;
      }
      msPerParticle = sample.medianMs / n;
      results.push({ backend, benchmark: name, status: 'measured', iterations: sample.iterations, ms: sample.medianMs, work: n, unit: 'particle-steps/s', key: `sampler_particle_steps_per_s_n${n}` });
    }
  } catch (e) {
    notes.push(`${backend}: failed (${e instanceof Error ? e.message : String(e)})`);
  } finally {
    trainer.dispose();
    net.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0 && !queueBusy) notes.push(`${backend}: ${leaked} tensors left after the run (a tensor leak)`);
  return { results, notes };
}

/**
 * The JSON figure of a cell (see {@link CellResult.key}): median ms for a training cell, particle-steps/s
 * for a sampler cell; null when the cell was not measured.
 */
export function cellValue(r: CellResult): number | null {
  if (r.status !== 'measured') return null;
  return r.unit === 'steps/s' ? r.ms : (r.work * 1000) / r.ms;
}
