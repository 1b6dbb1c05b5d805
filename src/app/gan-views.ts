/**
 * Wiring of the GAN scene's views (2D data): the discriminator / critic landscape as a heat map or a 3D
 * surface the particles ride on (learned D, or the optimal D* from density estimates), the generator
 * manifold G(grid), the generator's push on the particles, and the panel with the bilevel table and the
 * seed's theory. Each view is refreshed by one asynchronous readback from the session, at most one in
 * flight per view; the scene layers and the panel only draw.
 */
import type { Object3D } from 'three/webgpu';
import type { PlaygroundConfig } from '../config/playground-config';
import { ArrowField } from '../scene/arrow-field';
import { HeatMapLayer } from '../scene/heat-map';
import { LandscapeSurface, liftOntoSurface } from '../scene/landscape-surface';
import { ManifoldMesh } from '../scene/manifold-mesh';
import type { ParticleLayer } from '../scene/particle-layer';
import { criticColormap } from '../scene/palette';
import type { Stage } from '../scene/stage';
import type { GanSession, GanTheory } from '../session/gan-session';
import { FieldLegend } from '../ui/field-legend';
import { GanPanel } from '../ui/gan-panel';
import { PendingWork } from './pending-work';

const EXTENT = 4.2;
const SURFACE_GRID = 48;
const MANIFOLD_RESOLUTION = 24;
const PUSH_ARROWS = 400;
/** Data units of arrow per unit of the generator's push -grad_x loss_G (arrows are capped at 0.45). */
const PUSH_SCALE = 0.12;
/** Height of D = 1 (or the critic's maximum) above the data plane, in data units. */
export const SURFACE_HEIGHT = 2.2;
/**
 * The theory figures (KDEs on 600 points, an exact assignment on 256: 20 to 70 ms of the main thread on
 * the 2-core machine) are refreshed once every this many view refreshes (the loop's cadence: 500 ms of
 * loop time each in main.ts, so every 2 s), and never while the GAN panel that shows them is collapsed.
 */
export const THEORY_EVERY_REFRESHES = 4;

/**
 * When the panel's theory figures are due, counted in view refreshes (the loop's cadence, not a wall-clock
 * timer: a frame-exact recording gets them after the same frames whatever the wall time). Due at the first
 * refresh of a session, then every {@link THEORY_EVERY_REFRESHES}-th; never while the panel is collapsed;
 * at once when it is opened again (its figures are then stale).
 */
export class TheorySchedule {
  private of: object | null = null;
  /** Refreshes since the theory was last asked for (Infinity: never for this session, or the panel was closed). */
  private since = Infinity;

  constructor(readonly every = THEORY_EVERY_REFRESHES) {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`every must be an integer >= 1, got ${every}`);
  }

  /** Whether to ask for the theory now, at one view refresh of `session` with the panel open or not. */
  due(session: object, panelOpen: boolean): boolean {
    if (session !== this.of) {
      this.of = session;
      this.since = Infinity;
    }
    if (!panelOpen) {
      this.since = Infinity;
      return false;
    }
    this.since++;
    if (this.since < this.every) return false;
    this.since = 0;
    return true;
  }
}

/** The GAN layers, legend and panel. Call {@link dispose}. */
export class GanViews {
  /** Incremented whenever the landscape's range changes (the particles' heights must be re-uploaded). */
  landscapeVersion = 0;
  private readonly heat: HeatMapLayer;
  private readonly surface = new LandscapeSurface(SURFACE_GRID, EXTENT);
  private readonly manifold = new ManifoldMesh(MANIFOLD_RESOLUTION, 2);
  private readonly manifold1d = new ManifoldMesh(MANIFOLD_RESOLUTION * 4, 1);
  private readonly arrows = new ArrowField(PUSH_ARROWS);
  private readonly legend: FieldLegend;
  private readonly panel: GanPanel;
  private readonly heatGrid: number;
  private pending = { landscape: false, manifold: false, arrows: false, theory: false, data: false };
  private theory: GanTheory | null = null;
  private readonly theorySchedule = new TheorySchedule();
  /** The session the theory figures belong to (a new scene starts with none). */
  private theoryOf: GanSession | null = null;
  private lastRange = '';
  private readonly inflight = new PendingWork();

