/**
 * `npm run soak [-- --frames N] [-- --every K] [-- --json FILE]`: the long-session check of issue 8.
 *
 * Runs the app's own sessions and game loop in Node (tfjs wasm, a fake clock at 60 frames per second)
 * for N frames (default 100,000), switching model, data set and particle count every K frames (default
 * 1,000) through a fixed cycle of scenes, and asking the session for its view grids (field arrows, heat
 * maps, GAN landscapes, theory figures, sample readbacks) as the app does twice a second. After every
 * switch, once pending readbacks have settled, it records `tf.memory()` (tensors and bytes).
 *
 * Memory is flat when every visit of the same scene finds the same tensor count and bytes as its first
 * visit. Prints a table per scene (first and last visit) and exits with code 1 when anything grew.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import { defaultConfig, type ModelKind, type PlaygroundConfig } from '../src/config/playground-config';
import { validateConfig } from '../src/config/validate-config';
import type { DatasetName } from '../src/data/datasets';
import { GameLoop } from '../src/loop/game-loop';
import { ManualClock } from '../src/loop/clock';
import { createSession, type Session } from '../src/session/create-session';
import { DiffusionSession } from '../src/session/diffusion-session';

/** Reads `--name value` from the command line as a positive integer, or `fallback`. Exits with code 2 on a bad value. */
function intArg(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    console.error(`soak: ${name} needs a positive integer, got '${args[i + 1] ?? ''}'`);
    process.exit(2);
  }
  return v;
}

/** One scene of the cycle. */
interface Scene {
  readonly kind: ModelKind;
  readonly dataset: DatasetName;
  readonly particles: number;
}

const KINDS: readonly ModelKind[] = ['ddpm', 'score', 'flow', 'gan', 'wgan', 'wgan-gp'];
const DATASETS: readonly DatasetName[] = ['two-moons', 'gaussians-8', 'swiss-roll-3d', 'rings'];
const PARTICLES = [1000, 2000, 3000] as const;

/** 12 scenes: every model kind twice, every data set (2D and 3D) three times, every particle count four times. */
const SCENES: readonly Scene[] = Array.from({ length: 12 }, (_, i) => ({ kind: KINDS[i % 6], dataset: DATASETS[i % 4], particles: PARTICLES[i % 3] }));

const label = (s: Scene): string => `${s.kind} · ${s.dataset} · ${s.particles}`;

/** A small, fast version of the scene (so 100k frames take minutes), validated like user input. */
function sceneConfig(s: Scene): PlaygroundConfig {
  const c = defaultConfig();
  c.model.kind = s.kind;
  c.data.dataset = s.dataset;
  c.data.particles = s.particles;
  c.model.width = 32;
  c.model.depth = 2;
  c.model.batchSize = 128;
  c.schedule.T = 100;
  c.sampling.sampler = s.kind === 'score' ? 'langevin' : s.kind === 'flow' ? 'euler' : 'ancestral';
  c.sampling.nfe = 20;
  c.view.trails = 8;
  const { config, problems } = validateConfig(c);
  if (problems.length > 0) throw new Error(`soak scene ${label(s)}: ${problems.join('; ')}`);
  return config;
}

/** Lets the sessions' asynchronous readbacks finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
}

/** The view grids the app asks for, one kind per call, in turn (as its views do twice a second). */
async function viewWork(session: Session, turn: number): Promise<void> {
  if (session instanceof DiffusionSession) {
    const jobs = [
      () => session.fieldGrid(16, 3),
      () => session.heatMapGrid('log-density', 16, 3),
      () => session.heatMapGrid('score-norm', 16, 3),
      () => session.sampleReadback(200),
    ];
    await jobs[turn % jobs.length]();
  } else {
    const jobs = [
      () => session.landscape(16, 3, false),
      () => session.landscape(16, 3, true),
      () => session.manifold(8),
      () => session.pushArrows(64),
      () => session.theory(),
      () => session.sampleReadback(200),
    ];
    await jobs[turn % jobs.length]();
  }
}

