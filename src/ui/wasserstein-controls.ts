/**
 * Controls of the "why Wasserstein" scene: theta (slider), animate theta, the loss, train the shift,
 * pause, reset. Keyboard-safe inside a deck: a control stops only the keys it uses itself (the slider's
 * and the menu's arrows, Space and Enter on a button or a box), so the deck's arrow keys still turn the
 * slide whenever a button or box has focus.
 */
import { SHIFT_GAME_LOSSES, type ShiftGameLoss } from '../models/parallel-lines-game';
import { THETA_LIMIT } from '../models/parallel-lines-scene';
import { h } from './dom';

/** Menu names of the losses. */
export const LOSS_NAMES: Readonly<Record<ShiftGameLoss, string>> = {
  'gan-minimax': 'GAN, minimax',
  'gan-non-saturating': 'GAN, non-saturating',
  'wgan-gp': 'WGAN-GP',
};

/** What the controls ask for. */
export interface WassersteinControlHandlers {
  readonly theta: (theta: number) => void;
  readonly animate: (on: boolean) => void;
  readonly loss: (loss: ShiftGameLoss) => void;
  readonly train: (on: boolean) => void;
  readonly pause: () => void;
  readonly reset: () => void;
}

/** What the controls show (read from the scene each frame). */
export interface WassersteinControlState {
  readonly theta: number;
  readonly animating: boolean;
  readonly loss: ShiftGameLoss;
  readonly training: boolean;
  readonly paused: boolean;
}

/** Keys each kind of control uses (and keeps from the deck). */
const SLIDER_KEYS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);
const PRESS_KEYS = new Set([' ', 'Enter']);

function keepKeys(el: HTMLElement, keys: ReadonlySet<string>): void {
  el.addEventListener('keydown', (e) => {
    if (keys.has(e.key)) e.stopPropagation();
  });
}

/** The control rows; `root` goes into the scene's side panel. */
export class WassersteinControls {
  readonly root: HTMLElement;
  /** The label before the slider, filled by the scene with the typeset theta value. */
  readonly thetaLabel = h('span', { className: 'wass-theta-value' });
  readonly animateLabel = h('span');
  readonly trainLabel = h('span');
  readonly lossLabel = h('span', { className: 'wass-key' });
  private readonly slider = h('input', { className: 'wass-slider' });
  private readonly animateBox = h('input');
  private readonly lossMenu = h('select', { className: 'wass-select' });
  private readonly trainBox = h('input');
  private readonly pauseButton = h('button', { className: 'wass-button' }, 'pause');

  constructor(handlers: WassersteinControlHandlers) {
    this.slider.type = 'range';
    this.slider.min = String(-THETA_LIMIT);
    this.slider.max = String(THETA_LIMIT);
    this.slider.step = '0.01';
    this.slider.setAttribute('aria-label', 'theta');
    this.slider.addEventListener('input', () => handlers.theta(Number(this.slider.value)));
    keepKeys(this.slider, SLIDER_KEYS);
    for (const box of [this.animateBox, this.trainBox]) {
      box.type = 'checkbox';
      keepKeys(box, PRESS_KEYS);
    }
    this.animateBox.addEventListener('change', () => handlers.animate(this.animateBox.checked));
    this.trainBox.addEventListener('change', () => handlers.train(this.trainBox.checked));
    for (const loss of SHIFT_GAME_LOSSES) {
      const option = h('option', {}, LOSS_NAMES[loss]);
      option.value = loss;
      this.lossMenu.append(option);
    }
    this.lossMenu.setAttribute('aria-label', 'loss');
    this.lossMenu.addEventListener('change', () => handlers.loss(this.lossMenu.value as ShiftGameLoss));
    keepKeys(this.lossMenu, new Set([...SLIDER_KEYS, ...PRESS_KEYS]));
    const resetButton = h('button', { className: 'wass-button' }, 'reset');
    this.pauseButton.addEventListener('click', () => handlers.pause());
    resetButton.addEventListener('click', () => handlers.reset());
    for (const b of [this.pauseButton, resetButton]) keepKeys(b, PRESS_KEYS);
    this.root = h(
      'div',
      { className: 'wass-controls' },
      h('div', { className: 'wass-row' }, this.thetaLabel),
      h('div', { className: 'wass-row' }, this.slider),
      h('label', { className: 'wass-row' }, this.animateBox, this.animateLabel),
      h('div', { className: 'wass-row' }, this.lossLabel, this.lossMenu),
      h('label', { className: 'wass-row' }, this.trainBox, this.trainLabel),
      h('div', { className: 'wass-row wass-buttons' }, this.pauseButton, resetButton),
    );
  }

  /** Shows the scene's state (the slider follows an animated or training theta unless it is being dragged). */
  sync(s: WassersteinControlState): void {
    if (document.activeElement !== this.slider) this.slider.value = s.theta.toFixed(2);
    this.animateBox.checked = s.animating;
    this.trainBox.checked = s.training;
    if (this.lossMenu.value !== s.loss) this.lossMenu.value = s.loss;
    const pauseText = s.paused ? 'resume' : 'pause';
    if (this.pauseButton.textContent !== pauseText) this.pauseButton.textContent = pauseText;
  }
}
