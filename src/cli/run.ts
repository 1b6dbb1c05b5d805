/**
 * `npm run headless`: trains a scene's model in Node and samples it with the app's own session code
 * (DiffusionSession / GanSession: the same trainers, the same particle samplers), on tfjs's wasm backend,
 * then measures the samples against the data with the metrics module and writes what was asked for.
 *
 * Sampling N points is one reverse pass of the session's particles (config.data.particles = N) from
 * fresh noise down to t = 0 with the configured sampler, or G(z) for N fixed latent draws for a GAN.
 * Metrics are in the playground's normalised units (the space the model works in); the CSV of samples is
 * in the data's original units (a loaded file's units or pixels; the built-in sets have only the
 * playground's units).
 */
import { accessSync, constants, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { effectiveSampler, type PlaygroundConfig } from '../config/playground-config';
import { DATASET_NAMES, type PointSet } from '../data/datasets';
import { decodeImage } from '../data/image-decode';
import { DataLoadError, denormalizePoints, MAX_DATA_BYTES, type LoadedData } from '../data/point-data';
import { loadPointData } from '../data/loaders';
import { ENERGY_DISTANCE_LABEL, METRIC_ESTIMATORS } from '../models/metric-estimators';
import { compareToData, type SampleMetrics } from '../models/metrics';
import { createRng } from '../models/random';
import { StraightnessMeter } from '../models/trajectory';
import { sampleFromNoise } from '../particles/process';
import { DiffusionSession } from '../session/diffusion-session';
import { LOSS_READBACK_EVERY } from '../session/session';
import { createSession } from '../session/create-session';
import { GanSession } from '../session/gan-session';
import { DATA_ALIASES, parseArgs, usage, UsageError, type CliArgs } from './options';
import { formatSeconds, ProgressBar, type ProgressSink } from './progress';

/** Most samples the set-to-set metrics look at (energy distance and MMD are O(n^2)). */
export const METRIC_POINTS = 4096;
/** Rows per set of the exact W1 / W2 (optimal assignment, O(m^3)). */
export const EXACT_W_POINTS = 500;

/** The streams of a run: stdout for the metrics table (and --help), stderr for progress, notes and errors. */
export interface CliIo {
  out(text: string): void;
  readonly err: ProgressSink;
}

/** A problem with the run's inputs or outputs that is the user's to fix (exit code 2). */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** One point of the loss curve (read back every LOSS_READBACK_EVERY steps). */
export interface LossPoint {
  readonly step: number;
  /** The training loss (a GAN: the discriminator / critic loss). */
  readonly loss: number;
  /** A GAN's generator loss. */
  readonly generator?: number;
}

/** The metrics of the samples and of the two baselines, against the data. */
export interface MetricsReport {
  /** The playground's normalised units. */
  readonly units: 'normalised';
  /** What each metric's estimator is (the energy distance is a U-statistic and can read below 0). */
  readonly estimators: typeof METRIC_ESTIMATORS;
  /** Samples, and data rows, compared (at most METRIC_POINTS). */
  readonly points: number;
  /** Rows per set of the exact W1 / W2. */
  readonly exactPoints: number;
  /** The generated samples against the data. */
  readonly samples: SampleMetrics;
  /** N(0, I) noise against the data: where sampling starts (the untrained end). */
  readonly noise: SampleMetrics;
  /** A second, independent draw of the data against the data: the floor a perfect sampler reaches. */
  readonly data: SampleMetrics;
  /** Network (or field) evaluations of one sampling pass; 1 for a GAN (one pass of G). */
  readonly nfe: number;
  /** Mean chord / arc length of the sampling paths, in (0, 1]; null for a GAN. */
  readonly straightness: number | null;
}

/** The JSON report of a run (--report). */
export interface RunReport {
  readonly tool: 'generative-playground headless';
  readonly argv: readonly string[];
  readonly config: PlaygroundConfig;
  readonly run: {
    readonly model: string;
    readonly sampler: string | null;
    readonly field: string;
    readonly trainSteps: number;
    readonly samples: number;
    readonly data: Record<string, unknown>;
  };
  readonly backend: { readonly name: string; readonly simd: boolean | null; readonly threads: 1; readonly tfjs: string };
  readonly lossCurve: readonly LossPoint[];
  readonly metrics: MetricsReport;
  readonly timings: { readonly loadMs: number; readonly buildMs: number; readonly trainMs: number; readonly trainStepsPerSecond: number | null; readonly sampleMs: number; readonly metricsMs: number; readonly totalMs: number };
  readonly out: string | null;
}

/**
 * Runs the CLI on `argv` (without node and the script) and returns the exit code: 0 on success, 2 for
 * bad options or data (one line on stderr, no stack), 1 for anything unexpected.
 */
export async function runHeadless(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    const lead = io.err.tty ? '\r\x1b[K' : '';
    if (e instanceof UsageError || e instanceof DataLoadError || e instanceof CliError) {
      io.err.write(`${lead}error: ${message}\n`);
      return 2;
    }
    io.err.write(`${lead}error: ${message} (an internal error: please report it with the command line)\n`);
    if (process.env.GP_DEBUG) io.err.write(`${e instanceof Error ? e.stack : ''}\n`);
    return 1;
  }
}

