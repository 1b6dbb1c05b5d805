/**
 * `npm run bench [-- --quick]`: throughput of the DDPM core on every tfjs backend that runs in Node
 * (wasm, cpu), printed as a markdown table on stdout (progress goes to stderr).
 *
 * - training: DdpmTrainer steps on two-moons, batch 1024, the default network (3 x 128, SiLU), Adam;
 * - reverse sampling: ancestralStep over 10k and 100k particles with the same network.
 *
 * Every timed iteration awaits a read-back of its result, so the clock sees finished work. Each cell is
 * time-boxed (see TimingOptions in bench-lib.ts). webgpu / webgl need a browser: run the app for those.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { sampleDataset } from '../src/data/datasets';
import { ancestralStep, DdpmTrainer } from '../src/models/ddpm';
import { DEFAULT_MLP, EpsilonNetwork } from '../src/models/epsilon-network';
import { createRng } from '../src/models/random';
import { DEFAULT_SCHEDULE, makeSchedule } from '../src/models/schedules';
import { formatMs, formatRate, machineLine, markdownTable, progress, timeIterations, type TimingOptions } from './bench-lib';

const quick = process.argv.includes('--quick');
const all = process.argv.includes('--all');
if (process.argv.some((a) => a === '--help' || a === '-h')) {
  console.log('usage: npm run bench [-- --quick] [-- --all]');
  console.log('  --quick  shorter time boxes (a smoke test)');
  console.log('  --all    also measure cells predicted to overrun the per-cell time box (cpu at 100k: minutes)');
  process.exit(0);
}

const BACKENDS = ['wasm', 'cpu'] as const;
const BATCH = 1024;
const PARTICLE_COUNTS = [10_000, 100_000];
const TRAIN_TIMING: TimingOptions = quick ? { warmup: 2, minIters: 3, targetMs: 500 } : { warmup: 3, minIters: 5, targetMs: 2500 };
const SAMPLE_TIMING: TimingOptions = quick ? { warmup: 1, minIters: 2, targetMs: 400 } : { warmup: 1, minIters: 2, targetMs: 2500, maxIters: 200 };
/**
 * A sampler cell whose warm-up plus minimum iterations, predicted from the previous (smaller) cell by
 * linear scaling in the particle count, would take longer than this is not run (unless --all): its
 * row shows the prediction, marked as such. Keeps the cpu backend at 100k (~15 s a step) from taking minutes.
 */
const CELL_BOX_MS = quick ? 2000 : 5000;

type Row = [backend: string, benchmark: string, iterations: string, medianMs: string, throughput: string, unit: string];
/** Notes for the report, filled while benchmarking. */
const notes: string[] = [];

