/**
 * Where headless Chromium's CPU goes while a scene runs (issue 14: "is there a free core for a training
 * worker?"), the pure part: CPU ticks per thread, read twice (scripts/cpu-split.ts reads them from Linux's
 * /proc), turned into cores (CPU seconds per wall second) per group of threads: the GPU process (where
 * SwiftShader rasterises and Viz composites), the renderer's main thread (the page's JavaScript, tfjs wasm,
 * style and layout), the renderer's other threads, and the rest (the browser and utility processes).
 * No DOM, no Node; tests/bench-cpu-split.test.ts checks it.
 */

/** CPU ticks (user + system) so far per `process type:thread name`; a process's main thread is `<type>:main` (e.g. `renderer:main`, `gpu-process:VizCompositorTh`). */
export type ThreadTicks = ReadonlyMap<string, number>;

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on every Linux this runs on). */
export const TICKS_PER_S = 100;

/** Cores used per group of Chromium's threads between two readings. */
export interface CpuCores {
  /** The GPU process (SwiftShader's raster threads, the Viz compositor, GL), cores. */
  readonly gpu_process: number;
  /** The renderer's main thread (the page's JavaScript and tfjs wasm, style, layout, paint), cores. */
  readonly renderer_main: number;
  /** The renderer's other threads (its compositor, raster and thread-pool workers), cores. */
  readonly renderer_other: number;
  /** The browser process and the utility processes, cores. */
  readonly other: number;
  readonly total: number;
}

/** The groups of {@link CpuCores}, in the order tables and JSON show them. */
export const CPU_GROUPS = ['gpu_process', 'renderer_main', 'renderer_other', 'other', 'total'] as const;

/**
 * The cores (CPU seconds per wall second) each group of threads used between two readings `seconds`
 * apart, and every thread with at least `minCores`, most first. A thread that ended between the readings
 * is left out (its ticks are gone with it); one that started counts from 0.
 * @throws RangeError if seconds is not a finite number > 0.
 */
export function cpuSplit(before: ThreadTicks, after: ThreadTicks, seconds: number, minCores = 0.01): { cores: CpuCores; threads: [string, number][] } {
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new RangeError(`seconds must be a finite number > 0, got ${seconds}`);
  const all = [...after.entries()].map(([k, v]): [string, number] => [k, Math.max(0, v - (before.get(k) ?? 0)) / TICKS_PER_S / seconds]);
  const sum = (pred: (key: string) => boolean): number => all.filter(([k]) => pred(k)).reduce((s, [, v]) => s + v, 0);
  const gpu = sum((k) => k.startsWith('gpu-process:'));
  const main = sum((k) => k === 'renderer:main');
  const rendererOther = sum((k) => k.startsWith('renderer:') && k !== 'renderer:main');
  const total = sum(() => true);
  return {
    cores: { gpu_process: gpu, renderer_main: main, renderer_other: rendererOther, other: Math.max(0, total - gpu - main - rendererOther), total },
    threads: all.filter(([, v]) => v >= minCores).sort((a, b) => b[1] - a[1]),
  };
}

/** The split under JSON keys `scene.<name><suffix>.cpu_cores.<group>` (null for every group when not measured). */
export function cpuJson(name: string, cores: CpuCores | null, suffix = ''): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const g of CPU_GROUPS) out[`scene.${name}${suffix}.cpu_cores.${g}`] = cores === null ? null : cores[g];
  return out;
}
