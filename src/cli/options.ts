/**
 * The command line of `npm run headless`: options -> a validated {@link PlaygroundConfig} plus what only
 * a run has (training steps, the data file, output paths). Every value that lands in the config is checked
 * by the config's own schema (fieldProblem, then validateConfig), so the CLI accepts exactly what the app
 * accepts. Bad input throws a {@link UsageError} with a one-line message.
 */
import { CONFIG_SCHEMA, defaultConfig, isAdversarialKind, isRelevant, MODEL_KINDS, MODEL_SAMPLERS, type ConfigGroup, type Field, type ModelKind, type PlaygroundConfig } from '../config/playground-config';
import { fieldProblem, validateConfig } from '../config/validate-config';
import { DATASET_NAMES, isDatasetName, type DatasetName } from '../data/datasets';
import type { SamplerKind } from '../particles/reverse-samplers';

/** A bad command line: the message is one line, printed as is (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Short names for the built-in data sets (the issue's `--data moons`, and the usual spellings elsewhere). */
export const DATA_ALIASES: Readonly<Record<string, DatasetName>> = {
  moons: 'two-moons',
  '8gaussians': 'gaussians-8',
  '8-gaussians': 'gaussians-8',
  gaussians: 'gaussians-8',
  '25gaussians': 'gaussians-25',
  '25-gaussians': 'gaussians-25',
  swissroll: 'swiss-roll',
  roll: 'swiss-roll',
  checker: 'checkerboard',
  spirals: 'two-spirals',
  'swiss-roll3d': 'swiss-roll-3d',
  swissroll3d: 'swiss-roll-3d',
  knot: 'torus-knot',
};

/** Training steps when --train-steps is not given. */
export const DEFAULT_TRAIN_STEPS = 2000;
/** Samples when --samples is not given (the issue's default). */
export const DEFAULT_SAMPLES = 4096;
/** Most training steps a run accepts. */
export const MAX_TRAIN_STEPS = 10_000_000;

/** The CLI's spelling of the samplers: `ddpm` is the ancestral sampler of Ho et al. */
const SAMPLER_ALIASES: Readonly<Record<string, SamplerKind>> = {
  ddpm: 'ancestral',
  ancestral: 'ancestral',
  ddim: 'ddim',
  euler: 'euler',
  heun: 'heun',
  rk4: 'rk4',
  'euler-maruyama': 'euler-maruyama',
  langevin: 'langevin',
};
const samplerName = (s: SamplerKind): string => (s === 'ancestral' ? 'ddpm' : s);

/** Where the data comes from: a built-in set, or a file to load (CSV, PNG, JPEG). */
export type DataArg = { readonly kind: 'built-in'; readonly name: DatasetName } | { readonly kind: 'file'; readonly path: string };

/** A parsed command line. */
export interface CliArgs {
  /** The validated config of the scene (data.source 'custom' for a file, sampling.phase 'reverse'). */
  readonly config: PlaygroundConfig;
  readonly data: DataArg;
  /** Training steps to take (0 with --field exact). */
  readonly trainSteps: number;
  /** CSV path for the samples, or null. */
  readonly out: string | null;
  /** JSON path for the report, or null. */
  readonly report: string | null;
  /** --help was asked for (nothing else is checked). */
  readonly help: boolean;
  /** Options that were accepted but do not apply to this run, one line each (for stderr). */
  readonly notes: readonly string[];
}

