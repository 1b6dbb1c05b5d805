/**
 * Shared timing and reporting helpers of `npm run bench` (scripts/bench.ts). No tfjs here: the callers
 * make each iteration synchronous (await a read-back) so that wall-clock time is compute time.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/** How long to measure one cell. */
export interface TimingOptions {
  /** Untimed calls first (JIT, wasm compilation, lazily created buffers). */
  readonly warmup: number;
  /** At least this many timed iterations, however long they take. */
  readonly minIters: number;
  /**
   * Time box (ms): no new iteration starts once this much timed wall-clock time has passed and minIters
   * are done. A cell thus takes about max(targetMs, minIters x one iteration), plus the warm-up.
   */
  readonly targetMs: number;
  /** Never more iterations than this. */
  readonly maxIters?: number;
}

/** Result of {@link timeIterations}. */
export interface Timing {
  /** Wall-clock ms of each timed iteration, in order. */
  readonly samples: readonly number[];
  readonly iterations: number;
  readonly medianMs: number;
  /** Fastest timed iteration (ms). */
  readonly fastestMs: number;
  /** Total timed ms. */
  readonly totalMs: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Times `iteration` (awaited) repeatedly: `warmup` untimed calls, then timed ones until at least
 * `minIters` are done and `targetMs` has passed (or `maxIters` are done).
 * @param iteration one unit of work; `i` counts all calls, warm-up included. It must finish its work
 *   before resolving (await a read-back of the result), or the clock measures only the enqueueing.
 */
export async function timeIterations(iteration: (i: number) => Promise<void> | void, opts: TimingOptions): Promise<Timing> {
  const maxIters = opts.maxIters ?? Number.POSITIVE_INFINITY;
  let call = 0;
  for (let w = 0; w < opts.warmup; w++) await iteration(call++);
  const samples: number[] = [];
  let total = 0;
  while (samples.length < maxIters) {
    if (samples.length >= opts.minIters && total >= opts.targetMs) break;
    const t0 = performance.now();
    await iteration(call++);
    const dt = performance.now() - t0;
    samples.push(dt);
    total += dt;
  }
  return { samples, iterations: samples.length, medianMs: median(samples), fastestMs: Math.min(...samples), totalMs: total };
}

/** 1234567 -> "1.23 M", 12345 -> "12.3 k", 12.345 -> "12.3". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  const units: [number, string][] = [
    [1e9, ' G'],
    [1e6, ' M'],
    [1e3, ' k'],
  ];
  for (const [scale, suffix] of units) if (perSecond >= scale) return `${(perSecond / scale).toPrecision(3)}${suffix}`;
  return perSecond.toPrecision(3);
}

/** Milliseconds with sensible precision: 0.123, 12.3, 1234. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** A markdown table; cells are escaped for '|'. Numeric-looking columns are right-aligned. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => /^~?[\d.,]+( [kMG])?$|^n\/a$|^-$|^est\.$/.test(r[c] ?? '')));
  const widths = headers.map((h, c) => Math.max(3, esc(h).length, ...rows.map((r) => esc(r[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, c) => (numeric[c] ? esc(cell).padStart(widths[c]) : esc(cell).padEnd(widths[c]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, c) => (numeric[c] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map((r) => line(headers.map((_, c) => r[c] ?? '')))].join('\n');
}

/** One line about the machine: CPUs, memory, OS, Node. */
export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown CPU';
  const mem = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${cpus.length} x ${model}, ${mem} GiB RAM, ${os.platform()} ${os.release()} ${os.arch()}, Node ${process.version}`;
}

/** Progress to stderr, so stdout holds only the report. */
export function progress(msg: string): void {
  process.stderr.write(`${msg}\n`);
}
