/**
 * The live "why Wasserstein" scene (seed §3.4-3.5; Arjovsky, Chintala & Bottou 2017, Example 1) behind
 * the deck's `wasserstein` slides (app/wasserstein-scene-api.ts): p_r uniform on {0} x [0, 1], p_g at
 * x = theta. Top: a GAN discriminator (left) and a WGAN-GP critic (right) trained on the two segments,
 * with the push each gives the generated points. Bottom: JS, KL and W1 against theta (closed forms and
 * estimates from samples), theta over shift updates for each loss, and the controls.
 * The model side is models/parallel-lines-scene.ts; this file lays out the DOM, runs the clock and
 * replays the picture into recording frames.
 */
import { SHIFT_GAME_LOSSES, type ShiftGameLoss } from '../models/parallel-lines-game';
import { ESTIMATE_BANDWIDTH, ESTIMATE_POINTS, PANEL_SIDES, THETA_LIMIT, trainingSide, WassersteinSceneState, type PanelSide } from '../models/parallel-lines-scene';
import type { ThemeName } from '../scene/palette';
import { h } from '../ui/dom';
import { LOSS_NAMES, WassersteinControls } from '../ui/wasserstein-controls';
import { DIVERGENCE_COLORS, LOSS_COLORS, WassersteinPlots } from '../ui/wasserstein-curves';
import { FrameReplica, frameRect } from '../ui/wasserstein-frame';
import { PICTURE_COLORS, PlanePainter } from '../ui/wasserstein-picture';
import '../ui/wasserstein.css';
import type { OpenWassersteinScene, WassersteinScene, WassersteinSceneOptions } from './wasserstein-scene-api';

/** Longest step of the scene's own clock, ms (a background tab does not come back to a burst of training). */
const MAX_FRAME_MS = 100;
/** While someone else calls advance (a frame-exact recording), the scene's own clock waits this long, ms. */
const EXTERNAL_CLOCK_MS = 500;
/** Plots and labels refresh at most this often, ms of wall time (the picture every frame). */
const REFRESH_MS = 250;

/** The push each panel draws, as TeX: minus the gradient of the generator's per-sample loss. */
const PUSH_TEX: Readonly<Record<ShiftGameLoss, string>> = {
  'gan-minimax': '-\\nabla_x \\log(1 - D(x))',
  'gan-non-saturating': '\\nabla_x \\log D(x)',
  'wgan-gp': '\\nabla_x f(x)',
};

/** The title of a panel's field. */
const PANEL_TITLE: Readonly<Record<PanelSide, string>> = {
  discriminator: 'GAN discriminator $D(x)$: blue $D \\to 1$ (real), red $D \\to 0$',
  critic: 'WGAN-GP critic $f(x)$: blue high, red low',
};

interface PanelView {
  readonly canvas: HTMLCanvasElement;
  readonly plane: HTMLElement;
  readonly push: HTMLElement;
  readonly readout: HTMLElement;
}

const fixed = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits).replace('-', '\u2212') : '\u2013');

/** What a `#scene=wasserstein` link opens when it names nothing else. */
export const DEFAULT_WASSERSTEIN_OPTIONS: Omit<WassersteinSceneOptions, 'theme'> = { theta: 1, loss: 'gan-minimax', train: false, seed: 1 };

/**
 * The scene a link asks for: `#scene=wasserstein[&theta=1.5][&loss=wgan-gp][&train=1][&seed=3]` (the way
 * in without a deck). A value out of range or unknown keeps its default and adds a problem line.
 * @returns null when the hash does not name this scene.
 */
export function wassersteinOptionsFromHash(hash: string, theme: ThemeName): { options: WassersteinSceneOptions; problems: string[] } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (params.get('scene') !== 'wasserstein') return null;
  const problems: string[] = [];
  let { theta, loss, train, seed } = DEFAULT_WASSERSTEIN_OPTIONS;
  const number = (key: string, ok: (v: number) => boolean, fallback: number): number => {
    const raw = params.get(key);
    if (raw === null) return fallback;
    const v = Number(raw);
    if (raw.trim() !== '' && ok(v)) return v;
    problems.push(`${key}=${raw.slice(0, 20)} is out of range; kept ${fallback}`);
    return fallback;
  };
  theta = number('theta', (v) => Math.abs(v) <= THETA_LIMIT, theta);
  seed = number('seed', (v) => Number.isInteger(v) && Math.abs(v) < 2 ** 31, seed);
  const rawLoss = params.get('loss');
  if (rawLoss !== null) {
    const known = SHIFT_GAME_LOSSES.find((l) => l === rawLoss);
    if (known === undefined) problems.push(`unknown loss '${rawLoss.slice(0, 20)}'; kept ${loss}`);
    else loss = known;
  }
  const rawTrain = params.get('train');
  if (rawTrain !== null) {
    if (rawTrain === '1' || rawTrain === 'true') train = true;
    else if (rawTrain === '0' || rawTrain === 'false') train = false;
    else problems.push(`train=${rawTrain.slice(0, 20)} is not 0 or 1; kept ${train ? 1 : 0}`);
  }
  return { options: { theta, loss, train, seed, theme }, problems };
}