/** One option: its value placeholder and help, and where it goes in the config (if anywhere). */
interface OptionSpec {
  readonly value: string;
  readonly help: string;
  /** The config field the option sets (checked by its schema), or null for run-only options. */
  readonly field: readonly [ConfigGroup, string] | null;
}

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  model: { value: MODEL_KINDS.join('|'), help: 'the generative model (default ddpm)', field: ['model', 'kind'] },
  data: { value: 'NAME|FILE.csv|FILE.png', help: `a built-in data set (${DATASET_NAMES.join(', ')}; also moons, 8gaussians, 25gaussians, spirals, swissroll, checker, knot) or a CSV / PNG / JPEG file (default two-moons)`, field: null },
  'train-steps': { value: 'N', help: `training steps, 0 for the untrained model (default ${DEFAULT_TRAIN_STEPS}; none with --field exact)`, field: null },
  batch: { value: 'N', help: 'batch size (default 512)', field: ['model', 'batchSize'] },
  lr: { value: 'X', help: 'learning rate (default 5e-3; GANs: both G and D, default 1e-3)', field: ['model', 'learningRate'] },
  width: { value: 'N', help: 'units per hidden layer (default 128)', field: ['model', 'width'] },
  depth: { value: 'N', help: 'hidden layers (default 3)', field: ['model', 'depth'] },
  seed: { value: 'N', help: 'seed of the data, the weights and every draw (default 1)', field: ['data', 'seed'] },
  schedule: { value: 'linear|cosine', help: 'noise schedule of the DDPM (default linear)', field: ['schedule', 'kind'] },
  T: { value: 'N', help: 'diffusion steps of the DDPM (default 1000)', field: ['schedule', 'T'] },
  sampler: { value: 'ddpm|ddim|euler|heun|rk4|euler-maruyama|langevin', help: "reverse sampler (default: the model's first: ddpm, langevin for score, rk4 for flow); ddpm is the ancestral sampler", field: ['sampling', 'sampler'] },
  nfe: { value: 'N', help: 'grid steps of the grid samplers (default 50)', field: ['sampling', 'nfe'] },
  eta: { value: 'X', help: "DDIM's eta in [0, 1] (default 0)", field: ['sampling', 'eta'] },
  field: { value: 'learned|exact', help: 'the trained network, or the exact field of the data (no training)', field: ['sampling', 'field'] },
  samples: { value: 'N', help: `samples to draw (default ${DEFAULT_SAMPLES})`, field: ['data', 'particles'] },
  out: { value: 'FILE.csv', help: "write the samples (header x,y or x,y,z; the data's original units)", field: null },
  report: { value: 'FILE.json', help: 'write config, backend, loss curve, every metric against the data, timings', field: null },
  help: { value: '', help: 'print this help', field: null },
};

