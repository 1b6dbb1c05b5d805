/**
 * The settings panel's buttons (reset, step, restart, reflow, files, links, presets, weights) as
 * actions on the scene controller, the loop and the file intake.
 */
import { findPreset, presetConfig } from '../config/presets';
import { presetToJson } from '../config/preset-file';
import type { GameLoop } from '../loop';
import type { Stage } from '../scene/stage';
import { saveWeights } from '../session/saved-weights';
import type { GuiActions } from '../ui/config-gui';
import { download } from '../ui/dom';
import type { FileIntake, ProblemReport } from './file-intake';
import { fileSlug } from './saved-files';
import type { SceneController, Toast } from './scene-controller';
import { kindTitle } from '../models/kinds';
import { asDiffusion, asGan } from './session-family';
import type { TrainingCharts } from './training-charts';

/** What the buttons act on. */
export interface ActionParts {
  readonly scene: SceneController;
  readonly loop: GameLoop;
  readonly stage: Stage;
  readonly charts: TrainingCharts;
  readonly intake: FileIntake;
  readonly toast: Toast;
  readonly report: ProblemReport;
}

/** One simulation step (and for a paused GAN one generator step, since its particles are G itself); `pauseFirst` pauses the scene before. */
export function stepOnce(scene: SceneController, loop: GameLoop, pauseFirst: boolean): void {
  if (pauseFirst && !scene.config.sampling.paused) {
    scene.config.sampling.paused = true;
    scene.apply({ cause: 'pause' });
  }
  const gan = asGan(scene.session);
  if (gan !== null && scene.config.sampling.paused) gan.trainStep(); // one generator step, then G(z) is redrawn
  loop.stepOnce();
}

/** The panel's actions. */
export function guiActions(parts: ActionParts): GuiActions {
  const { scene, loop, stage, charts, intake, toast, report } = parts;
  const config = scene.config;
  return {
    resetWeights: () => {
      scene.session.resetWeights();
      charts.chart.clear();
      toast('Weights reset: training from scratch.');
    },
    stepOnce: () => stepOnce(scene, loop, true),
    restart: () => {
      scene.session.restartParticles();
      toast(asGan(scene.session) !== null ? 'Fresh latent draws z for the particles.' : 'Particles back on the data (t = 0).');
    },
    resetView: () => stage.resetView(),
    reflow: () => {
      const d = asDiffusion(scene.session);
      if (d === null || d.kind.process !== 'straight') {
        toast('Reflow straightens a flow-matching model: choose Model > model = flow matching first.', 'error');
        return;
      }
      toast('Reflow: drawing the model\'s own (sample, noise) pairs…');
      d.reflow()
        .then((done) => done && toast('Reflow: now training on the model\'s own pairs; its paths straighten.'))
        .catch((e: unknown) => toast(`Reflow failed: ${(e as Error).message}`, 'error'));
    },
    loadFile: () => intake.pickData(),
    drawData: () => intake.draw(),
    copyLink: () => {
      scene.writeHash();
      navigator.clipboard.writeText(location.href).then(
        () => toast('Link copied: it opens this scene, seed included (not your own data or the trained weights).'),
        () => toast('Could not copy: the address bar holds the link to this scene.', 'error'),
      );
    },
    savePreset: () => {
      const name = kindTitle(config, scene.session.sceneData.label);
      download(new Blob([presetToJson(name, config)], { type: 'application/json' }), `gp-preset-${fileSlug(name)}.json`);
      if (config.data.source === 'custom') toast('The preset records the settings, not your own points: it opens on the built-in data set.', 'info', 6);
    },
    saveWeights: () => {
      const s = scene.session;
      const name = `${kindTitle(config, s.sceneData.label)} · ${s.trainSteps} steps`;
      saveWeights(s, name)
        .then((text) => {
          download(new Blob([text], { type: 'application/json' }), `gp-weights-${fileSlug(`${config.model.kind}-${s.sceneData.label}-${s.trainSteps}-steps`)}.json`);
          toast(`Saved the weights after ${s.trainSteps.toLocaleString('en')} steps (${(text.length / 2 ** 20).toFixed(1)} MiB) with the settings they were trained under.`);
        })
        .catch((e: unknown) => toast(`Could not save the weights: ${(e as Error).message}`, 'error'));
    },
    openSaved: () => intake.pickSaved(),
    loadPreset: (name) => {
      try {
        const { config: next, problems } = presetConfig(name, scene.defaults);
        report('Preset', problems);
        scene.startPreset(next, findPreset(name)?.label ?? name);
      } catch (e) {
        toast((e as Error).message, 'error');
      }
    },
  };
}
