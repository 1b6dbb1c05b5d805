import { describe, expect, it } from 'vitest';
import type { CellResult } from '../src/bench/ddpm-cells';
import { formatGpuReport, gpuFigures, gpuPlan, parseGpuCheckArgs } from '../scripts/gpu-check';

const measured = (benchmark: string, ms: number, work: number, key: string): CellResult => ({
  backend: 'webgpu',
  benchmark,
  status: 'measured',
  iterations: 10,
  ms,
  work,
  unit: work === 1 ? 'steps/s' : 'particle-steps/s',
  key,
});

describe('gpu-check arguments', () => {
  it('defaults to the issue sizes: batch 1024, 20k and 200k particles, a 120 s box', () => {
    expect(parseGpuCheckArgs([])).toEqual({ quick: false, batch: 1024, particles: [20_000, 200_000], boxS: 120 });
  });

  it('--quick shrinks the sizes for a software adapter; explicit values win', () => {
    expect(parseGpuCheckArgs(['--quick'])).toEqual({ quick: true, batch: 128, particles: [500, 2000], boxS: 120 });
    expect(parseGpuCheckArgs(['--quick', '--batch', '256', '--particles', '1000,4000', '--box', '30'])).toEqual({ quick: true, batch: 256, particles: [1000, 4000], boxS: 30 });
  });

  it('rejects what it cannot use, naming the argument', () => {
    expect(() => parseGpuCheckArgs(['--batch', '0'])).toThrow(/--batch/);
    expect(() => parseGpuCheckArgs(['--particles', '20k'])).toThrow(/--particles/);
    expect(() => parseGpuCheckArgs(['--batch'])).toThrow(/needs a value/);
    expect(() => parseGpuCheckArgs(['--box', '-1'])).toThrow(/--box/);
    expect(() => parseGpuCheckArgs(['--fast'])).toThrow(/unknown argument '--fast'/);
  });

  it('plans every cell to be measured (none extrapolated), each first call boxed', () => {
    const plan = gpuPlan(parseGpuCheckArgs(['--box', '30']));
    expect(plan.all).toBe(true);
    expect(plan.batch).toBe(1024);
    expect(plan.particleCounts).toEqual([20_000, 200_000]);
    expect(plan.train.abandonAfterMs).toBe(30_000);
    expect(plan.sample.abandonAfterMs).toBe(30_000);
  });
});

describe('gpu-check report', () => {
  const results: CellResult[] = [
    measured('train step, batch 1024, 3x128 silu', 2.5, 1, 'train_ms_b1024'),
    measured('reverse step, 20k particles', 0.8, 20_000, 'sampler_particle_steps_per_s_n20000'),
    { backend: 'webgpu', benchmark: 'reverse step, 200k particles', status: 'skipped', iterations: 0, ms: Number.NaN, work: 200_000, unit: 'particle-steps/s', boxMs: 120_000 },
  ];
  const adapter = { name: 'nvidia / hopper', fallback: false };

  it('names the figures gpu.train_ms_b1024 and gpu.reverse_step_ms_n<N> (ms per step; null when not measured) with the adapter', () => {
    expect(gpuFigures(results, adapter)).toEqual({
      'gpu.train_ms_b1024': 2.5,
      'gpu.reverse_step_ms_n20000': 0.8,
      'gpu.reverse_step_ms_n200000': null,
      'gpu.adapter': 'nvidia / hopper',
      'gpu.fallback_adapter': false,
    });
  });

  it('prints the adapter, one table row per cell and a JSON line that parses back to the figures', () => {
    const text = formatGpuReport(parseGpuCheckArgs([]), { name: 'google / swiftshader', fallback: true }, results, ['a note'], '4.22.0');
    expect(text).toContain('Adapter: google / swiftshader (a fallback adapter: software, not a GPU); tfjs 4.22.0');
    expect(text).toMatch(/\| webgpu +\| train step, batch 1024, 3x128 silu +\| +10 \| +2\.50 \| +400 \| steps\/s/);
    expect(text).toMatch(/reverse step, 20k particles +\| +10 \| +0\.80 \| +25\.0 M \| particle-steps\/s/);
    expect(text).toContain('> 120 s (skipped)');
    expect(text).toContain('- a note');
    const json = text.split('\n').find((l) => l.startsWith('JSON '));
    expect(JSON.parse(json?.slice(5) ?? '{}')).toEqual({ ...gpuFigures(results, { name: 'google / swiftshader', fallback: true }) });
    expect(JSON.parse(json?.slice(5) ?? '{}')['gpu.fallback_adapter']).toBe(true);
  });
});
