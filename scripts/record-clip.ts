/**
 * Records a clip of the built app in headless Chromium through the Record panel (what a user gets from
 * the GUI), writes it to a file and prints what mediabunny reads back from it.
 * Usage: tsx scripts/record-clip.ts [--hash "data.particles=2000"] [--timeline "train 5, forward 3, reverse 5, hold 1"]
 *   [--format mp4|webm|gif|png-zip] [--resolution 1080p|720p|2160p|canvas] [--fps 30] [--train-steps 4]
 *   [--warmup S (live seconds before recording)] [--webgpu] [--out clip.mp4] [--no-build]
 */
import { writeFileSync } from 'node:fs';
import { ALL_FORMATS, BufferSource, Input } from 'mediabunny';
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
const r = (await browser.page.evaluate((s) => (window as unknown as { __playground: { record(s: unknown, hash: boolean): Promise<unknown> } }).__playground.record(s, false), settings)) as {
  base64: string;
  fileName: string;
  frames: number;
  width: number;
  height: number;
  encoding: { note: string | null };
};
const bytes = Buffer.from(r.base64, 'base64');
writeFileSync(out, bytes);
console.log(`${out} (${r.fileName}): ${r.frames} frames, ${r.width} x ${r.height}, ${bytes.length} bytes, ${((Date.now() - started) / 1000).toFixed(1)} s${r.encoding.note ? `; ${r.encoding.note}` : ''}`);
if (format === 'mp4' || format === 'webm') {
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  const track = await input.getPrimaryVideoTrack();
  const stats = await track?.computePacketStats();
  console.log(`mediabunny: ${(await input.getFormat()).name}, ${track?.codec} ${await track?.getCodecParameterString()}, ${track?.codedWidth} x ${track?.codedHeight}, ${stats?.packetCount} packets, ${stats?.averagePacketRate.toFixed(2)} fps, ${(await input.computeDuration()).toFixed(3)} s`);
}
await browser.close();
await server.close();
