/**
 * The browser half of `npm run bench` (also `npm run bench:browser [-- --quick] [-- --no-build]`): builds
 * the app and its bench page, serves them, and opens bench.html in Debian's headless Chromium once per
 * tfjs backend (webgpu on SwiftShader's Vulkan fallback adapter with the WebGPU flags, then webgl on
 * SwiftShader WebGL2, wasm and cpu with the WebGL flags), each forced even though it is software; before that,
 * the app's default scene with 10,000 particles (fps, worst second, training steps/s; {@link measureScene}),
 * the scene cells of issue 14 (the default link with no settings and the preset "GAN on 8 Gaussians" as a link:
 * fps, the reverse pass against the seconds asked, the first good picture; {@link benchSceneCells}, JSON
 * `scene.*`) and the time-to-quality cell on wasm (bench.html?backend=wasm&quality).
 * `--scenes 20000,200000` runs only the scene cells, at those particle counts (scripts/gpu-check.sh).
 * Prints the same markdown table as the Node benchmark on stdout; progress goes to stderr. Each bench-page cell
 * is boxed at about 5 s (src/bench/plans.ts; --box S changes it), the scene cells at 40 s and 20 s of sampling
 * after training starts (scripts/scene-bench.ts): the whole run takes about three minutes on 2 cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserBenchResult } from '../src/bench/browser-bench';
import { cellValue } from '../src/bench/ddpm-cells';
import type { QualityResult } from '../src/bench/quality-cell';
import { browserPlan, timingNote } from '../src/bench/plans';
import { cpuJson } from '../src/bench/cpu-split';
import { defaultHash, NO_SCENE_FIGURES, sceneJson } from '../src/bench/scene-cells';
import { buildApp, CHROMIUM_PATH, chromiumAvailable, launchChromium, serveApp, WEBGL_FLAGS, WEBGPU_FLAGS } from '../tests/browser/harness';
import { benchSceneCells, benchScenesAt, measureSceneCell, parseScenesArg } from './scene-bench';
import { formatMs, markdownTable, progress, RESULT_HEADERS, resultRow } from './bench-lib';

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

/** Particles of the scene measurement (the issue's "default scene with 10,000 particles"). */
export const SCENE_PARTICLES = 10_000;

/** What {@link measureScene} found. */
export interface SceneResult {
  readonly fpsMean: number;
  readonly fpsWorstSecond: number;
  readonly trainStepsPerSecond: number;
  readonly seconds: number;
  readonly backend: string;
  readonly renderer: string;
  /** Mean ms inside the loop's tick (simulate + train + render calls) over the last second. */
  readonly frameMs: number;
  readonly perSecond: number[];
}

/**
 * Opens the app's default scene with {@link SCENE_PARTICLES} particles (and `extraHash`, e.g.
 * '&view.showData=false') and measures it with {@link measureSceneCell} for `seconds`.
 */
export async function measureScene(url: string, seconds: number, warmupS = 3, extraHash = ''): Promise<SceneResult> {
  const cell = await measureSceneCell(url, `${defaultHash(SCENE_PARTICLES)}${extraHash}`, seconds, warmupS);
  return {
    fpsMean: cell.figures.fps_mean ?? Number.NaN,
    fpsWorstSecond: cell.figures.fps_worst_second ?? Number.NaN,
    trainStepsPerSecond: cell.figures.train_steps_per_s ?? Number.NaN,
    seconds: cell.seconds,
    backend: cell.backend,
    renderer: cell.renderer,
    frameMs: cell.frameMs,
    perSecond: cell.perSecond,
  };
}

/** Runs the bench page's time-to-quality cell (`bench.html?backend=wasm&quality`) in headless Chromium. */
async function measureQuality(url: string): Promise<QualityResult> {
  const browser = await launchChromium(WEBGL_FLAGS);
  try {
    browser.page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith('[bench] ')) progress(`[browser] ${text.slice(8)}`);
    });
    await browser.page.goto(`${url}bench.html?backend=wasm&quality`);
    await browser.page.waitForFunction('window.__benchResult !== undefined', undefined, { timeout: 180_000, polling: 500 });
    const result = (await browser.page.evaluate('window.__benchResult')) as BrowserBenchResult;
    if (result.quality === undefined) throw new Error(result.error ?? 'no result');
    return result.quality;
  } finally {
    await browser.close();
  }
}

