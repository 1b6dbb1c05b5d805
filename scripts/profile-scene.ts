/**
 * Where the frame time of the default scene goes in headless Chromium (software rendering): opens the
 * built app (dist/ or --dist DIR) with 10,000 particles once per variant (a URL hash and optional CSS),
 * and prints, per variant, fps (mean, worst second), training steps/s and the loop's phases (simulate,
 * train, render ms per frame) beside the time between frames spent outside the loop. With --trace FILE
 * it also records a Chrome trace (CDP Tracing) of the first variant.
 * usage: npx tsx scripts/profile-scene.ts [--dist DIR] [--seconds S] [--variants a,b] [--trace FILE]
 */
import { writeFileSync } from 'node:fs';
import { launchChromium, serveApp, snapshot, WEBGL_FLAGS, type Snapshot } from '../tests/browser/harness';

const NO_EFFECTS_CSS = '*{backdrop-filter:none!important;box-shadow:none!important}';
interface Variant {
  readonly hash: string;
  readonly css?: string;
  readonly query?: string;
}
const VARIANTS: Record<string, Variant> = {
  base: { hash: '' },
  noeffects: { hash: '', css: NO_EFFECTS_CSS },
  notrain: { hash: '&model.trainBudgetMs=0' },
  paused: { hash: '&sampling.paused=true' },
  idle: { hash: '&sampling.paused=true&model.trainBudgetMs=0' },
  idlenoeffects: { hash: '&sampling.paused=true&model.trainBudgetMs=0', css: NO_EFFECTS_CSS },
  noplots: { hash: '&view.showSchedule=false' },
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

async function measure(url: string, v: Variant, seconds: number, traceFile?: string): Promise<string> {
  const browser = await launchChromium(WEBGL_FLAGS);
  try {
    await browser.page.goto(`${url}${v.query ?? ''}#data.particles=10000${v.hash}`);
    if (v.css) await browser.page.addStyleTag({ content: v.css });
    const end = Date.now() + 90_000;
    let s: Snapshot | null = null;
    while (s === null || s.frames < 5 || (!v.hash.includes('trainBudgetMs=0') && s.trainSteps < 2)) {
      if (Date.now() > end) throw new Error('did not start');
      await browser.page.waitForTimeout(250);
      s = await snapshot(browser.page);
    }
    await browser.page.waitForTimeout(2000);
    const cdp = traceFile ? await browser.context.newCDPSession(browser.page) : null;
    const chunks: unknown[] = [];
    if (cdp) {
      cdp.on('Tracing.dataCollected', (e: { value: unknown[] }) => chunks.push(...e.value));
      await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8,blink,cc,gpu,viz,disabled-by-default-devtools.timeline.frame', transferMode: 'ReportEvents' });
    }
    const samples: { at: number; s: Snapshot }[] = [];
    for (let i = 0; i <= seconds; i++) {
      const at = Date.now();
      samples.push({ at, s: (await snapshot(browser.page)) as Snapshot });
      if (i < seconds) await browser.page.waitForTimeout(Math.max(0, at + 1000 - Date.now()));
    }
    if (cdp) {
      const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
      await cdp.send('Tracing.end');
      await done;
      writeFileSync(traceFile as string, JSON.stringify({ traceEvents: chunks }));
    }
    const per = samples.slice(1).map((x, i) => ((x.s.frames - samples[i].s.frames) * 1000) / (x.at - samples[i].at));
    const a = samples[0];
    const b = samples[samples.length - 1];
    const dt = (b.at - a.at) / 1000;
    const fps = (b.s.frames - a.s.frames) / dt;
    const ph = b.s.phaseMs ?? { sim: NaN, train: NaN, render: NaN };
    const outside = 1000 / fps - b.s.frameMs;
    return `fps ${fps.toFixed(1)} worst ${Math.min(...per).toFixed(1)} | train ${((b.s.trainSteps - a.s.trainSteps) / dt).toFixed(1)}/s sim ${((b.s.simSteps - a.s.simSteps) / dt).toFixed(1)}/s | tick ${b.s.frameMs.toFixed(1)} ms = sim ${ph.sim.toFixed(1)} + train ${ph.train.toFixed(1)} + render ${ph.render.toFixed(1)}; outside the loop ${outside.toFixed(1)} ms/frame | ${b.s.backend}/${b.s.renderer}`;
  } finally {
    await browser.close();
  }
}

const dist = arg('--dist') ?? 'dist';
const seconds = Number(arg('--seconds') ?? 5);
const names = (arg('--variants') ?? 'base,noeffects,idle,idlenoeffects').split(',');
const { server, url } = await serveApp(dist);
try {
  for (const [i, name] of names.entries()) {
    const [q, h] = name.includes('#') ? name.split('#') : ['', name];
    const v = VARIANTS[h] ? { ...VARIANTS[h], query: q } : { hash: h.startsWith('&') || h === '' ? h : `&${h}`, query: q };
    try {
      console.log(`${name.padEnd(14)} ${await measure(url, v, seconds, i === 0 ? arg('--trace') : undefined)}`);
    } catch (e) {
      console.log(`${name.padEnd(14)} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
} finally {
  await server.close();
}
