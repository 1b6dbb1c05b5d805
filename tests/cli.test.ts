import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/cli/options';
import { runHeadless, type RunReport } from '../src/cli/run';
import { createRng } from '../src/models/random';

const dir = mkdtempSync(join(tmpdir(), 'gp-cli-'));

/** Runs the CLI in this process; returns its exit code and what it wrote. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runHeadless(argv, { out: (t) => void (out += t), err: { write: (t) => void (err += t), tty: false } });
  return { code, out, err };
}

const readReport = (path: string): RunReport => JSON.parse(readFileSync(path, 'utf8')) as RunReport;
const csvRows = (path: string): number[][] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));

describe('command line parsing', () => {
  it('maps options onto the config and validates them with its schema', () => {
    const a = parseArgs(['--model', 'flow', '--data', 'moons', '--train-steps', '0', '--batch=256', '--lr', '1e-3', '--width', '64', '--depth', '2', '--seed', '7', '--samples', '2000']);
    expect(a.config.model).toMatchObject({ kind: 'flow', batchSize: 256, learningRate: 1e-3, width: 64, depth: 2 });
    expect(a.config.data).toMatchObject({ dataset: 'two-moons', source: 'built-in', seed: 7, particles: 2000 });
    expect(a.config.sampling.sampler).toBe('rk4'); // the flow model's own default
    expect(a.config.sampling.phase).toBe('reverse');
    expect(a.trainSteps).toBe(0);
    const d = parseArgs(['--sampler', 'ddpm', '--schedule', 'cosine', '--T', '200']);
    expect([d.config.sampling.sampler, d.config.schedule.kind, d.config.schedule.T, d.config.data.particles, d.trainSteps]).toEqual(['ancestral', 'cosine', 200, 4096, 2000]);
    const g = parseArgs(['--model', 'wgan-gp', '--lr', '0.002']);
    expect([g.config.gan.generatorLearningRate, g.config.gan.criticLearningRate]).toEqual([0.002, 0.002]);
    const f = parseArgs(['--data', 'points.csv', '--field', 'exact', '--train-steps', '500']);
    expect(f.data).toEqual({ kind: 'file', path: 'points.csv' });
    expect(f.config.data.source).toBe('custom');
    expect(f.trainSteps).toBe(0);
    expect(f.notes).toEqual(['note: --field exact samples the exact field of the data; --train-steps ignored']);
    // Options that this model or sampler does not read are accepted with a note.
    expect(parseArgs(['--model', 'flow', '--T', '100', '--eta', '0.5']).notes).toHaveLength(2);
    expect(parseArgs(['--sampler', 'ddim', '--eta', '0.5']).notes).toEqual([]);
  });

  it('rejects what the app would reject, in one line', () => {
    const bad: [string[], RegExp][] = [
      [['--model', 'vae'], /--model vae: must be one of ddpm, score, flow, gan, wgan, wgan-gp/],
      [['--width', '9999'], /--width 9999: must be in \[16, 512\]/],
      [['--depth', '2.5'], /--depth 2.5: must be an integer/],
      [['--lr', '1e-3x'], /--lr "1e-3x": not a number/],
      [['--eta', '2'], /--eta 2: must be in \[0, 1\]/],
      [['--schedule', 'quadratic'], /must be one of linear, cosine/],
      [['--sampler', 'langevin'], /the ddpm model samples with ddpm, ddim/],
      [['--model', 'flow', '--sampler', 'ddim'], /the flow model samples with rk4, heun, euler/],
      [['--model', 'gan', '--sampler', 'ddim'], /has no sampler/],
      [['--model', 'gan', '--field', 'exact'], /a gan has no exact field/],
      [['--train-steps', '1.5'], /must be an integer in \[0, 10000000\]/],
      [['--samples'], /--samples needs a value/],
      [['--help=1'], /--help takes no value/],
      [['--nope'], /unknown option --nope/],
      [['--seed', '1', '--seed', '2'], /given more than once/],
      [['moons'], /unexpected argument "moons"/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parseArgs(argv), argv.join(' ')).toThrow(UsageError);
      expect(() => parseArgs(argv), argv.join(' ')).toThrow(message);
    }
    // A negative number is a value, not an option.
    expect(() => parseArgs(['--eta', '-0.5'])).toThrow(/--eta -0.5: must be in \[0, 1\]/);
  });
});

describe('the CLI end to end', () => {
  it('--field exact with DDIM on 8 Gaussians reproduces the data: metrics far below the noise baseline, every mode covered', async () => {
    const report = join(dir, 'exact.json');
    const r = await cli('--model', 'ddpm', '--data', '8gaussians', '--field', 'exact', '--sampler', 'ddim', '--nfe', '20', '--samples', '1000', '--report', report);
    expect(r.code, r.err).toBe(0);
    const m = readReport(report).metrics;
    // Measured: energy distance 0.0027 against 0.074 for noise (and about 0 between two draws of the data).
    expect(m.samples.energyDistance).toBeLessThan(m.noise.energyDistance / 10);
    expect(m.samples.slicedWasserstein).toBeLessThan(m.noise.slicedWasserstein / 3);
    expect(m.samples.w1).toBeLessThan(m.noise.w1 / 3);
    // The median-heuristic bandwidth (about 2) is wide next to these narrow modes: MMD separates less.
    expect(m.samples.mmd).toBeLessThan(m.noise.mmd / 2);
    expect(m.samples.modeCoverage?.covered).toBe(8);
    expect(m.samples.modeCoverage?.tv).toBeLessThan(0.15);
    expect(m.nfe).toBe(20);
    expect(r.out).toMatch(/^ddpm on 8 Gaussians: 1000 samples in/);
    expect(r.out).toMatch(/modes covered\s+8\/8\s+\d\/8\s+8\/8/);
    expect(r.out).toMatch(/NFE \(one pass\)\s+20/);
    // The estimators are named (issue 16.5): the energy distance is a U-statistic and can read below 0.
    expect(r.out).toMatch(/^energy distance \(U-statistic, can be < 0\)\s/m);
    expect(readReport(report).metrics.estimators.energyDistance).toMatch(/^unbiased U-statistic .* can read below 0$/);
  });

  it('a short --model flow run writes a CSV of the right size and a report with every metric', async () => {
    const out = join(dir, 'flow.csv');
    const report = join(dir, 'flow.json');
    const r = await cli('--model', 'flow', '--data', 'moons', '--train-steps', '30', '--batch', '128', '--width', '32', '--depth', '2', '--samples', '1000', '--nfe', '10', '--out', out, '--report', report);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('x,y');
    const rows = csvRows(out);
    expect(rows).toHaveLength(1000);
    expect(rows.every((row) => row.length === 2 && row.every(Number.isFinite))).toBe(true);
    const rep = readReport(report);
    expect(rep.config.model).toMatchObject({ kind: 'flow', width: 32, depth: 2, batchSize: 128 });
    expect(rep.backend.name).toBe('wasm');
    expect(rep.run).toMatchObject({ model: 'flow', sampler: 'rk4', field: 'learned', trainSteps: 30, samples: 1000 });
    expect(rep.lossCurve.map((p) => p.step)).toEqual([10, 20, 30]);
    expect(rep.lossCurve.every((p) => Number.isFinite(p.loss))).toBe(true);
    for (const set of [rep.metrics.samples, rep.metrics.noise, rep.metrics.data]) {
      for (const key of ['energyDistance', 'slicedWasserstein', 'mmd', 'mmdBandwidth', 'w1', 'w2'] as const) expect(Number.isFinite(set[key]), key).toBe(true);
      expect(set.modeCoverage).toBeNull(); // two moons is not a mixture
      expect(set.w2).toBeGreaterThanOrEqual(set.w1 - 1e-9);
    }
    expect(rep.metrics.nfe).toBe(9 * 4 + 1);
    expect(rep.metrics.straightness).toBeGreaterThan(0);
    expect(rep.metrics.straightness).toBeLessThanOrEqual(1);
    expect(Object.keys(rep.timings).sort()).toEqual(['buildMs', 'loadMs', 'metricsMs', 'sampleMs', 'totalMs', 'trainMs', 'trainStepsPerSecond']);
    expect(r.err).toMatch(/training: 30 steps in/);
    expect(r.err).toMatch(/100% training 30\/30 steps/);
  });

  it('a CSV in its own units: samples come back in those units; a PNG: in pixels', async () => {
    // A ring of radius 50 around (1000, -200) in the file's units.
    const rng = createRng(3);
    const lines = ['x;y'];
    for (let i = 0; i < 400; i++) {
      const a = 2 * Math.PI * rng.uniform();
      lines.push(`${(1000 + 50 * Math.cos(a)).toFixed(3)};${(-200 + 50 * Math.sin(a)).toFixed(3)}`);
    }
    writeFileSync(join(dir, 'ring.csv'), lines.join('\n'));
    const out = join(dir, 'ring-samples.csv');
    const report = join(dir, 'ring.json');
    const r = await cli('--data', join(dir, 'ring.csv'), '--model', 'flow', '--field', 'exact', '--nfe', '20', '--samples', '1000', '--out', out, '--report', report);
    expect(r.code, r.err).toBe(0);
    const radii = csvRows(out).map(([x, y]) => Math.hypot(x - 1000, y + 200));
    expect(radii.filter((d) => Math.abs(d - 50) < 5).length).toBeGreaterThan(950);
    const rep = readReport(report);
    expect(rep.run.data).toMatchObject({ source: 'file', format: 'csv', points: 400, dim: 2, header: ['x', 'y'] });
    expect(rep.config.data.source).toBe('custom');

    // A PNG: a dark square at columns 10..19, rows 10..19 of a 40 x 40 white image; y up, so y in [20, 30].
    const png = new PNG({ width: 40, height: 40 });
    for (let p = 0; p < 1600; p++) {
      const dark = p % 40 >= 10 && p % 40 < 20 && Math.floor(p / 40) >= 10 && Math.floor(p / 40) < 20;
      png.data.set(dark ? [0, 0, 0, 255] : [255, 255, 255, 255], 4 * p);
    }
    writeFileSync(join(dir, 'square.png'), PNG.sync.write(png));
    const pout = join(dir, 'square-samples.csv');
    const p = await cli('--data', join(dir, 'square.png'), '--model', 'ddpm', '--field', 'exact', '--sampler', 'ddim', '--nfe', '20', '--samples', '1000', '--out', pout);
    expect(p.code, p.err).toBe(0);
    const inside = csvRows(pout).filter(([x, y]) => x > 9 && x < 21 && y > 19 && y < 31).length;
    expect(inside).toBeGreaterThan(950);
  });

  it('a GAN run samples G(z) once (NFE 1, no straightness)', async () => {
    const report = join(dir, 'gan.json');
    const r = await cli('--model', 'gan', '--data', 'rings', '--train-steps', '10', '--width', '16', '--depth', '1', '--batch', '64', '--samples', '1000', '--report', report);
    expect(r.code, r.err).toBe(0);
    const rep = readReport(report);
    expect(rep.metrics.nfe).toBe(1);
    expect(rep.metrics.straightness).toBeNull();
    expect(rep.run.sampler).toBeNull();
    expect(rep.lossCurve.map((l) => l.step)).toEqual([10]);
    expect(Number.isFinite(rep.lossCurve[0].generator)).toBe(true);
    expect(r.out).toMatch(/straightness\s+n\/a/);
  });

  it('bad options and bad data exit 2 with one line on stderr and nothing on stdout', async () => {
    writeFileSync(join(dir, 'bad.csv'), 'x,y\n1,2\n3,abc\n');
    writeFileSync(join(dir, 'one.csv'), '1\n2\n3\n');
    writeFileSync(join(dir, 'archive.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0]));
    const cases: [string[], RegExp][] = [
      [['--width', '9999'], /^error: --width 9999: must be in \[16, 512\]\n$/],
      [['--model', 'gan', '--field', 'exact'], /^error: --field exact: a gan has no exact field/],
      [['--data', 'nowhere'], /^error: --data nowhere: not a built-in data set \(gaussians-8, .*\) and no such file\n$/],
      [['--data', join(dir, 'missing.csv')], /^error: --data .*missing\.csv: no such file\n$/],
      [['--data', join(dir, 'bad.csv')], /^error: bad\.csv, line 3, column 2: "abc" is not a number\n$/],
      [['--data', join(dir, 'one.csv')], /^error: one\.csv, line 1: only 1 column/],
      [['--data', join(dir, 'archive.csv')], /^error: archive\.csv is a ZIP archive/],
      [['--out', join(dir, 'no', 'such', 'dir.csv')], /^error: --out .*dir\.csv: cannot write there/],
      [['--report', dir], /^error: --report .*: is a directory\n$/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('--help prints every option and exits 0', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const o of ['model', 'data', 'train-steps', 'batch', 'lr', 'width', 'depth', 'seed', 'schedule', 'T', 'sampler', 'nfe', 'eta', 'field', 'samples', 'out', 'report']) expect(r.out).toContain(`--${o} `);
  });

  it('as a process (npm run headless): exit code 2, the message, no stack trace', () => {
    const p = spawnSync('npx', ['tsx', 'src/cli/headless.ts', '--model', 'ddpm', '--samples', '12'], { encoding: 'utf8', timeout: 60_000 });
    expect(p.status).toBe(2);
    expect(p.stderr).toBe('error: --samples 12: must be in [1000, 200000]\n');
    expect(p.stdout).toBe('');
  });
});
