/**
 * `npm run soak:browser [-- --minutes M] [-- --every S]`: the shorter real-browser half of the soak of
 * issue 8. Serves the built app, opens it in headless Chromium (WebGL2, tfjs on wasm: what a machine
 * without a GPU runs) and for M minutes (default 6) switches model, data set and particle count through
 * the URL every S seconds (default 20), the same cycle of scenes as `npm run soak`. After each switch has
 * run for S seconds it records the page's tf.memory(). Memory is flat when every visit of a scene finds
 * the tensors and bytes of its first visit. Prints a table; exit code 1 when something grew or the page
 * threw, 2 without Chromium.
 */
import { buildApp, chromiumAvailable, CHROMIUM_PATH, launchChromium, serveApp, snapshot, WEBGL_FLAGS } from '../tests/browser/harness';

const args = process.argv.slice(2);
const num = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!(v > 0)) {
    console.error(`soak:browser: ${name} needs a positive number, got '${args[i + 1] ?? ''}'`);
    process.exit(2);
  }
  return v;
};
const minutes = num('--minutes', 6);
const everyS = num('--every', 20);
if (!chromiumAvailable()) {
  console.error(`soak:browser: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)`);
  process.exit(2);
}

const KINDS = ['ddpm', 'score', 'flow', 'gan', 'wgan', 'wgan-gp'];
const DATASETS = ['two-moons', 'gaussians-8', 'swiss-roll-3d', 'rings'];
const PARTICLES = [1000, 2000, 3000];
const SCENES = Array.from({ length: 12 }, (_, i) => ({ kind: KINDS[i % 6], dataset: DATASETS[i % 4], particles: PARTICLES[i % 3] }));
const hashOf = (s: (typeof SCENES)[number]): string => `#model.kind=${s.kind}&data.dataset=${s.dataset}&data.particles=${s.particles}&model.width=32&model.depth=2&model.batchSize=128`;

await buildApp();
const { server, url } = await serveApp();
const browser = await launchChromium(WEBGL_FLAGS);
const errors: string[] = [];
browser.page.on('pageerror', (e) => errors.push(e.message));
const visits = new Map<number, { tensors: number; bytes: number }[]>();
const started = Date.now();
let frames = 0;
try {
  await browser.page.goto(`${url}${hashOf(SCENES[0])}`);
  for (let i = 0; Date.now() - started < minutes * 60_000; i++) {
    const scene = i % SCENES.length;
    if (i > 0) await browser.page.evaluate((h) => (location.hash = h), hashOf(SCENES[scene]));
    await browser.page.waitForTimeout(everyS * 1000);
    const s = await snapshot(browser.page);
    if (s === null) throw new Error('the page has no snapshot');
    frames = s.frames;
    const list = visits.get(scene) ?? [];
    list.push(s.memory);
    visits.set(scene, list);
    process.stderr.write(`\rsoak:browser ${((Date.now() - started) / 1000).toFixed(0)} s · ${s.frames} frames · ${SCENES[scene].kind} · ${SCENES[scene].dataset} · ${s.memory.tensors} tensors · ${(s.memory.bytes / 2 ** 20).toFixed(2)} MiB   `);
  }
} finally {
  process.stderr.write('\n');
  await browser.close();
  await server.close();
}
let grew = false;
console.log(`soak:browser: ${minutes} min in headless Chromium (WebGL2, tfjs wasm), ${frames} frames, a scene switch every ${everyS} s`);
console.log('');
console.log('| scene | visits | tensors (first → last visit) | MiB (first → last visit) |');
console.log('| --- | --- | --- | --- |');
for (const [i, v] of [...visits.entries()].sort((a, b) => a[0] - b[0])) {
  const s = SCENES[i];
  // Views refresh on wall time, so a visit can catch a readback in flight: allow a handful of tensors.
  if (v.some((x) => x.tensors > v[0].tensors + 8 || x.bytes > v[0].bytes * 1.05 + 65_536)) grew = true;
  console.log(`| ${s.kind} · ${s.dataset} · ${s.particles} | ${v.length} | ${v[0].tensors} → ${v[v.length - 1].tensors} | ${(v[0].bytes / 2 ** 20).toFixed(2)} → ${(v[v.length - 1].bytes / 2 ** 20).toFixed(2)} |`);
}
if (errors.length > 0) console.log(`page errors: ${errors.join(' | ')}`);
console.log(grew ? 'memory GREW between visits of a scene' : 'memory flat: every scene holds the same tensors on every visit (within in-flight readbacks)');
process.exitCode = grew || errors.length > 0 ? 1 : 0;
