/**
 * The GAN panel: the seed's bilevel table (§3.6) filled with the live models and the current value of
 * each objective, and the seed's theory side by side (§3.2–3.5): L(G, D*) beside 2 JS - log 4, the learned
 * D's value, and for a WGAN the critic's Wasserstein estimate beside an exact W1. Plain DOM; formulas
 * typeset (ui/math), values as text (no markup from strings).
 */
import { setMathText } from './math';
import type { GeneratorObjective } from '../models/gan-training';
import type { AdversarialKind } from '../models/kinds';

/** What the panel shows; NaN prints as a dash. */
export interface GanPanelState {
  readonly game: AdversarialKind;
  readonly objective: GeneratorObjective;
  /** Outer (discriminator/critic) updates per inner (generator) update. */
  readonly criticSteps: number;
  /** Batch value of the game: L(G, D) (GAN) or E_r f - E_g f (WGAN). */
  readonly value: number;
  /** The generator's minimised loss on its batch. */
  readonly generatorLoss: number;
  /** Gradient penalty (WGAN-GP), else NaN. */
  readonly penalty: number;
  readonly optimalValue: number;
  readonly jsForm: number;
  readonly learnedValue: number;
  readonly criticEstimate: number;
  readonly exactW1: number;
  /** E_g D(x) (GAN), else NaN. */
  readonly fakeD: number;
  readonly generatorSteps: number;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '–');

/** The panel's formulas in TeX (seed §3.1–3.6: L(G, D), D*, the JS form, the WGAN critic f_w). */
export const GAN_PANEL_TEX = {
  discriminatorLoss: String.raw`-L(G, D)`,
  criticLoss: String.raw`-(\mathbb{E}_{p_r} f_w - \mathbb{E}_{p_g} f_w)`,
  penalty: String.raw`\lambda \cdot \mathrm{GP}`,
  wganGenerator: String.raw`-\mathbb{E}_z f_w(G(z))`,
  minimaxGenerator: String.raw`\mathbb{E}_z \log(1 - D(G(z)))`,
  nonSaturatingGenerator: String.raw`-\mathbb{E}_z \log D(G(z))`,
  criticEstimate: String.raw`\mathbb{E}_{p_r} f_w - \mathbb{E}_{p_g} f_w`,
  optimalValue: String.raw`L(G, D^*)`,
  jsForm: String.raw`2\,\mathrm{JS}(p_r \| p_g) - \log 4`,
  learnedValue: String.raw`L(G, D)`,
  equilibrium: String.raw`p_g = p_r`,
  minusLog4: String.raw`-\log 4 = -1.386`,
  fakeD: String.raw`D(G(z))`,
} as const;

/** The panel element. Call {@link dispose}. */
export class GanPanel {
  readonly root: HTMLElement;
  private readonly cells = new Map<string, HTMLElement>();

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.className = 'gan-panel';
    const rows: [string, string, string][] = [
      ['', 'model', 'objective, live'],
      ['outer', 'outerModel', 'outerObjective'],
      ['inner', 'innerModel', 'innerObjective'],
    ];
    const title = document.createElement('div');
    title.className = 'gan-panel-title';
    title.textContent = 'The game as bilevel optimisation (seed §3.6)';
    const table = document.createElement('table');
    for (const [head, a, b] of rows) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.textContent = head;
      tr.append(th);
      for (const key of [a, b]) {
        const td = document.createElement(head === '' ? 'th' : 'td');
        if (head === '') td.textContent = key;
        else this.cells.set(key, td);
        tr.append(td);
      }
      table.append(tr);
    }
    const ratio = document.createElement('div');
    ratio.className = 'dim';
    this.cells.set('ratio', ratio);
    const theory = document.createElement('div');
    theory.className = 'gan-panel-theory';
    for (const key of ['theory1', 'theory2', 'theory3']) {
      const line = document.createElement('div');
      this.cells.set(key, line);
      theory.append(line);
    }
    this.root.append(title, table, ratio, theory);
    parent.append(this.root);
  }

  /** Sets a cell's text; $…$ marks TeX (typeset), numbers stay text. */
  private set(key: string, text: string): void {
    const el = this.cells.get(key);
    if (el) setMathText(el, text);
  }

  /** Refreshes every value. */
  update(s: GanPanelState): void {
    const wgan = s.game !== 'gan';
    const T = GAN_PANEL_TEX;
    this.set('outerModel', wgan ? 'critic $f_w$' : 'discriminator $D$');
    this.set('outerObjective', wgan ? `$${T.criticLoss}$ = ${fmt(-s.value)}${s.game === 'wgan-gp' ? ` (+ $${T.penalty}$, GP = ${fmt(s.penalty)})` : ''}` : `$${T.discriminatorLoss}$ = ${fmt(-s.value)}`);
    this.set('innerModel', 'generator $G$');
    const inner = wgan ? T.wganGenerator : s.objective === 'minimax' ? T.minimaxGenerator : T.nonSaturatingGenerator;
    this.set('innerObjective', `$${inner}$ = ${fmt(s.generatorLoss)}`);
    this.set('ratio', `outer : inner updates = ${s.criticSteps} : 1 · ${s.generatorSteps} generator steps`);
    if (wgan) {
      this.set('theory1', `critic's $W$ estimate $${T.criticEstimate}$ = ${fmt(s.criticEstimate)}`);
      this.set('theory2', `exact $W_1$ (optimal transport, 256 points) = ${fmt(s.exactW1)}`);
      this.set('theory3', s.game === 'wgan' ? 'with clipping the critic is $K$-Lipschitz for an unknown $K$: compare shapes, not values' : 'with the penalty the critic is about 1-Lipschitz: the two should agree');
    } else {
      this.set('theory1', `$${T.optimalValue}$ = ${fmt(s.optimalValue)}  ·  $${T.jsForm}$ = ${fmt(s.jsForm)}  (KDE, seed §3.3)`);
      this.set('theory2', `learned $${T.learnedValue}$ = ${fmt(s.learnedValue)}  ·  at $${T.equilibrium}$ both are $${T.minusLog4}$`);
      const scale = s.objective === 'minimax' ? `the minimax $G$ gradient is scaled by $${T.fakeD}$: it vanishes as this nears 0` : `the non-saturating $G$ gradient is scaled by $1 - ${T.fakeD}$`;
      this.set('theory3', `mean $${T.fakeD}$ = ${fmt(s.fakeD)}: ${scale} · exact $W_1$ = ${fmt(s.exactW1)}`);
    }
  }

  /** Whether the user collapsed the panel to its button (ui/layout's collapsible panels): it shows no values then. */
  get collapsed(): boolean {
    return this.root.classList.contains('collapsed');
  }

  setVisible(visible: boolean): void {
    this.root.style.display = visible ? '' : 'none';
  }

  dispose(): void {
    this.root.remove();
  }
}
