/**
 * The lil-gui panel, generated from {@link CONFIG_SCHEMA}: one folder per config group, one control
 * per field, so the GUI can never disagree with the config's types, ranges or defaults.
 *
 * Cheap changes ('live', 'training') apply while a slider moves; changes that rebuild something
 * (particles, model, data) apply when the slider is released, so dragging never stalls the page.
 */
import GUI, { type Controller } from 'lil-gui';
import { CONFIG_SCHEMA, KIND_LABELS, type ChoiceField, type ConfigGroup, type Field, type NumberField, type PlaygroundConfig } from '../config/playground-config';
import { DATASETS } from '../data/datasets';
import { effectiveBetasNote } from '../models/schedules';

const GROUP_TITLES: Record<ConfigGroup, string> = { data: 'Data', schedule: 'Schedule', model: 'Model', gan: 'GAN game', sampling: 'Sampling', view: 'View' };

/** Display names for choice options (value -> label). */
const OPTION_LABELS: Record<string, string> = {
  ...Object.fromEntries(DATASETS.map((d) => [d.name, d.label])),
  ...KIND_LABELS,
  beta: 'beta_t',
  betaTilde: 'betaTilde_t (posterior)',
  time: 'time t',
  minimax: 'minimax log(1 - D(G(z)))',
  'non-saturating': 'non-saturating -log D(G(z))',
  'heat-map': 'heat map',
  surface: '3D surface',
  optimal: 'optimal D* = p_r / (p_r + p_g)',
  independent: 'independent',
  'minibatch-ot': 'minibatch optimal transport',
  learned: 'learned (the network)',
  exact: 'exact (oracle of the data)',
  cluster: 'data cluster',
  off: 'off',
  arrows: 'arrows',
  streamlines: 'streamlines',
  'log-density': 'log-density log p_t (exact)',
  'score-norm': '|score| (field in use)',
  error: 'error |learned − exact|',
};

/** Buttons shown under the config folders. */
export interface GuiActions {
  readonly resetWeights: () => void;
  readonly stepOnce: () => void;
  readonly restart: () => void;
  readonly resetView: () => void;
  readonly reflow: () => void;
  /** Loads a built-in preset by name. */
  readonly loadPreset: (name: string) => void;
  /** Opens a file picker for the user's own data (CSV or image). */
  readonly loadFile: () => void;
  /** Starts drawing points on the 2D stage. */
  readonly drawData: () => void;
  /** Downloads the scene's config as a preset JSON file. */
  readonly savePreset?: () => void;
  /** Downloads the trained weights (with their config) as a weights file. */
  readonly saveWeights?: () => void;
  /** Opens a file picker for a preset or weights file. */
  readonly openSaved?: () => void;
  /** Copies the link to this scene (the URL with its hash). */
  readonly copyLink?: () => void;
}

/** A built-in scene the panel offers (config/presets). */
export interface GuiPreset {
  readonly name: string;
  readonly label: string;
  readonly description: string;
}

/**
 * Which options of a choice field to offer for the current config (e.g. only the samplers of the chosen
 * model); null offers all of them.
 */
export type OptionFilter = (group: ConfigGroup, key: string, config: PlaygroundConfig) => readonly string[] | null;

/**
 * Builds the panel on `config` (edited in place) and calls `onChange(group, key)` after each edit.
 * Returns the GUI and a function that refreshes all controls (and the filtered option lists) from the config.
 */
