/**
 * The HUD presenter: fills the heads-up display (and the presentation caption) from the loop's
 * statistics, the session and the backend choice. Its {@link HudPresenter.update} runs on the loop's
 * cadence (a few times a second, paused too).
 */
import { Color } from 'three/webgpu';
import { effectiveSampler } from '../config/playground-config';
import type { GameLoop } from '../loop';
import type { BackendChoice } from '../platform/tf-backend';
import { timeColor } from '../scene/palette';
import type { Stage } from '../scene/stage';
import { captionFormula, paceText } from '../ui/caption-text';
import type { PassPace } from '../loop/pass-pace';
import { pauseLabel, type Hud } from '../ui/hud';
import type { CaptionState, Presentation } from '../ui/presentation';
import type { ParticleView } from './particle-view';
import { kindTitle, modelKind } from '../models/kinds';
import { hudWarnings } from './hud-warnings';
import { asDiffusion, asGan } from './session-family';
import type { ChartedScene, TrainingCharts } from './training-charts';
import type { TrainingThread } from '../session/remote-training';

/** What the HUD reads. */
export interface HudSources {
  readonly scene: ChartedScene;
  readonly loop: GameLoop;
  readonly stage: Stage;
  readonly view: ParticleView;
  readonly choice: BackendChoice;
  readonly presentation: Presentation;
  readonly charts: TrainingCharts;
  /** What the machine affords in words (app/machine-fit's affordsLine), shown after the backend; omitted: the backend alone. */
  readonly affords?: () => string;
  /** The pace of the passes (app/pass-pacer), for the pace line; absent: no measured estimate. */
  readonly pace?: () => PassPace;
  /** Where training runs (app/worker-training); absent: the page's frame loop. */
  readonly training?: { readonly thread: TrainingThread; readonly stepsPerSecond: number; readonly trainingStopped: string | null };
}

/** The HUD's words for training in a worker. */
export const WORKER_TRAINING_WORDS = 'training in a worker (second core)';

/** Keeps the HUD, the caption and the plots current. */
export class HudPresenter {
  /** The backend in a few words; the full story of the choice is in its tooltip. */
  private readonly backend: string;
  private readonly scratch = new Color();

  constructor(
    private readonly hud: Hud,
    private readonly src: HudSources,
  ) {
    const c = src.choice;
    this.backend = `${c.short}${c.failedNames.length > 0 ? ` · ${c.failedNames.join(', ')} failed to start` : c.software && c.skipped.length > 0 ? ' · no hardware GPU found' : ''}`;
  }

  /** The caption's title line (model, data, sampler or game settings) with the pace in words after the sampler (diffusion); the HUD shows the pace on a line of its own under the title. */
  title(): string {
    const title = kindTitle(this.src.scene.config, this.src.scene.session.sceneData.label);
    const pace = this.paceLine();
    return pace === '' ? title : `${title}: ${pace}`;
  }

  /** The pace in words after the title, which names the sampler ("100 of 1000 steps (every 10th) to hold 4 s per pass"); '' for a GAN. */
  paceLine(): string {
    const { config, session } = this.src.scene;
    const d = asDiffusion(session);
    if (d === null) return '';
    const pace = this.src.pace?.();
    const full = d.fitting.full.nfe;
    return paceText({
      sampler: '',
      fit: d.fitting.fit,
      secondsPerPass: config.sampling.secondsPerPass,
      mode: config.sampling.passSteps,
      allSeconds: pace === undefined ? Number.NaN : pace.passSeconds(full),
    });
  }

  /** The caption: model (with the pace in words), phase, t and the formula in use. */
  captionState(): CaptionState {
    const { config, session } = this.src.scene;
    const p = session.particles;
    const gan = asGan(session) !== null;
    return {
      title: this.title(),
      phase: gan ? 'generating' : p.motion,
      time: gan ? `$x = G(z)$ after ${session.trainSteps.toLocaleString('en')} training steps` : `$t = ${p.t} / ${p.T}$`,
      formula: captionFormula(config.model.kind, p.motion === 'forward' || p.motion === 'reverse' ? p.motion : 'hold', effectiveSampler(config)),
    };
  }

  /** One refresh of the HUD, the caption and the plots. */
  update(): void {
    const { scene, loop, stage, view, choice, presentation, charts } = this.src;
    const { config, session } = scene;
    const s = loop.stats;
    const p = session.particles;
    const diffusion = asDiffusion(session);
    const training = this.src.training;
    const inWorker = training?.thread === 'worker';
    const stopped = inWorker ? (training?.trainingStopped ?? null) : session.trainingStopped;
    charts.refresh();
    const phase = diffusion === null ? 'generating' : config.sampling.phase === p.motion ? p.motion : `${config.sampling.phase} · ${p.motion}`;
    if (presentation.active && presentation.caption) presentation.setCaption(this.captionState());
    this.hud.update({
      title: kindTitle(config, session.sceneData.label),
      pace: this.paceLine(),
      // A GAN's particles are G itself: its paused scene does not train either (main.ts).
      phase: [phase, pauseLabel(config.sampling.paused, config.model.trainPaused || (diffusion === null && config.sampling.paused))].filter((x) => x !== '').join(' · '),
      time: diffusion === null ? '$x = G(z)$, $z$ fixed' : `$t = ${p.t} / ${p.T}$`,
      t: p.t,
      T: p.T,
      timeColor: `#${timeColor(p.t / p.T, this.scratch).getHexString()}`,
      backend: [this.backend, this.src.affords?.() ?? '', inWorker ? WORKER_TRAINING_WORDS : ''].filter((x) => x !== '').join(' · '),
      backendDetail: choice.reason,
      simLabel: diffusion === null ? '$G(z)$' : 'diffusion',
      renderer: `three.js ${stage.backendName} · positions ${view.positions.mode === 'gpu' ? 'GPU→GPU copy' : 'async readback'}`,
      fps: s.fps,
      frameMs: s.frameMs,
      trainStepsPerSecond: inWorker ? (training?.stepsPerSecond ?? 0) : s.trainStepsPerSecond,
      simStepsPerSecond: s.simStepsPerSecond,
      targetStepsPerSecond: config.sampling.paused || diffusion === null ? 0 : Math.round(diffusion.pass.steps / config.sampling.secondsPerPass),
      trainSteps: session.trainSteps,
      loss: session.loss,
      straightness: diffusion?.straightness ?? Number.NaN,
      particles: p.count,
      warnings: hudWarnings(modelKind(config), diffusion?.schedule ?? null, stopped),
      warningDetail: stopped ?? '',
    });
  }
}
