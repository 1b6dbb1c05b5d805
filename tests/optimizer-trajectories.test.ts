import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { optimizerTrajectories, type Trajectories } from './optimizer-trajectories';

describe('optimizer trajectories (recorded before GameOptimizer was built on flat-optimizers.ts)', () => {
  it('20 fixed-seed steps of each GAN game and of flow matching end at the recorded weights, to 1e-6', () => {
    const recorded = JSON.parse(readFileSync(new URL('./fixtures/optimizer-trajectories.json', import.meta.url), 'utf8')) as Trajectories;
    const now = optimizerTrajectories();
    expect(Object.keys(now).sort()).toEqual(['flow-matching', 'gan', 'wgan', 'wgan-gp']);
    for (const [run, variables] of Object.entries(now)) {
      expect(variables.length, run).toBe(recorded[run].length);
      let worst = 0;
      let moved = 0;
      variables.forEach((values, i) => {
        expect(values.length, `${run} variable ${i}`).toBe(recorded[run][i].length);
        values.forEach((x, k) => {
          worst = Math.max(worst, Math.abs(x - recorded[run][i][k]));
          moved = Math.max(moved, Math.abs(x));
        });
      });
      expect(worst, run).toBeLessThan(1e-6);
      expect(moved, run).toBeGreaterThan(1e-3); // real weights, not zeros
    }
  });
});
