/**
 * `npm run bench [-- --quick] [-- --all] [-- --box S] [-- --node-only | --browser-only] [-- --json FILE]`: throughput of the DDPM core
 * on every tfjs backend, printed as markdown tables on stdout (progress goes to stderr):
 * first in Node (wasm, cpu), then in headless Chromium (webgpu, webgl, wasm, cpu; scripts/bench-browser.ts),
 * the browser part skipped with a note where /usr/bin/chromium is missing.
 *
 * - training: DdpmTrainer steps on two-moons, batch 1024, the default network (3 x 128, SiLU), Adam;
 * - training at batch 4096, and at 1024 through tfjs autograd (the reference the fast path is checked against);
 * - reverse sampling: ancestralStep over 10k and 100k particles with the same network;
 * - time to quality (wasm): seconds of training until two-moons samples are within energy distance 0.01;
 * - in the browser besides: the app's default scene at 10,000 particles (fps, worst second, training steps/s);
 * - PyTorch on the same machine, in the same run (scripts/bench-torch.ts runs ../shared/perf/anchor_torch.py):
 *   the training step at batch 1024 and 4096 and the sampler at 10k and 100k particles next to our wasm
 *   figures, with the ratios (keys `node.train_ratio_b1024`, `node.sampler_ratio_n100000`, ...); "PyTorch not
 *   installed" where python3 or torch is missing, `--no-torch` skips it.
 * `--json FILE` writes the figures (keys `node.wasm.train_ms_b1024`, ..., `browser.fps_mean`, ...; null where not measured).
 *
 * The cells are src/bench/ddpm-cells.ts, the same code in Node and in the browser. Every timed iteration
 * awaits a read-back of its result, so the clock sees finished work. Each cell is time-boxed (src/bench/plans.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { benchDdpm, cellValue } from '../src/bench/ddpm-cells';
import { timeToQuality } from '../src/bench/quality-cell';
import { nodePlan, timingNote } from '../src/bench/plans';
import { sampleDataset } from '../src/data/datasets';
import { DdpmTrainer } from '../src/models/ddpm';
import { FieldNetwork } from '../src/models/field-network';
import { DEFAULT_MLP } from '../src/models/mlp';
import { createRng } from '../src/models/random';
import { DEFAULT_SCHEDULE, makeSchedule } from '../src/models/schedules';
import { benchBrowser, parseBoxArg } from './bench-browser';
import { formatMs, formatRate, machineLine, markdownTable, median, progress, RESULT_HEADERS, resultRow } from './bench-lib';
import { DEFAULT_TORCH_ANCHOR, runTorchAnchor } from './bench-torch';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const all = args.includes('--all');
const nodeOnly = args.includes('--node-only');
const browserOnly = args.includes('--browser-only');
const boxS = parseBoxArg(args);
const noTorch = args.includes('--no-torch');
const torchAnchorIndex = args.indexOf('--torch-anchor');
const torchAnchor = torchAnchorIndex >= 0 ? args[torchAnchorIndex + 1] : DEFAULT_TORCH_ANCHOR;
if (args.some((a) => a === '--help' || a === '-h') || (nodeOnly && browserOnly)) {
  console.log('usage: npm run bench [-- --quick] [-- --all] [-- --box S] [-- --node-only | --browser-only] [-- --json FILE] [-- --no-torch] [-- --torch-anchor FILE]');
  console.log('  --json FILE     also write the figures as JSON to FILE');
  console.log('  --quick         shorter time boxes (a smoke test)');
  console.log('  --all           also measure Node cells predicted to overrun the per-cell time box (cpu at 100k: minutes)');
  console.log('  --box S         browser time box per cell in seconds (default 5): a cell whose first warm-up call takes longer is skipped');
  console.log('  --node-only     only the Node table (wasm, cpu)');
  console.log('  --browser-only  only the headless-Chromium table (webgpu, webgl, wasm, cpu); also: npm run bench:browser');
  console.log('  --no-torch      skip the PyTorch anchor (../shared/perf/anchor_torch.py) that the Node wasm figures are compared with');
  console.log('  --torch-anchor FILE  another path of the PyTorch anchor script');
  process.exit(nodeOnly && browserOnly ? 1 : 0);
}

const jsonIndex = args.indexOf('--json');
const jsonPath = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
if (jsonIndex >= 0 && (jsonPath === undefined || jsonPath.startsWith('--'))) {
  console.error('--json needs a file name, e.g. npm run bench -- --json bench.json');
  process.exit(1);
}

const BACKENDS = ['wasm', 'cpu'] as const;
/** The batches and particle counts that both our Node wasm cells and the PyTorch anchor measure. */
const TORCH_BATCHES = [1024, 4096] as const;
const TORCH_PARTICLES = [10_000, 100_000] as const;