/** Runs the browser benchmark; returns the report (markdown), whether any cell was measured, and the JSON figures (`browser.*`). */
export async function benchBrowser(opts: BrowserBenchOptions): Promise<{ text: string; ok: boolean; figures: Record<string, number | null> }> {
  const figures: Record<string, number | null> = {
    'browser.fps_mean': null,
    'browser.fps_worst_second': null,
    'browser.train_steps_per_s': null,
    'browser.time_to_quality_s': null,
    ...sceneJson('default', NO_SCENE_FIGURES),
    ...sceneJson('gan', NO_SCENE_FIGURES),
    ...cpuJson('default', null),
    ...cpuJson('gan', null),
  };
  const heading = `## Generative Playground benchmark in headless Chromium${opts.quick ? ' (--quick)' : ''}${opts.boxS !== undefined ? ` (--box ${opts.boxS})` : ''}`;
  if (!chromiumAvailable()) {
    return {
      text: [heading, '', `Skipped: no Chromium at ${CHROMIUM_PATH} (install it with \`sudo apt-get install -y chromium\`, or set CHROMIUM_PATH).`].join('\n'),
      ok: true,
      figures,
    };
  }
  const started = performance.now();
  const outDir = opts.noBuild ? 'dist' : mkdtempSync(join(tmpdir(), 'gp-bench-dist-'));
  const rows: string[][] = [];
  const sceneRows: string[][] = [];
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
      progress(`[browser] the default scene with ${SCENE_PARTICLES} particles, training ...`);
      try {
        const scene = await measureScene(url, opts.quick ? 4 : 10);
        figures['browser.fps_mean'] = scene.fpsMean;
        figures['browser.fps_worst_second'] = scene.fpsWorstSecond;
        figures['browser.train_steps_per_s'] = scene.trainStepsPerSecond;
        sceneRows.push(
          [scene.backend, `default scene, ${SCENE_PARTICLES / 1000}k particles: fps (mean)`, String(scene.perSecond.length), formatMs(1000 / scene.fpsMean), scene.fpsMean.toFixed(1), 'frames/s'],
          [scene.backend, '  fps in the worst second', '-', formatMs(1000 / scene.fpsWorstSecond), scene.fpsWorstSecond.toFixed(1), 'frames/s'],
          [scene.backend, '  training steps while drawing', '-', formatMs(1000 / scene.trainStepsPerSecond), scene.trainStepsPerSecond.toFixed(1), 'steps/s'],
        );
        notes.push(
          `scene: the app (${scene.renderer}, tfjs ${scene.backend}, its CPU profile) at #data.particles=${SCENE_PARTICLES}, sampled once a second for ${scene.seconds.toFixed(0)} s ` +
            `after training started; fps per second ${scene.perSecond.map((f) => f.toFixed(0)).join(', ')}; loop tick ${scene.frameMs.toFixed(1)} ms.`,
        );
      } catch (e) {
        notes.push(`scene: not measured (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
      }
      const scenes = await benchSceneCells(url, opts.quick);
      Object.assign(figures, scenes.figures);
      sceneRows.push(...scenes.rows);
      notes.push(...scenes.notes);
      progress('[browser] time to quality on wasm ...');
      try {
        const q = await measureQuality(url);
        figures['browser.time_to_quality_s'] = q.seconds;
        const last = q.curve[q.curve.length - 1];
        sceneRows.push([
          'wasm',
          `time to quality: two moons, energy distance < ${q.threshold}`,
          String(q.steps),
          q.seconds === null ? `> ${last?.[0].toFixed(1) ?? '?'} s` : `${q.seconds.toFixed(1)} s`,
          last === undefined ? '-' : `ED ${last[1].toFixed(4)}`,
          's of training',
        ]);
      } catch (e) {
        notes.push(`time to quality: not measured (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
      }
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
            for (const r of result.results) if (r.key !== undefined) figures[`browser.${backend}.${r.key}`] = cellValue(r);
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
    markdownTable(RESULT_HEADERS, [...sceneRows, ...rows]),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    `Browser part ${((performance.now() - started) / 1000).toFixed(1)} s${opts.noBuild ? '' : ` (build ${buildS.toFixed(1)} s)`}.`,
  ].join('\n');
  return { text, ok: rows.length > 0, figures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  if (args.some((a) => a === '--help' || a === '-h')) {
    console.log('usage: npm run bench:browser [-- --quick] [-- --box S] [-- --no-build] [-- --scenes N[,M]]');
    console.log('  --quick     shorter time boxes (a smoke test)');
    console.log('  --box S     time box per cell in seconds (default 5): a cell whose first warm-up call takes longer is skipped');
    console.log('  --no-build  serve dist/ as it is (built with both pages) instead of building into a temporary folder');
    console.log('  --scenes N,M  only the scene cells (default link, GAN preset) at N and M particles; prints the table and a JSON line');
    process.exit(0);
  }
  const scenes = parseScenesArg(args);
  if (scenes !== undefined) {
    benchScenesAt(scenes, args.includes('--quick'), args.includes('--no-build'))
      .then(({ text, figures }) => console.log(`${text}\n\nJSON ${JSON.stringify(figures)}`))
      .catch((e: unknown) => {
        console.error(e);
        process.exit(1);
      });
  } else
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
