/**
 * Records a clip of the built app in headless Chromium through the Record panel (what a user gets from
 * the GUI), writes it to a file and prints what mediabunny reads back from it.
 * Usage: tsx scripts/record-clip.ts [--hash "data.particles=2000"] [--timeline "train 5, forward 3, reverse 5, hold 1"]
 *   [--format mp4|webm|gif|png-zip] [--resolution 1080p|720p|2160p|canvas] [--fps 30] [--train-steps 4]
 *   [--warmup S (live seconds before recording)] [--webgpu] [--out clip.mp4] [--no-build]
 */
import { writeAndReadBack, type PageRecording } from './clip-file';
import { buildApp, launchChromium, serveApp, WEBGL_FLAGS, WEBGPU_FLAGS } from '../tests/browser/harness';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const format = opt('--format', 'mp4');
const out = opt('--out', `clip.${format === 'png-zip' ? 'zip' : format}`);
const settings = {
  format,
  resolution: opt('--resolution', '1080p'),
  fps: Number(opt('--fps', '30')),
  mode: 'frame-exact',
  useTimeline: true,
  timeline: opt('--timeline', 'train 5, forward 3, reverse 5, hold 1'),
  trainStepsPerFrame: Number(opt('--train-steps', '4')),
  freshStart: true,
};

if (!args.includes('--no-build')) await buildApp();
const { server, url } = await serveApp();
const browser = await launchChromium(args.includes('--webgpu') ? WEBGPU_FLAGS : WEBGL_FLAGS);
browser.page.on('pageerror', (e) => console.error('[pageerror]', e.message));
await browser.page.goto(`${url}#${opt('--hash', '')}`);
await browser.page.waitForFunction(() => (window as unknown as { __playground?: unknown }).__playground !== undefined, undefined, { timeout: 120_000 });
await browser.page.waitForTimeout(Number(opt('--warmup', '1')) * 1000);
const started = Date.now();
const r = (await browser.page.evaluate((s) => (window as unknown as { __playground: { record(s: unknown, hash: boolean): Promise<unknown> } }).__playground.record(s, false), settings)) as PageRecording;
await writeAndReadBack(r, out, format, started);
await browser.close();
await server.close();
