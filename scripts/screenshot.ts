/**
 * Takes screenshots of the built app in headless Chromium (for the README and for looking at).
 * Usage: tsx scripts/screenshot.ts [--webgl] [--seconds 30] [--query "backend=wasm"] [--hash "data.particles=2000"]
 *   [--every S (extra numbered shots)] [--then "new hash" (applied after --seconds)] [--at-data (then wait for t = 0)]
 *   [--after N (then wait N more seconds)] [--after-every S (numbered shots every S seconds while waiting)]
 *   [--out docs/screenshot.png] [--no-build] [--size 1280x720 (viewport, CSS pixels)]
 *   [--preset name (the preset's settings, before --hash's; see src/config/presets.ts)] [--theme light (the GUI's theme)]
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { findPreset } from '../src/config/presets';
import { buildApp, launchChromium, serveApp, snapshot, WEBGL_FLAGS, WEBGPU_FLAGS } from '../tests/browser/harness';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const seconds = Number(opt('--seconds', '10'));
const out = opt('--out', 'docs/screenshot.png');
const query = opt('--query', '');
const presetName = opt('--preset', '');
const preset = presetName ? findPreset(presetName) : undefined;
if (presetName && preset === undefined) throw new Error(`unknown preset '${presetName}'`);
// Every setting of the preset written out (not only those that differ from some defaults), then --hash's.
const presetHash = Object.entries(preset?.settings ?? {})
  .flatMap(([group, values]) => Object.entries(values as Record<string, unknown>).map(([key, v]) => `${group}.${key}=${String(v)}`))
  .join('&');
const hash = [presetHash, opt('--hash', '')].filter((h) => h !== '').join('&');
const [width, height] = opt('--size', '1280x720').split('x').map(Number);
if (!(width > 0 && height > 0)) throw new Error('--size must be WIDTHxHEIGHT, e.g. 1920x1080');
const every = Number(opt('--every', '0'));

if (!args.includes('--no-build')) await buildApp();
const { server, url } = await serveApp();
const browser = await launchChromium(args.includes('--webgl') ? WEBGL_FLAGS : WEBGPU_FLAGS, { width, height });
const logs: string[] = [];
browser.page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
browser.page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
await browser.page.goto(`${url}${query ? `?${query}` : ''}${hash ? `#${hash}` : ''}`);
const theme = opt('--theme', '');
if (theme !== '') {
  // The presentation folder's theme list, as a user would pick it.
  await browser.page.waitForSelector('.lil-gui select');
  const picked = await browser.page.evaluate((name) => {
    for (const c of document.querySelectorAll('.lil-controller')) {
      const select = c.querySelector('select');
      if (c.querySelector('.lil-name')?.textContent === 'theme' && select !== null) {
        select.value = name;
        select.dispatchEvent(new Event('change'));
        return true;
      }
    }
    return false;
  }, theme);
  if (!picked) throw new Error('no theme control in the GUI');
}
mkdirSync(dirname(out), { recursive: true });
const start = Date.now();
let shot = 0;
while (Date.now() - start < seconds * 1000) {
  await browser.page.waitForTimeout(every > 0 ? every * 1000 : 1000);
  const s = await snapshot(browser.page);
  console.log(`${((Date.now() - start) / 1000).toFixed(0)}s`, JSON.stringify({ ...s, config: undefined }));
  if (every > 0) await browser.page.screenshot({ path: out.replace(/\.png$/, `-${String(shot++).padStart(2, '0')}.png`) });
}
const then = opt('--then', '');
if (then) {
  // Change settings at run time through the URL hash (as a user editing the link would).
  await browser.page.evaluate(`location.hash = ${JSON.stringify(then)}`);
  console.log('hash ->', then);
}
if (args.includes('--at-data')) {
  // Wait for the particles to leave t = 0 and come back (the end of a reverse pass), then shoot.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline && (await snapshot(browser.page))?.t === 0) await browser.page.waitForTimeout(200);
  while (Date.now() < deadline && (await snapshot(browser.page))?.t !== 0) await browser.page.waitForTimeout(200);
  console.log('at t = 0:', JSON.stringify({ ...(await snapshot(browser.page)), config: undefined }));
}
const after = Number(opt('--after', '0'));
const afterEvery = Number(opt('--after-every', '0'));
const afterStart = Date.now();
while (Date.now() - afterStart < after * 1000) {
  await browser.page.waitForTimeout(afterEvery > 0 ? afterEvery * 1000 : 1000);
  const s = await snapshot(browser.page);
  console.log(`+${((Date.now() - afterStart) / 1000).toFixed(0)}s`, JSON.stringify({ ...s, config: undefined }));
  if (afterEvery > 0) await browser.page.screenshot({ path: out.replace(/\.png$/, `-after-${String(shot++).padStart(2, '0')}.png`) });
}
await browser.page.screenshot({ path: out });
console.log(logs.slice(0, 30).join('\n'));
await browser.close();
await server.close();