/**
 * Runs the PyTorch anchor right after the wasm cells (same machine, same run) and fills the comparison
 * figures: `node.train_ms_bB` (ours, wasm), `node.torch_train_ms_bB`, `node.train_ratio_bB` = ours / torch
 * (the target: <= 1.5), and `node.sampler_steps_per_s_nN`, `node.torch_sampler_steps_per_s_nN`,
 * `node.sampler_ratio_nN` = ours / torch in particle-steps/s (target: >= 1). Our sampler figure is a whole
 * ancestral step (the network's forward pass and the update); PyTorch's is the forward pass alone.
 * @returns the comparison table and its notes.
 */
function compareWithTorch(): { table: string; notes: string[] } {
  for (const b of TORCH_BATCHES) figures[`node.train_ms_b${b}`] = figures[`node.wasm.train_ms_b${b}`] ?? null;
  for (const n of TORCH_PARTICLES) figures[`node.sampler_steps_per_s_n${n}`] = figures[`node.wasm.sampler_particle_steps_per_s_n${n}`] ?? null;
  if (noTorch) return { table: '', notes: ['PyTorch: skipped (--no-torch)'] };
  progress(`[torch] ${torchAnchor} ...`);
  const loadBefore = os.loadavg()[0];
  const torch = runTorchAnchor(torchAnchor);
  if ('missing' in torch) return { table: '', notes: [`PyTorch: ${torch.missing}; no comparison`] };
  const { figures: t } = torch;
  const rows: string[][] = [];
  const ratio = (a: number | null, b: number | undefined): number | null => (a === null || b === undefined || !(b > 0) ? null : a / b);
  /** n/a where a cell was not measured (an estimated or skipped cell has no figure). */
  const fmt = (x: number | null, f: (v: number) => string): string => (x === null ? 'n/a' : f(x));
  for (const b of TORCH_BATCHES) {
    const ours = figures[`node.train_ms_b${b}`];
    const r = ratio(ours, t.trainMs[b]);
    figures[`node.torch_train_ms_b${b}`] = t.trainMs[b] ?? null;
    figures[`node.train_ratio_b${b}`] = r;
    rows.push([`training step, batch ${b}`, `${fmt(ours, formatMs)} ms`, `${fmt(t.trainMs[b] ?? null, formatMs)} ms`, fmt(r, (v) => `${v.toFixed(2)}x`), '<= 1.5x']);
  }
  for (const n of TORCH_PARTICLES) {
    const ours = figures[`node.sampler_steps_per_s_n${n}`];
    const r = ratio(ours, t.samplerStepsPerS[n]);
    figures[`node.torch_sampler_steps_per_s_n${n}`] = t.samplerStepsPerS[n] ?? null;
    figures[`node.sampler_ratio_n${n}`] = r;
    const perS = (v: number): string => `${formatRate(v)}/s`;
    rows.push([`sampler, ${n / 1000}k particles`, fmt(ours, perS), fmt(t.samplerStepsPerS[n] ?? null, perS), fmt(r, (v) => `${v.toFixed(2)}x`), n === 100_000 ? '>= 1x' : '-']);
  }
  return {
    table: markdownTable(['Node wasm vs PyTorch (same run)', 'ours (wasm, 1 thread)', `PyTorch ${t.version} (${t.threads} threads)`, 'ratio', 'target'], rows),
    notes: [
      'PyTorch: ../shared/perf/anchor_torch.py run right after the wasm cells; training ratio = our ms / PyTorch ms, sampler ratio = our particle-steps/s / PyTorch\'s ' +
        `(ours: a whole ancestral step; PyTorch: the forward pass alone); load average ${loadBefore.toFixed(1)} before it, ${os.loadavg()[0].toFixed(1)} after (on a shared machine the ratio moves with the load).`,
    ],
  };
}

