/**
 * The plots under the scene: the diffusion path's schedule with the particles' time on it, and the
 * training chart (losses, and the chosen quality metric of a sample of the particles against the data).
 */
import type { PlaygroundConfig } from '../config/playground-config';
import type { Session } from '../session/create-session';
import { SchedulePlots } from '../ui/schedule-plots';
import { setChartTheme } from '../ui/chart-colors';
import type { ThemeName } from '../scene/palette';
import { TrainingChart } from '../ui/training-chart';
import { chartMetric, metricAxis, METRIC_POINTS } from './metric-tracker';
import { asDiffusion, asGan } from './session-family';

/** Where the charts read the scene (the scene controller). */
export interface ChartedScene {
  readonly config: PlaygroundConfig;
  readonly session: Session;
}

/** The schedule plots and the training chart. Call {@link dispose}. */
export class TrainingCharts {
  readonly plots: SchedulePlots;
  readonly chart: TrainingChart;
  private metricPending = false;
  /** Each GAN sample the chart's metric reads back (G(z), [n, D] normalised units), and null when a new session is attached: the stage's framing follows it. */
  onGameSamples: ((samples: Float32Array | null, dim: number) => void) | null = null;

  /** @param panels the DOM column the plots go into. */
  constructor(
    panels: HTMLElement,
    private readonly scene: ChartedScene,
  ) {
    this.plots = new SchedulePlots(panels);
    this.chart = new TrainingChart(this.plots.root);
  }

  /** Points the plots and the chart at the current session (after it is created or its model rebuilt): the chart starts empty. */
  attach(): void {
    const { config, session } = this.scene;
    this.chart.clear();
    this.onGameSamples?.(null, session.dim);
    const metric = metricAxis(config.view.metric);
    const diffusion = asDiffusion(session);
    const gan = asGan(session);
    if (diffusion !== null) {
      this.plots.setPath(diffusion.samplingPath);
      this.chart.setMode('diffusion', metric.label, metric.signed);
      diffusion.onLoss = (step, loss) => this.chart.addLoss(step, loss);
      diffusion.onStraightness = (step, value) => this.scene.config.view.metric === 'straightness' && this.chart.addMetric(step, value);
      diffusion.onPassEnd = (step) => this.measure(step);
    } else if (gan !== null) {
      this.chart.setMode('adversarial', metric.label, metric.signed);
      gan.onLoss = (step) => this.chart.addGanLosses(step, gan.losses.critic, gan.losses.generator);
    }
  }

  /** Draws every chart series in `theme`'s colours (legible on its panel: darker shades on the light theme). */
  setTheme(theme: ThemeName): void {
    setChartTheme(theme);
    this.plots.recolor();
    this.chart.recolor();
  }

  /** A GAN has no passes: its samples are measured on the loop's cadence instead (no-op for a diffusion model). */
  measureGame(): void {
    const gan = asGan(this.scene.session);
    if (gan !== null) this.measure(gan.trainSteps);
  }

  /** The plots' visibility and time, and the chart's buffered points drawn (the HUD's cadence). */
  refresh(): void {
    const { config, session } = this.scene;
    const diffusion = asDiffusion(session);
    this.plots.setVisible(config.view.showSchedule);
    this.plots.setPathVisible(diffusion !== null);
    if (config.view.showSchedule) {
      if (diffusion) this.plots.setTime(diffusion.pathTime);
      this.chart.flush();
    }
  }

  dispose(): void {
    this.chart.dispose();
    this.plots.dispose();
  }

  /** The chosen quality metric of a sample of the particles against the data, added to the chart (one readback at a time). */
  private measure(step: number): void {
    const metric = this.scene.config.view.metric;
    if (metric === 'off' || metric === 'straightness' || this.metricPending) return;
    this.metricPending = true;
    const s = this.scene.session;
    const data = s.reference.points.subarray(0, METRIC_POINTS * s.reference.dim);
    s.sampleReadback(METRIC_POINTS)
      .then((samples) => {
        if (s !== this.scene.session) return;
        if (this.scene.config.view.metric === metric) this.chart.addMetric(step, chartMetric(metric, samples, data, s.dim, s.sceneData.mixture));
        if (asGan(s) !== null) this.onGameSamples?.(samples, s.dim);
      })
      .catch(() => undefined)
      .finally(() => (this.metricPending = false));
  }
}
