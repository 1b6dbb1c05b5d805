/**
 * The pace of the running scene in seconds per pass (issue 14): reads the loop's statistics while the
 * particles run a reverse pass, fits the evaluations of the next passes to what the machine affords
 * (loop/pass-pace), and sets the loop's steps per second so that a pass of the fitted steps lasts
 * `sampling.secondsPerPass`. The session takes a new fit only between passes.
 */
import type { PlaygroundConfig } from '../config/playground-config';
import { STATS_WINDOW_MS, type GameLoop } from '../loop';
import { PassPace } from '../loop/pass-pace';
import type { DiffusionSession } from '../session/diffusion-session';
import type { Session } from '../session/create-session';
import { holdSteps } from './live-settings';
import { asDiffusion } from './session-family';

/** ms of simulation per second of wall time the fit may plan for: 30 % of every frame, leaving the rest to drawing and training. */
export const PACE_SIM_MS_PER_SECOND = 300;

/** How often the pacer reads the loop's statistics (ms): one statistics window. */
export const PACE_EVERY_MS = STATS_WINDOW_MS;

/** The loop's rate for a GAN scene (its particles move when the generator does; nothing to pace). */
export const GAN_STEPS_PER_SECOND = 60;

/** The loop's steps per second for `session` under the config's pace: the pass's simulation steps over secondsPerPass. */
export function pacedStepsPerSecond(config: PlaygroundConfig, session: Session): number {
  const d = asDiffusion(session);
  return d === null ? GAN_STEPS_PER_SECOND : d.pass.steps / config.sampling.secondsPerPass;
}

/** Keeps the loop's rate and the particles' evaluations per pass on the config's pace. */
export class PassPacer {
  private pace: PassPace;
  /** The reverse pass seen at the last reading (a window counts only when it was all reverse). */
  private last: { session: DiffusionSession; t: number } | null = null;

  constructor(
    private readonly loop: GameLoop,
    private readonly config: PlaygroundConfig,
    private readonly session: () => Session,
  ) {
    this.pace = this.makePace();
  }

  /** The pace in use (its measured ms per evaluation, its estimate of a pass). */
  get current(): PassPace {
    return this.pace;
  }

  /** After a change of the config or the session: the pace's settings, the fit, the loop's rate and the rest at each end. */
  apply(): void {
    const { secondsPerPass, passSteps } = this.config.sampling;
    if (secondsPerPass !== this.pace.secondsPerPass || passSteps !== this.pace.mode) this.pace = this.makePace(this.pace.msPerEvaluation);
    const d = asDiffusion(this.session());
    if (d !== null) {
      d.fitting.onPassChange = () => this.applyRate();
      this.refit(d);
    }
    this.applyRate();
  }

  /** One reading of the loop's statistics (on the loop's cadence): a window spent in the reverse pass measures the cost, then the fit follows. */
  update(): void {
    const d = asDiffusion(this.session());
    if (d === null || !this.loop.running || this.loop.paused) {
      this.last = null;
      return;
    }
    const p = d.particles;
    const reverse = p.motion === 'reverse';
    if (reverse && this.last !== null && this.last.session === d && this.last.t > p.t) {
      const s = this.loop.stats;
      const pass = d.pass;
      this.pace.observe({ simMsPerSecond: s.simMs * s.fps, stepsPerSecond: s.simStepsPerSecond, evaluationsPerStep: pass.nfe / pass.steps, askedStepsPerSecond: this.loop.stepsPerSecond });
    }
    this.last = reverse ? { session: d, t: p.t } : null;
    this.refit(d);
  }

  private refit(d: DiffusionSession): void {
    d.fitting.request(this.pace.evaluations(d.fitting.full.nfe, d.pass.nfe));
  }

  private applyRate(): void {
    const sps = pacedStepsPerSecond(this.config, this.session());
    this.loop.setStepsPerSecond(sps);
    asDiffusion(this.session())?.setHoldSteps(holdSteps(sps));
  }

  private makePace(measured = Number.NaN): PassPace {
    const pace = new PassPace({ secondsPerPass: this.config.sampling.secondsPerPass, mode: this.config.sampling.passSteps, simMsPerSecond: PACE_SIM_MS_PER_SECOND });
    if (!Number.isNaN(measured)) pace.observe({ simMsPerSecond: measured, stepsPerSecond: 1, evaluationsPerStep: 1 });
    return pace;
  }
}
