/**
 * Wires the playground together: backend -> session (models, particles) -> loop (time) -> stage
 * (drawing) and UI (GUI, HUD). The only file that knows every part; it also disposes them.
 */
import { Color, ColorManagement } from 'three/webgpu';
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
import { clusterColors, THEME, timeColor } from './scene/palette';
import { ParticleLayer } from './scene/particle-layer';
import { TensorUploader } from './scene/particle-upload';
import { TrailLayer } from './scene/trail-layer';
import { Stage } from './scene/stage';
import type { SamplerKind } from './particles/reverse-samplers';
import { DiffusionSession } from './session/diffusion-session';
import { GanSession } from './session/gan-session';
import { createSession, type Session } from './session/create-session';
import type { DivergenceEvent } from './models/divergence-guard';
import { DiffusionViews } from './app/diffusion-views';
import { GanViews, SURFACE_HEIGHT } from './app/gan-views';
import { createConfigGui } from './ui/config-gui';
import { Hud } from './ui/hud';
import { SchedulePlots } from './ui/schedule-plots';
import { TrainingChart } from './ui/training-chart';
import { chartMetric, METRIC_LABELS, METRIC_POINTS } from './app/metric-tracker';

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


/** Seconds the particles rest at t = 0 and t = T before turning around. */
const HOLD_SECONDS = 0.6;

function showFatal(overlay: HTMLElement, message: string): void {
  const box = document.createElement('div');
  box.className = 'fatal';
  box.innerHTML = '<div><h2>Generative Playground could not start</h2><p></p></div>';
  (box.querySelector('p') as HTMLElement).textContent = message;
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
  const choice: BackendChoice = await initTfBackend(override);
  // A backend that broke while starting (not merely absent) is worth a message: the scene runs slower than it should.
  for (const failure of choice.failed) hud.toast(`tfjs backend ${failure}; running on ${choice.name} instead.`, 'error', 10);
  const rendererParam = params.get('renderer');
  if (rendererParam !== null && rendererParam !== 'webgl') hud.toast(`unknown renderer '${rendererParam.slice(0, 20)}': the only choice is ?renderer=webgl; drawing with the default`, 'error');
  const forceWebGL = rendererParam === 'webgl';
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
    hud.toast(`No hardware GPU: the math runs on the CPU (${choice.name}), so the scene starts lighter (${lighter.join(', ')}).`, 'info', 8);
  }
  const fromUrl = configFromHash(location.hash, defaults);
  for (const p of fromUrl.problems) hud.toast(`URL: ${p}`, 'error');
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
      additive: true,
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
    dataLayer.setColoring('time', new Color(THEME.data));
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
    ganViews.refresh(session instanceof GanSession ? session : null, config);
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
        const p = session.particles;
        const surface = session instanceof GanSession && GanViews.particlesRide(session, config);
        particleLayer.setHeightScale(surface ? SURFACE_HEIGHT : 0);
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
        particleLayer.setPointSize(config.view.pointSize);
        syncTrailLayer();
        const trails = p.trails;
        if (trailLayer && trails && trailUploader.wants(trails.version)) {
          const ordered = trails.ordered();
          trailUploader.upload([[ordered, trailLayer.positions]], trails.version);
          ordered.dispose();
        }
        trailLayer?.setStyle(config.view.colorMode, scratchColor, 0.55);
        dataLayer.object.visible = config.view.showData;
        stage.render();
        fence();
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
        stage.setDimension(session.dim);
        buildParticleLayer();
        buildDataLayer();
        attachCharts();
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
    for (const p of problems) hud.toast(`URL: ${p}`, 'error');
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
  const openFile = (file: File): void => {
    loadFile(file, config.data.seed)
      .then((loaded) => useData(loaded, file.name))
      .catch((e: unknown) => hud.toast(e instanceof DataLoadError || e instanceof RangeError ? e.message : `Could not read ${file.name}: ${String(e)}`, 'error'));
  };
  const filePicker = document.createElement('input');
  filePicker.type = 'file';
  filePicker.accept = '.csv,.tsv,.txt,.png,.jpg,.jpeg,text/csv,image/png,image/jpeg';
  filePicker.hidden = true;
  filePicker.addEventListener('change', () => {
    const file = filePicker.files?.[0];
    if (file) openFile(file);
    filePicker.value = '';
  });
  overlay.append(filePicker);
  const dropHint = document.createElement('div');
  dropHint.className = 'drop-hint';
  dropHint.textContent = 'Drop a CSV of points or an image to train on it';
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
    loadPreset: (name) => {
      try {
        const { config: next, problems } = presetConfig(name, defaults);
        for (const p of problems) hud.toast(`Preset: ${p}`, 'error');
        for (const g of Object.keys(next) as ConfigGroup[]) Object.assign(config[g], next[g]);
        applyConfig(`Preset '${findPreset(name)?.label ?? name}'`);
      } catch (e) {
        hud.toast((e as Error).message, 'error');
      }
    },
  }, undefined, (group, key, c) => (group === 'sampling' && key === 'sampler' ? MODEL_SAMPLERS[c.model.kind] : null), isRelevant, PRESETS);

  addEventListener('resize', () => stage.resize());
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
    }),
  };

  addEventListener('beforeunload', () => {
    loop.dispose();
    session.dispose();
    particleLayer.dispose();
    dataLayer.dispose();
    chart.dispose();
    plots.dispose();
    drawing.dispose();
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
