/**
 * Shared timing and reporting helpers of `npm run bench` (scripts/bench.ts, scripts/bench-browser.ts).
 * No tfjs here: the callers make each iteration synchronous (await a read-back) so that wall-clock time is
 * compute time. The timing itself lives in src/bench/timing.ts, which the browser bench page shares.
 */
import os from 'node:os';
import type { CellResult } from '../src/bench/ddpm-cells';

export { median, timeIterations, type Timing, type TimingOptions } from '../src/bench/timing';

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

/** The columns of the benchmark tables, Node and browser alike; rows come from {@link resultRow}. */
export const RESULT_HEADERS = ['backend', 'benchmark', 'iters', 'median ms', 'throughput', 'unit'] as const;

/** One table row for a cell of src/bench/ddpm-cells.ts (measured, estimated or skipped). */
export function resultRow(r: CellResult): string[] {
  switch (r.status) {
    case 'measured':
      return [r.backend, r.benchmark, String(r.iterations), formatMs(r.ms), formatRate((r.work * 1000) / r.ms), r.unit];
    case 'estimated':
      return [r.backend, r.benchmark, 'est.', `~${formatMs(r.ms)}`, `~${formatRate((r.work * 1000) / r.ms)}`, r.unit];
    case 'skipped':
      return [r.backend, r.benchmark, '-', `> ${((r.boxMs ?? Number.NaN) / 1000).toFixed(0)} s (skipped)`, '-', r.unit];
  }
}

/** A markdown table; cells are escaped for '|'. Numeric-looking columns are right-aligned. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => /^~?[\d.,]+( [kMG])?$|^n\/a$|^-$|^est\.$|^> [\d.]+ s \(skipped\)$/.test(r[c] ?? '')));
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
  const load = os.loadavg()[0];
  return `${cpus.length} x ${model}, ${mem} GiB RAM, ${os.platform()} ${os.release()} ${os.arch()}, Node ${process.version}, load average ${load.toFixed(1)} at the start`;
}

/** Progress to stderr, so stdout holds only the report. */
export function progress(msg: string): void {
  process.stderr.write(`${msg}\n`);
}