/**
 * The figures of the JSON file (`--json FILE`): `node.<backend>.<key>` per cell (see CellResult.key),
 * `node.wasm.time_to_quality_s`, and the browser figures (see scripts/bench-browser.ts), null where not measured.
 */
const figures: Record<string, number | null> = {
  'node.wasm.train_ms_b1024': null,
  'node.wasm.train_ms_b4096': null,
  'node.wasm.sampler_particle_steps_per_s_n100000': null,
  'node.wasm.time_to_quality_s': null,
  'node.wasm.train_cpu_ms_b1024': null,
  'node.wasm.train_cpu_ms_b1024_autograd': null,
  ...Object.fromEntries(
    TORCH_BATCHES.flatMap((b) => [`node.train_ms_b${b}`, `node.torch_train_ms_b${b}`, `node.train_ratio_b${b}`]).concat(
      TORCH_PARTICLES.flatMap((n) => [`node.sampler_steps_per_s_n${n}`, `node.torch_sampler_steps_per_s_n${n}`, `node.sampler_ratio_n${n}`]),
    ).map((k) => [k, null]),
  ),
  'browser.fps_mean': null,
  'browser.fps_worst_second': null,
  'browser.train_steps_per_s': null,
  'browser.time_to_quality_s': null,
};

/** Median CPU ms (user + system, this process) per DDPM training step of the default network on two moons. */
function cpuMsPerTrainStep(batch: number, autograd: boolean, steps: number): number {
  const rng = createRng(5);
  const net = new FieldNetwork(2, DEFAULT_MLP, rng.fork());
  const trainer = new DdpmTrainer(net, makeSchedule(DEFAULT_SCHEDULE), sampleDataset('two-moons', 20_000, rng.fork()).points, rng.fork(), { learningRate: 1e-3, batchSize: batch });
  trainer.fastGradients = !autograd;
  const samples: number[] = [];
  for (let i = 0; i < steps + 3; i++) {
    const c0 = process.cpuUsage();
    const loss = trainer.step();
    loss.dataSync();
    loss.dispose();
    const c = process.cpuUsage(c0);
    if (i >= 3) samples.push((c.user + c.system) / 1000);
  }
  trainer.dispose();
  net.dispose();
  return median(samples);
}

