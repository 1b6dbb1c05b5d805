import { describe, expect, it } from 'vitest';
import { cpuJson, cpuSplit } from '../src/bench/cpu-split';
import { chromiumThreadTicks } from '../scripts/cpu-split';

describe('cpuSplit: Chromium threads CPU ticks -> cores per group (issue 14)', () => {
  const before = new Map([
    ['gpu-process:main', 100],
    ['gpu-process:Thread<00>', 1000],
    ['gpu-process:Thread<01>', 900],
    ['gpu-process:VizCompositorTh', 50],
    ['renderer:main', 2000],
    ['renderer:Compositor', 10],
    ['browser:main', 300],
    ['utility:main', 5],
    ['renderer:Gone', 40],
  ]);
  // 10 s later (100 ticks a second): the raster threads took 4.7 and 4.6 s, the renderer's main thread 3.1 s ...
  const after = new Map([
    ['gpu-process:main', 150],
    ['gpu-process:Thread<00>', 1470],
    ['gpu-process:Thread<01>', 1360],
    ['gpu-process:VizCompositorTh', 180],
    ['renderer:main', 2310],
    ['renderer:Compositor', 50],
    ['renderer:ThreadPoolForeg', 60],
    ['browser:main', 320],
    ['utility:main', 5],
  ]);

  it('sums the GPU process, the renderer main thread, its other threads and the rest, in cores', () => {
    const { cores, threads } = cpuSplit(before, after, 10);
    expect(cores.gpu_process).toBeCloseTo((50 + 470 + 460 + 130) / 1000, 12);
    expect(cores.renderer_main).toBeCloseTo(0.31, 12);
    expect(cores.renderer_other).toBeCloseTo((40 + 60) / 1000, 12);
    expect(cores.other).toBeCloseTo(0.02, 12);
    expect(cores.total).toBeCloseTo(1.11 + 0.31 + 0.1 + 0.02, 12);
    // Busiest first, threads under 0.01 core (the idle utility process) left out; a thread that ended is gone.
    expect(threads[0][0]).toBe('gpu-process:Thread<00>');
    expect(threads[0][1]).toBeCloseTo(0.47, 12);
    expect(threads.map(([k]) => k)).not.toContain('utility:main');
    expect(threads.map(([k]) => k)).not.toContain('renderer:Gone');
    expect(threads.map(([, v]) => v)).toEqual([...threads.map(([, v]) => v)].sort((a, b) => b - a));
  });

  it('counts a thread that started between the readings from 0, and rejects a non-positive interval', () => {
    expect(cpuSplit(new Map(), new Map([['renderer:main', 50]]), 2).cores.renderer_main).toBeCloseTo(0.25, 12);
    expect(() => cpuSplit(before, after, 0)).toThrow(RangeError);
    expect(() => cpuSplit(before, after, Number.NaN)).toThrow(RangeError);
  });

  it('names the JSON keys scene.<cell>[suffix].cpu_cores.<group>, null when not measured', () => {
    const { cores } = cpuSplit(before, after, 10);
    const json = cpuJson('gan', cores);
    expect(Object.keys(json).sort()).toEqual(['gpu_process', 'other', 'renderer_main', 'renderer_other', 'total'].map((g) => `scene.gan.cpu_cores.${g}`).sort());
    expect(json['scene.gan.cpu_cores.renderer_main']).toBeCloseTo(0.31, 12);
    expect(Object.values(cpuJson('default', null, '.n20000'))).toEqual([null, null, null, null, null]);
    expect(Object.keys(cpuJson('default', null, '.n20000'))[0]).toBe('scene.default.n20000.cpu_cores.gpu_process');
  });

  it('reads no threads when this process started no Chromium', () => {
    expect(chromiumThreadTicks().size).toBe(0);
  });
});