  /**
   * @param panels the DOM column for the legend; @param sidePanels the one for the GAN panel.
   * @param software true on a CPU backend (coarser grids).
   */
  constructor(
    private readonly stage: Stage,
    panels: HTMLElement,
    sidePanels: HTMLElement,
    software: boolean,
  ) {
    this.heatGrid = software ? 48 : 96;
    this.heat = new HeatMapLayer(this.heatGrid, EXTENT, false);
    this.legend = new FieldLegend(panels);
    this.panel = new GanPanel(sidePanels);
    for (const o of this.objects()) {
      o.visible = false;
      stage.scene.add(o);
    }
    this.panel.setVisible(false);
  }

  private objects(): Object3D[] {
    return [this.heat.object, this.surface.mesh, this.surface.lines, this.manifold.object, this.manifold1d.object, this.arrows.object];
  }

  /** Whether the particles ride the 3D surface (so the caller lifts them by their heights). */
  static surfaceOn(session: GanSession | null, config: PlaygroundConfig): boolean {
    return session !== null && session.dim === 2 && config.gan.landscape === 'surface';
  }

  /**
   * Whether the particles ride the surface: on the learned D only (their heights are D at each particle;
   * D* would need density estimates at every particle every step, so on the D* surface they stay on the
   * floor). The generator manifold, the push arrows and the faint data ride with them.
   */
  static particlesRide(session: GanSession | null, config: PlaygroundConfig): boolean {
    return GanViews.surfaceOn(session, config) && config.gan.landscapeOf === 'learned';
  }

  /**
   * Starts the readbacks the config asks for (a GAN session) or hides everything (null: a diffusion scene).
   * @param dataLayer the faint real data (the session's reference set): on the learned surface its heights
   *   are set here (the caller sets its height scale, {@link SURFACE_HEIGHT} while {@link particlesRide}).
   */
  refresh(session: GanSession | null, config: PlaygroundConfig, dataLayer: ParticleLayer | null = null): void {
    const flat = session !== null && session.dim === 2;
    const g = config.gan;
    const surface = flat && g.landscape === 'surface';
    const heat = flat && g.landscape === 'heat-map';
    this.heat.object.visible = heat;
    this.surface.setVisible(surface);
    const latent2 = session !== null && session.gan.latentDim >= 2;
    this.manifold.object.visible = flat && g.manifold && latent2;
    this.manifold1d.object.visible = flat && g.manifold && !latent2;
    this.arrows.object.visible = flat && g.pushArrows;
    this.panel.setVisible(session !== null);
    if (!(heat || surface)) this.legend.hide();
    // The flat view frames the manifold with the data (its grid of z reaches further than the samples); none shown, none framed.
    if (!(flat && g.manifold && !surface)) this.stage.setGeneratedPoints(null, 2, 'manifold');
    if (session === null) return;
    this.refreshPanel(session, config);
    if (!flat) return;
    if ((heat || surface) && !this.pending.landscape) {
      this.pending.landscape = true;
      const optimal = g.landscapeOf === 'optimal';
      void this.inflight.track(session
        .landscape(surface ? SURFACE_GRID : this.heatGrid, EXTENT, optimal)
        .then((land) => {
          if (land === null) return;
          const span = land.max - land.min;
          const normalised = land.values.map((v) => (v - land.min) / span);
          if (surface) this.surface.update(normalised, SURFACE_HEIGHT);
          else this.heat.update(land.values, land.min, land.max, criticColormap());
          const key = `${land.min} ${land.max}`;
          if (key !== this.lastRange) {
            this.lastRange = key;
            this.landscapeVersion++;
          }
          const wgan = session.critic === 'wasserstein';
          const title = `${optimal ? 'optimal $D^*(x) = p_r / (p_r + p_g)$ (KDE)' : wgan ? 'critic $f_w(x)$' : 'discriminator $D(x)$'}: blue looks real, orange generated`;
          this.legend.show({ title, time: '', lo: land.min, hi: land.max, clippedLo: land.clippedLo, clippedHi: false, colormap: criticColormap() });
        })
        .catch(() => undefined)
        .finally(() => (this.pending.landscape = false)));
    }
    // On the learned surface the manifold, the arrows and the faint data ride it with the particles
    // (heights from the same D and the same range); elsewhere they lie in the plane.
    const ride = GanViews.particlesRide(session, config);
    const lift = (points: Float32Array): Promise<Float32Array | undefined> => (ride ? session.heightsAt(points) : Promise.resolve(undefined));
    if (g.manifold && !this.pending.manifold) {
      this.pending.manifold = true;
      const r = latent2 ? MANIFOLD_RESOLUTION : MANIFOLD_RESOLUTION * 4;
      void this.inflight.track(session
        .manifold(r)
        .then(async (points) => {
          (latent2 ? this.manifold : this.manifold1d).update(points, 0.01, await lift(points), SURFACE_HEIGHT);
          if (!surface) this.stage.setGeneratedPoints(points, 2, 'manifold');
        })
        .catch(() => undefined)
        .finally(() => (this.pending.manifold = false)));
    }
    if (g.pushArrows && !this.pending.arrows) {
      this.pending.arrows = true;
      void this.inflight.track(session
        .pushArrows(PUSH_ARROWS)
        .then(async ({ points, vectors }) => {
          // A fixed scale (not the longest arrow): a vanishing generator gradient must look like one.
          if (points.length === PUSH_ARROWS * 2) this.arrows.update(points, vectors, 0.45, PUSH_SCALE, await lift(points), SURFACE_HEIGHT);
        })
        .catch(() => undefined)
        .finally(() => (this.pending.arrows = false)));
    }
    const layer = dataLayer;
    if (ride && layer !== null && layer.dim === 2 && layer.count === session.reference.count && !this.pending.data) {
      this.pending.data = true;
      void this.inflight.track(session
        .heightsAt(session.reference.points)
        .then((h) => liftOntoSurface(layer, h))
        .catch(() => undefined)
        .finally(() => (this.pending.data = false)));
    }
  }

