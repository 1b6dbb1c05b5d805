/**
 * The bench page (bench.html): runs the cells of src/bench/ddpm-cells.ts on the tfjs backend named by
 * `?backend=` (forced, even when it is a software adapter), with the browser time boxes of plans.ts
 * (or, with `&quality`, only the time-to-quality cell of quality-cell.ts)
 * (`&quick` for the short ones, `&box=S` for an S-second box). Progress goes to the console as "[bench] ..." lines; the outcome is
 * put on `window.__benchResult` (a {@link BrowserBenchResult}) and shown on the page.
 * scripts/bench-browser.ts opens this page once per backend and prints the table.
 */
import * as tf from '@tensorflow/tfjs';
import { initTfBackend, parseBackendOverride } from '../platform/tf-backend';
import { benchDdpm, type CellResult } from './ddpm-cells';
import { browserPlan } from './plans';
import { timeToQuality, type QualityResult } from './quality-cell';

/** What the page leaves on `window.__benchResult` (plain data: it crosses to Node as JSON). */
export interface BrowserBenchResult {
  /** The backend asked for with ?backend=. */
  readonly requested: string;
  /** The backend tfjs ran on (equals `requested` unless it could not start). */
  readonly backend: string;
  /** initTfBackend's reason line, e.g. "webgpu (..., software adapter; ...)". */
  readonly reason: string;
  readonly results: CellResult[];
  readonly notes: string[];
  readonly userAgent: string;
  readonly tfjs: string;
  /** Set when the page could not benchmark `requested` at all. */
  readonly error?: string;
  /** With `&quality`: the time-to-quality cell (src/bench/quality-cell.ts) instead of the throughput cells. */
  readonly quality?: QualityResult;
}

const out = document.getElementById('out');

function finish(result: BrowserBenchResult): void {
  (window as unknown as { __benchResult?: BrowserBenchResult }).__benchResult = result;
  if (out) out.textContent = JSON.stringify(result, null, 2);
}

async function run(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const base = { userAgent: navigator.userAgent, tfjs: tf.version.tfjs, results: [] as CellResult[], notes: [] as string[] };
  let requested: ReturnType<typeof parseBackendOverride>;
  try {
    requested = parseBackendOverride(params.get('backend'));
  } catch (e) {
    finish({ ...base, requested: String(params.get('backend')), backend: '', reason: '', error: e instanceof Error ? e.message : String(e) });
    return;
  }
  if (requested === null) {
    finish({ ...base, requested: '', backend: '', reason: '', error: 'no ?backend= given (webgpu, webgl, wasm or cpu)' });
    return;
  }
  console.log(`[bench] starting ${requested} ...`);
  const choice = await initTfBackend(requested);
  if (choice.name !== requested) {
    finish({ ...base, requested, backend: choice.name, reason: choice.reason, error: `could not start ${requested}: ${choice.skipped.join('; ')}` });
    return;
  }
  if (params.has('quality')) {
    const quality = await timeToQuality({}, (msg) => console.log(`[bench] ${msg}`));
    finish({ ...base, requested, backend: choice.name, reason: choice.reason.replace('; one device shared with three.js', ''), quality });
    return;
  }
  const boxS = Number(params.get('box') ?? Number.NaN);
  const plan = browserPlan(params.has('quick'), boxS > 0 ? boxS * 1000 : undefined);
  const report = await benchDdpm(requested, plan, (msg) => console.log(`[bench] ${msg}`));
  if (requested === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    report.notes.push(`wasm: ${simd ? 'SIMD' : 'no SIMD'}, single-threaded (WASM_HAS_MULTITHREAD_SUPPORT = false, as in the app)`);
  }
  // The page draws nothing: drop the app's remark about sharing the WebGPU device with three.js.
  const reason = choice.reason.replace('; one device shared with three.js', '');
  finish({ ...base, requested, backend: choice.name, reason, results: report.results, notes: report.notes });
}

run().catch((e: unknown) => {
  finish({ requested: '', backend: '', reason: '', results: [], notes: [], userAgent: navigator.userAgent, tfjs: tf.version.tfjs, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
});
