import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/** Every .json file under a folder (its path relative to the project), recursively. */
const jsonFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []));

/**
 * The lecture decks and their weights (every .json file under assets/) copied into the build at the same paths, so a
 * `#deck=assets/deck.json` link and the weights beside a deck are served by the built app as in dev.
 */
const servedAssets = (): Plugin => ({
  name: 'served-json-assets',
  apply: 'build',
  generateBundle() {
    for (const file of jsonFiles('assets')) this.emitFile({ type: 'asset', fileName: relative('.', file).split('\\').join('/'), source: readFileSync(file) });
  },
});

export default defineConfig({
  // Relative asset URLs, so `dist/` works from any static file server and any sub-path.
  base: './',
  plugins: [servedAssets()],
  // The training worker (src/app/train-worker.ts) is a module worker: ES output keeps tfjs's chunks shared.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // The app (index.html) and the benchmark page that `npm run bench` drives in headless Chromium.
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        bench: fileURLToPath(new URL('./bench.html', import.meta.url)),
      },
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/setup-tf.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One file at a time: the machine has 2 cores and the browser test builds the app.
    fileParallelism: false,
  },
});
