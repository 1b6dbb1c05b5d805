/**
 * The scene cells of `npm run bench` (issue 14), the Node side: opens the app in headless Chromium through
 * tests/browser/harness.ts and reads `window.__playground` (fps, training and simulation steps, the motion log
 * and the energy distance at each reverse pass's end); the parsing is src/bench/scene-cells.ts. Used by
 * scripts/bench-browser.ts (in `npm run bench`, and alone with `--scenes N,M`) and scripts/gpu-check.sh.
 */
import { askedSecondsPerPass, defaultHash, firstTimeUnder, frameRates, GAN_SCENE_PRESET, medianPassSeconds, NO_SCENE_FIGURES, presetHash, reversePasses, sceneJson, type ReversePass, type SceneFigures } from '../src/bench/scene-cells';
import { CHROMIUM_PATH, chromiumAvailable, launchChromium, serveApp, serveBuiltApp, snapshot, trackPassQuality, until, WEBGL_FLAGS, type Snapshot } from '../tests/browser/harness';
import { cpuJson, cpuSplit, type CpuCores, type ThreadTicks } from '../src/bench/cpu-split';
import { markdownTable, progress, RESULT_HEADERS } from './bench-lib';
import { chromiumThreadTicks } from './cpu-split';

/** What {@link measureSceneCell} found. */
export interface SceneCellResult {
  readonly figures: SceneFigures;
  readonly backend: string;
  readonly renderer: string;
  readonly particles: number;
  /** Seconds sampled (the box). */
  readonly seconds: number;
  /** Page clock seconds from load until training had started, and at the end of the box. */
  readonly trainingFromS: number;
  readonly endS: number;
  readonly frameMs: number;
  readonly perSecond: number[];
  /** The complete reverse passes since load (page clock). */
  readonly passes: readonly ReversePass[];
  /** Energy distance to the data at the end of each reverse pass (page clock ms). */
  readonly quality: readonly { ms: number; value: number }[];
  /** Chromium's cores per group over the box (src/bench/cpu-split.ts), and its busiest threads; null where /proc cannot be read. */
  readonly cpu: { readonly cores: CpuCores; readonly threads: readonly [string, number][] } | null;
}

/** Chromium's threads' CPU ticks now, or null where they cannot be read (no /proc). */
function ticksOrNull(): ThreadTicks | null {
  try {
    return chromiumThreadTicks();
  } catch {
    return null;
  }
}

/** Energy distance under which the generated particles make a good picture (the issue's "first good two moons"). */
export const GOOD_ENERGY_DISTANCE = 0.01;

/**
 * Opens the app at `url` with the hash body `hash` ('' for the default link: no '#' at all) in headless
 * Chromium (WebGL flags: SwiftShader, so tfjs runs on wasm with the app's CPU profile), turns on the
 * energy distance at the end of each reverse pass (window.__playground.trackPassQuality), waits until
 * training has started and `warmupS` more seconds, then samples the frame, training-step and
 * simulation-step counters once a second for `seconds`. Reverse passes are parsed from the page's motion
 * log (src/bench/scene-cells.ts), timed on the page clock since load; the first good picture is the end of
 * the first pass within {@link GOOD_ENERGY_DISTANCE} of the data, in seconds since load (null if none
 * within the box). @throws Error when the app does not start training within 90 s.
 */