export function createConfigGui(
  config: PlaygroundConfig,
  onChange: (group: ConfigGroup, key: string) => void,
  actions: GuiActions,
  container?: HTMLElement,
  filter: OptionFilter = () => null,
  relevant: (group: ConfigGroup, key: string, config: PlaygroundConfig) => boolean = () => true,
  presets: readonly GuiPreset[] = [],
): { gui: GUI; refresh: () => void } {
  const gui = new GUI({ title: 'Generative Playground', container, width: 290 });
  if (presets.length > 0) {
    // A scene in one click: the preset replaces every setting (the URL records it like any edit).
    const folder = gui.addFolder('Presets');
    const state = { preset: '' };
    const about = document.createElement('div');
    about.className = 'preset-about';
    folder
      .add(state, 'preset', { '(choose a scene)': '', ...Object.fromEntries(presets.map((p) => [p.label, p.name])) })
      .name('scene')
      .onChange((name: string) => {
        const p = presets.find((q) => q.name === name);
        about.textContent = p?.description ?? '';
        if (p) actions.loadPreset(p.name);
      });
    folder.$children.append(about);
    // Sharing and saving: a link, a preset file, trained weights.
    if (actions.copyLink) folder.add(actions, 'copyLink').name('copy link to this scene');
    if (actions.savePreset) folder.add(actions, 'savePreset').name('save scene as preset (JSON)…');
    if (actions.saveWeights) folder.add(actions, 'saveWeights').name('save trained weights…');
    if (actions.openSaved) folder.add(actions, 'openSaved').name('open preset / weights file…');
  }
  // Under 'per-1000-steps' the beta sliders are not the betas in force: a read-only line says what is.
  const betasNote = document.createElement('div');
  betasNote.className = 'gui-note';
  const showBetas = (): void => {
    const note = relevant('schedule', 'betaScaling', config) ? effectiveBetasNote(config.schedule) : null;
    betasNote.textContent = note ?? '';
    betasNote.hidden = note === null;
  };
  const controllers: Controller[] = [];
  const placed: { group: ConfigGroup; key: string; controller: Controller }[] = [];
  const folders: { folder: GUI; group: ConfigGroup }[] = [];
  const filtered: { group: ConfigGroup; key: string; field: ChoiceField; controller: Controller; shown: string }[] = [];
  for (const group of Object.keys(CONFIG_SCHEMA) as ConfigGroup[]) {
    const folder = gui.addFolder(GROUP_TITLES[group]);
    folders.push({ folder, group });
    const target = config[group] as Record<string, unknown>;
    for (const [key, f] of Object.entries(CONFIG_SCHEMA[group])) {
      const field = f as Field;
      const c = addControl(folder, target, key, field);
      const heavy = field.invalidates !== 'live' && field.invalidates !== 'training';
      // A choice applies once picked (its menu may rebuild what it offers), like the heavy fields.
      const choice = 'options' in field ? field : null;
      if (heavy || choice !== null) c.onFinishChange(() => onChange(group, key));
      else c.onChange(() => onChange(group, key));
      // The effective betas follow a slider while it moves (the schedule applies on release).
      if (group === 'schedule' && (heavy || choice !== null)) c.onChange(showBetas);
      controllers.push(c);
      placed.push({ group, key, controller: c });
      if (choice !== null) filtered.push({ group, key, field: choice, controller: c, shown: '' });
    }
    if (group === 'data') {
      folder.add(actions, 'loadFile').name('load your data (CSV / image)…');
      folder.add(actions, 'drawData').name('draw your data (2D)…');
    }
    if (group === 'schedule') folder.$children.append(betasNote);
    if (group === 'view' || group === 'schedule') folder.close();
  }
  const actionsFolder = gui.addFolder('Actions');
  actionsFolder.add(actions, 'stepOnce').name('single step (while paused)');
  actionsFolder.add(actions, 'restart').name('restart particles from data');
  actionsFolder.add(actions, 'resetWeights').name('reset weights (retrain)');
  actionsFolder.add(actions, 'resetView').name('reset view');
  actionsFolder.add(actions, 'reflow').name('reflow (straighten the flow)');
  const refresh = (): void => {
    for (const f of filtered) {
      const options = filter(f.group, f.key, config) ?? f.field.options;
      const id = options.join('|');
      if (id !== f.shown) {
        f.controller.options(optionMap(options));
        f.shown = id;
      }
    }
    controllers.forEach((c) => c.updateDisplay());
    // Only the settings the current model reads; a folder with none left is hidden.
    const shown = new Set<ConfigGroup>();
    for (const p of placed) {
      const on = relevant(p.group, p.key, config);
      p.controller.show(on);
      if (on) shown.add(p.group);
    }
    for (const f of folders) f.folder.show(shown.has(f.group));
    showBetas();
  };
  refresh();
  return { gui, refresh };
}

/** label -> value for a choice control. */
const optionMap = (options: readonly string[]): Record<string, string> => Object.fromEntries(options.map((o) => [OPTION_LABELS[o] ?? o, o]));

function addControl(folder: GUI, target: Record<string, unknown>, key: string, field: Field): Controller {
  switch (field.kind) {
    case 'number':
      if (field.log) return addExactNumber(folder, target, key, field);
      return folder.add(target, key, field.min, field.max, field.step).name(field.label);
    case 'boolean':
      return folder.add(target, key).name(field.label);
    case 'choice':
      return folder.add(target, key, optionMap(field.options)).name(field.label);
  }
}

/**
 * Values spanning decades (learning rate, betas): a typed number field (drag on it to nudge) instead of
 * a linear slider that could not reach the small end. Out-of-range input is caught by the config
 * validation, which says so and falls back to the default.
 */
function addExactNumber(folder: GUI, target: Record<string, unknown>, key: string, field: NumberField): Controller {
  return folder.add(target, key).min(field.min).step(field.step).name(field.label);
}
