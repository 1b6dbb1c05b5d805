/**
 * Wires the playground together: backend -> session (models, particles) -> loop (time) -> stage
 * (drawing) and UI (GUI, HUD). The only file that knows every part; it also disposes them.
 */
import { Color, ColorManagement } from 'three/webgpu';
import { memory as tfMemory } from '@tensorflow/tfjs';
import { CONFIG_SCHEMA, CPU_LOOP, CPU_PROFILE, defaultConfig, effectiveSampler, isAdversarialKind, isRelevant, MODEL_SAMPLERS, validateConfig, withProfile, type ConfigGroup, type Field, type PlaygroundConfig } from './config/playground-config';
import { configFromHash, configToHash } from './config/url-hash';
import { findPreset, presetConfig, PRESETS } from './config/presets';
import type { PointSet } from './data/datasets';
import { loadFile } from './app/load-file';
import { DataLoadError, pointsFromCoordinates, type LoadedData } from './data/loaders';
import dragDrop from 'drag-drop';
import { MAX_DRAWN_POINTS, PointDrawing } from './ui/point-drawing';
import { animationFrameScheduler, GameLoop, gatedScheduler, performanceClock } from './loop';
import { initTfBackend, parseBackendOverride, type BackendChoice, type BackendName } from './platform/tf-backend';
import { clusterColors, timeColor } from './scene/palette';
import { ParticleLayer } from './scene/particle-layer';
import { TensorUploader } from './scene/particle-upload';
import { TrailLayer } from './scene/trail-layer';
import { Stage } from './scene/stage';
import type { SamplerKind } from './particles/reverse-samplers';
import { DiffusionSession } from './session/diffusion-session';
import { GanSession } from './session/gan-session';
import { createSession, type Session } from './session/create-session';
import type { DivergenceEvent } from './models/divergence-guard';
import { sessionNoteStorage, stashRecovery, takeRecovery, watchDeviceLoss } from './app/device-recovery';
import { DiffusionViews } from './app/diffusion-views';
import { GanViews, SURFACE_HEIGHT } from './app/gan-views';
import { createConfigGui } from './ui/config-gui';
import { watchFreeArea } from './ui/layout';
import { Hud } from './ui/hud';
import { h, hiddenFilePicker } from './ui/dom';
import { SchedulePlots } from './ui/schedule-plots';
import { TrainingChart } from './ui/training-chart';
import { chartMetric, METRIC_LABELS, METRIC_POINTS } from './app/metric-tracker';
import { Recorder, type RecordHost } from './app/recorder';
import { RecordPanel } from './ui/record-panel';
import { drawCaption, Presentation, type CaptionState } from './ui/presentation';
import { captionFormula } from './ui/caption-text';
import { setPaletteTheme, THEMES, type ThemeName } from './scene/palette';
import type { RecordSettings } from './record/recording';
import { downloadText, fileSlug, isSavedFile, readSavedFile, savedFileMessage, MAX_SAVED_FILE_BYTES } from './app/saved-files';
import { presetToJson, type LoadedPreset } from './config/preset-file';
import { adoptWeightsConfig, loadWeights, readWeights, saveWeights, type ReadWeights } from './session/saved-weights';

/** Short sampler names for the HUD title. */
const SAMPLER_TITLES: Record<SamplerKind, string> = { ancestral: 'ancestral', ddim: 'DDIM', euler: 'PF-ODE Euler', heun: 'PF-ODE Heun', rk4: 'PF-ODE RK4', 'euler-maruyama': 'Euler–Maruyama', langevin: 'annealed Langevin' };

const GAME_TITLES = { gan: 'GAN', wgan: 'WGAN', 'wgan-gp': 'WGAN-GP' } as const;

/** The HUD title: model, data set, sampler with its NFE (or the game's settings), and whether the field is exact. */
function hudTitle(config: PlaygroundConfig, session: Session): string {
  const kind = config.model.kind;
  const data = session.sceneData.label;
  if (kind === 'gan' || kind === 'wgan' || kind === 'wgan-gp') {
    const detail = kind === 'gan' ? `${config.gan.objective} G loss, k = ${config.gan.dSteps}` : `n_critic = ${config.gan.nCritic}`;
    return `${GAME_TITLES[kind]} · ${data} · ${detail}`;
  }
  const nfe = session instanceof DiffusionSession ? session.reverseNfe : 0;
  const model = kind === 'flow' ? 'Flow matching' : kind === 'score' ? 'Score model (VE)' : 'DDPM';
  const used = effectiveSampler(config);
  const sampler = kind === 'flow' ? SAMPLER_TITLES[used].replace('PF-', '') : SAMPLER_TITLES[used];
  const showNfe = used !== 'ancestral';
  return `${model} · ${data} · ${sampler}${showNfe ? ` (NFE ${nfe})` : ''}${config.sampling.field === 'exact' ? ' · exact field' : ''}`;
}


/** How often a copy of the trained weights is read back off the GPU for recovery from a lost device (ms). */
const WEIGHTS_COPY_EVERY_MS = 5000;

/** Seconds the particles rest at t = 0 and t = T before turning around. */
const HOLD_SECONDS = 0.6;

function showFatal(overlay: HTMLElement, message: string): void {
  const box = document.createElement('div');
  box.className = 'fatal';
  box.append(h('div', {}, h('h2', {}, 'Generative Playground could not start'), h('p', {}, message)));
  overlay.append(box);
}

