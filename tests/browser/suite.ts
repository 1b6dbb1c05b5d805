/** Vitest set-up shared by browser test suites (kept out of harness.ts, which scripts use outside Vitest). */
import { afterAll, beforeAll } from 'vitest';
import { serveBuiltApp } from './harness';

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