/** A file we will write: its folder must exist and be writable, and it must not be a folder. */
function checkWritable(option: string, path: string): void {
  const full = resolve(path);
  try {
    if (statSync(full).isDirectory()) throw new CliError(`--${option} ${path}: is a directory`);
  } catch (e) {
    if (e instanceof CliError) throw e;
  }
  try {
    accessSync(dirname(full), constants.W_OK);
  } catch {
    throw new CliError(`--${option} ${path}: cannot write there (no such folder, or no permission)`);
  }
}

/** Reads and loads a data file. @throws CliError (missing, a folder, unreadable) or DataLoadError. */
function loadFile(path: string, seed: number): LoadedData {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new CliError(`--data ${path}: is a directory`);
    size = st.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    const looksLikeFile = /[./\\]/.test(path);
    throw new CliError(
      looksLikeFile
        ? `--data ${path}: no such file`
        : `--data ${path}: not a built-in data set (${DATASET_NAMES.join(', ')}; or ${Object.keys(DATA_ALIASES).join(', ')}) and no such file`,
    );
  }
  if (size > MAX_DATA_BYTES) throw new DataLoadError('too-large', `${basename(path)} is ${(size / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_DATA_BYTES / 2 ** 20} MiB`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new CliError(`--data ${path}: cannot read it (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  return loadPointData(bytes, basename(path), { decodeImage, seed });
}

/** Puts tfjs on its fastest Node backend here: wasm (SIMD, one thread, as in the tests), else cpu. */
export async function startBackend(): Promise<{ name: string; simd: boolean | null }> {
  if (tf.getBackend() !== 'wasm') {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    let ok = false;
    try {
      ok = await tf.setBackend('wasm');
    } catch {
      ok = false;
    }
    if (!ok) await tf.setBackend('cpu');
  }
  await tf.ready();
  const name = tf.getBackend();
  const simd = name === 'wasm' ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : null;
  return { name, simd };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Standard normal draws, [n, D] row-major (seeded). */
function gaussianNoise(n: number, dim: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}

/** A number for the table: 4 significant digits. */
const fmt = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toPrecision(4));

/** The short metrics table for stdout. */
export function metricsTable(m: MetricsReport): string {
  const rows: [string, string, string, string][] = [['metric', 'samples', 'N(0,I) noise', 'data (2nd draw)']];
  const row = (name: string, f: (s: SampleMetrics) => string): void => void rows.push([name, f(m.samples), f(m.noise), f(m.data)]);
  row(ENERGY_DISTANCE_LABEL, (s) => fmt(s.energyDistance));
  row('sliced W1', (s) => fmt(s.slicedWasserstein));
  row(`MMD (RBF, median h)`, (s) => fmt(s.mmd));
  row(`W1 exact (${m.exactPoints} pts)`, (s) => fmt(s.w1));
  row(`W2 exact (${m.exactPoints} pts)`, (s) => fmt(s.w2));
  if (m.samples.modeCoverage !== null) {
    row('modes covered', (s) => `${s.modeCoverage?.covered}/${s.modeCoverage?.modes}`);
    row('mode TV distance', (s) => fmt(s.modeCoverage?.tv));
  }
  rows.push(['NFE (one pass)', String(m.nfe), '', '']);
  rows.push(['straightness', fmt(m.straightness), '', '']);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ').trimEnd()).join('\n');
}

/** Samples as CSV text: header x,y (x,y,z in 3D), one row per sample, 7 significant digits. */
export function samplesCsv(points: Float32Array | Float64Array, dim: number): string {
  const header = dim === 3 ? 'x,y,z' : 'x,y';
  const lines = [header];
  const n = points.length / dim;
  const num = (v: number): string => String(Number(v.toPrecision(7)));
  for (let i = 0; i < n; i++) {
    let line = num(points[i * dim]);
    for (let k = 1; k < dim; k++) line += `,${num(points[i * dim + k])}`;
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const t0 = performance.now();
  const args: CliArgs = parseArgs(argv);
  if (args.help) {
    io.out(`${usage()}\n`);
    return 0;
  }
  for (const note of args.notes) io.err.write(`${note}\n`);
  if (args.out !== null) checkWritable('out', args.out);
  if (args.report !== null) checkWritable('report', args.report);
  const config = args.config;

  const loaded = 'path' in args.data ? loadFile(args.data.path, config.data.seed) : null;
  const custom: PointSet | null = loaded?.set ?? null;
  const tLoaded = performance.now();

  const backend = await startBackend();
  const session = createSession(config, custom);
  const adversarial = session.family === 'adversarial';
  try {
    const tBuilt = performance.now();
    const dim = session.dim;
    io.err.write(`${config.model.kind} on ${session.sceneData.label}${dim === 3 ? ' (3D)' : ''}, backend ${backend.name}${backend.simd ? ' (SIMD)' : ''}\n`);

    // Training, with the loss read back every LOSS_READBACK_EVERY steps as in the app.
    const lossCurve: LossPoint[] = [];
    session.onLoss = (step, loss) => {
      lossCurve.push(session instanceof GanSession ? { step, loss, generator: session.losses.generator } : { step, loss });
    };
    const steps = args.trainSteps;
    if (steps > 0) {
      const bar = new ProgressBar(io.err, 'training', steps, 'steps');
      for (let i = 1; i <= steps; i++) {
        session.trainStep();
        if (i % LOSS_READBACK_EVERY === 0 || i === steps) {
          await tick();
          bar.update(i, Number.isFinite(session.loss) ? `loss ${session.loss.toPrecision(4)}` : '');
        }
      }
      for (let i = 0; i < 3; i++) await tick();
      bar.finish(`${steps} steps in ${formatSeconds((performance.now() - tBuilt) / 1000)}, last loss ${fmt(session.loss)}`);
    }
    const tTrained = performance.now();

    // Sampling: one reverse pass of the scene's process from fresh noise (particles/process.sampleFromNoise), or G(z).
    let straightness: number | null = null;
    let nfe = 1;
    let samples: Float32Array;
    if (session instanceof DiffusionSession) {
      const pass = session.pass;
      nfe = pass.nfe;
      const bar = new ProgressBar(io.err, 'sampling', pass.steps, 'steps');
      const meter = new StraightnessMeter();
      let taken = 0;
      const x = sampleFromNoise(session.particles.currentProcess, session.samplingField(), config.data.particles, session.particleRng, (from, to) => {
        if (!meter.active) meter.begin(from);
        meter.record(from, to);
        bar.update(++taken);
      });
      const measured = meter.finish(x);
      meter.dispose();
      straightness = measured === null ? null : (await measured.data())[0];
      measured?.dispose();
      samples = (await x.data()) as Float32Array;
      x.dispose();
      bar.finish(`${config.data.particles} samples, ${taken} steps, ${nfe} evaluations in ${formatSeconds((performance.now() - tTrained) / 1000)}`);
    } else {
      session.simulate();
      samples = (await session.particles.current.data()) as Float32Array;
    }
    const tSampled = performance.now();

    // Metrics against the data, with two baselines.
    io.err.write('measuring...');
    const m = Math.min(config.data.particles, METRIC_POINTS);
    const seed = config.data.seed;
    const first = samples.subarray(0, m * dim);
    const reference = session.sceneData.sample(m, createRng(seed ^ 0x3e7a11)).points;
    const second = session.sceneData.sample(m, createRng(seed ^ 0x5ca1ab)).points;
    const options = { seed, exactPoints: Math.min(EXACT_W_POINTS, m), mixture: session.sceneData.mixture };
    const metrics: MetricsReport = {
      units: 'normalised',
      estimators: METRIC_ESTIMATORS,
      points: m,
      exactPoints: options.exactPoints,
      samples: compareToData(first, reference, dim, options),
      noise: compareToData(gaussianNoise(m, dim, seed ^ 0x0153), reference, dim, options),
      data: compareToData(second, reference, dim, options),
      nfe,
      straightness: straightness !== null && Number.isFinite(straightness) ? straightness : null,
    };
    const tMeasured = performance.now();
    io.err.write(` ${formatSeconds((tMeasured - tSampled) / 1000)}\n`);

    if (args.out !== null) {
      const units = loaded !== null ? denormalizePoints(samples, dim, loaded.transform) : samples;
      writeOut('out', args.out, samplesCsv(units, dim));
    }
    const timings = {
      loadMs: tLoaded - t0,
      buildMs: tBuilt - tLoaded,
      trainMs: tTrained - tBuilt,
      trainStepsPerSecond: steps > 0 ? steps / ((tTrained - tBuilt) / 1000) : null,
      sampleMs: tSampled - tTrained,
      metricsMs: tMeasured - tSampled,
      totalMs: performance.now() - t0,
    };
    if (args.report !== null) {
      const report: RunReport = {
        tool: 'generative-playground headless',
        argv: [...argv],
        config,
        run: {
          model: config.model.kind,
          sampler: adversarial ? null : effectiveSampler(config) === 'ancestral' ? 'ddpm' : effectiveSampler(config),
          field: adversarial ? 'learned' : config.sampling.field,
          trainSteps: steps,
          samples: config.data.particles,
          data: dataDescription(args, loaded, session.sceneData.label, dim),
        },
        backend: { ...backend, threads: 1, tfjs: tf.version.tfjs },
        lossCurve,
        metrics,
        timings,
        out: args.out,
      };
      writeOut('report', args.report, `${JSON.stringify(report, null, 2)}\n`);
    }
    const trained = steps > 0 ? `${steps} training steps in ${formatSeconds(timings.trainMs / 1000)} (${timings.trainStepsPerSecond?.toFixed(1)} steps/s), ` : '';
    io.out(`${config.model.kind} on ${session.sceneData.label}: ${trained}${config.data.particles} samples in ${formatSeconds(timings.sampleMs / 1000)}; metrics on ${m} points, normalised units\n`);
    io.out(`${metricsTable(metrics)}\n`);
    return 0;
  } finally {
    session.dispose();
  }
}

function writeOut(option: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new CliError(`--${option} ${path}: cannot write it (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

function dataDescription(args: CliArgs, loaded: LoadedData | null, label: string, dim: number): Record<string, unknown> {
  if (!('path' in args.data) || loaded === null) return { source: 'built-in', name: args.config.data.dataset, label, dim, units: 'the playground units of the built-in set' };
  return {
    source: 'file',
    file: args.data.path,
    format: loaded.source,
    points: loaded.set.count,
    dim,
    header: loaded.header,
    image: loaded.image,
    transform: loaded.transform,
    units: loaded.source === 'image' ? 'pixels (x right, y up from the bottom edge)' : 'the CSV units',
  };
}