async function main(): Promise<void> {
  const canvas = document.getElementById('stage') as HTMLCanvasElement;
  const overlay = document.getElementById('overlay') as HTMLElement;
  const hud = new Hud(overlay);
  const params = new URLSearchParams(location.search);

  let override: BackendName | null = null;
  try {
    override = parseBackendOverride(params.get('backend'));
  } catch (e) {
    hud.toast(`${(e as Error).message}; choosing automatically`, 'error');
  }
  // After a lost GPU the page reloads with a note of the scene (app/device-recovery).
  const notes = sessionNoteStorage();
  const recovered = notes === null ? null : takeRecovery(notes, Date.now());
  const choice: BackendChoice = await initTfBackend(override, recovered?.skip ?? []);
  // A backend that broke while starting (not merely absent) is worth a message: the scene runs slower than it should.
  for (const failure of choice.failed) hud.toast(`tfjs backend ${failure}; running on ${choice.name} instead.`, 'error', 10);
  const rendererParam = params.get('renderer');
  if (rendererParam !== null && rendererParam !== 'webgl') hud.toast(`unknown renderer '${rendererParam.slice(0, 20)}': the only choice is ?renderer=webgl; drawing with the default`, 'error');
  const forceWebGL = rendererParam === 'webgl' || (recovered?.skip.includes('webgpu') ?? false);
  // Software rendering (SwiftShader) pays for every pass and pixel on the CPU: one device pixel per CSS
  // pixel, and no separate colour-space pass (colours are then given and blended in sRGB, so colour
  // management is off before any colour is made).
  if (choice.software) ColorManagement.enabled = false;
  const stage = await Stage.create({
    canvas,
    device: forceWebGL ? null : choice.device,
    forceWebGL,
    antialias: !choice.software,
    pixelRatio: choice.software ? 1 : undefined,
    directOutput: choice.software,
    eagerFlush: choice.software,
  });
  const shared = choice.device !== null && stage.backendName === 'WebGPU' && !forceWebGL;
  const uploader = new TensorUploader(stage.renderer, shared ? choice.device : null);

  // Without a hardware GPU the defaults are lighter (CPU_PROFILE); links only record what differs from them.
  const defaults = choice.software ? withProfile(defaultConfig(), CPU_PROFILE) : defaultConfig();
  if (choice.software) {
    const lighter = Object.entries(CPU_PROFILE).flatMap(([, f]) => Object.entries(f).map(([k, v]) => `${k} ${v}`));
    hud.toast(`No hardware GPU: the math runs on the CPU (${choice.name}), so the defaults are lighter (${lighter.join(', ')}; a link's settings win).`, 'info', 8);
  }
  /** One message for all that a link or file had wrong (each problem on its own line, the first 12 of them). */
  const reportProblems = (source: string, problems: readonly string[]): void => {
    if (problems.length === 0) return;
    if (problems.length === 1) return hud.toast(`${source}: ${problems[0]}`, 'error');
    const lines = problems.slice(0, 12).map((p) => `• ${p}`);
    if (problems.length > 12) lines.push(`… and ${problems.length - 12} more`);
    hud.toast(`${source}: ${problems.length} settings fixed or ignored:\n${lines.join('\n')}`, 'error', 15);
  };
  const fromUrl = configFromHash(location.hash, defaults);
  reportProblems('URL', fromUrl.problems);
  const config: PlaygroundConfig = fromUrl.config;
  config.sampling.sampler = effectiveSampler(config);
  if (choice.software && config.data.particles > 20_000) {
    hud.toast(`${config.data.particles.toLocaleString('en')} particles on the CPU (from the link): each step takes a long while here, so the scene will crawl.`, 'info', 8);
  }
  // The user's own points (a file or a drawing), normalised; used while config.data.source is 'custom'.
  let customData: PointSet | null = null;
  let session: Session = createSession(config, null);
  // SwiftShader draws an instanced draw one instance at a time (see ParticleLayer's `instanced`); the
  // GPU-to-GPU copy of a shared device needs the instanced [N, D] layout.
  const instanced = !choice.software || shared;
  let particleLayer!: ParticleLayer;
  let dataLayer!: ParticleLayer;
  // Presentation theme of the stage (the Record > Presentation controls change it).
  let stageTheme: ThemeName = 'dark';

  const buildParticleLayer = (): void => {
    if (particleLayer) {
      stage.scene.remove(particleLayer.object);
      particleLayer.dispose();
    }
    const p = session.particles;
    const x0 = new Float32Array(p.count * p.dim);
    particleLayer = new ParticleLayer({
      count: p.count,
      dim: session.dim,
      positions: x0,
      colors: clusterColors(session.particleLabels),
      pointSize: config.view.pointSize,
      additive: THEMES[stageTheme].additive,
      opacity: Math.min(0.9, 0.9 * Math.sqrt(20_000 / p.count) + 0.15),
      instanced,
    });
    stage.scene.add(particleLayer.object);
    uploader.reset();
  };
  // The particles' heights on the GAN surface, fed by their own uploader.
  const heightUploader = new TensorUploader(stage.renderer, shared ? choice.device : null);
  // Trails: built when the particles' trails change shape, fed by their own uploader.
  let trailLayer: TrailLayer | null = null;
  const trailUploader = new TensorUploader(stage.renderer, shared ? choice.device : null);
  const syncTrailLayer = (): void => {
    const trails = session.particles.trails;
    const fits = trails !== null && trailLayer !== null && trailLayer.length === trails.length && trailLayer.count === trails.count && trailLayer.dim === trails.dim;
    if (fits || (trails === null && trailLayer === null)) return;
    if (trailLayer) {
      stage.scene.remove(trailLayer.object);
      trailLayer.dispose();
      trailLayer = null;
    }
    if (trails === null) return;
    trailLayer = new TrailLayer(trails.length, trails.count, session.dim, clusterColors(session.particleLabels.subarray(0, trails.count)));
    trailLayer.setAdditive(THEMES[stageTheme].additive);
    stage.scene.add(trailLayer.object);
    trailUploader.reset();
  };
  const buildDataLayer = (): void => {
    if (dataLayer) {
      stage.scene.remove(dataLayer.object);
      dataLayer.dispose();
    }
    const ref = session.reference;
    dataLayer = new ParticleLayer({ count: ref.count, dim: ref.dim, positions: ref.points, colors: null, pointSize: 2, additive: false, opacity: 0.22, instanced });
    dataLayer.setColoring('time', new Color(THEMES[stageTheme].data));
    dataLayer.object.renderOrder = -0.5;
    stage.scene.add(dataLayer.object);
  };
  // Bottom-left column: the heat-map legend above the plots.
  const bottomPanels = document.createElement('div');
  bottomPanels.className = 'bottom-panels';
  overlay.append(bottomPanels);
  const fieldViews = new DiffusionViews(stage, bottomPanels, choice.software);
  const sidePanels = document.createElement('div');
  sidePanels.className = 'side-panels';
  overlay.append(sidePanels);
  const ganViews = new GanViews(stage, bottomPanels, sidePanels, choice.software);
  setInterval(() => {
    fieldViews.refresh(session instanceof DiffusionSession ? session : null, config);
    ganViews.refresh(session instanceof GanSession ? session : null, config, dataLayer ?? null);
  }, 500);
  /** The camera for the scene: 3D data orbit, the GAN surface orbit, or the flat 2D view. */
  const syncStageView = (): void => {
    const view = session.dim === 3 ? '3d' : GanViews.surfaceOn(session instanceof GanSession ? session : null, config) ? 'landscape' : '2d';
    if (stage.currentView !== view) stage.setView(view);
  };
  const plots = new SchedulePlots(bottomPanels);
  const chart = new TrainingChart(plots.root);
  /** The chosen quality metric of a sample of the particles against the data, added to the chart. */
  let metricPending = false;
  const measure = (step: number): void => {
    const metric = config.view.metric;
    if (metric === 'off' || metric === 'straightness' || metricPending) return;
    metricPending = true;
    const s = session;
    const data = s.reference.points.subarray(0, METRIC_POINTS * s.reference.dim);
    s.sampleReadback(METRIC_POINTS)
      .then((samples) => {
        if (s === session && config.view.metric === metric) chart.addMetric(step, chartMetric(metric, samples, data, s.dim, s.sceneData.mixture));
      })
      .catch(() => undefined)
      .finally(() => (metricPending = false));
  };
  /** Training diverged and the session rolled it back: the halved learning rates go into the config (GUI, URL), and the HUD says so. */
  const onDivergence = (e: DivergenceEvent): void => {
    const s = session;
    Object.assign(config.model, { learningRate: s.config.model.learningRate });
    Object.assign(config.gan, { generatorLearningRate: s.config.gan.generatorLearningRate, criticLearningRate: s.config.gan.criticLearningRate });
    gui.refresh();
    writeHash();
    const cause = e.cause === 'loss' ? 'the loss left the finite numbers' : 'the particles were thrown to infinity';
    const back = e.restoredFrom === null ? 'fresh weights (no good ones were kept yet)' : `the weights of step ${e.restoredFrom}`;
    const rates = Object.entries(e.learningRates).map(([k, v]) => `${k === 'learningRate' ? 'learning rate' : k === 'generatorLearningRate' ? 'G learning rate' : 'D learning rate'} ${v.toPrecision(2)}`).join(', ');
    hud.toast(`Training diverged at step ${e.step} (${cause}): back to ${back}, ${rates} (halved).`, 'error', 10);
  };
  /** Points the plots and the chart at the current session (after it is created or its model rebuilt). */
  const attachCharts = (): void => {
    chart.clear();
    session.onDivergence = onDivergence;
    const metric = config.view.metric === 'off' ? '' : METRIC_LABELS[config.view.metric];
    if (session instanceof DiffusionSession) {
      plots.setPath(session.samplingPath);
      chart.setMode('diffusion', metric);
      session.onLoss = (step, loss) => chart.addLoss(step, loss);
      session.onStraightness = (step, value) => config.view.metric === 'straightness' && chart.addMetric(step, value);
      session.onPassEnd = (step) => measure(step);
    } else {
      const gan = session;
      chart.setMode('adversarial', metric);
      gan.onLoss = (step) => chart.addGanLosses(step, gan.losses.critic, gan.losses.generator);
    }
  };
  attachCharts();
  // A GAN has no passes: its samples are measured every two seconds.
  setInterval(() => session instanceof GanSession && measure(session.trainSteps), 2000);
  stage.setDimension(session.dim);
  syncStageView();
  buildParticleLayer();
  buildDataLayer();

  // GPU back-pressure: with a shared WebGPU device the next frame waits for the previous frame's GPU work.
  let gpuBusy = false;
  const fence = (): void => {
    if (!shared || gpuBusy || choice.device === null) return;
    gpuBusy = true;
    choice.device.queue.onSubmittedWorkDone().then(
      () => (gpuBusy = false),
      () => (gpuBusy = false),
    );
  };

  const scratchColor = new Color();
  let recorder: Recorder | null = null;
  const loop = new GameLoop(
    {
      simulate: () => session.simulate(),
      trainStep: () => {
        // A GAN's particles are G itself: pausing the scene pauses its training too.
        if (session instanceof GanSession && config.sampling.paused) return false;
        session.trainStep();
        return true;
      },
      render: (alpha) => {
        uploadLayers(alpha);
        stage.render();
        fence();
        recorder?.afterRender();
      },
    },
    {
      clock: performanceClock,
      scheduler: gatedScheduler(animationFrameScheduler(), () => !gpuBusy),
      stepsPerSecond: config.sampling.stepsPerSecond,
      trainBudgetMs: config.model.trainBudgetMs,
      ...(choice.software ? CPU_LOOP : {}),
    },
  );
  /** Everything of a render but the draw: positions, heights and trails to the GPU, styles from the config. */
  function uploadLayers(alpha: number): void {
    const p = session.particles;
    const surface = session instanceof GanSession && GanViews.particlesRide(session, config);
    particleLayer.setHeightScale(surface ? SURFACE_HEIGHT : 0);
    dataLayer.setHeightScale(surface ? SURFACE_HEIGHT : 0);
    if (surface && session instanceof GanSession) {
      const version = p.version * 4096 + (ganViews.landscapeVersion % 4096);
      if (heightUploader.wants(version)) {
        const heights = session.heights();
        heightUploader.upload([[heights, particleLayer.height]], version);
        heights.dispose();
      }
    }
    uploader.upload([
      [p.previous, particleLayer.previous],
      [p.current, particleLayer.current],
    ], p.version);
    particleLayer.setAlpha(uploader.mode === 'gpu' ? alpha : 1);
    particleLayer.setColoring(config.view.colorMode, timeColor(p.t / p.T, scratchColor));
    particleLayer.setPointSize(config.view.pointSize * stage.pointScale);
    syncTrailLayer();
    const trails = p.trails;
    if (trailLayer && trails && trailUploader.wants(trails.version)) {
      const ordered = trails.ordered();
      trailUploader.upload([[ordered, trailLayer.positions]], trails.version);
      ordered.dispose();
    }
    trailLayer?.setStyle(config.view.colorMode, scratchColor, 0.55);
    dataLayer.object.visible = config.view.showData;
    dataLayer.setPointSize(2 * stage.pointScale);
  }
  const applyLive = (): void => {
    loop.setStepsPerSecond(config.sampling.stepsPerSecond);
    loop.setTrainBudgetMs(config.model.trainBudgetMs);
    loop.paused = config.sampling.paused;
    if (session instanceof DiffusionSession) session.setHoldSteps(Math.round(HOLD_SECONDS * config.sampling.stepsPerSecond));
  };
  applyLive();

  const writeHash = (): void => {
    const hash = configToHash(config, defaults);
    history.replaceState(null, '', `${location.pathname}${location.search}${hash ? `#${hash}` : ''}`);
  };
  /** Validates the (edited) config in place, applies it to the session and the view, mirrors it in the URL. */
  const applyConfig = (what: string): void => {
    const { config: valid, problems } = validateConfig(config, defaults);
    for (const p of problems) hud.toast(p, 'error');
    // Assign per group: the GUI's controllers hold references to these group objects.
    for (const g of Object.keys(valid) as ConfigGroup[]) Object.assign(config[g], valid[g]);
    const sampler = effectiveSampler(config);
    if (sampler !== config.sampling.sampler && !isAdversarialKind(config.model.kind)) {
      const names = MODEL_SAMPLERS[config.model.kind].map((k) => SAMPLER_TITLES[k]).join(', ');
      hud.toast(`This model samples with ${names}; using ${SAMPLER_TITLES[sampler]}.`);
      config.sampling.sampler = sampler;
    }
    gui.refresh();
    try {
      const family = isAdversarialKind(config.model.kind) ? 'adversarial' : 'diffusion';
      let rebuilt: ReturnType<Session['apply']>;
      if (family !== session.family) {
        // Another family of models: a new session (the old one keeps running until the new one is built).
        const next = createSession(config, customData);
        session.dispose();
        session = next;
        rebuilt = 'data';
      } else {
        rebuilt = session.apply(config, customData);
      }
      if (rebuilt === 'data') {
        showNewSession();
        hud.toast(`${what === 'Data set' ? `Data set: ${session.sceneData.label}` : what.startsWith('Preset') ? `${what} loaded` : `${what} changed`}. Retraining from scratch.`);
      } else if (rebuilt === 'model') {
        hud.toast(`${what} changed: new network, retraining from scratch.`);
        attachCharts();
      } else if (rebuilt === 'particles') {
        buildParticleLayer();
      }
      syncStageView();
    } catch (e) {
      hud.toast(`Could not apply ${what}: ${(e as Error).message}`, 'error');
    }
    applyLive();
    writeHash();
  };
  /** Points the stage, layers and charts at a session that was just built (or rebuilt from its data up). */
  function showNewSession(): void {
    stage.setDimension(session.dim);
    buildParticleLayer();
    buildDataLayer();
    attachCharts();
  }
  const onConfigChange = (group: ConfigGroup, key: string): void => {
    // Moving the field-t slider pins the field views to that time.
    if (group === 'view' && key === 'fieldT') config.view.fieldFollow = false;
    if (group === 'view' && key === 'metric') attachCharts();
    const field = (CONFIG_SCHEMA as unknown as Record<string, Record<string, Field>>)[group][key];
    applyConfig(field.label.charAt(0).toUpperCase() + field.label.slice(1));
    if (group === 'data' && key === 'particles' && choice.software && config.data.particles > 20_000) {
      hud.toast(`${config.data.particles.toLocaleString('en')} particles on the CPU: each diffusion step takes a long while here, so the scene will crawl.`, 'info', 8);
    }
  };
  // A link pasted or edited by hand: same validation as at start, the running scene is kept on errors.
  addEventListener('hashchange', () => {
    const { config: next, problems } = configFromHash(location.hash, defaults);
    reportProblems('URL', problems);
    for (const g of Object.keys(next) as ConfigGroup[]) Object.assign(config[g], next[g]);
    applyConfig('URL');
  });

  // The user's own data: a dropped or picked file (CSV or image), or a drawing. A bad file gets a message
  // naming the problem and the running scene stays as it is.
  const useData = (loaded: LoadedData, what: string): void => {
    const previous = { data: customData, source: config.data.source };
    customData = loaded.set;
    config.data.source = 'custom';
    try {
      const rebuilt = session.apply(config, customData);
      if (rebuilt !== 'data') throw new Error('the data did not change');
    } catch (e) {
      customData = previous.data;
      config.data.source = previous.source;
      hud.toast(`Could not use ${what}: ${(e as Error).message}`, 'error');
      return;
    }
    stage.setDimension(session.dim);
    buildParticleLayer();
    buildDataLayer();
    attachCharts();
    syncStageView();
    gui.refresh();
    writeHash();
    hud.toast(`${what}: ${loaded.set.count.toLocaleString('en')} points (${loaded.set.dim}D), centred and scaled to unit variance. Retraining from scratch.`, 'info', 6);
  };
  // Presets and weights saved as files (JSON): refused as a whole with a message, or applied.
  /** A preset is a scene from its start: its settings, then fresh weights even where the network's shape did not change. */
  function startPreset(what: string): void {
    applyConfig(what);
    session.resetWeights();
    attachCharts();
    hud.toast(`${what}: training from scratch.`);
  }
  const usePreset = (preset: LoadedPreset, fileName: string): void => {
    reportProblems(fileName, preset.problems);
    for (const g of Object.keys(preset.config) as ConfigGroup[]) Object.assign(config[g], preset.config[g]);
    startPreset(`Preset '${preset.name}'`);
  };
  const useWeights = (read: ReadWeights, fileName: string): void => {
    reportProblems(fileName, read.problems);
    const { config: next, changes, notes } = adoptWeightsConfig(config, read.config, customData !== null);
    // The weights go into a scene built off to the side; the running one is kept until they fit.
    let candidate: Session | null = null;
    try {
      candidate = createSession(next, customData);
      notes.push(...loadWeights(candidate, read));
    } catch (e) {
      candidate?.dispose();
      hud.toast(savedFileMessage(fileName, e), 'error');
      return;
    }
    session.dispose();
    session = candidate;
    for (const g of Object.keys(next) as ConfigGroup[]) Object.assign(config[g], next[g]);
    showNewSession();
    syncStageView();
    gui.refresh();
    applyLive();
    writeHash();
    const steps = read.doc.trainSteps.toLocaleString('en');
    hud.toast(`Weights '${read.doc.name}' loaded (${steps} training steps)${changes.length > 0 ? `; the scene takes the settings they were trained under: ${changes.join(', ')}` : ''}.`, 'info', 8);
    for (const n of notes) hud.toast(`${fileName}: ${n}`, 'info', 8);
  };
  const openSaved = (file: File): void => {
    readSavedFile(file, defaults)
      .then((saved) => (saved.kind === 'preset' ? usePreset(saved.preset, file.name) : useWeights(saved.read, file.name)))
      .catch((e: unknown) => hud.toast(savedFileMessage(file.name, e), 'error'));
  };
  const savedPicker = hiddenFilePicker('saved-file', '.json,application/json', openSaved);
  overlay.append(savedPicker);
  const openFile = (file: File): void => {
    if (file.size <= MAX_SAVED_FILE_BYTES) {
      void isSavedFile(file).then((saved) => (saved ? openSaved(file) : openData(file)), () => openData(file));
    } else {
      openData(file);
    }
  };
  const openData = (file: File): void => {
    loadFile(file, config.data.seed)
      .then((loaded) => useData(loaded, file.name))
      .catch((e: unknown) => hud.toast(e instanceof DataLoadError || e instanceof RangeError ? e.message : `Could not read ${file.name}: ${String(e)}`, 'error'));
  };
  const filePicker = hiddenFilePicker('data-file', '.csv,.tsv,.txt,.png,.jpg,.jpeg,text/csv,image/png,image/jpeg', (file) => openFile(file));
  overlay.append(filePicker);
  const dropHint = document.createElement('div');
  dropHint.className = 'drop-hint';
  dropHint.textContent = 'Drop a CSV of points or an image to train on it, or a preset / weights file';
  dropHint.hidden = true;
  overlay.append(dropHint);
  dragDrop(document.body, {
    onDragEnter: () => (dropHint.hidden = false),
    onDragLeave: () => (dropHint.hidden = true),
    onDrop: (files) => {
      dropHint.hidden = true;
      if (files.length > 1) hud.toast(`${files.length} files dropped: using the first, ${files[0].name}.`);
      if (files[0]) openFile(files[0]);
    },
  });
  // Drawing: a preview layer of the painted points, then the drawing becomes the data.
  const preview = new ParticleLayer({ count: MAX_DRAWN_POINTS, dim: 2, positions: new Float32Array(MAX_DRAWN_POINTS * 2), colors: null, pointSize: 3, additive: false, opacity: 0.9 });
  preview.setColoring('time', new Color(0x9fe8d8));
  preview.object.count = 0;
  stage.scene.add(preview.object);
  const drawing = new PointDrawing(stage, overlay, {
    onChange: (points) => {
      preview.setPositions(points);
      particleLayer.object.visible = false;
    },
    onUse: (points) => {
      preview.setPositions(new Float32Array(0));
      particleLayer.object.visible = true;
      try {
        useData(pointsFromCoordinates(points, 2), 'Your drawing');
      } catch (e) {
        hud.toast((e as Error).message, 'error');
      }
    },
    onCancel: () => {
      preview.setPositions(new Float32Array(0));
      particleLayer.object.visible = true;
    },
  });

  const gui = createConfigGui(config, onConfigChange, {
    resetWeights: () => {
      session.resetWeights();
      chart.clear();
      hud.toast('Weights reset: training from scratch.');
    },
    stepOnce: () => {
      if (!config.sampling.paused) {
        config.sampling.paused = true;
        applyConfig('Pause');
      }
      if (session instanceof GanSession) session.trainStep(); // one generator step, then G(z) is redrawn
      loop.stepOnce();
    },
    restart: () => {
      session.restartParticles();
      hud.toast(session instanceof GanSession ? 'Fresh latent draws z for the particles.' : 'Particles back on the data (t = 0).');
    },
    resetView: () => stage.resetView(),
    reflow: () => {
      if (!(session instanceof DiffusionSession) || config.model.kind !== 'flow') {
        hud.toast('Reflow straightens a flow-matching model: choose Model > model = flow matching first.', 'error');
        return;
      }
      hud.toast('Reflow: drawing the model\'s own (sample, noise) pairs…');
      session
        .reflow()
        .then((done) => done && hud.toast('Reflow: now training on the model\'s own pairs; its paths straighten.'))
        .catch((e: unknown) => hud.toast(`Reflow failed: ${(e as Error).message}`, 'error'));
    },
    loadFile: () => filePicker.click(),
    drawData: () => {
      if (session.dim !== 2 || stage.currentView !== '2d') {
        hud.toast('Drawing works on a flat 2D view: choose a 2D data set (and for a GAN the heat-map landscape) first.', 'error');
        return;
      }
      drawing.start();
    },
    copyLink: () => {
      writeHash();
      navigator.clipboard.writeText(location.href).then(
        () => hud.toast('Link copied: it opens this scene, seed included (not your own data or the trained weights).'),
        () => hud.toast('Could not copy: the address bar holds the link to this scene.', 'error'),
      );
    },
    savePreset: () => {
      const name = hudTitle(config, session);
      downloadText(`gp-preset-${fileSlug(name)}.json`, presetToJson(name, config));
      if (config.data.source === 'custom') hud.toast('The preset records the settings, not your own points: it opens on the built-in data set.', 'info', 6);
    },
    saveWeights: () => {
      const s = session;
      const name = `${hudTitle(config, s)} · ${s.trainSteps} steps`;
      saveWeights(s, name)
        .then((text) => {
          downloadText(`gp-weights-${fileSlug(`${config.model.kind}-${s.sceneData.label}-${s.trainSteps}-steps`)}.json`, text);
          hud.toast(`Saved the weights after ${s.trainSteps.toLocaleString('en')} steps (${(text.length / 2 ** 20).toFixed(1)} MiB) with the settings they were trained under.`);
        })
        .catch((e: unknown) => hud.toast(`Could not save the weights: ${(e as Error).message}`, 'error'));
    },
    openSaved: () => savedPicker.click(),
    loadPreset: (name) => {
      try {
        const { config: next, problems } = presetConfig(name, defaults);
        reportProblems('Preset', problems);
        for (const g of Object.keys(next) as ConfigGroup[]) Object.assign(config[g], next[g]);
        startPreset(`Preset '${findPreset(name)?.label ?? name}'`);
      } catch (e) {
        hud.toast((e as Error).message, 'error');
      }
    },
  }, undefined, (group, key, c) => (group === 'sampling' && key === 'sampler' ? MODEL_SAMPLERS[c.model.kind] : null), (group, key, c) => isRelevant(group, key, c, customData?.dim), PRESETS);

  // Recording (issue 6): the recorder drives the scene through this host; presentation mode and themes.
  const uploaders = [uploader, heightUploader, trailUploader];
  /** Rebuilds the scene from the config and its seed (a frame-exact recording's fresh start). */
  const rebuildSession = (): void => {
    const next = createSession(config, customData);
    session.dispose();
    session = next;
    stage.setDimension(session.dim);
    buildParticleLayer();
    buildDataLayer();
    attachCharts();
    syncStageView();
    stage.resetView();
    heightUploader.reset();
    trailUploader.reset();
  };
  const recordHost: RecordHost = {
    canvas,
    isAdversarial: () => session instanceof GanSession,
    passSteps: () => (session instanceof DiffusionSession ? { forward: session.particles.T, reverse: session.reversePassSteps } : null),
    labels: () => ({ model: config.model.kind, data: session.sceneData.label }),
    setRenderSize: (size) => stage.setFixedSize(size),
    beginExact: (fresh) => {
      loop.stop();
      if (fresh) rebuildSession();
      loop.resetAccumulator();
    },
    applySegment: (c) => {
      if (c.phase !== null && session instanceof DiffusionSession && session.config.sampling.phase !== c.phase) {
        session.apply({ ...config, sampling: { ...config.sampling, phase: c.phase } }, customData);
      }
      const sps = c.stepsPerSecond ?? config.sampling.stepsPerSecond;
      loop.paused = c.paused || (c.phase === null && config.sampling.paused);
      loop.setStepsPerSecond(sps);
      loop.setTrainBudgetMs(c.train ? config.model.trainBudgetMs : 0);
      if (session instanceof DiffusionSession) {
        session.setHoldSteps(c.holdSteps ?? Math.round(HOLD_SECONDS * sps));
        const p = session.particles;
        const at = c.restartUnlessAt === 'data' ? p.t === 0 : p.t === p.T;
        if (c.restartUnlessAt !== null && (!at || p.motion === 'hold')) session.restartParticles();
      }
      loop.resetAccumulator();
    },
    stepFrame: async (dtMs, trainSteps, capture) => {
      // A paused GAN does not train (its trainStep hook says so): frame-exact training ignores the pause.
      const pausedGan = session instanceof GanSession && config.sampling.paused;
      if (pausedGan) for (let i = 0; i < trainSteps; i++) session.trainStep();
      loop.advanceExact(dtMs, pausedGan ? 0 : trainSteps, false);
      if (capture === null) return;
      // Positions must have landed before the draw: on the readback path wait for the readbacks.
      for (;;) {
        uploadLayers(loop.alpha);
        if (!uploaders.some((u) => u.busy)) break;
        await Promise.all(uploaders.map((u) => u.whenIdle()));
      }
      loop.renderFrame();
      capture();
      if (shared && choice.device !== null) await choice.device.queue.onSubmittedWorkDone();
    },
    renderNow: (capture) => {
      uploadLayers(loop.alpha);
      stage.render();
      capture();
    },
    endRecording: () => {
      if (session instanceof DiffusionSession && session.config.sampling.phase !== config.sampling.phase) session.apply(config, customData);
      applyLive();
      loop.resetAccumulator();
      loop.start();
    },
  };
  recorder = new Recorder(recordHost);
  /** The caption: model, phase, t and the formula in use. */
  const captionState = (): CaptionState => {
    const p = session.particles;
    const gan = session instanceof GanSession;
    return {
      title: hudTitle(config, session),
      phase: gan ? 'x = G(z)' : p.motion,
      time: gan ? `${session.trainSteps.toLocaleString('en')} training steps` : `t = ${p.t} / ${p.T}`,
      formula: captionFormula(config.model.kind, p.motion === 'forward' || p.motion === 'reverse' ? p.motion : 'hold', effectiveSampler(config)),
    };
  };
  recordHost.decorate = (ctx, width, height) => presentation.caption && drawCaption(ctx, width, height, captionState(), presentation.theme);
  const presentation = new Presentation(overlay, (theme) => {
    stageTheme = theme;
    setPaletteTheme(theme);
    stage.setTheme(theme);
    particleLayer.setAdditive(THEMES[theme].additive);
    trailLayer?.setAdditive(THEMES[theme].additive);
    dataLayer.setColoring('time', new Color(THEMES[theme].data));
  });
  const recordPanel = new RecordPanel(gui.gui, overlay, recorder, (m, kind, seconds) => hud.toast(m, kind, seconds), presentation, () => session instanceof GanSession);

  addEventListener('resize', () => stage.resize());
  // Frame the data where no panel covers it (the HUD column on the left, the settings on the right, the GAN panel below).
  watchFreeArea({ left: [...overlay.querySelectorAll('.hud')], right: [gui.gui.domElement], bottom: [bottomPanels, sidePanels] }, (area) => stage.setFreeArea(area));
  document.addEventListener('visibilitychange', () => loop.setHidden(document.hidden));
  // Scene keys work wherever focus is (a GUI button or list included), except while typing in a text field.
  addEventListener(
    'keydown',
    (e) => {
      const t = e.target;
      if (t instanceof HTMLInputElement && t.type !== 'checkbox' && t.type !== 'button') return;
      if (t instanceof HTMLTextAreaElement || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ' ') {
        config.sampling.paused = !config.sampling.paused;
        applyConfig('Pause');
      } else if (e.key === '.' || e.key === 'ArrowRight') {
        if (session instanceof GanSession && config.sampling.paused) session.trainStep();
        loop.stepOnce();
      } else {
        return;
      }
      e.preventDefault();
      e.stopPropagation();
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    },
    { capture: true },
  );

  // The HUD shows the backend in a few words; the full story of the choice is in its tooltip.
  const failedNames = choice.failed.map((f) => f.split(':')[0]);
  const shortBackend = `${choice.reason.split(';')[0]}${failedNames.length > 0 ? ` · ${failedNames.join(', ')} failed to start` : choice.software && choice.reason.includes(';') ? ' · no hardware GPU found' : ''}`;
  setInterval(() => {
    const s = loop.stats;
    const p = session.particles;
    const diffusion = session instanceof DiffusionSession ? session : null;
    plots.setVisible(config.view.showSchedule);
    plots.setPathVisible(diffusion !== null);
    if (config.view.showSchedule) {
      if (diffusion) plots.setTime(diffusion.pathTime);
      chart.flush();
    }
    const phase = diffusion === null ? 'generating' : config.sampling.phase === p.motion ? p.motion : `${config.sampling.phase} · ${p.motion}`;
    if (presentation.active && presentation.caption) presentation.setCaption(captionState());
    hud.update({
      title: hudTitle(config, session),
      phase: config.sampling.paused ? `${phase} · paused` : phase,
      time: diffusion === null ? 'x = G(z), z fixed' : `t = ${p.t} / ${p.T}`,
      t: p.t,
      T: p.T,
      timeColor: `#${timeColor(p.t / p.T, scratchColor).getHexString()}`,
      backend: shortBackend,
      backendDetail: choice.reason,
      simLabel: diffusion === null ? 'G(z)' : 'diffusion',
      renderer: `three.js ${stage.backendName} · positions ${uploader.mode === 'gpu' ? 'GPU→GPU copy' : 'async readback'}`,
      fps: s.fps,
      frameMs: s.frameMs,
      trainStepsPerSecond: s.trainStepsPerSecond,
      simStepsPerSecond: s.simStepsPerSecond,
      targetStepsPerSecond: config.sampling.paused || diffusion === null ? 0 : config.sampling.stepsPerSecond,
      trainSteps: session.trainSteps,
      loss: session.loss,
      straightness: session.straightness,
      particles: p.count,
    });
  }, 250);

  // A read-only handle for tests and the console.
  (window as unknown as Record<string, unknown>).__playground = {
    snapshot: () => ({
      backend: choice.name,
      renderer: stage.backendName,
      upload: uploader.mode,
      positionReadbacks: uploader.readbacks,
      positionGpuCopies: uploader.gpuCopies,
      trainSteps: session.trainSteps,
      simSteps: loop.stats.simSteps,
      frames: loop.stats.frames,
      fps: loop.stats.fps,
      frameMs: loop.stats.frameMs,
      phaseMs: { sim: loop.stats.simMs, train: loop.stats.trainMs, render: loop.stats.renderMs },
      t: session.particles.t,
      loss: session.loss,
      config: structuredClone(config),
      memory: { tensors: tfMemory().numTensors, bytes: tfMemory().numBytes },
      recovered: recovered === null ? null : { reason: recovered.reason, lostBackend: recovered.lostBackend, skip: [...recovered.skip], weights: recovered.weights !== null },
    }),
    /** Records with the Record panel's settings changed by `settings` (tests); resolves with the file's bytes, base64. */
    record: async (settings: Partial<RecordSettings>, hashFrames = true) => {
      Object.assign(recordPanel.settings, settings);
      const r = await recordPanel.start({ hashFrames, download: false });
      if (r === null) throw new Error('recording failed (see the toast)');
      const bytes = new Uint8Array(await r.blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { base64: btoa(binary), fileName: r.fileName, frames: r.frames, width: r.width, height: r.height, encoding: r.encoding, frameHashes: r.frameHashes, wallMs: r.wallMs, type: r.blob.type, dropped: r.dropped, remark: r.remark };
    },
    /** A PNG screenshot at 1x, 2x or 4x (tests); resolves with its size and bytes, base64. */
    screenshot: async (scale: 1 | 2 | 4) => {
      const shot = await recorder?.screenshot(scale);
      if (!shot) throw new Error('no recorder');
      const bytes = new Uint8Array(await shot.blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return { base64: btoa(binary), fileName: shot.fileName, width: shot.width, height: shot.height };
    },
  };

  // A lost GPU takes every tensor and buffer with it: keep a recent copy of the weights off the GPU, and on
  // a loss write the scene down and reload, so the normal start rebuilds device, renderer and tensors.
  let weightsCopy: string | null = null;
  let copying = false;
  setInterval(() => {
    if (copying || config.sampling.paused) return;
    copying = true;
    saveWeights(session, 'recovery')
      .then((text) => (weightsCopy = text))
      .catch(() => undefined)
      .finally(() => (copying = false));
  }, WEIGHTS_COPY_EVERY_MS);
  const stopWatching = watchDeviceLoss(canvas, choice.device, (reason, lost) => {
    loop.stop();
    const kept = notes === null
      ? { weightsKept: false, customKept: false, written: false }
      : stashRecovery(notes, { hash: location.hash, weights: weightsCopy, custom: config.data.source === 'custom' && customData ? { dim: customData.dim, points: customData.points } : null, lostBackend: lost, reason, at: Date.now() }, recovered);
    const what = kept.written ? `restarting with the same settings${kept.weightsKept ? ' and the trained weights' : ''}` : 'restarting (the settings are in the link)';
    hud.toast(`GPU lost: ${reason}. ${what[0].toUpperCase()}${what.slice(1)}…`, 'error', 10);
    setTimeout(() => location.reload(), 1500);
  });
  if (recovered !== null) {
    if (recovered.custom !== null) {
      try {
        useData(pointsFromCoordinates(recovered.custom.points, recovered.custom.dim), 'Your points (kept across the restart)');
      } catch (e) {
        hud.toast(`Your points could not be restored: ${(e as Error).message}`, 'error');
      }
    }
    if (recovered.weights !== null) {
      try {
        useWeights(readWeights(recovered.weights, defaults), 'the copy kept before the GPU was lost');
      } catch (e) {
        hud.toast(savedFileMessage('the weights kept before the GPU was lost', e), 'error');
      }
    }
    const avoided = recovered.skip.length > 0 ? ` ${recovered.skip.join(', ')} was lost twice, so it is skipped now.` : '';
    hud.toast(`Recovered after ${recovered.reason}: settings${recovered.weights !== null ? ' and trained weights' : ''} restored.${avoided}`, 'info', 10);
  }

  addEventListener('beforeunload', () => {
    stopWatching();
    loop.dispose();
    session.dispose();
    particleLayer.dispose();
    dataLayer.dispose();
    chart.dispose();
    plots.dispose();
    drawing.dispose();
    presentation.dispose();
    preview.dispose();
    trailLayer?.dispose();
    fieldViews.dispose();
    ganViews.dispose();
    stage.dispose();
  });
  writeHash(); // a link with rejected values is shown cleaned
  loop.start();
}

addEventListener('error', (e) => console.error('[playground]', e.message));
main().catch((e: unknown) => {
  console.error(e);
  showFatal(document.getElementById('overlay') as HTMLElement, e instanceof Error ? e.message : String(e));
});
