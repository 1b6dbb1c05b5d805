import { buildApp, serveApp, launchChromium, snapshot, WEBGL_FLAGS } from '../tests/browser/harness';
async function run(url: string, hash: string, seconds: number) {
  const b = await launchChromium(WEBGL_FLAGS);
  try {
    const t0 = Date.now();
    await b.page.goto(url + hash);
    let s = await snapshot(b.page);
    while (s === null || s.trainSteps < 2) { await b.page.waitForTimeout(250); s = await snapshot(b.page); }
    const startS = (Date.now() - t0) / 1000;
    await b.page.waitForTimeout(3000);
    const a = (await snapshot(b.page))!; const at = Date.now();
    const ts: number[] = []; const per: number[] = []; let prev = a; let prevAt = at;
    for (let i = 0; i < seconds; i++) { await b.page.waitForTimeout(1000); const n = (await snapshot(b.page))!; const nAt = Date.now(); per.push((n.frames - prev.frames) * 1000 / (nAt - prevAt)); ts.push(n.t); prev = n; prevAt = nAt; }
    const dt = (prevAt - at) / 1000;
    const gen = await b.page.evaluate('window.__playground?.session?.trainer?.generatorSteps ?? null');
    console.log(JSON.stringify({ hash, startS, fps: (prev.frames - a.frames) / dt, worst: Math.min(...per), trainPerS: (prev.trainSteps - a.trainSteps) / dt, simPerS: (prev.simSteps - a.simSteps) / dt, phase: prev.phaseMs, backend: prev.backend, particles: prev.particles, ts, gen }));
  } finally { await b.close(); }
}
await buildApp('/work/tmp/dist');
const { server, url } = await serveApp('/work/tmp/dist');
await run(url, '', 20);
await run(url, '#data.dataset=gaussians-8&data.particles=2000&model.kind=gan&model.width=64&model.depth=3&model.batchSize=128&model.trainBudgetMs=200', 15);
await run(url, '#data.dataset=gaussians-8&model.kind=gan', 15);
await server.close();
process.exit(0);