/** The help text. */
export function usage(): string {
  const lines = ['usage: npm run headless -- [options]', '', 'Trains a model of the Generative Playground in Node and samples it; prints metrics against the data.', ''];
  for (const [name, spec] of Object.entries(OPTIONS)) {
    const flag = spec.value === '' ? `--${name}` : `--${name} ${spec.value}`;
    lines.push(`  ${flag}`, `      ${spec.help}`);
  }
  lines.push('', 'example: npm run headless -- --model flow --data moons --train-steps 2000 --out s.csv --report r.json');
  return lines.join('\n');
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A strict decimal number, or a UsageError naming the option. */
function numberOf(option: string, text: string): number {
  if (!NUMBER.test(text.trim())) throw new UsageError(`--${option} ${JSON.stringify(text)}: not a number`);
  return Number(text);
}

/** Checks `value` against the schema field behind an option. */
function checkField(option: string, text: string, group: ConfigGroup, key: string, value: unknown): void {
  const field = (CONFIG_SCHEMA as unknown as Record<string, Record<string, Field>>)[group][key];
  const problem = fieldProblem(field, value);
  if (problem !== null) throw new UsageError(`--${option} ${text}: ${problem}`);
}

/** The option name and value of argv[i] (`--name value` or `--name=value`), and how many entries it took. */
function splitOption(argv: readonly string[], i: number): { name: string; value: string | null; used: number } {
  const arg = argv[i];
  if (!arg.startsWith('--') || arg === '--') throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (options start with --; see --help)`);
  const eq = arg.indexOf('=');
  const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
  const spec = Object.hasOwn(OPTIONS, name) ? OPTIONS[name] : undefined;
  if (spec === undefined) throw new UsageError(`unknown option --${name} (see --help)`);
  if (spec.value === '') {
    if (eq >= 0) throw new UsageError(`--${name} takes no value`);
    return { name, value: null, used: 1 };
  }
  if (eq >= 0) return { name, value: arg.slice(eq + 1), used: 1 };
  const next = argv[i + 1];
  if (next === undefined || (next.startsWith('--') && !NUMBER.test(next))) throw new UsageError(`--${name} needs a value (${spec.value})`);
  return { name, value: next, used: 2 };
}

/** The data argument: a built-in name or alias, else a file path. */
function dataArg(text: string): DataArg {
  const key = text.trim().toLowerCase();
  if (isDatasetName(key)) return { kind: 'built-in', name: key };
  if (Object.hasOwn(DATA_ALIASES, key)) return { kind: 'built-in', name: DATA_ALIASES[key] };
  if (text.trim() === '') throw new UsageError('--data needs a data set name or a file');
  return { kind: 'file', path: text };
}

/**
 * Parses the command line (without the node and script entries).
 * @throws UsageError with a one-line message: an unknown option, a missing or malformed value, a value the
 *   config's schema rejects, a sampler the model does not have, or an exact field for a GAN.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const given = new Map<string, string | null>();
  for (let i = 0; i < argv.length; ) {
    const { name, value, used } = splitOption(argv, i);
    if (given.has(name)) throw new UsageError(`--${name} is given more than once`);
    given.set(name, value);
    i += used;
  }
  if (given.has('help')) return { config: defaultConfig(), data: { kind: 'built-in', name: 'two-moons' }, trainSteps: 0, out: null, report: null, help: true, notes: [] };

  const base = defaultConfig();
  const input: Record<string, Record<string, unknown>> = { data: { particles: DEFAULT_SAMPLES }, sampling: { phase: 'reverse' } };
  const set = (group: ConfigGroup, key: string, value: unknown): void => void ((input[group] ??= {})[key] = value);

  // The model first: what the other options mean depends on it.
  const modelText = given.get('model');
  let kind: ModelKind = base.model.kind;
  if (modelText !== undefined && modelText !== null) {
    checkField('model', modelText, 'model', 'kind', modelText);
    kind = modelText as ModelKind;
  }
  set('model', 'kind', kind);
  const adversarial = isAdversarialKind(kind);

  const data = dataArg(given.get('data') ?? 'two-moons');
  if ('name' in data) set('data', 'dataset', data.name);
  else set('data', 'source', 'custom');

  let trainSteps = DEFAULT_TRAIN_STEPS;
  const stepsText = given.get('train-steps');
  if (stepsText !== undefined && stepsText !== null) {
    const n = numberOf('train-steps', stepsText);
    if (!Number.isInteger(n) || n < 0 || n > MAX_TRAIN_STEPS) throw new UsageError(`--train-steps ${stepsText}: must be an integer in [0, ${MAX_TRAIN_STEPS}]`);
    trainSteps = n;
  }

  for (const [name, text] of given) {
    const spec = OPTIONS[name];
    if (spec.field === null || name === 'model' || text === null) continue;
    const [group, key] = spec.field;
    const field = (CONFIG_SCHEMA as unknown as Record<string, Record<string, Field>>)[group][key];
    let value: unknown = text;
    if ('min' in field) value = numberOf(name, text); // a number field
    if (name === 'sampler') {
      const sampler = SAMPLER_ALIASES[text];
      if (sampler === undefined) throw new UsageError(`--sampler ${text}: must be one of ${Object.keys(SAMPLER_ALIASES).filter((s) => s !== 'ancestral').join(', ')}`);
      if (adversarial) throw new UsageError(`--sampler ${text}: a ${kind} draws samples as G(z) in one step and has no sampler`);
      if (!MODEL_SAMPLERS[kind].includes(sampler)) throw new UsageError(`--sampler ${text}: the ${kind} model samples with ${MODEL_SAMPLERS[kind].map(samplerName).join(', ')}`);
      value = sampler;
    }
    if (name === 'field' && text === 'exact' && adversarial) throw new UsageError(`--field exact: a ${kind} has no exact field (it is for ddpm, score and flow)`);
    checkField(name, text, group, key, value);
    if (name === 'lr' && adversarial) {
      set('gan', 'generatorLearningRate', value);
      set('gan', 'criticLearningRate', value);
    } else {
      set(group, key, value);
    }
  }
  // The model's own default sampler when none is given (the config default, ancestral, is the DDPM's).
  if (!given.has('sampler') && !adversarial) set('sampling', 'sampler', MODEL_SAMPLERS[kind][0]);

  const { config, problems } = validateConfig(input, base);
  if (problems.length > 0) throw new UsageError(problems[0]);

  const notes: string[] = [];
  for (const [name] of given) {
    const spec = OPTIONS[name];
    if (spec.field === null || name === 'lr' || name === 'samples' || name === 'seed') continue;
    const [group, key] = spec.field;
    if (!isRelevant(group, key, config)) notes.push(`note: --${name} is not used by ${kind}${config.sampling.sampler && !adversarial ? ` with the ${samplerName(config.sampling.sampler)} sampler` : ''}; ignored`);
  }
  if (config.sampling.field === 'exact' && trainSteps > 0) {
    if (stepsText !== undefined) notes.push('note: --field exact samples the exact field of the data; --train-steps ignored');
    trainSteps = 0;
  }
  const outText = given.get('out') ?? null;
  const reportText = given.get('report') ?? null;
  return { config, data, trainSteps, out: outText, report: reportText, help: false, notes };
}
