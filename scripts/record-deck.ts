/**
 * Records a lecture deck (issue 17) of the built app in headless Chromium as one frame-exact clip, each
 * slide's timeline in turn with its title and text drawn in (what "record the deck" in the Lecture or
 * Record folder gives), writes it to a file and prints what mediabunny reads back from it.
 * Usage: tsx scripts/record-deck.ts [--deck assets/deck.json] [--first 1] [--last N] [--live-seconds 6]
 *   [--format mp4|webm|gif|png-zip] [--resolution 1080p|720p|2160p] [--fps 30] [--train-steps 4]
 *   [--theme dark|light] [--webgpu] [--out deck.mp4] [--no-build]
 */
import { writeAndReadBack, type PageRecording } from './clip-file';
import { buildApp, launchChromium, serveApp, WEBGL_FLAGS, WEBGPU_FLAGS } from '../tests/browser/harness';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const format = opt('--format', 'mp4');
const out = opt('--out', `deck.${format === 'png-zip' ? 'zip' : format}`);
const settings = { format, resolution: opt('--resolution', '1080p'), fps: Number(opt('--fps', '30')), trainStepsPerFrame: Number(opt('--train-steps', '4')) };
const range = {
  first: Number(opt('--first', '1')),
  ...(args.includes('--last') ? { last: Number(opt('--last', '1')) } : {}),
  liveSeconds: Number(opt('--live-seconds', '6')),
};

if (!args.includes('--no-build')) await buildApp();
const { server, url } = await serveApp();
const browser = await launchChromium(args.includes('--webgpu') ? WEBGPU_FLAGS : WEBGL_FLAGS);
const page = browser.page;
page.on('pageerror', (e) => console.error('[pageerror]', e.message));
page.on('console', (m) => m.type() === 'error' && console.error('[console]', m.text()));
// The deck opens from its link (validated as any link), then is recorded from its first slide.
await page.goto(`${url}#deck=${encodeURIComponent(opt('--deck', 'assets/deck.json'))}`);
await page.waitForFunction(() => (window as unknown as { __deck?: { state(): unknown } }).__deck?.state() != null, undefined, { timeout: 120_000 });
if (opt('--theme', 'dark') === 'light') {
  await page.evaluate(() => {
    const select = [...document.querySelectorAll('.lil-gui .lil-controller')].find((c) => c.querySelector('.lil-name')?.textContent === 'theme')?.querySelector('select');
    if (!select) throw new Error('no theme control');
    select.value = 'light';
    select.dispatchEvent(new Event('change'));
  });
}
const started = Date.now();
const r = (await page.evaluate(([s, rg]) => (window as unknown as { __deck: { record(s: unknown, r: unknown): Promise<unknown> } }).__deck.record(s, rg), [settings, range] as const)) as PageRecording;
await writeAndReadBack(r, out, format, started);
await browser.close();
await server.close();
