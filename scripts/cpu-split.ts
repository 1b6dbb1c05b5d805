/**
 * Where headless Chromium's CPU goes while a scene runs (issue 14: "is there a free core for a training
 * worker?"): per process (the GPU process, where SwiftShader rasterises and composites; the renderer, where
 * the page's JavaScript, tfjs wasm and layout run; the browser) and per thread, in cores (CPU seconds per
 * wall second) and in CPU ms per frame (less sensitive to other load on the machine than fps). Linux only:
 * reads /proc/<pid>/task/<tid>/stat of the Chromium processes this Node process started (its descendants,
 * never other users' browsers).
 *
 * As a script it opens variants of a link one after the other, interleaved over rounds, so that a change of
 * the machine's load hits every variant alike:
 *
 *   npx vite build --outDir /tmp/dist-x
 *   node_modules/.bin/tsx scripts/cpu-split.ts /tmp/dist-x [--rounds 2] [--seconds 10] [--variants gan,gan-no-heat,default]
 *
 * Variants are named in {@link VARIANTS} (a hash body added to a link, CSS injected into the page).
 * The reading ({@link chromiumThreadTicks}) is used by scripts/scene-bench.ts (the scene cells'
 * `scene.<cell>.cpu_cores.*`); the grouping into cores is src/bench/cpu-split.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cpuSplit, type ThreadTicks } from '../src/bench/cpu-split';

/** Parent pid of each process in /proc. */
function parents(): Map<number, number> {
  const m = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const st = readFileSync(`/proc/${entry}/stat`, 'utf8');
      m.set(Number(entry), Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while listing.
    }
  }
  return m;
}

/**
 * The CPU ticks (user + system, 1/100 s) so far of every thread of the Chromium processes descending from
 * `rootPid` (default this Node process), keyed `type:thread` where type is Chromium's `--type=` (browser
 * when none) and a process's main thread is `main`. Threads of the same name in one process type are summed.
 */
export function chromiumThreadTicks(rootPid = process.pid): ThreadTicks {
  const parentOf = parents();
  const mine = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) if (p === rootPid) return true;
    return false;
  };
  const ticks = new Map<string, number>();
  for (const pid of parentOf.keys()) {
    if (!mine(pid)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes('chrom')) continue;
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        const st = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        // A process's main thread (tid = pid) is named after the executable: call it main.
        const name = tid === String(pid) ? 'main' : st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
        const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
        const key = `${type}:${name}`;
        ticks.set(key, (ticks.get(key) ?? 0) + Number(f[11]) + Number(f[12]));
      } catch {
        // The thread ended.
      }
    }
  }
  return ticks;
}

/** A variant of a link to measure: extra hash settings and CSS injected once the page has loaded. */
export interface CpuVariant {
  /** The link's hash body (no '#'; '' for the default link). */
  readonly hash: string;
  readonly css?: string;
}

async function main(): Promise<void> {
  const { presetHash, GAN_SCENE_PRESET } = await import('../src/bench/scene-cells');
  const harness = await import('../tests/browser/harness');
  const gan = presetHash(GAN_SCENE_PRESET);
  const VARIANTS: Record<string, CpuVariant> = {
    default: { hash: '' },
    gan: { hash: gan },
    'gan-no-heat': { hash: `${gan}&gan.landscape=off` },
    'gan-no-manifold': { hash: `${gan}&gan.manifold=false` },
    'gan-no-layers': { hash: `${gan}&gan.landscape=off&gan.manifold=false` },
    'gan-no-panels': { hash: gan, css: '.gan-panel, .field-legend, .schedule-plots, .hud { display: none !important; }' },
  };
  const args = process.argv.slice(2);
  const opt = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  // Several builds to compare: dist paths separated by commas; each variant runs on each, interleaved.
  const dists = args[0].split(',');
  const rounds = Number(opt('--rounds', '2'));
  const seconds = Number(opt('--seconds', '10'));
  const names = opt('--variants', Object.keys(VARIANTS).join(',')).split(',');
  for (const n of names) if (!(n in VARIANTS)) throw new RangeError(`unknown variant ${n}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const served = await Promise.all(dists.map((d) => harness.serveApp(d)));
  const rows: string[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [di, { url }] of served.entries()) for (const name of names) {
      const label = dists.length > 1 ? `${name}@${di}` : name;
      const v = VARIANTS[name];
      const b = await harness.launchChromium(harness.WEBGL_FLAGS);
      try {
        await b.page.goto(v.hash === '' ? url : `${url}#${v.hash}`);
        if (v.css !== undefined) await b.page.addStyleTag({ content: v.css });
        await harness.until(b.page, 'training', (s) => s.trainSteps >= 2, 90_000);
        await b.page.waitForTimeout(4000);
        const s0 = await harness.snapshot(b.page);
        const t0 = Date.now();
        const a = chromiumThreadTicks();
        await b.page.waitForTimeout(seconds * 1000);
        const c = chromiumThreadTicks();
        const s1 = await harness.snapshot(b.page);
        const dt = (Date.now() - t0) / 1000;
        const { cores: split, threads } = cpuSplit(a, c, dt);
        const frames = (s1!.frames - s0!.frames) / dt;
        const perFrame = (cores: number): string => ((1000 * cores) / frames).toFixed(1);
        const row =
          `${label.padEnd(18)} r${r} fps ${frames.toFixed(1).padStart(5)} train/s ${((s1!.trainSteps - s0!.trainSteps) / dt).toFixed(1).padStart(5)} tick ${s1!.frameMs.toFixed(1)} ms | cores gpu ${split.gpu_process.toFixed(2)} main ${split.renderer_main.toFixed(2)} ` +
          `r-other ${split.renderer_other.toFixed(2)} other ${split.other.toFixed(2)} total ${split.total.toFixed(2)} | CPU ms/frame gpu ${perFrame(split.gpu_process)} main ${perFrame(split.renderer_main)} total ${perFrame(split.total)}`;
        rows.push(row);
        console.log(row);
        console.log(`   ${threads.slice(0, 8).map(([k, x]) => `${k} ${x.toFixed(2)}`).join(', ')}`);
      } finally {
        await b.close();
      }
    }
  }
  console.log(`\n${rows.join('\n')}`);
  await Promise.all(served.map(({ server }) => server.close()));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
