/**
 * Wires the playground together: backend -> scene controller (config, session) -> loop (time, and every
 * periodic job on its cadence) -> particle view and scene views (drawing) and the UI (GUI, HUD, files,
 * recording). The only file that knows every part; it also disposes them. The parts are in app/.
 */
import { CPU_LOOP, CPU_PROFILE, defaultConfig, FRAME_TARGET_MS, GPU_LOOP, effectiveSampler, isRelevant, MODEL_SAMPLERS, withProfile } from './config/playground-config';
import { configFromHash, deckLinkFromHash } from './config/url-hash';
import { PRESETS } from './config/presets';
import { animationFrameScheduler, GameLoop, gatedScheduler, performanceClock } from './loop';
import { setPaletteTheme } from './scene/palette';
import { createConfigGui } from './ui/config-gui';
import { h } from './ui/dom';
import { Hud } from './ui/hud';
import { watchFreeArea } from './ui/layout';
import { Presentation, drawCaption, prepareCaption } from './ui/presentation';
import { SlidePanel } from './ui/slide-panel';
import { RecordPanel } from './app/record-panel';
import { FileIntake, type ProblemReport } from './app/file-intake';
import { addLectureFolder } from './app/deck-folder';
import { installDeckHandle } from './app/deck-handle';
import { BUILT_IN_DECK, DeckPresenter } from './app/deck-presenter';
import { recordDeck, type DeckRange } from './app/deck-recording';
import { openWassersteinScene } from './app/wasserstein-scene';
import { guiActions } from './app/gui-actions';
import { HudPresenter } from './app/hud-presenter';
import { applyLiveSettings } from './app/live-settings';
import { GAN_STEPS_PER_SECOND, PACE_EVERY_MS, PassPacer } from './app/pass-pacer';
import { ParticleView } from './app/particle-view';
import { installPlaygroundHandle } from './app/playground-handle';
import { Recorder } from './app/recorder';
import { createRecordHost } from './app/record-host';
import { restoreRecovered, watchForLoss } from './app/recovery';
import { SceneController } from './app/scene-controller';
import { listenForSceneKeys } from './app/scene-keys';
import { SceneViews } from './app/scene-views';
import { affordsLine, keysSetByLink } from './app/machine-fit';
import { fitSceneToMachine, startBackendAndStage, startRefitWatch } from './app/startup';
import { asGan } from './app/session-family';
import { chooseTrainingThread, WorkerTraining } from './app/worker-training';
import { TrainingCharts } from './app/training-charts';

/** Periods of the loop's scheduled work (ms of loop time): views, HUD, a GAN's sample metric. */
const VIEWS_EVERY_MS = 500;
const HUD_EVERY_MS = 250;
const GAME_METRIC_EVERY_MS = 2000;
/** Period of the training worker's duty (ms of loop time): a frame rate over about a second. */
const WORKER_PACE_EVERY_MS = 1000;

function showFatal(overlay: HTMLElement, message: string): void {
  const box = h('div', { className: 'fatal' }, h('div', {}, h('h2', {}, 'Generative Playground could not start'), h('p', {}, message)));
  overlay.append(box);
}

/** A DOM column on the overlay. */
function panelColumn(overlay: HTMLElement, className: string): HTMLElement {
  const column = h('div', { className });
  overlay.append(column);
  return column;
}

