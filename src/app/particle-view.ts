/**
 * The particle view: the particle cloud, the faint data under it and the trails, the uploaders that
 * feed them from the session's tensors, and their theme. {@link ParticleView.repoint} is the one path
 * that points the layers at the session after any change (see app/view-fit); {@link ParticleView.upload}
 * is everything of a render but the draw.
 */
import { Color, type Object3D } from 'three/webgpu';
import type { PlaygroundConfig } from '../config/playground-config';
import { clusterColors, THEMES, timeColor, type ThemeName } from '../scene/palette';
import { SURFACE_STYLES } from '../scene/landscape-surface';
import { ParticleLayer } from '../scene/particle-layer';
import { TensorUploader } from '../scene/particle-upload';
import type { Stage } from '../scene/stage';
import { TrailLayer } from '../scene/trail-layer';
import type { Session } from '../session/create-session';
import { asGan } from './session-family';
import { layersToRebuild, type LayerSource, type Repoint } from './view-fit';

/** The data layer's render order under the particles (drawn at 0) on the plane, and over them on the critic surface. */
const DATA_UNDER = -0.5;
const DATA_OVER = 0.5;

/** How the view reaches the GPU. */
export interface ParticleViewOptions {
  readonly stage: Stage;
  /** The GPUDevice tfjs and three share (GPU-to-GPU uploads), or null. */
  readonly sharedDevice: GPUDevice | null;
  /** Instanced particle layers (false: one plain draw, for software renderers; see ParticleLayer). */
  readonly instanced: boolean;
}

/** What the session holds now, for {@link layersToRebuild}. */
function sourceOf(session: Session): LayerSource {
  const p = session.particles;
  const t = p.trails;
  return {
    particles: p,
    count: p.count,
    dim: session.dim,
    labels: session.particleLabels,
    reference: session.reference,
    trails: t === null ? null : { source: t, length: t.length, count: t.count, dim: t.dim },
  };
}

/** The particle, data and trail layers with their uploaders. Call {@link dispose}. */
export class ParticleView {
  /** Positions of the particles ([N, D] previous and current). */
  readonly positions: TensorUploader;
  /** The particles' heights on the GAN surface. */
  readonly heights: TensorUploader;
  readonly trailUploads: TensorUploader;
  private readonly stage: Stage;
  private readonly instanced: boolean;
  private particleLayer: ParticleLayer | null = null;
  private dataLayer: ParticleLayer | null = null;
  private trailLayer: TrailLayer | null = null;
  private built: LayerSource | null = null;
  private theme: ThemeName = 'dark';
  private particlesShown = true;
  private readonly scratch = new Color();
  /** The data layer's colour (the theme's, or the critic surface's data style). */
  private readonly dataColor = new Color();

  constructor(options: ParticleViewOptions) {
    this.stage = options.stage;
    this.instanced = options.instanced;
    const renderer = options.stage.renderer;
    this.positions = new TensorUploader(renderer, options.sharedDevice);
    this.heights = new TensorUploader(renderer, options.sharedDevice);
    this.trailUploads = new TensorUploader(renderer, options.sharedDevice);
  }

  /** The data layer (the session's reference set), once {@link repoint} has run; the GAN views set its heights. */
  get data(): ParticleLayer | null {
    return this.dataLayer;
  }

  /** Particles N the particle layer draws (0 before the first {@link repoint}). */
  get particleCount(): number {
    return this.particleLayer?.count ?? 0;
  }

  /** The uploaders, for the HUD and for waiting on readbacks. */
  get uploaders(): readonly TensorUploader[] {
    return [this.positions, this.heights, this.trailUploads];
  }

  /**
   * Points the layers at `session`: rebuilds each layer that no longer fits it (count, dimension,
   * labels, data set, trails; see {@link layersToRebuild}) and restarts its uploads. Cheap when nothing
   * changed. @returns what was rebuilt (a new data layer means a new scene: the caller frames it).
   */
  repoint(session: Session): Repoint {
    const now = sourceOf(session);
    const stale = layersToRebuild(this.built, now);
    if (stale.particles) this.buildParticles(session);
    if (stale.data) this.buildData(session);
    if (stale.trails) this.buildTrails(session);
    this.built = now;
    return stale;
  }

