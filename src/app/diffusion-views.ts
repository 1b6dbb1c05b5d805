/**
 * Wiring of the diffusion family's field views (2D): arrows or streamlines of the field and a heat map
 * under the particles, at the particles' t or a fixed field t. Each view is refreshed by one asynchronous
 * tfjs readback from the session, at most one in flight per view; the scene layers only draw.
 */
import type { HeatMap, PlaygroundConfig } from '../config/playground-config';
import { ArrowField } from '../scene/arrow-field';
import { HeatMapLayer } from '../scene/heat-map';
import { diffusionKind } from '../models/kinds';
import { HEAT_COLORMAPS } from '../scene/palette';
import type { Stage } from '../scene/stage';
import { StreamlineLayer } from '../scene/streamlines';
import type { DiffusionSession } from '../session/diffusion-session';
import { heatRange, traceStreamlines } from '../session/field-views';
import { FieldLegend } from '../ui/field-legend';
import { PendingWork } from './pending-work';

const ARROWS = 24;
const ARROW_EXTENT = 3;
const STREAM_GRID = 48;
const STREAM_EXTENT = 3.6;
const STREAM_SEEDS = 20;
const STREAM_STEPS = 14;
const HEAT_EXTENT = 4.2;

/** What the heat-map legend says for a kind. */
function heatTitle(map: Exclude<HeatMap, 'off'>, config: PlaygroundConfig): string {
  const arrowField = diffusionKind(config.model.kind).parametrisation === 'velocity' ? '$-v$' : 'score';
  switch (map) {
    case 'log-density':
      return '$\\log p_t(x)$ of the noised data (exact)';
    case 'score-norm':
      return `$\\|\\nabla_x \\log p_t(x)\\|$ (score) of the ${config.sampling.field} field`;
    case 'error':
      return `$\\|\\text{learned} - \\text{exact}\\|$ of the ${arrowField}`;
  }
}

/** The field layers and the legend. Call {@link dispose}. */
export class DiffusionViews {
  private readonly arrows = new ArrowField(ARROWS * ARROWS);
  private readonly streams = new StreamlineLayer(STREAM_SEEDS * STREAM_SEEDS * 2 * STREAM_STEPS);
  private readonly heat: HeatMapLayer;
  private readonly legend: FieldLegend;
  private readonly heatGrid: number;
  private linesPending = false;
  private heatPending = false;
  private readonly inflight = new PendingWork();

  /**
   * @param panels the DOM column that holds the legend. @param software true on a CPU backend: the heat
   * map's grid is coarser there (the exact field of a point set over 2,000 points costs about 0.1 s at
   * 48 x 48 on wasm; the texture is filtered linearly either way).
   */
  constructor(
    private readonly stage: Stage,
    panels: HTMLElement,
    software: boolean,
  ) {
    this.heatGrid = software ? 48 : 96;
    this.heat = new HeatMapLayer(this.heatGrid, HEAT_EXTENT);
    this.legend = new FieldLegend(panels);
    for (const o of [this.arrows.object, this.streams.object, this.heat.object]) {
      o.visible = false;
      stage.scene.add(o);
    }
  }

  /** Starts the readbacks the config asks for (a diffusion session) or hides everything (null: a GAN scene). */
  refresh(session: DiffusionSession | null, config: PlaygroundConfig): void {
    const flat = session !== null && session.dim === 2;
    const lines = flat ? config.view.fieldLines : 'off';
    const heatMap = flat ? config.view.heatMap : 'off';
    this.arrows.object.visible = lines === 'arrows';
    this.streams.object.visible = lines === 'streamlines';
    this.heat.object.visible = heatMap !== 'off';
    if (heatMap === 'off') this.legend.hide();
    if (session === null) return;
    const tau = config.view.fieldFollow ? undefined : config.view.fieldT;
    if (lines !== 'off' && !this.linesPending) {
      this.linesPending = true;
      const n = lines === 'arrows' ? ARROWS : STREAM_GRID;
      const extent = lines === 'arrows' ? ARROW_EXTENT : STREAM_EXTENT;
      void this.inflight.track(session
        .fieldGrid(n, extent, tau)
        .then((grid) => {
          if (grid === null) return;
          if (lines === 'arrows') {
            this.arrows.update(grid.points, grid.vectors, (2 * extent) / n);
          } else {
            const h = (0.8 * (2 * extent)) / STREAM_SEEDS / STREAM_STEPS; // a line runs up to 0.8 of a seed cell each way
            const traced = traceStreamlines({ n, extent, vectors: grid.vectors }, { seeds: STREAM_SEEDS, steps: STREAM_STEPS, h });
            this.streams.update(traced.points, traced.speeds, traced.starts);
          }
        })
        .catch(() => undefined)
        .finally(() => (this.linesPending = false)));
    }
    if (heatMap !== 'off' && !this.heatPending) {
      this.heatPending = true;
      void this.inflight.track(session
        .heatMapGrid(heatMap, this.heatGrid, HEAT_EXTENT, tau)
        .then((grid) => {
          if (grid === null || config.view.heatMap !== heatMap || session.dim !== 2) return;
          const range = heatRange(heatMap, grid.values);
          const colormap = HEAT_COLORMAPS[heatMap];
          this.heat.update(grid.values, range.lo, range.hi, colormap);
          this.legend.show({ ...range, colormap, title: heatTitle(heatMap, config), time: `${grid.time.label}${config.view.fieldFollow ? '' : ' (fixed)'}` });
        })
        .catch(() => undefined)
        .finally(() => (this.heatPending = false)));
    }
  }

  /** Resolves once the readbacks in flight have landed in the layers (a frame-exact recording waits for them). */
  whenIdle(): Promise<void> {
    return this.inflight.whenIdle();
  }

  dispose(): void {
    for (const o of [this.arrows.object, this.streams.object, this.heat.object]) this.stage.scene.remove(o);
    this.arrows.dispose();
    this.streams.dispose();
    this.heat.dispose();
    this.legend.dispose();
  }
}
