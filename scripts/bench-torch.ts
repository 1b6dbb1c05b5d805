/**
 * The PyTorch side of `npm run bench` (issue 14): runs ../shared/perf/anchor_torch.py (the same MLP,
 * 3 -> 3 x 128 SiLU -> 2, Adam, MSE, on the CPU with 2 threads) in a child process and reads its JSON,
 * so that our Node wasm figures and PyTorch's come from one run on the same machine. Where python3
 * or torch is missing, says "PyTorch not installed" instead of failing the benchmark. No tfjs here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The figures of the anchor that the Node table compares with (ms per training step, forward particle-steps/s). */
export interface TorchFigures {
  readonly version: string;
  readonly threads: number;
  readonly trainMs: Readonly<Record<number, number>>;
  readonly samplerStepsPerS: Readonly<Record<number, number>>;
}

/** The anchor's default place: ../shared/perf/anchor_torch.py next to the repository. */
export const DEFAULT_TORCH_ANCHOR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'perf', 'anchor_torch.py');

/**
 * Parses the anchor's JSON (keys train_ms_b1024, train_ms_b4096, particle_steps_per_s_n10000, ...).
 * @throws Error when it is not JSON or lacks the training figures.
 */
export function parseTorchAnchor(stdout: string): TorchFigures {
  const raw = JSON.parse(stdout) as Record<string, unknown>;
  const trainMs: Record<number, number> = {};
  const samplerStepsPerS: Record<number, number> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'number') continue;
    const train = /^train_ms_b(\d+)$/.exec(key);
    const sampler = /^particle_steps_per_s_n(\d+)$/.exec(key);
    if (train) trainMs[Number(train[1])] = value;
    if (sampler) samplerStepsPerS[Number(sampler[1])] = value;
  }
  if (Object.keys(trainMs).length === 0) throw new Error('no train_ms_b* figure in the anchor output');
  return { version: String(raw.torch ?? '?'), threads: Number(raw.threads ?? Number.NaN), trainMs, samplerStepsPerS };
}

/**
 * Runs the anchor once (as its header says: /usr/bin/python3 where present, without OPENBLAS_CORETYPE
 * and OPENBLAS_L2_SIZE). Never throws.
 * @param anchor path of anchor_torch.py. @param timeoutS wall-clock limit of the child, seconds.
 * @returns the figures, or why there are none ("PyTorch not installed", "anchor not found", ...).
 */
export function runTorchAnchor(anchor: string = DEFAULT_TORCH_ANCHOR, timeoutS = 600): { figures: TorchFigures } | { missing: string } {
  if (!existsSync(anchor)) return { missing: `PyTorch anchor not found (${anchor})` };
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const probe = spawnSync(python, ['-c', 'import torch'], { env, encoding: 'utf8', timeout: 60_000 });
  if (probe.error !== undefined || probe.status !== 0) return { missing: 'PyTorch not installed' };
  const run = spawnSync(python, [anchor], { env, encoding: 'utf8', timeout: timeoutS * 1000, maxBuffer: 1 << 20 });
  if (run.error !== undefined || run.status !== 0) {
    const why = run.error?.message ?? (run.stderr.trim().split('\n').pop() || `exit ${run.status}`);
    return { missing: `PyTorch anchor failed (${why})` };
  }
  try {
    return { figures: parseTorchAnchor(run.stdout) };
  } catch (e) {
    return { missing: `PyTorch anchor output unreadable (${e instanceof Error ? e.message : String(e)})` };
  }
}