  /**
   * Everything of a render but the draw: positions, heights and trails to the GPU, styles from the config.
   * @param alpha the loop's interpolation in [0, 1). @param landscapeVersion the GAN landscape's version
   *   while the particles ride its surface (lifted by SURFACE_HEIGHT times `height`), else null.
   * @throws Error before the first {@link repoint}; RangeError (from the uploader) if a layer does not fit.
   */
  upload(session: Session, config: PlaygroundConfig, alpha: number, surface: { readonly height: number; readonly version: number } | null): void {
    const layer = this.particleLayer;
    const data = this.dataLayer;
    if (layer === null || data === null) throw new Error('ParticleView.upload() before repoint()');
    const p = session.particles;
    layer.setHeightScale(surface === null ? 0 : surface.height);
    data.setHeightScale(surface === null ? 0 : surface.height);
    const gan = asGan(session);
    if (surface !== null && gan !== null) {
      const version = p.version * 4096 + (surface.version % 4096);
      if (this.heights.wants(version)) {
        const heights = gan.heights();
        try {
          this.heights.upload([[heights, layer.height]], version, layer.verticesPerParticle);
        } finally {
          heights.dispose();
        }
      }
    }
    this.positions.upload([
      [p.previous, layer.previous],
      [p.current, layer.current],
    ], p.version, layer.verticesPerParticle);
    layer.setAlpha(this.positions.mode === 'gpu' ? alpha : 1);
    layer.setColoring(config.view.colorMode, timeColor(p.t / p.T, this.scratch));
    layer.setPointSize(config.view.pointSize * this.stage.pointScale);
    const trails = p.trails;
    const trailLayer = this.trailLayer;
    if (trailLayer !== null && trails !== null && this.trailUploads.wants(trails.version)) {
      const ordered = trails.ordered();
      try {
        this.trailUploads.upload([[ordered, trailLayer.positions]], trails.version, 1);
      } finally {
        ordered.dispose();
      }
    }
    trailLayer?.setStyle(config.view.colorMode, this.scratch, 0.55);
    data.object.visible = config.view.showData;
    // On the critic surface the data takes the theme's surface style (it must read on the surface's colours and next to the particles).
    const look = surface === null ? { color: THEMES[this.theme].data, opacity: THEMES[this.theme].dataOpacity, size: 2 } : SURFACE_STYLES[this.theme].data;
    data.setColoring('time', this.dataColor.setHex(look.color));
    data.setOpacity(look.opacity);
    data.setPointSize(look.size * this.stage.pointScale);
    // Under the particles on the plane (faint context); over them on the surface, where both crowd the
    // hilltop and the generated points covered the data (issue 15).
    data.object.renderOrder = surface === null ? DATA_UNDER : DATA_OVER;
  }

  /**
   * Uploads until no readback is in flight, so the positions have landed before a frame-exact draw
   * (the shared-device path never waits). Arguments as {@link upload}.
   */
  async settle(session: Session, config: PlaygroundConfig, alpha: number, surface: { readonly height: number; readonly version: number } | null): Promise<void> {
    for (;;) {
      this.upload(session, config, alpha, surface);
      if (!this.uploaders.some((u) => u.busy)) return;
      await Promise.all(this.uploaders.map((u) => u.whenIdle()));
    }
  }

  /** Shows or hides the particles (a drawing's preview hides them). */
  setParticlesVisible(visible: boolean): void {
    this.particlesShown = visible;
    if (this.particleLayer) this.particleLayer.object.visible = visible;
  }

  /** The stage's theme: glowing (additive) particles on dark, the data's colour and opacity. */
  setTheme(theme: ThemeName): void {
    this.theme = theme;
    const t = THEMES[theme];
    this.particleLayer?.setAdditive(t.additive);
    this.trailLayer?.setAdditive(t.additive);
    this.dataLayer?.setColoring('time', new Color(t.data));
    this.dataLayer?.setOpacity(t.dataOpacity);
  }

  dispose(): void {
    this.replaceLayer(this.particleLayer, null);
    this.replaceLayer(this.dataLayer, null);
    this.replaceLayer(this.trailLayer, null);
    this.particleLayer = null;
    this.dataLayer = null;
    this.trailLayer = null;
    this.built = null;
  }

  /** Takes `old` off the stage and frees it, puts `next` on. */
  private replaceLayer(old: { readonly object: Object3D; dispose(): void } | null, next: { readonly object: Object3D } | null): void {
    if (old !== null) {
      this.stage.scene.remove(old.object);
      old.dispose();
    }
    if (next !== null) this.stage.scene.add(next.object);
  }

  private buildParticles(session: Session): void {
    const p = session.particles;
    const next = new ParticleLayer({
      count: p.count,
      dim: session.dim,
      positions: new Float32Array(p.count * session.dim),
      colors: clusterColors(session.particleLabels),
      pointSize: 3,
      additive: THEMES[this.theme].additive,
      opacity: Math.min(0.9, 0.9 * Math.sqrt(20_000 / p.count) + 0.15),
      instanced: this.instanced,
    });
    next.object.visible = this.particlesShown;
    this.replaceLayer(this.particleLayer, next);
    this.particleLayer = next;
    this.positions.reset();
    this.heights.reset();
  }

  private buildData(session: Session): void {
    const ref = session.reference;
    const next = new ParticleLayer({ count: ref.count, dim: ref.dim, positions: ref.points, colors: null, pointSize: 2, additive: false, opacity: THEMES[this.theme].dataOpacity, instanced: this.instanced });
    next.setColoring('time', new Color(THEMES[this.theme].data));
    next.object.renderOrder = DATA_UNDER;
    this.replaceLayer(this.dataLayer, next);
    this.dataLayer = next;
  }

  private buildTrails(session: Session): void {
    const trails = session.particles.trails;
    const next = trails === null ? null : new TrailLayer(trails.length, trails.count, session.dim, clusterColors(session.particleLabels.subarray(0, trails.count)));
    next?.setAdditive(THEMES[this.theme].additive);
    this.replaceLayer(this.trailLayer, next);
    this.trailLayer = next;
    this.trailUploads.reset();
  }
}