export async function measureSceneCell(url: string, hash: string, seconds: number, warmupS = 3): Promise<SceneCellResult> {
  const browser = await launchChromium(WEBGL_FLAGS);
  const { page } = browser;
  try {
    await page.goto(hash === '' ? url : `${url}#${hash}`);
    await until(page, 'window.__playground', () => true, 90_000);
    await trackPassQuality(page);
    const started = await until(page, 'training to start', (s) => s.trainSteps >= 2, 90_000);
    await page.waitForTimeout(warmupS * 1000);
    const samples: { ms: number; frames: number; trainSteps: number; simSteps: number }[] = [];
    let last = started;
    let ticks0: ThreadTicks | null = null;
    let wall0 = 0;
    for (let i = 0; i <= seconds; i++) {
      const at = Date.now();
      last = (await snapshot(page)) as Snapshot;
      samples.push({ ms: last.clockMs ?? at, frames: last.frames, trainSteps: last.trainSteps, simSteps: last.simSteps });
      if (i === 0) [ticks0, wall0] = [ticksOrNull(), Date.now()];
      if (i < seconds) await page.waitForTimeout(Math.max(0, at + 1000 - Date.now()));
    }
    const ticks1 = ticksOrNull();
    const cpu = ticks0 !== null && ticks1 !== null && Date.now() > wall0 ? cpuSplit(ticks0, ticks1, (Date.now() - wall0) / 1000) : null;
    const rates = frameRates(samples);
    const first = samples[0];
    const end = samples[samples.length - 1];
    const dt = (end.ms - first.ms) / 1000;
    const T = last.T ?? 0;
    const passes = T > 0 ? reversePasses(last.motionLog ?? [], T) : [];
    const quality = last.passQuality ?? [];
    const good = firstTimeUnder(quality, GOOD_ENERGY_DISTANCE);
    const diffusion = last.motion !== 'generate';
    return {
      figures: {
        fps_mean: rates.mean,
        fps_worst_second: rates.worst,
        train_steps_per_s: (end.trainSteps - first.trainSteps) / dt,
        sim_steps_per_s: (end.simSteps - first.simSteps) / dt,
        reverse_pass_s: medianPassSeconds(passes),
        reverse_pass_asked_s: diffusion ? askedSecondsPerPass(last.config.sampling ?? {}, T) : null,
        first_good_s: good === null ? null : good / 1000,
      },
      backend: last.backend,
      renderer: last.renderer,
      particles: last.particles.session,
      seconds: dt,
      trainingFromS: (started.clockMs ?? Number.NaN) / 1000,
      endS: end.ms / 1000,
      frameMs: last.frameMs,
      perSecond: rates.perInterval,
      passes,
      quality,
      cpu,
    };
  } finally {
    await browser.close();
  }
}

/** The scene cells' boxes (seconds sampled after training starts): the default scene long enough for passes, the GAN shorter. */
export function sceneBoxes(quick: boolean): { default: number; gan: number } {
  return quick ? { default: 12, gan: 6 } : { default: 40, gan: 20 };
}