async function main(): Promise<void> {
  const canvas = document.getElementById('stage') as HTMLCanvasElement;
  const overlay = document.getElementById('overlay') as HTMLElement;
  const hud = new Hud(overlay);
  const toast = hud.toast.bind(hud);
  const { choice, stage, sharedDevice, notes, recovered } = await startBackendAndStage(canvas, new URLSearchParams(location.search), toast);
  const soft = choice.software;

  // The defaults fitted to this machine by a measured probe (CPU_PROFILE without a hardware GPU if it fails);
  // links only record what differs from them, and what a link sets the re-fit never changes.
  let linkKeys = keysSetByLink(location.hash);
  const { defaults } = await fitSceneToMachine(choice, stage, soft ? withProfile(defaultConfig(), CPU_PROFILE) : defaultConfig(), linkKeys, toast);
  const report: ProblemReport = (source, problems) => {
    if (problems.length === 0) return;
    if (problems.length === 1) return toast(`${source}: ${problems[0]}`, 'error');
    const lines = problems.slice(0, 12).map((p) => `• ${p}`);
    if (problems.length > 12) lines.push(`… and ${problems.length - 12} more`);
    toast(`${source}: ${problems.length} settings fixed or ignored:\n${lines.join('\n')}`, 'error', 15);
  };
  const crawlNote = (config: { data: { particles: number } }, from: string): void => {
    if (soft && config.data.particles > 20_000) toast(`${config.data.particles.toLocaleString('en')} particles on the CPU${from}: each step takes a long while here, so the scene will crawl.`, 'info', 8);
  };
  const fromUrl = configFromHash(location.hash, defaults);
  report('URL', fromUrl.problems);
  const config = fromUrl.config;
  config.sampling.sampler = effectiveSampler(config);
  crawlNote(config, ' (from the link)');

  const bottomPanels = panelColumn(overlay, 'bottom-panels'); // the legends above the plots
  const sidePanels = panelColumn(overlay, 'side-panels');
  // SwiftShader draws an instanced draw one instance at a time (see ParticleLayer's `instanced`); the
  // GPU-to-GPU copy of a shared device needs the instanced [N, D] layout.
  const view = new ParticleView({ stage, sharedDevice, instanced: !soft || sharedDevice !== null });
  const views = new SceneViews(stage, bottomPanels, sidePanels, soft);
  // GPU back-pressure: with a shared WebGPU device the next frame waits for the previous frame's GPU work.
  let gpuBusy = false;
  let recorder: Recorder | null = null;
  let recordPanel: RecordPanel | null = null;
  const draw = (alpha: number): void => {
    view.upload(scene.session, config, alpha, views.surface(scene.session, config));
    stage.render();
  };
  const loop = new GameLoop(
    {
      simulate: () => scene.session.simulate(),
      trainStep: () => {
        // A GAN's particles are G itself: pausing the scene pauses its training too.
        if (asGan(scene.session) !== null && config.sampling.paused) return false;
        // The worker trains on the second core (the grant goes unused); a step asked for while training is paused runs here.
        if (!config.model.trainPaused && followWorker()) return false;
        scene.session.trainStep();
        return true;
      },
      render: (alpha) => {
        draw(alpha);
        if (sharedDevice !== null && !gpuBusy) {
          gpuBusy = true;
          sharedDevice.queue.onSubmittedWorkDone().then(() => (gpuBusy = false), () => (gpuBusy = false));
        }
        recorder?.afterRender();
      },
    },
    { clock: performanceClock, scheduler: gatedScheduler(animationFrameScheduler(), () => !gpuBusy), stepsPerSecond: GAN_STEPS_PER_SECOND, trainBudgetMs: config.model.trainBudgetMs, ...(soft ? CPU_LOOP : GPU_LOOP) },
  );
  // Training in a Web Worker where tfjs runs on the CPU (issue 14); the page's frame loop otherwise and while recording.
  const remote = new WorkerTraining(chooseTrainingThread(choice.name, new URLSearchParams(location.search)), () => scene.session, toast, () => performance.now());
  const followWorker = (): boolean => remote.update(!config.model.trainPaused && !document.hidden && !(asGan(scene.session) !== null && config.sampling.paused), recorder?.busy ?? false);
  const pacer = new PassPacer(loop, config, () => scene.session);
  const applyLive = (): void => applyLiveSettings(loop, config, pacer);
  const scene: SceneController = new SceneController(config, defaults, {
    toast,
    refreshGui: () => gui.refresh(),
    repoint: (session, fresh) => {
      // The one re-point path after any change: layers that no longer fit are rebuilt, a new data set is framed.
      if (view.repoint(session).data) stage.setDimension(session.dim);
      if (fresh) charts.attach();
      views.syncStageView(session, config);
      // A new session's views at once (a GAN panel goes with its scene), not at the next view refresh.
      if (fresh) views.refresh(session, config, view);
      if (fresh) recordPanel?.followScene();
    },
    applyLive,
  });
  const charts = new TrainingCharts(bottomPanels, scene);
  charts.attach();
  stage.setDimension(scene.session.dim);
  view.repoint(scene.session);
  views.syncStageView(scene.session, config);
  applyLive();

  const intake = new FileIntake(overlay, stage, scene, view, toast, report);
  const gui = createConfigGui(config, (group, key) => {
    // Moving the field-t slider pins the field views to that time.
    if (group === 'view' && key === 'fieldT') config.view.fieldFollow = false;
    if (group === 'view' && key === 'metric') charts.attach();
    scene.apply({ cause: 'field', group, key });
    if (group === 'data' && key === 'particles') crawlNote(config, '');
  }, guiActions({ scene, loop, stage, charts, intake, toast, report }), undefined, (group, key, c) => (group === 'sampling' && key === 'sampler' ? MODEL_SAMPLERS[c.model.kind] : null), (group, key, c) => isRelevant(group, key, c, scene.customData?.dim), PRESETS);
  // A link pasted or edited by hand: same validation as at start, the running scene is kept on errors.
  addEventListener('hashchange', () => {
    linkKeys = keysSetByLink(location.hash);
    if (openDeckLink()) return;
    // Fields the link leaves out come from the machine's fitted settings (re-fits included), as the address shows them.
    const { config: next, problems } = configFromHash(location.hash, scene.machineDefaults);
    report('URL', problems);
    scene.adopt(next);
    scene.apply({ cause: 'url' });
  });

  // Recording (issue 6): the recorder drives the scene through the record host; presentation mode and themes.
  const recordHost = createRecordHost({ canvas, scene, loop, stage, view, views, sharedDevice, applyLive, draw: () => draw(loop.alpha) });
  recorder = new Recorder(recordHost);
  // Lecture mode (issue 17): decks from the Lecture folder, a dropped file or a #deck= link; its keys come before presentation mode's.
  const slides = new SlidePanel(overlay);
  // The parallel-lines scene (why Wasserstein) of a deck's wasserstein slides.
  const openWasserstein = openWassersteinScene;
  const deck: DeckPresenter = new DeckPresenter({
    scene,
    loop,
    panel: slides,
    present: (on) => presentation.active !== on && presentation.toggle(on),
    applySegment: (c) => recordHost.applySegment(c),
    passSteps: () => recordHost.passSteps(),
    applyLive,
    theme: () => presentation.theme,
    toast,
    report,
    openWasserstein,
  });
  const presentation = new Presentation(
    overlay,
    (theme) => {
      setPaletteTheme(theme);
      stage.setTheme(theme);
      view.setTheme(theme);
      charts.setTheme(theme);
      deck.setTheme(theme);
    },
    (on) => deck.setPresenting(on), // P hides the slide column for the settings, P again brings it back
  );
  const affords = (): string => affordsLine(choice.name, soft, { particles: config.data.particles, batchSize: config.model.batchSize }, loop.stats.trainBudgetMs);
  const hudPresenter = new HudPresenter(hud, { scene, loop, stage, view, choice, presentation, charts, affords, pace: () => pacer.current, training: remote });
  recordHost.decorate = (ctx, width, height) => presentation.caption && drawCaption(ctx, width, height, hudPresenter.captionState(), presentation.theme);
  recordHost.prepareDecoration = async (_width, height) => {
    if (presentation.caption) await prepareCaption(hudPresenter.captionState(), presentation.theme, height);
  };
  recordPanel = new RecordPanel(gui.gui, overlay, recorder, toast, presentation, () => asGan(scene.session) !== null);
  const records = recordPanel;
  intake.openDeck = (file) => void deck.openFile(file);
  const openDeckLink = (): boolean => {
    const link = deckLinkFromHash(location.hash);
    if (link.kind === 'refused') toast(`URL: ${link.problem}`, 'error', 10);
    if (link.kind === 'path') void deck.openPath(link.path);
    return link.kind !== 'none';
  };
  const deckParts = { scene, weights: deck.weights, report, toast, panel: slides, theme: () => presentation.theme, seed: () => config.data.seed, openWasserstein };
  const recordTheDeck = (range: DeckRange = {}): ReturnType<typeof recordDeck> => recordDeck(deck, records, deckParts, range);
  addLectureFolder(gui.gui, {
    presentBuiltIn: () => void deck.openPath(BUILT_IN_DECK),
    openDeckFile: () => intake.pickSaved(),
    recordDeck: () => void recordTheDeck(),
  });
  records.addButton('● record the deck', () => void recordTheDeck());
  installDeckHandle({ presenter: deck, recordPanel: records, record: recordTheDeck });
  installPlaygroundHandle({ choice, stage, loop, scene, view, recorder, recordPanel, recovered, training: remote });
  loop.every(1, followWorker, { when: 'always' }); // every frame, also when the governor grants training nothing
  loop.every(WORKER_PACE_EVERY_MS, () => remote.pace(loop.stats.fps, 1000 / FRAME_TARGET_MS)); // the worker yields cores to slow frames

  // Every periodic job runs on the loop's cadence: pause, a hidden tab and frame-exact recording govern it.
  loop.every(VIEWS_EVERY_MS, () => views.refresh(scene.session, config, view), { when: 'always' });
  loop.every(GAME_METRIC_EVERY_MS, () => charts.measureGame());
  loop.every(HUD_EVERY_MS, () => hudPresenter.update(), { when: 'always' });
  const stopRefit = startRefitWatch({ loop, scene, recording: () => recorder?.busy ?? false, toast, locked: () => linkKeys });
  loop.every(PACE_EVERY_MS, () => pacer.update());
  const stopRecovery = watchForLoss({ canvas, device: choice.device, loop, scene, notes, recovered, toast });
  if (recovered !== null) restoreRecovered(recovered, scene, toast, report);

  addEventListener('resize', () => stage.resize());
  // The flat view's framing takes in a G(z) cloud that leaves the data's frame (the chart's metric readback, no readback of its own).
  // Not while recording: the readback lands at no fixed frame, and a frame-exact clip must be the same every time.
  charts.onGameSamples = (samples, dim) => recorder?.busy !== true && stage.setGeneratedPoints(dim === 2 ? samples : null, dim);
  // Frame the data where no panel covers it (the HUD column on the left, the settings on the right, the GAN panel below).
  watchFreeArea({ left: [...overlay.querySelectorAll('.hud'), slides.element], right: [gui.gui.domElement], bottom: [bottomPanels, sidePanels] }, (area) => stage.setFreeArea(area));
  document.addEventListener('visibilitychange', () => {
    loop.setHidden(document.hidden);
    followWorker(); // a hidden tab has no frames: the worker pauses too
  });
  const stopKeys = listenForSceneKeys(scene, loop);
  addEventListener('beforeunload', () => {
    stopRecovery();
    stopRefit();
    stopKeys();
    loop.dispose();
    remote.dispose();
    scene.session.dispose();
    view.dispose();
    charts.dispose();
    intake.dispose();
    deck.dispose();
    slides.dispose();
    presentation.dispose();
    views.dispose();
    stage.dispose();
  });
  openDeckLink(); // before the hash is rewritten with the scene's settings
  scene.writeHash(); // a link with rejected values is shown cleaned
  loop.start();
}

addEventListener('error', (e) => console.error('[playground]', e.message));
main().catch((e: unknown) => {
  console.error(e);
  showFatal(document.getElementById('overlay') as HTMLElement, e instanceof Error ? e.message : String(e));
});
