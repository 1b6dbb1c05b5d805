/**
 * The model side of the "why Wasserstein" scene (seed §3.4-3.5; Arjovsky, Chintala & Bottou 2017,
 * Example 1): what the view draws, kept free of DOM so that Node tests can check it. Two games of
 * parallel-lines-game.ts run side by side on their own clock: a GAN discriminator D (minimax or
 * non-saturating generator loss) and a WGAN-GP critic f, each against a generator that is a shift theta.
 * The state holds
 * - the divergence curves against theta (parallel-lines.ts): closed forms, and estimates from samples
 *   filled in asynchronously a few times a second, on a fixed theta grid and at the current theta;
 * - per game a field snapshot read back asynchronously every few ticks: D(x) or f(x) on a grid over the
 *   plane, and the push -grad_x loss_G on points of the generated segment (the arrows; parallel-lines-field.ts);
 * - theta over shift updates for each loss that has trained the shift (which one reaches 0).
 * Scene time advances only through {@link WassersteinSceneState.advance} (frame-exact recording).
 */
import * as tf from '@tensorflow/tfjs';
import { defaultShiftGame, ShiftGame, SHIFT_GAME_LOSSES, type ShiftGameLoss, type ShiftGameReading } from './parallel-lines-game';
import { planeGrid, readFieldSnapshot, type FieldSnapshot } from './parallel-lines-field';
import { parallelLineDivergences, sampledLineDivergences, type LineDivergences } from './parallel-lines';
import { createRng, type Rng } from './random';

export { ARROW_COUNT, ARROW_HEIGHTS, PLANE, type FieldSnapshot } from './parallel-lines-field';

/** Theta's range on the slider and in the animation, data units. */
export const THETA_LIMIT = 2;
/** Scene time per tick (one game step of each game), ms: 30 steps per scene second. */
export const TICK_MS = 1000 / 30;
/** Ticks run at most per {@link WassersteinSceneState.advance} (a long frame is dropped, not caught up). */
const MAX_TICKS_PER_ADVANCE = 2;
/** Period of the theta animation (theta = 2 sin(2 pi t / period)), ms of scene time. */
const ANIMATION_PERIOD_MS = 12_000;
/** Ticks with the shift held still while D / f learn to separate the lines (2 updates a tick). */
export const WARMUP_TICKS = 50;
/** A field snapshot is taken every this many ticks. */
const FIELD_EVERY_TICKS = 3;
/** One estimate from samples every this many ms of scene time. */
const ESTIMATE_EVERY_MS = 200;
/** Points per line of each estimate, and the KDE bandwidth h (data units) of the JS and KL estimates. */
export const ESTIMATE_POINTS = 256;
export const ESTIMATE_BANDWIDTH = 0.05;
/** Shift updates kept per loss in the theta traces. */
export const TRACE_LENGTH = 900;

/** Points drawn per segment in the picture. */
export const PICTURE_POINTS = 90;
/** The dense theta grid of the closed-form curves (step 0.02) and the coarse grid of the estimates (step 0.2). */
export const CURVE_THETAS: readonly number[] = Array.from({ length: 201 }, (_, i) => Math.round((i - 100) * 2) / 100);
export const ESTIMATE_THETAS: readonly number[] = Array.from({ length: 21 }, (_, i) => Math.round((i - 10) * 2) / 10);

/** Which panel: the GAN discriminator (left) or the WGAN-GP critic (right). */
export type PanelSide = 'discriminator' | 'critic';
export const PANEL_SIDES: readonly PanelSide[] = ['discriminator', 'critic'];

/** What the scene is opened with (checked by {@link sceneSettingsProblems}). */
export interface ParallelLinesSettings {
  /** Initial theta in [-THETA_LIMIT, THETA_LIMIT]. */
  readonly theta: number;
  /** The loss whose generator trains the shift (and, for a GAN loss, the discriminator panel's objective). */
  readonly loss: ShiftGameLoss;
  /** Whether the shift trains (after the warm-up), or only D and f train at the set theta. */
  readonly train: boolean;
  /** Seed of every draw. */
  readonly seed: number;
}

