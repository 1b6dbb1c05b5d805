/**
 * The views over the particles for both families (the diffusion field views, the GAN landscape and
 * panel) and the camera they ask for. Refreshed on the loop's cadence; a frame-exact recording waits
 * for their readbacks with {@link SceneViews.whenIdle}.
 */
import type { PlaygroundConfig } from '../config/playground-config';
import type { Stage } from '../scene/stage';
import type { Session } from '../session/create-session';
import { collapsiblePanels } from '../ui/layout';
import { DiffusionViews } from './diffusion-views';
import { GanViews, SURFACE_HEIGHT } from './gan-views';
import type { ParticleView } from './particle-view';
import { asDiffusion, asGan } from './session-family';

/** What each panel of the overlay's columns is called on its collapse button, by class (others get none). */
const PANEL_NAMES: Readonly<Record<string, string>> = { 'schedule-plots': 'plots', 'field-legend': 'legend', 'gan-panel': 'GAN panel' };

/** The collapse button's name of a panel, from its class; null for an element that is not a panel. */
export function panelName(panel: Element): string | null {
  for (const c of Array.from(panel.classList)) if (c in PANEL_NAMES) return PANEL_NAMES[c];
  return null;
}

/** Both families' views. Call {@link dispose}. */
export class SceneViews {
  private readonly diffusion: DiffusionViews;
  private readonly gan: GanViews;
  private readonly stopCollapsing: readonly (() => void)[];

  /**
   * @param bottomPanels the DOM column for legends; @param sidePanels the one for the GAN panel.
   * @param software true on a CPU backend (coarser grids).
   */
  constructor(
    private readonly stage: Stage,
    bottomPanels: HTMLElement,
    sidePanels: HTMLElement,
    software: boolean,
  ) {
    this.diffusion = new DiffusionViews(stage, bottomPanels, software);
    this.gan = new GanViews(stage, bottomPanels, sidePanels, software);
    // Every panel (plots and chart, legends, the GAN panel) can be collapsed to a button.
    this.stopCollapsing = [collapsiblePanels(bottomPanels, panelName), collapsiblePanels(sidePanels, panelName)];
  }

  /** Starts the readbacks the config asks for (the other family's views are hidden). */
  refresh(session: Session, config: PlaygroundConfig, view: ParticleView): void {
    this.diffusion.refresh(asDiffusion(session), config);
    this.gan.refresh(asGan(session), config, view.data);
  }

  /** Resolves once every view's readbacks in flight have landed. */
  async whenIdle(): Promise<void> {
    await Promise.all([this.diffusion.whenIdle(), this.gan.whenIdle()]);
  }

  /** While the particles ride the GAN's learned surface: its height and the landscape's version (for the heights' uploads); else null. */
  surface(session: Session, config: PlaygroundConfig): { readonly height: number; readonly version: number } | null {
    return GanViews.particlesRide(asGan(session), config) ? { height: SURFACE_HEIGHT, version: this.gan.landscapeVersion } : null;
  }

  /** The camera for the scene: 3D data orbit, the GAN surface orbit, or the flat 2D view. */
  syncStageView(session: Session, config: PlaygroundConfig): void {
    const view = session.dim === 3 ? '3d' : GanViews.surfaceOn(asGan(session), config) ? 'landscape' : '2d';
    if (this.stage.currentView !== view) this.stage.setView(view);
  }

  dispose(): void {
    for (const stop of this.stopCollapsing) stop();
    this.diffusion.dispose();
    this.gan.dispose();
  }
}
