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
 * - in the browser besides: the app's default scene at 10,000 particles (fps, worst second, training steps/s).
 * `--json FILE` writes the figures (keys `node.wasm.train_ms_b1024`, ..., `browser.fps_mean`, ...; null where not measured).
 *
 * The cells are src/bench/ddpm-cells.ts, the same code in Node and in the browser. Every timed iteration
 * awaits a read-back of its result, so the clock sees finished work. Each cell is time-boxed (src/bench/plans.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
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
import { machineLine, markdownTable, median, progress, RESULT_HEADERS, resultRow } from './bench-lib';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const all = args.includes('--all');
const nodeOnly = args.includes('--node-only');
const browserOnly = args.includes('--browser-only');
const boxS = parseBoxArg(args);
if (args.some((a) => a === '--help' || a === '-h') || (nodeOnly && browserOnly)) {
  console.log('usage: npm run bench [-- --quick] [-- --all] [-- --box S] [-- --node-only | --browser-only] [-- --json FILE]');
  console.log('  --json FILE     also write the figures as JSON to FILE');
  console.log('  --quick         shorter time boxes (a smoke test)');
  console.log('  --all           also measure Node cells predicted to overrun the per-cell time box (cpu at 100k: minutes)');
  console.log('  --box S         browser time box per cell in seconds (default 5): a cell whose first warm-up call takes longer is skipped');
  console.log('  --node-only     only the Node table (wasm, cpu)');
  console.log('  --browser-only  only the headless-Chromium table (webgpu, webgl, wasm, cpu); also: npm run bench:browser');
  process.exit(nodeOnly && browserOnly ? 1 : 0);
}

const jsonIndex = args.indexOf('--json');
const jsonPath = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
if (jsonIndex >= 0 && (jsonPath === undefined || jsonPath.startsWith('--'))) {
  console.error('--json needs a file name, e.g. npm run bench -- --json bench.json');
  process.exit(1);
}

const BACKENDS = ['wasm', 'cpu'] as const;

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