async function benchBackend(backend: string): Promise<Row[]> {
  const schedule = makeSchedule(DEFAULT_SCHEDULE);
  const rng = createRng(1);
  const data = sampleDataset('two-moons', 20_000, rng.fork());
  const net = new EpsilonNetwork(2, DEFAULT_MLP, rng.fork());
  const trainer = new DdpmTrainer(net, schedule, data.points, rng.fork(), { learningRate: 1e-3, batchSize: BATCH });
  const rows: Row[] = [];
  const label = `${DEFAULT_MLP.depth}x${DEFAULT_MLP.width} ${DEFAULT_MLP.activation}`;
  try {
    progress(`[${backend}] training, batch ${BATCH} ...`);
    let lastLoss = Number.NaN;
    const train = await timeIterations(async () => {
      const loss = trainer.step();
      lastLoss = (await loss.data())[0];
      loss.dispose();
    }, TRAIN_TIMING);
    if (!Number.isFinite(lastLoss)) throw new Error(`training diverged on ${backend} (loss ${lastLoss})`);
    rows.push([backend, `train step, batch ${BATCH}, ${label}`, String(train.iterations), formatMs(train.medianMs), formatRate(1000 / train.medianMs), 'steps/s']);

    let msPerParticle = Number.NaN; // from the previous cell
    for (const n of PARTICLE_COUNTS) {
      const predictedMs = msPerParticle * n;
      const cellMs = predictedMs * (SAMPLE_TIMING.warmup + SAMPLE_TIMING.minIters);
      if (!all && cellMs > CELL_BOX_MS) {
        rows.push([backend, `reverse step, ${n / 1000}k particles`, 'est.', `~${formatMs(predictedMs)}`, `~${formatRate((n * 1000) / predictedMs)}`, 'particle-steps/s']);
        notes.push(
          `${backend}, ${n / 1000}k particles: not run; predicted ~${(cellMs / 1000).toFixed(0)} s for warm-up + ${SAMPLE_TIMING.minIters} steps, over the ${CELL_BOX_MS / 1000} s time box. ` +
            'The row is a linear extrapolation from the smaller cell (real runs scale slightly worse); --all measures it.',
        );
        continue;
      }
      progress(`[${backend}] reverse sampler, ${n} particles ...`);
      const noise = createRng(n);
      let x = tf.randomNormal([n, 2], 0, 1, 'float32', noise.nextSeed()) as tf.Tensor2D;
      const z = tf.randomNormal([n, 2], 0, 1, 'float32', noise.nextSeed()) as tf.Tensor2D; // drawn once: times the sampler, not the RNG
      let t = schedule.T;
      const sample = await timeIterations(async () => {
        const next = ancestralStep(net, x, t, schedule, 'betaTilde', z);
        await next.data();
        x.dispose();
        x = next;
        t = t > 2 ? t - 1 : schedule.T;
      }, SAMPLE_TIMING);
      tf.dispose([x, z]);
      msPerParticle = sample.medianMs / n;
      rows.push([backend, `reverse step, ${n / 1000}k particles`, String(sample.iterations), formatMs(sample.medianMs), formatRate((n * 1000) / sample.medianMs), 'particle-steps/s']);
    }
  } finally {
    trainer.dispose();
    net.dispose();
  }
  return rows;
}

async function main(): Promise<void> {
  const started = performance.now();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const rows: Row[] = [];
  for (const backend of BACKENDS) {
    let ok = false;
    try {
      ok = await tf.setBackend(backend);
      await tf.ready();
    } catch (e) {
      notes.push(`${backend}: could not start (${e instanceof Error ? e.message : String(e)})`);
      continue;
    }
    if (!ok || tf.getBackend() !== backend) {
      notes.push(`${backend}: could not start`);
      continue;
    }
    const before = tf.memory().numTensors;
    try {
      rows.push(...(await benchBackend(backend)));
    } catch (e) {
      notes.push(`${backend}: failed (${e instanceof Error ? e.message : String(e)})`);
    }
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) notes.push(`${backend}: ${leaked} tensors left after the run (a tensor leak)`);
    if (backend === 'wasm') {
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      notes.push(`wasm: ${simd ? 'SIMD' : 'no SIMD'}, single-threaded (WASM_HAS_MULTITHREAD_SUPPORT = false, as in the app's tests)`);
    }
  }
  notes.push('webgpu, webgl: not benchmarked (they need a browser; Node has no WebGPU / WebGL for tfjs). Run the app with ?backend=... for those.');
  notes.push(
    `Timing: median wall-clock ms per iteration after ${TRAIN_TIMING.warmup} (train) / ${SAMPLE_TIMING.warmup} (sampler) warm-up calls; each iteration awaits a read-back; ` +
      `each cell stops once >= ${TRAIN_TIMING.targetMs} ms (train) / ${SAMPLE_TIMING.targetMs} ms (sampler) have passed and >= ${TRAIN_TIMING.minIters} / ${SAMPLE_TIMING.minIters} iterations are done.` +
      ' Sampler noise z is drawn once and reused (measures the network and the update, not the RNG).',
  );

  const out = [
    `## Generative Playground benchmark${quick ? ' (--quick)' : ''}${all ? ' (--all)' : ''}`,
    '',
    `Machine: ${machineLine()}; tfjs ${tf.version.tfjs}.`,
    `Network: ${DEFAULT_MLP.depth} hidden layers x ${DEFAULT_MLP.width}, ${DEFAULT_MLP.activation}, time embedding ${DEFAULT_MLP.timeEmbeddingDim}; schedule linear T = ${DEFAULT_SCHEDULE.T}.`,
    '',
    markdownTable(['backend', 'benchmark', 'iters', 'median ms', 'throughput', 'unit'], rows),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    `Total ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  ];
  console.log(out.join('\n'));
  if (rows.length === 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
