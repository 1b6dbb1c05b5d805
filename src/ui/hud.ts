/**
 * Heads-up display: what is running (model, data, phase, t) and how fast (backend, fps, frame ms,
 * train steps/s, steps so far, loss), plus short messages (toasts). Plain DOM, refreshed a few times
 * per second, never from inside the simulation.
 */
import { h } from './dom';
import { setMathText } from './math';
import { makeCollapsible } from './layout';

/** Smallest size (CSS px) the HUD title shrinks to so that it stays on one line: still legible. */
const TITLE_MIN_PX = 12;

/** Everything the HUD shows; main.ts fills it from the loop, the session and the backend choice. */
export interface HudState {
  readonly title: string;
  /** The pace of the passes in words ("ancestral: 100 of 1000 steps (every 10th) to hold 4 s per pass"); '' hides the line (a GAN). */
  readonly pace: string;
  readonly phase: string;
  /** Where in time, text with $…$-marked TeX (typeset), e.g. "$t = 420 / 1000$". */
  readonly time: string;
  readonly t: number;
  readonly T: number;
  /** CSS colour of the current t (matches the particles). */
  readonly timeColor: string;
  readonly backend: string;
  /** The full story of the backend choice (shown on hover). */
  readonly backendDetail: string;
  /** What one simulation step is: 'diffusion' (a step in t) or '$G(z)$' (a refresh of the generated points; $…$ is typeset). */
  readonly simLabel: string;
  readonly renderer: string;
  readonly fps: number;
  readonly frameMs: number;
  readonly trainStepsPerSecond: number;
  /** Diffusion steps per second actually taken, and asked for (0 when paused). */
  readonly simStepsPerSecond: number;
  readonly targetStepsPerSecond: number;
  readonly trainSteps: number;
  readonly loss: number;
  /** Mean chord / arc length of the last complete reverse pass, in (0, 1]; NaN before the first. */
  readonly straightness: number;
  readonly particles: number;
  /** Persistent warnings, one a line (x_T not yet noise, training stopped); empty hides the element. */
  readonly warnings: readonly string[];
  /** The warnings' tooltip: why training stopped, in full ('' when it trains). */
  readonly warningDetail: string;
}

/**
 * What the HUD's phase line adds for a pause: "particles and training paused", "particles paused
 * (training goes on)", "training paused", or '' when both run.
 */
export function pauseLabel(particles: boolean, training: boolean): string {
  if (particles && training) return 'particles and training paused';
  if (particles) return 'particles paused (training goes on)';
  return training ? 'training paused' : '';
}

const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');
/** A rate: one decimal below 10 (so 0.4 fps does not read as 0). */
const rate = (x: number): string => fmt(x, x < 10 ? 1 : 0);
const big = (x: number): string => (x >= 10_000 ? `${(x / 1000).toFixed(x >= 100_000 ? 0 : 1)}k` : String(Math.round(x)));

/** How long each tone of toast stays (s) and its ARIA role. */
/** The longest toast shown whole (longer ones end in an ellipsis). */
const TOAST_MAX_CHARS = 600;
const TOASTS = { info: { seconds: 4, role: 'status' }, error: { seconds: 10, role: 'alert' } } as const;

