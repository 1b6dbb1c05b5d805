/**
 * The network evaluations per pass a diffusion scene's particles are fitted to (issue 14): a request from
 * the pace (app/pass-pacer) is taken at the next end of a pass, never mid-pass, as fewer exact steps of the
 * same process (particles/process fitPass).
 */
import type { DiffusionKindEntry, KindSettings, PassLength } from '../models/kinds';
import type { NoiseSchedule } from '../models/schedules';
import type { DiffusionParticles } from '../particles/diffusion-particles';
import { fitPass, type PassFit } from '../particles/process';

/** What the fitting reads of its session. */
export interface FittedScene {
  readonly kind: DiffusionKindEntry;
  readonly config: KindSettings;
  readonly schedule: NoiseSchedule;
  readonly particles: DiffusionParticles;
  /** The particles' pass now (simulation steps and NFE). */
  readonly pass: PassLength;
}

/** The evaluations per pass in use and the ones asked for next. */
export class PassFitting {
  /** Evaluations per pass the particles' process is fitted to (Infinity: the whole pass as set). */
  inUse = Number.POSITIVE_INFINITY;
  /** Called when the particles took a pass of another length, e.g. to pace the loop. */
  onPassChange: (() => void) | null = null;
  private requested = Number.POSITIVE_INFINITY;

  /** @param reprocess gives the particles the process fitted to {@link inUse}. */
  constructor(private readonly scene: FittedScene, private readonly reprocess: () => void) {}

  /** The whole pass as the settings ask for it (every one of the T steps for ancestral, the full NFE): what a fit takes part of. */
  get full(): PassLength {
    return this.scene.kind.pass(this.scene.config);
  }

  /** How much of the whole pass the particles take now: e.g. 100 of 1000 steps. */
  get fit(): PassFit {
    return fitPass(this.scene.kind, this.scene.config, this.scene.schedule.T, this.inUse).fit;
  }

  /** Asks for `n` evaluations per pass (> 0; Infinity: the whole pass), taken at the next end of a pass. */
  request(n: number): void {
    this.requested = n > 0 ? n : 1;
    this.settle();
  }

  /** Takes the request if it differs from the fit in use and the particles are at an end of a pass; {@link onPassChange} follows a new length. */
  settle(): void {
    if (this.requested === this.inUse || !this.scene.particles.atPassEnd) return;
    const before = this.scene.pass;
    this.inUse = this.requested;
    this.reprocess();
    const after = this.scene.pass;
    if (after.steps !== before.steps || after.nfe !== before.nfe) this.onPassChange?.();
  }
}
