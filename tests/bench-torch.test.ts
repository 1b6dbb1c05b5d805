// Issue 14: the PyTorch side of `npm run bench` (scripts/bench-torch.ts): reading the anchor's JSON, and
// a missing anchor reported in words rather than as a failure.
import { describe, expect, it } from 'vitest';
import { parseTorchAnchor, runTorchAnchor } from '../scripts/bench-torch';

describe('PyTorch anchor (scripts/bench-torch.ts)', () => {
  it('reads the training and forward figures of the anchor JSON by batch and particle count', () => {
    const out = JSON.stringify({
      torch: '2.1.0', threads: 2, numpy_gemm_gflops: 90.5, params: 33794,
      train_ms_b1024: 5.5, train_gflops_b1024: 41.8, train_ms_b4096: 14.25,
      fwd_ms_n10000: 20, particle_steps_per_s_n10000: 500000, fwd_ms_n100000: 242.7, particle_steps_per_s_n100000: 412000,
    });
    const f = parseTorchAnchor(out);
    expect(f.version).toBe('2.1.0');
    expect(f.threads).toBe(2);
    expect(f.trainMs).toEqual({ 1024: 5.5, 4096: 14.25 });
    expect(f.samplerStepsPerS).toEqual({ 10000: 500000, 100000: 412000 });
  });

  it('rejects output that is not the anchor JSON', () => {
    expect(() => parseTorchAnchor('Traceback (most recent call last):')).toThrow();
    expect(() => parseTorchAnchor('{"torch": "2.1.0"}')).toThrow(/train_ms_b/);
  });

  it('says so, without throwing, when the anchor script is missing', () => {
    const r = runTorchAnchor('/nonexistent/anchor_torch.py');
    expect(r).toEqual({ missing: 'PyTorch anchor not found (/nonexistent/anchor_torch.py)' });
  });
});
