/**
 * `npm run deck:weights [-- --deck assets/deck.json] [-- --only weights/x.json]`: the trained weights the
 * built-in deck's slides start from (issue 17), so that a class never waits for training.
 *
 * Reads the deck (config/deck-file.ts, on the app's default config). Every scene slide that names a
 * `weights` file (a path relative to the deck) is trained headless in Node with the app's own sessions
 * (session/create-session.ts, tfjs wasm as in the CLI, src/cli/run.ts) under the slide's own config and
 * seed, for {@link DECK_TRAIN_STEPS} steps of its family, and saved in the app's weights format
 * (session/saved-weights.ts). Slides naming the same file must agree on every setting the weights
 * depend on (saved-weights weightDifferences) and are trained once, under the first such slide's config.
 * Each file is read back with readWeights and loaded into a fresh session of every slide that names it
 * (loadWeights refuses what does not fit), and the script fails when a file is over
 * {@link MAX_DECK_WEIGHTS_BYTES}. Deterministic: same deck, same files (but `savedAt`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig, type PlaygroundConfig } from '../src/config/playground-config';
import { deckFromJson, type SceneSlide } from '../src/config/deck-file';
import { startBackend } from '../src/cli/run';
import { modelKind } from '../src/models/kinds';
import { createSession, sessionWithWeights } from '../src/session/create-session';
import { readWeights, saveWeights, weightDifferences } from '../src/session/saved-weights';

/** A model family: diffusion (DDPM, score model, flow matching) or adversarial (the GANs). */
type ModelFamily = ReturnType<typeof modelKind>['family'];

/** Training steps of a deck file, per model family: diffusion steps, or generator steps of a GAN (each after its critic steps). */
export const DECK_TRAIN_STEPS: Readonly<Record<ModelFamily, number>> = { diffusion: 3000, adversarial: 1000 };
/** Largest deck weights file written (bytes): the networks are small. */
export const MAX_DECK_WEIGHTS_BYTES = 400 * 1024;

/** One weights file of a deck and the slides (1-based numbers) that start from it. */
export interface DeckWeightsJob {
  /** The path as the deck names it, relative to the deck. */
  readonly path: string;
  /** The config it is trained under: the first slide's. */
  readonly config: PlaygroundConfig;
  readonly slides: readonly { readonly number: number; readonly slide: SceneSlide }[];
}

/**
 * The weights files a deck names, each with its slides. @throws Error when two slides naming one file
 * differ in a setting the weights depend on (the app would refuse the file on one of them).
 */
export function deckWeightsJobs(deckText: string, defaults: PlaygroundConfig = defaultConfig()): DeckWeightsJob[] {
  const { deck } = deckFromJson(deckText, defaults);
  const jobs = new Map<string, { path: string; config: PlaygroundConfig; slides: { number: number; slide: SceneSlide }[] }>();
  deck.slides.forEach((slide, i) => {
    if (slide.kind !== 'scene' || slide.weights === null) return;
    const job = jobs.get(slide.weights);
    if (job === undefined) {
      jobs.set(slide.weights, { path: slide.weights, config: slide.config, slides: [{ number: i + 1, slide }] });
      return;
    }
    const diff = weightDifferences(slide.config, job.config);
    if (diff.length > 0) throw new Error(`slide ${i + 1} names ${slide.weights} but differs from slide ${job.slides[0].number} in ${diff.map((d) => d.field).join(', ')}`);
    job.slides.push({ number: i + 1, slide });
  });
  return [...jobs.values()];
}

/** Trains `config` from scratch for its family's {@link DECK_TRAIN_STEPS} and returns the weights file (JSON text). */
export async function trainDeckWeights(config: PlaygroundConfig, name: string, onProgress?: (step: number, steps: number) => void): Promise<string> {
  const session = createSession(config);
  try {
    const steps = DECK_TRAIN_STEPS[modelKind(config).family];
    for (let i = 1; i <= steps; i++) {
      session.trainStep();
      if (i % 250 === 0) {
        onProgress?.(i, steps);
        await new Promise((r) => setImmediate(r));
      }
    }
    return await saveWeights(session, name);
  } finally {
    session.dispose();
  }
}

/** Checks that `text` reads as a weights file and loads into a fresh session of every slide of `job`. @throws WeightsFileError or Error. */
export function checkDeckWeights(text: string, job: DeckWeightsJob, defaults: PlaygroundConfig = defaultConfig()): void {
  if (text.length > MAX_DECK_WEIGHTS_BYTES) throw new Error(`${job.path} is ${(text.length / 1024).toFixed(0)} KB; the limit is ${MAX_DECK_WEIGHTS_BYTES / 1024} KB`);
  const read = readWeights(text, defaults);
  if (read.problems.length > 0) throw new Error(`${job.path}: ${read.problems.join('; ')}`);
  for (const { number, slide } of job.slides) {
    const scene = sessionWithWeights(slide.config, read, null);
    scene.session.dispose();
    if (scene.changes.length > 0) throw new Error(`slide ${number}: loading ${job.path} changed ${scene.changes.join(', ')}`);
  }
}

async function main(args: readonly string[]): Promise<void> {
  const at = (flag: string): string | null => (args.includes(flag) ? (args[args.indexOf(flag) + 1] ?? null) : null);
  const deckPath = resolve(at('--deck') ?? 'assets/deck.json');
  const only = at('--only');
  const backend = await startBackend();
  console.error(`deck ${relative(process.cwd(), deckPath)}, backend ${backend.name}${backend.simd ? ' (SIMD)' : ''}`);
  const jobs = deckWeightsJobs(readFileSync(deckPath, 'utf8')).filter((j) => only === null || j.path === only);
  for (const job of jobs) {
    const file = join(dirname(deckPath), job.path);
    const c = job.config;
    const name = `deck: ${c.model.kind} on ${c.data.dataset}, ${c.model.depth} x ${c.model.width}, seed ${c.data.seed}`;
    const t0 = performance.now();
    const text = await trainDeckWeights(c, name, (i, n) => process.stderr.write(`\r${job.path}: step ${i} / ${n}`));
    checkDeckWeights(text, job);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${text}\n`);
    process.stderr.write(`\r${job.path}: ${(text.length / 1024).toFixed(0)} KB, slides ${job.slides.map((s) => s.number).join(', ')}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(`deck:weights: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
