/**
 * Shared by the session tests: a small validated scene and a way to let asynchronous readbacks land.
 */
import { expect } from 'vitest';
import { defaultConfig, type PlaygroundConfig } from '../src/config/playground-config';
import { validateConfig } from '../src/config/validate-config';

/** The default scene, shrunk so a session builds and trains in milliseconds (then validated like user input). */
export function smallConfig(overrides: Record<string, Record<string, unknown>> = {}): PlaygroundConfig {
  const c = defaultConfig();
  c.data.particles = 1000;
  c.schedule.T = 50;
  c.model.width = 16;
  c.model.depth = 1;
  c.model.batchSize = 64;
  const loose = c as unknown as Record<string, Record<string, unknown>>;
  for (const [g, v] of Object.entries(overrides)) loose[g] = { ...loose[g], ...v };
  const { config, problems } = validateConfig(c);
  expect(problems).toEqual([]);
  return config;
}

/** Lets pending promise chains (the asynchronous loss readback) run to the end. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}
