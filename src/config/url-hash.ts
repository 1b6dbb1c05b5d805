/**
 * The config in the URL hash, TensorFlow-Playground style: `#data.dataset=rings&data.particles=5000`.
 * Only values that differ from the defaults are written. Reading goes through {@link validateConfig},
 * so unknown keys and bad values are reported and replaced by defaults, never trusted.
 */
import { cloneConfig, CONFIG_SCHEMA, defaultConfig, type Field, type PlaygroundConfig } from './playground-config';
import { LEGACY_SETTINGS, validateConfig, type ValidatedConfig } from './validate-config';
import { isRelativeJsonPath } from './deck-file';

/** The hash key of a link to a deck file served beside the app: `#deck=assets/deck.json`. */
export const DECK_HASH_KEY = 'deck';

/** What a link says about a deck: none, a path to fetch (relative to the page, same origin), or why it is refused. */
export type DeckLink = { readonly kind: 'none' } | { readonly kind: 'path'; readonly path: string } | { readonly kind: 'refused'; readonly problem: string };

/**
 * The deck a URL hash links to (`#deck=assets/deck.json`, with or without '#'). Only a relative path to
 * a .json file served beside the app is taken (deck-file.ts isRelativeJsonPath: no scheme, no host, no
 * '..', no backslash), so a link can never make the page fetch from another origin. Never throws.
 */
export function deckLinkFromHash(hash: string): DeckLink {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body.length === 0 || body.length > MAX_HASH_LENGTH) return { kind: 'none' };
  let value: string | null;
  try {
    value = new URLSearchParams(body).get(DECK_HASH_KEY);
  } catch {
    return { kind: 'none' };
  }
  if (value === null) return { kind: 'none' };
  const shown = JSON.stringify(value.slice(0, 60));
  if (isRelativeJsonPath(value)) return { kind: 'path', path: value };
  return { kind: 'refused', problem: `deck=${shown}: a deck link must be a relative path to a .json file beside the app (e.g. deck=assets/deck.json; no '..', no other site)` };
}

/** Longest hash we parse (characters); longer input is rejected as a whole. */
export const MAX_HASH_LENGTH = 4096;

/** Writes the values of `config` that differ from `base` (the defaults) as a URL hash body (without '#'). */
export function configToHash(config: PlaygroundConfig, base: PlaygroundConfig = defaultConfig()): string {
  const defaults = base as unknown as Record<string, Record<string, unknown>>;
  const c = config as unknown as Record<string, Record<string, unknown>>;
  const params = new URLSearchParams();
  for (const [group, fields] of Object.entries(CONFIG_SCHEMA)) {
    for (const key of Object.keys(fields)) {
      if (c[group][key] !== defaults[group][key]) params.set(`${group}.${key}`, String(c[group][key]));
    }
  }
  return params.toString();
}

/**
 * Parses a URL hash (with or without '#') into a validated config; settings it does not give take
 * `defaults`. Never throws.
 * Values are converted by their field's kind (number, boolean, choice); anything else is a problem.
 */
export function configFromHash(hash: string, defaults: PlaygroundConfig = defaultConfig()): ValidatedConfig {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body.length === 0) return validateConfig(undefined, defaults);
  if (body.length > MAX_HASH_LENGTH) return { config: cloneConfig(defaults), problems: [`the hash is longer than ${MAX_HASH_LENGTH} characters; using defaults`] };
  const raw: Record<string, Record<string, unknown>> = {};
  const problems: string[] = [];
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(body);
  } catch {
    return { config: cloneConfig(defaults), problems: ['the hash could not be parsed; using defaults'] };
  }
  for (const [name, value] of params) {
    if (name === DECK_HASH_KEY) continue; // the deck link (deckLinkFromHash), not a setting
    const dot = name.indexOf('.');
    const group = dot > 0 ? name.slice(0, dot) : name;
    const key = dot > 0 ? name.slice(dot + 1) : '';
    // A legacy setting (an old link's steps per second) is read as a number; validateConfig converts it.
    const legacy: Field | undefined = LEGACY_SETTINGS.includes(name) ? { kind: 'number', label: name, default: 0, min: 0, max: 0, step: 0, integer: false, invalidates: 'live' } : undefined;
    const field = Object.hasOwn(CONFIG_SCHEMA, group) && Object.hasOwn((CONFIG_SCHEMA as Record<string, object>)[group], key)
      ? ((CONFIG_SCHEMA as unknown as Record<string, Record<string, Field>>)[group][key])
      : legacy;
    if (field === undefined) {
      problems.push(`unknown URL setting '${name.slice(0, 40)}' ignored`);
      continue;
    }
    const group2 = (raw[group] ??= {});
    if (Object.hasOwn(group2, key)) problems.push(`${name} is given more than once; the last one is used`);
    // Unparseable numbers stay strings, so the message quotes what the link said ("abc", not NaN).
    const asNumber = value.trim() === '' ? Number.NaN : Number(value);
    group2[key] = field.kind === 'number' ? (Number.isNaN(asNumber) ? value : asNumber) : field.kind === 'boolean' ? (value === 'true' ? true : value === 'false' ? false : value) : value;
  }
  // A link names custom data but cannot carry its points: fall back on the built-in data set.
  if (raw.data?.source === 'custom') {
    delete raw.data.source;
    problems.push('data.source=custom: a link cannot carry your own points; using the built-in data set');
  }
  const validated = validateConfig(raw, defaults);
  return { config: validated.config, problems: [...problems, ...validated.problems] };
}

