/**
 * `npm run bench [-- --quick] [-- --all] [-- --box S] [-- --node-only | --browser-only]`: throughput of the DDPM core
 * on every tfjs backend, printed as markdown tables on stdout (progress goes to stderr):
 * first in Node (wasm, cpu), then in headless Chromium (webgpu, webgl, wasm, cpu; scripts/bench-browser.ts),
 * the browser part skipped with a note where /usr/bin/chromium is missing.
 *
 * - training: DdpmTrainer steps on two-moons, batch 1024, the default network (3 x 128, SiLU), Adam;
 * - reverse sampling: ancestralStep over 10k and 100k particles with the same network.
 *
 * The cells are src/bench/ddpm-cells.ts, the same code in Node and in the browser. Every timed iteration
 * awaits a read-back of its result, so the clock sees finished work. Each cell is time-boxed (src/bench/plans.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { benchDdpm } from '../src/bench/ddpm-cells';
import { nodePlan, timingNote } from '../src/bench/plans';
import { DEFAULT_MLP } from '../src/models/epsilon-network';
import { DEFAULT_SCHEDULE } from '../src/models/schedules';
import { benchBrowser, parseBoxArg } from './bench-browser';
import { machineLine, markdownTable, progress, RESULT_HEADERS, resultRow } from './bench-lib';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const all = args.includes('--all');
const nodeOnly = args.includes('--node-only');
const browserOnly = args.includes('--browser-only');
const boxS = parseBoxArg(args);
if (args.some((a) => a === '--help' || a === '-h') || (nodeOnly && browserOnly)) {
  console.log('usage: npm run bench [-- --quick] [-- --all] [-- --box S] [-- --node-only | --browser-only]');
  console.log('  --quick         shorter time boxes (a smoke test)');
  console.log('  --all           also measure Node cells predicted to overrun the per-cell time box (cpu at 100k: minutes)');
  console.log('  --box S         browser time box per cell in seconds (default 5): a cell whose first warm-up call takes longer is skipped');
  console.log('  --node-only     only the Node table (wasm, cpu)');
  console.log('  --browser-only  only the headless-Chromium table (webgpu, webgl, wasm, cpu); also: npm run bench:browser');
  process.exit(nodeOnly && browserOnly ? 1 : 0);
}

const BACKENDS = ['wasm', 'cpu'] as const;

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
    const report = await benchDdpm(backend, plan, progress);
    rows.push(...report.results.map(resultRow));
    notes.push(...report.notes);
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
  }
  if (!nodeOnly && !browserOnly) console.log(`\nTotal ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  if (!ok) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
