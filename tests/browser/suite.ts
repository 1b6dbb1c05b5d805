/** Vitest set-up shared by browser test suites (kept out of harness.ts, which scripts use outside Vitest). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { serveApp, serveBuiltApp } from './harness';

/**
 * Builds and serves the app for the calling test suite (beforeAll, up to 240 s; afterAll closes it).
 * @returns a getter of the served page's URL (valid once the suite has started).
 */
export function servedAppForSuite(): () => string {
  let url = '';
  let close = async (): Promise<void> => undefined;
  beforeAll(async () => {
    ({ url, close } = await serveBuiltApp());
  }, 240_000);
  afterAll(() => close());
  return () => url;
}

/**
 * Builds one test page of its own (an HTML file under tests/browser/, e.g. a scene or a panel alone) into a
 * temporary folder and serves it for the calling suite (beforeAll, up to 240 s; afterAll stops the server
 * and removes the folder). @returns a getter of the page's URL (valid once the suite has started).
 */
export function servedPageForSuite(page: string): () => string {
  let url = '';
  let close = async (): Promise<void> => undefined;
  beforeAll(async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'gp-page-'));
    await build({ logLevel: 'error', build: { outDir, emptyOutDir: true, rolldownOptions: { input: { page } } } });
    const served = await serveApp(outDir);
    url = `${served.url}${page}`;
    close = async () => {
      await served.server.close();
      rmSync(outDir, { recursive: true, force: true });
    };
  }, 240_000);
  afterAll(() => close());
  return () => url;
}