/** The Node table and its notes; `ok` when some cell ran. */
async function benchNode(): Promise<{ text: string; ok: boolean }> {
  const started = performance.now();
  const plan = nodePlan(quick, all);
  const notes: string[] = [];
  const rows: string[][] = [];
  let torchTable = '';
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  for (const backend of BACKENDS) {
    let ok = false;
    try {
      ok = await tf.setBackend(backend);
      await tf.ready();
    } catch (e) {
      notes.push(`${backend}: could not start (${e instanceof Error ? e.message : String(e)})`);
      continue;
    }
    if (!ok || tf.getBackend() !== backend) {
      notes.push(`${backend}: could not start`);
      continue;
    }
    // The extra training cells (batch 4096, autograd) only where they say something: cpu takes seconds a step.
    const report = await benchDdpm(backend, backend === 'wasm' ? plan : { ...plan, extraTrain: [] }, progress);
    rows.push(...report.results.map(resultRow));
    notes.push(...report.notes);
    for (const r of report.results) if (r.key !== undefined) figures[`node.${backend}.${r.key}`] = cellValue(r);
    if (backend === 'wasm') {
      // CPU time per step (this process only): robust where other work shares the cores and stretches wall time.
      for (const autograd of [false, true]) {
        const ms = cpuMsPerTrainStep(1024, autograd, quick ? 5 : 20);
        figures[`node.wasm.train_cpu_ms_b1024${autograd ? '_autograd' : ''}`] = ms;
        notes.push(`wasm: CPU time of this process per training step, batch 1024${autograd ? ', autograd' : ''}: median ${ms.toFixed(1)} ms (wall-clock time above is longer when other processes share the cores)`);
      }
      progress('[wasm] time to quality (DDPM, two moons, energy distance < 0.01) ...');
      const q = await timeToQuality({ maxTrainS: quick ? 5 : 20 }, progress);
      figures['node.wasm.time_to_quality_s'] = q.seconds;
      const last = q.curve[q.curve.length - 1];
      rows.push([
        backend,
        `time to quality: two moons, energy distance < ${q.threshold}`,
        String(q.steps),
        q.seconds === null ? `> ${last?.[0].toFixed(1) ?? '?'} s` : `${q.seconds.toFixed(1)} s`,
        last === undefined ? '-' : `ED ${last[1].toFixed(4)}`,
        's of training',
      ]);
    }
    if (backend === 'wasm') {
      const comparison = compareWithTorch();
      torchTable = comparison.table;
      notes.push(...comparison.notes);
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      notes.push(`wasm: ${simd ? 'SIMD' : 'no SIMD'}, single-threaded (WASM_HAS_MULTITHREAD_SUPPORT = false, as in the app's tests)`);
    }
  }
  notes.push(
    browserOnly || nodeOnly
      ? 'webgpu, webgl: not in Node (no WebGPU / WebGL for tfjs there); the browser table of `npm run bench` measures them in headless Chromium.'
      : 'webgpu, webgl: not in Node (no WebGPU / WebGL for tfjs there); see the headless-Chromium table below.',
  );
  notes.push(timingNote(plan));
  const text = [
    `## Generative Playground benchmark${quick ? ' (--quick)' : ''}${all ? ' (--all)' : ''}`,
    '',
    `Machine: ${machineLine()}; tfjs ${tf.version.tfjs}.`,
    `Network: ${DEFAULT_MLP.depth} hidden layers x ${DEFAULT_MLP.width}, ${DEFAULT_MLP.activation}, time embedding ${DEFAULT_MLP.timeEmbeddingDim}; schedule linear T = ${DEFAULT_SCHEDULE.T}.`,
    '',
    markdownTable(RESULT_HEADERS, rows),
    '',
    ...(torchTable === '' ? [] : [torchTable, '']),
    ...notes.map((n) => `- ${n}`),
    '',
    `Node part ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  ].join('\n');
  return { text, ok: rows.length > 0 };
}

async function main(): Promise<void> {
  const started = performance.now();
  let ok = true;
  if (!browserOnly) {
    const node = await benchNode();
    console.log(node.text);
    ok &&= node.ok;
  }
  if (!nodeOnly) {
    if (!browserOnly) console.log('');
    const browser = await benchBrowser({ quick, boxS });
    console.log(browser.text);
    ok &&= browser.ok;
    Object.assign(figures, browser.figures);
  }
  if (jsonPath !== undefined) {
    const out = { machine: machineLine(), tfjs: tf.version.tfjs, date: new Date().toISOString(), quick, ...figures };
    writeFileSync(jsonPath, `${JSON.stringify(out, null, 2)}\n`);
    progress(`wrote ${jsonPath}`);
  }
  if (!nodeOnly && !browserOnly) console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  if (!ok) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