/** Problems of the settings, one line each (empty when valid). */
export function sceneSettingsProblems(s: ParallelLinesSettings): string[] {
  const p: string[] = [];
  if (!(Number.isFinite(s.theta) && Math.abs(s.theta) <= THETA_LIMIT)) p.push(`theta must be in [-${THETA_LIMIT}, ${THETA_LIMIT}], got ${s.theta}`);
  if (!SHIFT_GAME_LOSSES.includes(s.loss)) p.push(`unknown loss '${s.loss}'`);
  if (typeof s.train !== 'boolean') p.push(`train must be true or false, got ${String(s.train)}`);
  if (!Number.isFinite(s.seed)) p.push(`seed must be a finite number, got ${s.seed}`);
  return p;
}

/** The curves the view plots against theta. */
export interface DivergenceCurves {
  /** Closed forms on {@link CURVE_THETAS} (KL is +Infinity off 0: the view draws it as an arrow, not a number). */
  readonly closed: readonly LineDivergences[];
  /** Estimates from samples on {@link ESTIMATE_THETAS}, null where none has come back yet. */
  readonly estimates: readonly (LineDivergences | null)[];
  /** The latest estimate at the current theta, with the theta it was made at. */
  readonly current: { readonly theta: number; readonly estimate: LineDivergences } | null;
}

/** The game each panel plays for a chosen loss: the discriminator panel keeps a GAN objective (minimax for 'wgan-gp'). */
export function panelLoss(side: PanelSide, chosen: ShiftGameLoss): ShiftGameLoss {
  if (side === 'critic') return 'wgan-gp';
  return chosen === 'wgan-gp' ? 'gan-minimax' : chosen;
}

/** The panel whose generator trains the shift under the chosen loss. */
export function trainingSide(chosen: ShiftGameLoss): PanelSide {
  return chosen === 'wgan-gp' ? 'critic' : 'discriminator';
}

/** One panel: its game and what was read back from it. */
interface Panel {
  game: ShiftGame;
  field: FieldSnapshot | null;
  reading: ShiftGameReading | null;
  /** Bumped when theta is set by hand: readings of steps begun before are stale. */
  generation: number;
  /** theta as last set or read. */
  theta: number;
}

/**
 * The scene's state: two games, the curves, the traces, on the scene's own clock. Owns tensors: call
 * {@link dispose}. @throws RangeError on invalid settings.
 */
export class WassersteinSceneState {
  private settings: ParallelLinesSettings;
  private panels!: Record<PanelSide, Panel>;
  private rng!: Rng;
  private estimateRng!: Rng;
  private heights: { real: Float64Array; fake: Float64Array } = { real: new Float64Array(0), fake: new Float64Array(0) };
  private readonly grid: tf.Tensor2D;
  private readonly pending = new Set<Promise<void>>();
  private clockMs = 0;
  private tickDebtMs = 0;
  private ticks = 0;
  private estimateDebtMs = 0;
  private estimateCount = 0;
  private estimates: (LineDivergences | null)[] = [];
  private current: DivergenceCurves['current'] = null;
  private readonly closed = CURVE_THETAS.map(parallelLineDivergences);
  private thetaTraces = new Map<ShiftGameLoss, number[]>();
  private animating = false;
  private paused = false;
  private disposed = false;
  /** Bumped on reset: async results of an older state are dropped. */
  private epoch = 0;

  constructor(settings: ParallelLinesSettings) {
    const problems = sceneSettingsProblems(settings);
    if (problems.length > 0) throw new RangeError(`invalid Wasserstein scene: ${problems.join('; ')}`);
    this.settings = settings;
    this.grid = planeGrid();
    this.build();
  }

  /** (Re)creates both games from the settings and forgets every reading, estimate and trace. */
  private build(): void {
    this.epoch++;
    this.rng = createRng(this.settings.seed);
    this.estimateRng = this.rng.fork();
    const pictureRng = this.rng.fork();
    const draw = (): Float64Array => Float64Array.from({ length: PICTURE_POINTS }, () => pictureRng.uniform());
    this.heights = { real: draw(), fake: draw() };
    const make = (side: PanelSide): Panel => {
      const spec = { ...defaultShiftGame(panelLoss(side, this.settings.loss)), theta0: this.settings.theta, warmupCriticSteps: 0, criticSteps: 2, shiftLearningRate: 0.01, trainShift: false };
      return { game: new ShiftGame(spec, this.rng.fork()), field: null, reading: null, generation: 0, theta: this.settings.theta };
    };
    this.panels = { discriminator: make('discriminator'), critic: make('critic') };
    this.ticks = 0;
    this.tickDebtMs = 0;
    this.clockMs = 0;
    this.estimateDebtMs = 0;
    this.estimateCount = 0;
    this.estimates = ESTIMATE_THETAS.map(() => null);
    this.current = null;
    this.thetaTraces = new Map();
  }