  private refreshPanel(session: GanSession, config: PlaygroundConfig): void {
    if (this.theoryOf !== session) {
      this.theory = null;
      this.theoryOf = session;
    }
    // A collapsed panel shows nothing: no theory figures and no DOM writes for it.
    const open = !this.panel.collapsed;
    if (!this.pending.theory && this.theorySchedule.due(session, open)) {
      this.pending.theory = true;
      const asked = session;
      session
        .theory()
        .then((t) => {
          if (this.theoryOf === asked) this.theory = t;
        })
        .catch(() => undefined)
        .finally(() => (this.pending.theory = false));
    }
    if (!open) return;
    const l = session.losses;
    const th = this.theory;
    const game = session.game.id;
    this.panel.update({
      game,
      objective: config.gan.objective,
      criticSteps: game === 'gan' ? config.gan.dSteps : config.gan.nCritic,
      value: l.value,
      generatorLoss: l.generator,
      penalty: game === 'wgan-gp' ? l.penalty : Number.NaN,
      optimalValue: th?.optimalValue ?? Number.NaN,
      jsForm: th?.jsForm ?? Number.NaN,
      learnedValue: th?.learnedValue ?? Number.NaN,
      criticEstimate: th?.criticEstimate ?? Number.NaN,
      exactW1: th?.exactW1 ?? Number.NaN,
      fakeD: th?.fakeD ?? Number.NaN,
      generatorSteps: session.trainSteps,
    });
  }

  /** Resolves once the readbacks in flight (landscape, manifold, arrows, the data's heights) have landed (a frame-exact recording waits for them). */
  whenIdle(): Promise<void> {
    return this.inflight.whenIdle();
  }

  dispose(): void {
    for (const o of this.objects()) this.stage.scene.remove(o);
    this.heat.dispose();
    this.surface.dispose();
    this.manifold.dispose();
    this.manifold1d.dispose();
    this.arrows.dispose();
    this.legend.dispose();
    this.panel.dispose();
  }
}