interface Visit {
  readonly frame: number;
  readonly tensors: number;
  readonly bytes: number;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log('usage: npm run soak [-- --frames N] [-- --every K] [-- --json FILE]');
    return;
  }
  const frames = intArg(args, '--frames', 100_000);
  const every = intArg(args, '--every', 1_000);
  const jsonAt = args.indexOf('--json');
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  if (jsonAt >= 0 && (jsonFile === undefined || jsonFile.startsWith('--'))) {
    console.error('soak: --json needs a file name');
    process.exit(2);
  }

  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const backend = (await tf.setBackend('wasm').catch(() => false)) ? 'wasm' : 'cpu';
  if (backend === 'cpu') await tf.setBackend('cpu');
  await tf.ready();
  const baseline = tf.memory();

  let scene = 0;
  let config = sceneConfig(SCENES[0]);
  let session: Session = createSession(config);
  const clock = new ManualClock();
  const loop = new GameLoop(
    {
      simulate: () => session.simulate(),
      trainStep: () => {
        session.trainStep();
        return true;
      },
      render: () => undefined,
    },
    // One training step and one simulation step per 60 Hz frame, whatever the machine's speed.
    { clock, stepsPerSecond: 60, trainBudgetMs: Infinity, maxTrainStepsPerFrame: 1 },
  );
  const visits = new Map<number, Visit[]>();
  const started = performance.now();
  let worstTensors = 0;

  for (let frame = 1; frame <= frames; frame++) {
    clock.advance(1000 / 60);
    loop.tick();
    if (frame % 30 === 0) await viewWork(session, frame / 30);
    if (frame % every !== 0) continue;

    // Switch scene the way the app does: a new session across families, else apply() in place.
    scene = (scene + 1) % SCENES.length;
    const next = sceneConfig(SCENES[scene]);
    const sameFamily = (session instanceof DiffusionSession) === !['gan', 'wgan', 'wgan-gp'].includes(next.model.kind);
    if (sameFamily) {
      session.apply(next);
    } else {
      session.dispose();
      session = createSession(next);
    }
    config = next;
    await settle();
    const m = tf.memory();
    worstTensors = Math.max(worstTensors, m.numTensors);
    const list = visits.get(scene) ?? [];
    list.push({ frame, tensors: m.numTensors, bytes: m.numBytes });
    visits.set(scene, list);
    const elapsed = (performance.now() - started) / 1000;
    process.stderr.write(`\rsoak: frame ${frame.toLocaleString('en')} / ${frames.toLocaleString('en')} · ${label(SCENES[scene])} · ${m.numTensors} tensors · ${(m.numBytes / 2 ** 20).toFixed(2)} MiB · ${elapsed.toFixed(0)} s   `);
  }
  process.stderr.write('\n');
  session.dispose();
  loop.dispose();
  await settle();
  const after = tf.memory();
  const seconds = (performance.now() - started) / 1000;

  const rows = [...visits.entries()].sort((a, b) => a[0] - b[0]).map(([i, v]) => {
    const first = v[0];
    const last = v[v.length - 1];
    return { scene: label(SCENES[i]), visits: v.length, firstTensors: first.tensors, lastTensors: last.tensors, firstMiB: first.bytes / 2 ** 20, lastMiB: last.bytes / 2 ** 20, grew: v.some((x) => x.tensors > first.tensors || x.bytes > first.bytes) };
  });
  console.log(`soak: ${frames.toLocaleString('en')} frames on tfjs ${backend}, scene switch every ${every.toLocaleString('en')} frames, ${seconds.toFixed(0)} s (${((seconds * 1000) / frames).toFixed(2)} ms / frame)`);
  console.log('');
  console.log('| scene | visits | tensors (first → last visit) | MiB (first → last visit) | grew |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.scene} | ${r.visits} | ${r.firstTensors} → ${r.lastTensors} | ${r.firstMiB.toFixed(2)} → ${r.lastMiB.toFixed(2)} | ${r.grew ? 'YES' : 'no'} |`);
  console.log('');
  console.log(`tensors at start ${baseline.numTensors}, most at a switch ${worstTensors}, after disposing the last session ${after.numTensors} (${(after.numBytes / 2 ** 20).toFixed(2)} MiB)`);
  const leaked = rows.some((r) => r.grew) || after.numTensors !== baseline.numTensors;
  if (jsonFile !== undefined) writeFileSync(jsonFile, `${JSON.stringify({ frames, every, backend, seconds, baseline: baseline.numTensors, after: after.numTensors, worstTensors, scenes: rows, flat: !leaked }, null, 2)}\n`);
  console.log(leaked ? 'memory GREW: see the table' : 'memory flat: every scene holds the same tensors and bytes on every visit, and nothing is left after dispose');
  process.exitCode = leaked ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(`soak: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