  /** The settings as they are now (the loss, train and theta as last set). */
  get options(): ParallelLinesSettings {
    return this.settings;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isAnimating(): boolean {
    return this.animating;
  }

  /** Scene time so far, ms (since the last reset). */
  get timeMs(): number {
    return this.clockMs;
  }

  /** Whether the shift is held still while D and f learn first. */
  get warmingUp(): boolean {
    return this.ticks < WARMUP_TICKS;
  }

  /** Heights u ~ U[0, 1) of the points the picture draws on each segment ({@link PICTURE_POINTS} each, seeded). */
  get pictureHeights(): { readonly real: Float64Array; readonly fake: Float64Array } {
    return this.heights;
  }

  /** theta of a panel as last set or read back. */
  theta(side: PanelSide): number {
    return this.panels[side].theta;
  }

  /** The loss a panel plays now. */
  loss(side: PanelSide): ShiftGameLoss {
    return this.panels[side].game.spec.loss;
  }

  /** A panel's latest field snapshot (null before the first one comes back). */
  field(side: PanelSide): FieldSnapshot | null {
    return this.panels[side].field;
  }

  /** A panel's latest step reading (null before the first one). */
  reading(side: PanelSide): ShiftGameReading | null {
    return this.panels[side].reading;
  }

  /** The divergence curves against theta (closed forms now, estimates as they come back). */
  curves(): DivergenceCurves {
    return { closed: this.closed, estimates: this.estimates, current: this.current };
  }

  /** theta after each shift update, per loss that has trained the shift (at most {@link TRACE_LENGTH} each). */
  traces(): ReadonlyMap<ShiftGameLoss, readonly number[]> {
    return this.thetaTraces;
  }

  /** Pauses or resumes: a paused scene ignores {@link advance}. */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  /**
   * Moves p_g of both panels to x = theta (the slider); the animation stops. A training shift starts
   * again from there. @throws RangeError unless |theta| <= THETA_LIMIT.
   */
  setTheta(theta: number): void {
    this.animating = false;
    this.placeTheta(theta);
  }

  private placeTheta(theta: number): void {
    if (!(Number.isFinite(theta) && Math.abs(theta) <= THETA_LIMIT)) throw new RangeError(`theta must be in [-${THETA_LIMIT}, ${THETA_LIMIT}], got ${theta}`);
    this.settings = { ...this.settings, theta };
    for (const side of PANEL_SIDES) {
      const panel = this.panels[side];
      panel.game.setTheta(theta);
      panel.theta = theta;
      panel.generation++;
    }
  }

  /** Sweeps theta over [-2, 2] (2 sin(2 pi t / 12 s)); turning it on stops the shift's training. */
  setAnimating(on: boolean): void {
    this.animating = on;
    if (on && this.settings.train) this.setTraining(false);
  }

  /** Trains the shift under the chosen loss (turning it on stops the animation). */
  setTraining(on: boolean): void {
    this.settings = { ...this.settings, train: on };
    if (on) this.animating = false;
  }

  /**
   * Chooses the loss: the discriminator panel plays it if it is a GAN loss (its D starts afresh when the
   * objective changes), and its generator is the one that trains the shift.
   */
  setLoss(loss: ShiftGameLoss): void {
    this.settings = { ...this.settings, loss };
    const panel = this.panels.discriminator;
    const wanted = panelLoss('discriminator', loss);
    if (panel.game.spec.loss === wanted) return;
    const spec = { ...panel.game.spec, loss: wanted, theta0: panel.theta };
    panel.game.dispose();
    this.panels.discriminator = { game: new ShiftGame(spec, this.rng.fork()), field: null, reading: null, generation: 0, theta: panel.theta };
  }

  /** Back to the settings the scene was opened with, but the loss and training as chosen now; fresh networks. */
  reset(initial: ParallelLinesSettings): void {
    for (const side of PANEL_SIDES) this.panels[side].game.dispose();
    this.settings = { ...initial, loss: this.settings.loss, train: this.settings.train };
    this.animating = false;
    this.build();
  }

  /**
   * Advances scene time by dtMs: the animation, one game step per panel per {@link TICK_MS} (at most
   * two per call), a field snapshot every few ticks and an estimate every {@link ESTIMATE_EVERY_MS}.
   * Results come back asynchronously ({@link whenIdle}); nothing here reads the GPU synchronously.
   * @throws RangeError on a negative or non-finite dtMs.
   */
  advance(dtMs: number): void {
    if (!(Number.isFinite(dtMs) && dtMs >= 0)) throw new RangeError(`dtMs must be a finite number >= 0, got ${dtMs}`);
    if (this.paused || this.disposed) return;
    this.clockMs += dtMs;
    if (this.animating) this.placeTheta(THETA_LIMIT * Math.sin((2 * Math.PI * this.clockMs) / ANIMATION_PERIOD_MS));
    this.tickDebtMs = Math.min(this.tickDebtMs + dtMs, MAX_TICKS_PER_ADVANCE * TICK_MS);
    while (this.tickDebtMs >= TICK_MS - 1e-9) {
      this.tickDebtMs -= TICK_MS;
      this.tick();
    }
    this.estimateDebtMs = Math.min(this.estimateDebtMs + dtMs, 2 * ESTIMATE_EVERY_MS);
    while (this.estimateDebtMs >= ESTIMATE_EVERY_MS - 1e-9) {
      this.estimateDebtMs -= ESTIMATE_EVERY_MS;
      this.estimate();
    }
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private tick(): void {
    const training = this.settings.train && !this.animating && this.ticks >= WARMUP_TICKS;
    const trainer = trainingSide(this.settings.loss);
    for (const side of PANEL_SIDES) {
      const panel = this.panels[side];
      const trains = training && side === trainer;
      panel.game.setShiftTraining(trains);
      const { generation, game } = panel;
      const epoch = this.epoch;
      const loss = game.spec.loss;
      this.track(
        game.step().then((reading) => {
          if (epoch !== this.epoch || this.panels[side].game !== game) return;
          panel.reading = reading;
          if (generation === panel.generation) panel.theta = reading.theta;
          if (trains) {
            const trace = this.thetaTraces.get(loss) ?? [];
            if (trace.length < TRACE_LENGTH) trace.push(reading.theta);
            this.thetaTraces.set(loss, trace);
          }
        }),
      );
    }
    if (this.ticks % FIELD_EVERY_TICKS === 0) for (const side of PANEL_SIDES) this.snapshot(side);
    this.ticks++;
  }

  /** Reads back D / f on the grid and the push on the arrow points at the panel's current theta (parallel-lines-field.ts). */
  private snapshot(side: PanelSide): void {
    const game = this.panels[side].game;
    const epoch = this.epoch;
    this.track(
      readFieldSnapshot(game, this.grid).then((field) => {
        if (epoch !== this.epoch || this.panels[side].game !== game) return;
        this.panels[side].field = field;
      }),
    );
  }

  /** One estimate from samples: the next grid theta and the current theta in turn. */
  private estimate(): void {
    const n = this.estimateCount++;
    const atGrid = n % 2 === 0;
    const index = (n >> 1) % ESTIMATE_THETAS.length;
    const theta = atGrid ? ESTIMATE_THETAS[index] : this.theta(trainingSide(this.settings.loss));
    const epoch = this.epoch;
    this.track(
      sampledLineDivergences(this.estimateRng, theta, ESTIMATE_POINTS, ESTIMATE_BANDWIDTH).then((estimate) => {
        if (epoch !== this.epoch) return;
        if (atGrid) this.estimates[index] = estimate;
        else this.current = { theta, estimate };
      }),
    );
  }

  /** Resolves once every step, snapshot and estimate begun so far has come back. */
  async whenIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Frees both games and the grid. Results still in flight are dropped. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.epoch++;
    for (const side of PANEL_SIDES) this.panels[side].game.dispose();
    this.grid.dispose();
  }
}