/** The HUD overlay. */
export class Hud {
  private readonly root: HTMLElement;
  private readonly fields = new Map<string, HTMLElement>();
  private readonly bar: HTMLElement;
  /** Whether the title was last fitted while shown (see fitTitle). */
  private titleFitted = false;
  private readonly toasts: HTMLElement;

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.className = 'hud';
    const f = (name: string, className?: string): HTMLElement => h('span', { className, data: { f: name } });
    const row = (label: string | HTMLElement, ...cells: (HTMLElement | string)[]): HTMLElement => h('tr', {}, typeof label === 'string' ? h('th', {}, label) : label, h('td', {}, ...cells));
    const dim = (...children: (HTMLElement | string)[]): HTMLElement => h('span', { className: 'dim' }, ...children);
    const straightness = row('straightness', f('straightness'), ' ', dim('chord / path length'));
    straightness.dataset.row = 'straightness';
    this.root.append(
      h('div', { className: 'hud-title', data: { f: 'title' } }),
      h('div', { className: 'hud-pace', data: { f: 'pace' } }),
      h('div', { className: 'hud-phase' }, f('phase'), ' ', f('t', 'hud-t')),
      h('div', { className: 'hud-bar' }, h('div', { className: 'hud-bar-fill' })),
      h('div', { className: 'hud-warning', data: { f: 'warning' } }),
      h(
        'table',
        { className: 'hud-stats' },
        h(
          'tbody',
          {},
          row('tfjs', f('backend')),
          row('draw', f('renderer')),
          row('fps', f('fps'), ' ', dim('· frame ', f('frameMs'), ' ms')),
          row(h('th', { data: { f: 'simLabel' } }, 'diffusion'), f('simRate'), ' steps/s ', f('simTarget', 'dim')),
          row('train', f('trainRate'), ' steps/s ', dim('· ', f('trainSteps'), ' steps')),
          row('loss', f('loss')),
          straightness,
          row('particles', f('particles')),
        ),
      ),
    );
    for (const el of this.root.querySelectorAll<HTMLElement>('[data-f]')) this.fields.set(el.dataset.f as string, el);
    this.set('title', 'Generative Playground');
    this.set('phase', 'starting: choosing a backend, building the scene…');
    this.bar = this.root.querySelector('.hud-bar-fill') as HTMLElement;
    this.toasts = document.createElement('div');
    this.toasts.className = 'toasts';
    makeCollapsible(this.root, 'HUD');
    addEventListener('resize', () => this.fitTitle());
    parent.append(this.root, this.toasts);
  }

  private set(name: string, text: string): void {
    const el = this.fields.get(name);
    if (el && el.textContent !== text) el.textContent = text;
  }

  /**
   * Keeps the title on one line (issue 15: the GAN title wrapped at 1280 x 720): the CSS size first, then
   * smaller in half pixels down to {@link TITLE_MIN_PX} while it is wider than the HUD; past that (a very
   * long data file name) it wraps rather than being cut. Runs when the title changes or the window resizes.
   */
  private fitTitle(): void {
    const el = this.fields.get('title');
    // A collapsed HUD has no width to fit: fitted once it shows again (the next update).
    this.titleFitted = el !== undefined && el.offsetParent !== null;
    if (!el || !this.titleFitted) return;
    el.style.fontSize = '';
    el.classList.remove('hud-title-wrap');
    const style = getComputedStyle(el);
    // The text's own width against the content box: the right padding keeps it clear of the collapse button.
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const text = document.createRange();
    text.selectNodeContents(el);
    const over = (): boolean => text.getBoundingClientRect().width > room + 0.5;
    let size = parseFloat(style.fontSize);
    while (over() && size > TITLE_MIN_PX) {
      size = Math.max(TITLE_MIN_PX, size - 0.5);
      el.style.fontSize = `${size}px`;
    }
    if (over()) el.classList.add('hud-title-wrap');
  }

  /** Refreshes every field. */
  update(s: HudState): void {
    const title = this.fields.get('title');
    if (title && title.textContent !== s.title) {
      title.textContent = s.title;
      this.fitTitle();
    } else if (!this.titleFitted) {
      this.fitTitle();
    }
    this.set('pace', s.pace);
    const pace = this.fields.get('pace');
    if (pace) pace.hidden = s.pace === '';
    this.set('phase', s.phase);
    const t = this.fields.get('t');
    if (t) setMathText(t, s.time);
    this.bar.style.width = `${(100 * s.t) / Math.max(1, s.T)}%`;
    this.bar.style.background = s.timeColor;
    this.set('backend', s.backend);
    const backend = this.fields.get('backend');
    if (backend && backend.title !== s.backendDetail) backend.title = s.backendDetail;
    const simLabel = this.fields.get('simLabel');
    if (simLabel) setMathText(simLabel, s.simLabel);
    const straightRow = this.root.querySelector<HTMLElement>('[data-row="straightness"]');
    if (straightRow) straightRow.style.display = Number.isFinite(s.straightness) || s.simLabel === 'diffusion' ? '' : 'none';
    this.set('renderer', s.renderer);
    this.set('fps', rate(s.fps));
    this.set('frameMs', fmt(s.frameMs, 1));
    this.set('trainRate', rate(s.trainStepsPerSecond));
    this.set('simRate', rate(s.simStepsPerSecond));
    const behind = s.targetStepsPerSecond > 0 && s.simStepsPerSecond < 0.8 * s.targetStepsPerSecond;
    this.set('simTarget', behind ? `· asked ${s.targetStepsPerSecond}: the machine is the limit` : '');
    this.set('trainSteps', String(s.trainSteps));
    this.set('loss', fmt(s.loss, 4));
    this.set('straightness', fmt(s.straightness, 3));
    this.set('particles', big(s.particles));
    const warning = this.fields.get('warning');
    if (warning) {
      setMathText(warning, s.warnings.join('\n'));
      warning.hidden = s.warnings.length === 0;
      warning.style.whiteSpace = 'pre-line';
      if (warning.title !== s.warningDetail) warning.title = s.warningDetail;
    }
  }

  /**
   * Shows a message for a few seconds, whole and wrapped (up to {@link TOAST_MAX_CHARS} characters). tone
   * 'error' stays longer and is red (an alert for screen readers); in presentation mode only errors show.
   * The same message twice in a row while the first is shown is not repeated: the first stays longer.
   * @param seconds display time in seconds.
   */
  toast(message: string, tone: 'info' | 'error' = 'info', seconds: number = TOASTS[tone].seconds): void {
    const last = this.toasts.lastElementChild;
    if (last instanceof HTMLElement && last.textContent === message) {
      clearTimeout(Number(last.dataset.timer));
      last.dataset.timer = String(setTimeout(() => last.remove(), seconds * 1000));
      return;
    }
    const el = document.createElement('div');
    el.className = `toast toast-${tone}`;
    el.textContent = message.length > TOAST_MAX_CHARS ? `${message.slice(0, TOAST_MAX_CHARS - 1)}…` : message;
    if (message.includes('\n')) el.style.whiteSpace = 'pre-line';
    el.setAttribute('role', TOASTS[tone].role);
    this.toasts.append(el);
    while (this.toasts.children.length > 5) this.toasts.firstElementChild?.remove();
    el.dataset.timer = String(setTimeout(() => el.remove(), seconds * 1000));
  }
}