/** A figure for the table: fixed digits, or '-' when not measured. */
function fig(v: number | null, digits = 1): string {
  return v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

/**
 * Runs the two scene cells (the default link, and the preset {@link GAN_SCENE_PRESET} as a link), with
 * `particles` particles when given (else each link's own count); returns table rows, notes and the JSON
 * figures `scene.default.*`, `scene.gan.*` (see src/bench/scene-cells.ts; with `particles`, the keys
 * carry `.n<particles>` after the cell's name).
 */
export async function benchSceneCells(url: string, quick: boolean, particles?: number): Promise<{ rows: string[][]; notes: string[]; figures: Record<string, number | null> }> {
  const boxes = sceneBoxes(quick);
  const rows: string[][] = [];
  const notes: string[] = [];
  const figures: Record<string, number | null> = {};
  const suffix = particles === undefined ? '' : `.n${particles}`;
  for (const name of ['default', 'gan'] as const) {
    const hash = name === 'default' ? defaultHash(particles) : presetHash(GAN_SCENE_PRESET, particles);
    Object.assign(figures, sceneJson(name, NO_SCENE_FIGURES, suffix), cpuJson(name, null, suffix));
    progress(`[browser] scene cell '${name}' (${hash === '' ? 'the default link' : `#${hash}`}), ${boxes[name]} s ...`);
    try {
      const cell = await measureSceneCell(url, hash, boxes[name], quick ? 1 : 3);
      Object.assign(figures, sceneJson(name, cell.figures, suffix), cpuJson(name, cell.cpu?.cores ?? null, suffix));
      const f = cell.figures;
      const label = name === 'default' ? `default link, ${cell.particles} particles` : `GAN on 8 Gaussians, ${cell.particles} particles`;
      rows.push([cell.backend, `scene: ${label}: fps mean / worst second`, String(cell.perSecond.length), fig(f.fps_mean === null ? null : 1000 / f.fps_mean), `${fig(f.fps_mean)} / ${fig(f.fps_worst_second)}`, 'frames/s']);
      rows.push([cell.backend, `  ${name === 'gan' ? 'generator' : 'training'} steps / simulation steps`, '-', '-', `${fig(f.train_steps_per_s)} / ${fig(f.sim_steps_per_s)}`, 'steps/s']);
      if (name === 'default') {
        const box = `> ${fig(cell.endS, 0)} s (box)`;
        rows.push([cell.backend, `  reverse pass (median of ${cell.passes.length}) vs asked`, String(cell.passes.length), '-', `${f.reverse_pass_s === null ? box : `${fig(f.reverse_pass_s)} s`} vs ${fig(f.reverse_pass_asked_s)} s`, 's per pass']);
        rows.push([cell.backend, `  first good picture (energy distance < ${GOOD_ENERGY_DISTANCE}) from load`, String(cell.quality.length), '-', f.first_good_s === null ? box : `${fig(f.first_good_s)} s`, 's']);
        notes.push(
          `scene.default${suffix}: training from ${fig(cell.trainingFromS)} s after load; complete reverse passes: ${cell.passes.map((p) => `${p.seconds.toFixed(1)} s`).join(', ') || 'none'}; ` +
            `energy distance at their ends: ${cell.quality.map((q) => `${q.value.toFixed(4)} at ${(q.ms / 1000).toFixed(1)} s`).join(', ') || 'none'}.`,
        );
      }
      notes.push(`scene.${name}${suffix}: ${cell.renderer}, tfjs ${cell.backend}; fps per second ${cell.perSecond.map((x) => x.toFixed(0)).join(', ')}; loop tick ${cell.frameMs.toFixed(1)} ms.`);
      if (cell.cpu !== null) {
        const c = cell.cpu.cores;
        const perFrame = (cores: number): string => (f.fps_mean !== null && f.fps_mean > 0 ? `${((1000 * cores) / f.fps_mean).toFixed(1)} ms/frame` : '-');
        notes.push(
          `scene.${name}${suffix}: Chromium's CPU, cores (CPU ms a frame): GPU process ${c.gpu_process.toFixed(2)} (${perFrame(c.gpu_process)}), renderer main ${c.renderer_main.toFixed(2)} (${perFrame(c.renderer_main)}), ` +
            `renderer other ${c.renderer_other.toFixed(2)}, other ${c.other.toFixed(2)}, total ${c.total.toFixed(2)} of the machine's cores; busiest threads ${cell.cpu.threads.slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}.`,
        );
      }
    } catch (e) {
      notes.push(`scene.${name}${suffix}: not measured (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
  }
  return { rows, notes, figures };
}

/**
 * Only the scene cells, at each particle count of `counts` (scripts/gpu-check.sh: 20k and 200k): builds and
 * serves the app (or serves dist/ with `noBuild`), returns the markdown report and the figures
 * `scene.<cell>.n<N>.<key>`; a skip note where there is no Chromium.
 */
export async function benchScenesAt(counts: readonly number[], quick: boolean, noBuild = false): Promise<{ text: string; figures: Record<string, number | null> }> {
  const heading = `## Scene cells in headless Chromium at ${counts.join(', ')} particles${quick ? ' (--quick)' : ''}`;
  if (!chromiumAvailable()) return { text: `${heading}\n\nSkipped: no Chromium at ${CHROMIUM_PATH}.`, figures: {} };
  const served = noBuild ? await serveApp('dist').then(({ server, url }) => ({ url, close: () => server.close() })) : await serveBuiltApp();
  const rows: string[][] = [];
  const notes: string[] = [];
  const figures: Record<string, number | null> = {};
  try {
    for (const n of counts) {
      const r = await benchSceneCells(served.url, quick, n);
      rows.push(...r.rows);
      notes.push(...r.notes);
      Object.assign(figures, r.figures);
    }
  } finally {
    await served.close();
  }
  return { text: [heading, '', markdownTable(RESULT_HEADERS, rows), '', ...notes.map((n) => `- ${n}`)].join('\n'), figures };
}

/** Parses `--scenes N[,M...]` (particle counts, positive integers); undefined when absent. @throws RangeError when invalid. */
export function parseScenesArg(args: readonly string[]): number[] | undefined {
  const i = args.indexOf('--scenes');
  if (i < 0) return undefined;
  const counts = (args[i + 1] ?? '').split(',').map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) throw new RangeError(`--scenes needs particle counts like 20000,200000, got ${args[i + 1] ?? 'nothing'}`);
  return counts;
}
