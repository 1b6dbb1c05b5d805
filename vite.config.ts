import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Relative asset URLs, so `dist/` works from any static file server and any sub-path.
  base: './',
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