/** Opens the scene in `host` (see {@link OpenWassersteinScene}). @throws RangeError on options out of range. */
export const openWassersteinScene: OpenWassersteinScene = (host: HTMLElement, options: WassersteinSceneOptions): WassersteinScene => {
  if (options.theme !== 'dark' && options.theme !== 'light') throw new RangeError(`unknown theme '${String(options.theme)}'`);
  const initial = { theta: options.theta, loss: options.loss, train: options.train, seed: options.seed };
  const state = new WassersteinSceneState(initial);
  let theme: ThemeName = options.theme;
  const painter = new PlanePainter();
  const root = h('div', { className: 'wass-scene' });
  const replica = new FrameReplica(root);

  const panels = {} as Record<PanelSide, PanelView>;
  const top = h('div', { className: 'wass-top' });
  for (const side of PANEL_SIDES) {
    const title = h('div', { className: 'wass-label wass-title' });
    const push = h('div', { className: 'wass-label' });
    const readout = h('div', { className: 'wass-label wass-dim' });
    const canvas = h('canvas', { className: 'wass-canvas' });
    canvas.setAttribute('aria-label', `${side} of the parallel-lines scene`);
    const plane = h('div', { className: 'wass-plane' }, canvas);
    top.append(h('div', { className: 'wass-panel frame-box', data: { side } }, title, push, plane, readout));
    replica.label(title, PANEL_TITLE[side]);
    panels[side] = { canvas, plane, push, readout };
  }

  const legendRow = (color: string, text: string): HTMLElement => {
    const label = h('span', { className: 'wass-label' });
    replica.label(label, text);
    const swatch = h('span', { className: 'wass-swatch frame-swatch' });
    swatch.style.background = color;
    return h('div', { className: 'wass-legend-row' }, swatch, label);
  };
  const divergenceTitle = h('div', { className: 'wass-label wass-title' });
  replica.label(divergenceTitle, `Divergences against $\\theta$: lines exact, dots from ${ESTIMATE_POINTS} samples`);
  const divergencePlot = h('div', { className: 'wass-plot' });
  const divergenceBox = h(
    'div',
    { className: 'wass-box frame-box wass-curves' },
    divergenceTitle,
    h(
      'div',
      { className: 'wass-legend' },
      legendRow(DIVERGENCE_COLORS.js, '$\\mathrm{JS}(p_r, p_g) = \\log 2$ for $\\theta \\ne 0$'),
      legendRow(DIVERGENCE_COLORS.kl, '$\\mathrm{KL}(p_r \\| p_g) = +\\infty$ for $\\theta \\ne 0$'),
      legendRow(DIVERGENCE_COLORS.w1, '$W_1(p_r, p_g) = |\\theta|$'),
    ),
    divergencePlot,
  );
  const kdeNote = h('div', { className: 'wass-label wass-dim' });
  replica.label(kdeNote, `JS, KL from kernel density estimates ($h = ${ESTIMATE_BANDWIDTH}$): KL grows as $\\theta^2 / 2h^2$`);
  divergenceBox.append(kdeNote);
  const traceTitle = h('div', { className: 'wass-label wass-title' });
  replica.label(traceTitle, 'The learned shift $\\theta$ over its updates');
  const tracePlot = h('div', { className: 'wass-plot' });
  const traceBox = h(
    'div',
    { className: 'wass-box frame-box wass-traces' },
    traceTitle,
    h('div', { className: 'wass-legend' }, ...SHIFT_GAME_LOSSES.map((loss) => legendRow(LOSS_COLORS[loss], LOSS_NAMES[loss]))),
    tracePlot,
  );
  const plots = new WassersteinPlots(divergencePlot, tracePlot);

  const controls = new WassersteinControls({
    theta: (theta) => state.setTheta(theta),
    animate: (on) => state.setAnimating(on),
    loss: (loss) => state.setLoss(loss),
    train: (on) => state.setTraining(on),
    pause: () => state.setPaused(!state.isPaused),
    reset: () => state.reset(initial),
  });
  replica.label(controls.animateLabel, 'animate $\\theta$ over $[-2, 2]$');
  replica.label(controls.trainLabel, 'train the shift $\\theta$ under the loss');
  replica.label(controls.lossLabel, 'loss');
  const status = h('div', { className: 'wass-label wass-dim' });
  const gradient = h('div', { className: 'wass-label' });
  /** What to look for, short (they must fit the side panel at 1280 x 720, also beside a deck's text column). */
  const notes = [
    '$D$ saturates: its push vanishes (rings: too small to draw).',
    '$f$ keeps slope 1: the gradient of $W_1 = |\\theta|$.',
  ].map((text) => {
    const line = h('div', { className: 'wass-label wass-dim wass-note' });
    replica.label(line, text);
    return line;
  });
  const controlBox = h('div', { className: 'wass-box frame-box wass-side' }, controls.root, gradient, status, h('div', { className: 'wass-notes' }, ...notes));
  root.append(top, h('div', { className: 'wass-bottom' }, divergenceBox, traceBox, controlBox));
  host.append(root);

  const setTheme = (next: ThemeName): void => {
    theme = next;
    root.dataset.theme = next;
  };
  setTheme(theme);

  /** Labels, plots and controls from the state (a few times a second, and before a captured frame). */
  const refresh = (): void => {
    const trainer = trainingSide(state.options.loss);
    for (const side of PANEL_SIDES) {
      const loss = state.loss(side);
      replica.label(panels[side].push, `arrows: the push $${PUSH_TEX[loss]}$ on the generated points${side === 'discriminator' ? ` (${LOSS_NAMES[loss]})` : ''}`);
      const field = state.field(side);
      replica.label(panels[side].readout, `$\\theta$ = ${fixed(state.theta(side), 2)}   mean push = ${field === null ? '\u2013' : field.meanGradient.toPrecision(2)}`);
    }
    replica.label(controls.thetaLabel, `$\\theta$ = ${fixed(state.theta(trainer), 2)}`);
    const reading = state.reading(trainer);
    replica.label(gradient, `$\\partial L_G / \\partial \\theta$ = ${reading === null ? '\u2013' : reading.thetaGradient.toPrecision(2)}`);
    const phase = state.isPaused ? 'paused' : state.options.train ? (state.warmingUp ? 'D and f learn first; $\\theta$ waits' : `$\\theta$ trains under ${LOSS_NAMES[state.options.loss]}`) : state.isAnimating ? '$\\theta$ sweeps; D and f follow' : 'D and f train at the set $\\theta$';
    replica.label(status, phase);
    controls.sync({ theta: state.theta(trainer), animating: state.isAnimating, loss: state.options.loss, training: state.options.train, paused: state.isPaused });
    plots.setCurves(state.curves(), state.theta(trainer));
    plots.setTraces(state.traces());
  };

  const fit = (): void => {
    const font = Math.max(12, Math.min(20, host.clientHeight / 52));
    root.style.fontSize = `${font.toFixed(1)}px`;
    const dpr = devicePixelRatio;
    for (const side of PANEL_SIDES) {
      const { canvas, plane } = panels[side];
      canvas.width = Math.max(1, Math.round(plane.clientWidth * dpr));
      canvas.height = Math.max(1, Math.round(plane.clientHeight * dpr));
    }
    plots.fit(plots.divergence, divergencePlot.clientWidth, divergencePlot.clientHeight);
    plots.fit(plots.trace, tracePlot.clientWidth, tracePlot.clientHeight);
  };
  const resize = new ResizeObserver(fit);
  resize.observe(host);
  resize.observe(top);
  resize.observe(divergencePlot);
  resize.observe(tracePlot);

  const drawScreen = (): void => {
    for (const side of PANEL_SIDES) {
      const { canvas } = panels[side];
      const ctx = canvas.getContext('2d');
      if (ctx !== null) painter.drawPanel(ctx, { x: 0, y: 0, width: canvas.width, height: canvas.height }, state, side, theme, devicePixelRatio);
    }
  };

  let disposed = false;
  let externalUntil = -Infinity;
  let lastFrame = performance.now();
  let lastRefresh = -Infinity;
  let frame = 0;
  const loop = (now: number): void => {
    if (disposed) return;
    const dt = Math.min(MAX_FRAME_MS, Math.max(0, now - lastFrame));
    lastFrame = now;
    if (now > externalUntil) state.advance(dt);
    if (now - lastRefresh >= REFRESH_MS) {
      lastRefresh = now;
      refresh();
    }
    drawScreen();
    frame = requestAnimationFrame(loop);
  };
  fit();
  refresh();
  frame = requestAnimationFrame(loop);

  let frameScale = 1;
  return {
    setPaused: (paused) => state.setPaused(paused),
    advance: (dtMs) => {
      externalUntil = performance.now() + EXTERNAL_CLOCK_MS;
      state.advance(dtMs);
    },
    whenIdle: async () => {
      await state.whenIdle();
      refresh();
      await Promise.all([replica.prepare(1), replica.prepare(frameScale)]);
      // uPlot redraws its canvases in a microtask after setData.
      await new Promise<void>((resolve) => queueMicrotask(resolve));
    },
    drawFrame: (ctx, width, height) => {
      const box = host.getBoundingClientRect();
      const sx = width / Math.max(1, box.width);
      const sy = height / Math.max(1, box.height);
      frameScale = Math.min(sx, sy);
      ctx.save();
      ctx.fillStyle = PICTURE_COLORS[theme].background;
      ctx.fillRect(0, 0, width, height);
      replica.draw(ctx, box, sx, sy);
      for (const side of PANEL_SIDES) painter.drawPanel(ctx, frameRect(panels[side].plane, box, sx, sy), state, side, theme, frameScale);
      for (const plot of [plots.divergence, plots.trace]) {
        const r = frameRect(plot.ctx.canvas, box, sx, sy);
        ctx.drawImage(plot.ctx.canvas, r.x, r.y, r.width, r.height);
      }
      ctx.restore();
    },
    setTheme,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      cancelAnimationFrame(frame);
      resize.disconnect();
      plots.dispose();
      state.dispose();
      root.remove();
    },
  };
};
