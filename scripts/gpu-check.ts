/**
 * The Node half of `scripts/gpu-check.sh`: tfjs's WebGPU backend on Dawn for Node (the `webgpu` npm package)
 * with no browser and no network. Times the app's training step (DdpmTrainer with its fast gradients on the
 * default FieldNetwork, 3 x 128 SiLU, batch 1024, Adam) and the reverse (ancestral) step at 20k and 200k
 * particles, through the same cells as `npm run bench` (src/bench/ddpm-cells.ts), on a GPUDevice created
 * as the app creates it (every feature, the adapter's largest limits; tfjs never forwards small ops to the
 * CPU). Prints the adapter, a markdown table and a `JSON {...}` line (`gpu.train_ms_b1024`,
 * `gpu.reverse_step_ms_n20000`, `gpu.reverse_step_ms_n200000`, `gpu.adapter`, `gpu.fallback_adapter`).
 *
 * Bundled into one file with esbuild (`scripts/gpu-check.sh --bundle`: .gpu-check/gpu-check.mjs, with
 * dawn.node beside it) so that node_modules need not travel to a GPU machine. `--quick`: batch 128 and
 * 500 / 2k particles, for a software adapter (SwiftShader) here.
 */
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { benchDdpm, type CellPlan, type CellResult } from '../src/bench/ddpm-cells';
import { timingNote } from '../src/bench/plans';
import { markdownTable, progress, RESULT_HEADERS, resultRow } from './bench-lib';

/** What to measure. */
export interface GpuCheckOptions {
  readonly quick: boolean;
  /** Training batch (1024; 128 with --quick). */
  readonly batch: number;
  /** Particle counts of the reverse-step cells, ascending (20k, 200k; 500, 2k with --quick). */
  readonly particles: readonly number[];
  /** A first warm-up call longer than this (s) ends its cell as skipped (default 120: SwiftShader compiles slowly). */
  readonly boxS: number;
}

const USAGE = 'usage: node .gpu-check/gpu-check.mjs [--quick] [--batch N] [--particles N,M] [--box S]';

/** Parses the command line. @throws RangeError naming the bad argument (and the usage). */
export function parseGpuCheckArgs(args: readonly string[]): GpuCheckOptions {
  const quick = args.includes('--quick');
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new RangeError(`${flag} needs a value; ${USAGE}`);
    return v;
  };
  const positiveInt = (flag: string, s: string): number => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${flag} needs positive integers, got '${s}'; ${USAGE}`);
    return n;
  };
  const known = new Set(['--quick', '--batch', '--particles', '--box']);
  args.forEach((a, i) => {
    const isValue = i > 0 && ['--batch', '--particles', '--box'].includes(args[i - 1]);
    if (!isValue && !known.has(a)) throw new RangeError(`unknown argument '${a}'; ${USAGE}`);
  });
  const batch = value('--batch');
  const particles = value('--particles');
  const box = value('--box');
  const boxS = box === undefined ? 120 : Number(box);
  if (!(boxS > 0 && boxS <= 3600)) throw new RangeError(`--box needs seconds in (0, 3600], got '${box}'; ${USAGE}`);
  return {
    quick,
    batch: batch === undefined ? (quick ? 128 : 1024) : positiveInt('--batch', batch),
    particles: particles === undefined ? (quick ? [500, 2000] : [20_000, 200_000]) : particles.split(',').map((p) => positiveInt('--particles', p)),
    boxS,
  };
}

/** The cells' plan: every cell measured (none extrapolated), each first warm-up call boxed at `boxS`. */
export function gpuPlan(o: GpuCheckOptions): CellPlan {
  const abandonAfterMs = o.boxS * 1000;
  return {
    batch: o.batch,
    particleCounts: o.particles,
    train: o.quick ? { warmup: 1, minIters: 3, targetMs: 1000, abandonAfterMs } : { warmup: 5, minIters: 10, targetMs: 3000, maxIters: 1000, abandonAfterMs },
    sample: o.quick ? { warmup: 1, minIters: 3, targetMs: 1000, abandonAfterMs } : { warmup: 5, minIters: 10, targetMs: 3000, maxIters: 1000, abandonAfterMs },
    cellBoxMs: Number.POSITIVE_INFINITY,
    all: true,
    measureHint: '',
  };
}

/** The adapter as `scripts/gpu-check.sh` reports it. */
export interface AdapterReport {
  /** Vendor, architecture, device and description, as far as the adapter tells them. */
  readonly name: string;
  readonly fallback: boolean;
}

/**
 * The JSON figures: `gpu.train_ms_b<batch>` and `gpu.reverse_step_ms_n<N>` (median ms per step; null
 * when not measured), `gpu.adapter` and `gpu.fallback_adapter`.
 */
export function gpuFigures(results: readonly CellResult[], adapter: AdapterReport): Record<string, number | string | boolean | null> {
  const out: Record<string, number | string | boolean | null> = {};
  for (const r of results) {
    const key = r.unit === 'steps/s' ? `gpu.${r.key ?? 'train_ms'}` : `gpu.reverse_step_ms_n${r.work}`;
    out[key] = r.status === 'measured' ? r.ms : null;
  }
  out['gpu.adapter'] = adapter.name;
  out['gpu.fallback_adapter'] = adapter.fallback;
  return out;
}

/** The printed report: the adapter, the table, the notes and the JSON line. */
export function formatGpuReport(o: GpuCheckOptions, adapter: AdapterReport, results: readonly CellResult[], notes: readonly string[], tfjs: string): string {
  return [
    `## tfjs-webgpu on Dawn for Node${o.quick ? ' (--quick)' : ''}`,
    '',
    `Adapter: ${adapter.name}${adapter.fallback ? ' (a fallback adapter: software, not a GPU)' : ''}; tfjs ${tfjs}, Node ${process.version}.`,
    '',
    markdownTable(RESULT_HEADERS, results.map(resultRow)),
    '',
    ...notes.map((n) => `- ${n}`),
    `- ${timingNote(gpuPlan(o))}`,
    '',
    `JSON ${JSON.stringify(gpuFigures(results, adapter))}`,
  ].join('\n');
}

/** Makes Dawn's navigator.gpu and WebGPU globals visible (before tfjs-backend-webgpu is imported). */
async function installDawn(): Promise<GPU> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  return gpu;
}

/** Starts tfjs's webgpu backend on a device made like the app's (src/platform/tf-backend.ts). @throws Error without an adapter. */
async function startWebGpu(gpu: GPU): Promise<AdapterReport> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('no WebGPU adapter: is a Vulkan driver installed (VK_ICD_FILENAMES / VK_DRIVER_FILES)?');
  const limits: Record<string, number> = {};
  for (const key of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage'] as const) {
    limits[key] = adapter.limits[key];
  }
  const device = await adapter.requestDevice({ requiredFeatures: [...adapter.features] as GPUFeatureName[], requiredLimits: limits });
  const info = adapter.info;
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  tf.removeBackend('webgpu'); // the import registered one on a device of its own
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, info));
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start webgpu');
  const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s !== '').join(' / ') || 'unknown adapter';
  return { name, fallback: Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) };
}

async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const o = parseGpuCheckArgs(args);
  const adapter = await startWebGpu(await installDawn());
  progress(`[gpu-check] ${adapter.name}${adapter.fallback ? ' (fallback adapter)' : ''}`);
  const report = await benchDdpm('webgpu', gpuPlan(o), (m) => progress(`[gpu-check] ${m}`));
  console.log(formatGpuReport(o, adapter, report.results, report.notes, tf.version.tfjs));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2))
    .then(() => process.exit(0))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
