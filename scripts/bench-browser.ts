/**
 * The browser half of `npm run bench` (also `npm run bench:browser [-- --quick] [-- --no-build]`): builds
 * the app and its bench page, serves them, and opens bench.html in Debian's headless Chromium once per
 * tfjs backend (webgpu on SwiftShader's Vulkan fallback adapter with the WebGPU flags, then webgl on
 * SwiftShader WebGL2, wasm and cpu with the WebGL flags), each forced even though it is software.
 * Prints the same markdown table as the Node benchmark on stdout; progress goes to stderr. Each cell is boxed
 * at about 5 s (src/bench/plans.ts; --box S changes it): the whole run takes about a minute on 2 cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserBenchResult } from '../src/bench/browser-bench';
import { browserPlan, timingNote } from '../src/bench/plans';
import { buildApp, CHROMIUM_PATH, chromiumAvailable, launchChromium, serveApp, WEBGL_FLAGS, WEBGPU_FLAGS } from '../tests/browser/harness';
import { markdownTable, progress, RESULT_HEADERS, resultRow } from './bench-lib';

export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;

/** The longest one backend's page may take with the default box (three ~5 s cells plus warm-ups); it is closed after that. */
const PAGE_TIMEOUT_MS = 90_000;

export interface BrowserBenchOptions {
  readonly quick: boolean;
  /** Reuse `dist/` as built instead of building into a temporary folder. */
  readonly noBuild?: boolean;
  /** Per-cell time box in seconds instead of the default (5 s; 2 s with quick), e.g. 120 to time every cell. */
  readonly boxS?: number;
}

/** Parses `--box S` (seconds > 0) from the command line; undefined when absent. @throws RangeError when invalid. */
export function parseBoxArg(args: readonly string[]): number | undefined {
  const i = args.indexOf('--box');
  if (i < 0) return undefined;
  const s = Number(args[i + 1]);
  if (!(s > 0 && s <= 3600)) throw new RangeError(`--box needs a number of seconds in (0, 3600], got ${args[i + 1] ?? 'nothing'}`);
  return s;
}

/** Runs the browser benchmark; returns the report (markdown) and whether any cell was measured. */
export async function benchBrowser(opts: BrowserBenchOptions): Promise<{ text: string; ok: boolean }> {
  const heading = `## Generative Playground benchmark in headless Chromium${opts.quick ? ' (--quick)' : ''}${opts.boxS !== undefined ? ` (--box ${opts.boxS})` : ''}`;
  if (!chromiumAvailable()) {
    return {
      text: [heading, '', `Skipped: no Chromium at ${CHROMIUM_PATH} (install it with \`sudo apt-get install -y chromium\`, or set CHROMIUM_PATH).`].join('\n'),
      ok: true,
    };
  }
  const started = performance.now();
  const outDir = opts.noBuild ? 'dist' : mkdtempSync(join(tmpdir(), 'gp-bench-dist-'));
  const rows: string[][] = [];
  const notes: string[] = [];
  let userAgent = '';
  let tfjs = '';
  let buildS = 0;
  try {
    if (!opts.noBuild) {
      progress('[browser] building the app and bench.html ...');
      await buildApp(outDir);
      buildS = (performance.now() - started) / 1000;
    }
    const { server, url } = await serveApp(outDir);
    try {
      for (const backend of BROWSER_BACKENDS) {
        const t0 = performance.now();
        const browser = await launchChromium(backend === 'webgpu' ? WEBGPU_FLAGS : WEBGL_FLAGS);
        const errors: string[] = [];
        browser.page.on('console', (m) => {
          const text = m.text();
          if (text.startsWith('[bench] ')) progress(`[browser] ${text.slice(8)}`);
          else if (m.type() === 'error') errors.push(text);
        });
        browser.page.on('pageerror', (e) => errors.push(e.message));
        try {
          await browser.page.goto(`${url}bench.html?backend=${backend}${opts.quick ? '&quick' : ''}${opts.boxS !== undefined ? `&box=${opts.boxS}` : ''}`);
          // A string, not a function: tsx would inject __name helpers into a function's source.
          const timeout = Math.max(PAGE_TIMEOUT_MS, 3 * 4 * (opts.boxS ?? 0) * 1000);
          await browser.page.waitForFunction('window.__benchResult !== undefined', undefined, { timeout, polling: 250 });
          const result = (await browser.page.evaluate('window.__benchResult')) as BrowserBenchResult;
          userAgent ||= result.userAgent;
          tfjs ||= result.tfjs;
          if (result.error !== undefined) {
            notes.push(`${backend}: not benchmarked (${result.error})`);
          } else {
            rows.push(...result.results.map(resultRow));
            notes.push(`${backend}: ran on ${result.reason}`, ...result.notes);
          }
        } catch (e) {
          notes.push(`${backend}: no result (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
        } finally {
          await browser.close();
        }
        if (errors.length > 0) notes.push(`${backend}: page errors: ${errors.slice(0, 3).join(' | ').slice(0, 400)}`);
        progress(`[browser] ${backend} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    } finally {
      await server.close();
    }
  } finally {
    if (!opts.noBuild) rmSync(outDir, { recursive: true, force: true });
  }
  notes.push(timingNote(browserPlan(opts.quick, opts.boxS !== undefined ? opts.boxS * 1000 : undefined)));
  const browserName = /(HeadlessChrome|Chrome)\/[\d.]+/.exec(userAgent)?.[0] ?? (userAgent || 'unknown');
  const text = [
    heading,
    '',
    `Browser: ${browserName} (${CHROMIUM_PATH}, headless, same machine); tfjs ${tfjs || 'n/a'}. One fresh browser per backend: ` +
      'webgpu with the WebGPU flags (SwiftShader Vulkan fallback adapter, forced), the others with the WebGL flags (SwiftShader WebGL2).',
    '',
    markdownTable(RESULT_HEADERS, rows),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    `Browser part ${((performance.now() - started) / 1000).toFixed(1)} s${opts.noBuild ? '' : ` (build ${buildS.toFixed(1)} s)`}.`,
  ].join('\n');
  return { text, ok: rows.length > 0 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  if (args.some((a) => a === '--help' || a === '-h')) {
    console.log('usage: npm run bench:browser [-- --quick] [-- --box S] [-- --no-build]');
    console.log('  --quick     shorter time boxes (a smoke test)');
    console.log('  --box S     time box per cell in seconds (default 5): a cell whose first warm-up call takes longer is skipped');
    console.log('  --no-build  serve dist/ as it is (built with both pages) instead of building into a temporary folder');
    process.exit(0);
  }
  benchBrowser({ quick: args.includes('--quick'), noBuild: args.includes('--no-build'), boxS: parseBoxArg(args) })
    .then(({ text, ok }) => {
      console.log(text);
      if (!ok) process.exitCode = 1;
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
