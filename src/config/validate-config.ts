/**
 * The boundary of the config: every value from outside (URL, preset or weights file, GUI fields) is
 * checked against {@link CONFIG_SCHEMA} here, field by field, then by the cross-field rules. The schema
 * itself, the defaults and the profiles are in playground-config.ts.
 */
import { cloneConfig, CONFIG_SCHEMA, defaultConfig, type Field, type NumberField, type PlaygroundConfig } from './playground-config';

/** Checks one value against its field; returns a problem message or null when valid. */
export function fieldProblem(field: Field, value: unknown): string | null {
  switch (field.kind) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a finite number`;
      if (value < field.min || value > field.max) return `must be in [${field.min}, ${field.max}]`;
      if (field.integer && !Number.isInteger(value)) return `must be an integer`;
      return null;
    case 'choice':
      return typeof value === 'string' && field.options.includes(value) ? null : `must be one of ${field.options.join(', ')}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
  }
}

/**
 * A finite number brought into a number field's range: rounded to an integer for integer fields, then
 * clamped to [min, max]. Returns the value and why it changed, or null for anything that is not a finite
 * number (those take the default instead).
 */
export function clampToField(field: NumberField, value: unknown): { value: number; why: string } | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  let v = field.integer ? Math.round(value) : value;
  const reasons: string[] = [];
  if (v !== value) reasons.push(`${value} is not an integer`);
  if (v < field.min) {
    reasons.push(`${value} is below the minimum ${field.min}`);
    v = field.min;
  } else if (v > field.max) {
    reasons.push(`${value} is above the maximum ${field.max}`);
    v = field.max;
  }
  return { value: v, why: reasons.join(' and ') };
}

/**
 * Settings that no longer exist but still load (old links, presets, decks), each turned into what replaced
 * it: `sampling.stepsPerSecond` (the pace in diffusion steps per second) became `sampling.secondsPerPass`,
 * T / stepsPerSecond (T of the input's schedule, else of the defaults), clamped to the new range.
 */
export const LEGACY_SETTINGS: readonly string[] = ['sampling.stepsPerSecond'];

/**
 * The input with its legacy settings ({@link LEGACY_SETTINGS}) turned into the settings that replaced them
 * (a shallow copy; the input is not changed), and one message per conversion. A value that is not a
 * finite number > 0 is dropped with a message. An input that also gives the new setting keeps it.
 */
export function migrateLegacy(input: Record<string, unknown>, defaults: PlaygroundConfig): { input: Record<string, unknown>; problems: string[] } {
  const sampling = input.sampling;
  if (typeof sampling !== 'object' || sampling === null || Array.isArray(sampling) || !Object.hasOwn(sampling, 'stepsPerSecond')) return { input, problems: [] };
  const { stepsPerSecond: sps, ...rest } = sampling as Record<string, unknown>;
  const schedule = input.schedule as Record<string, unknown> | undefined;
  const given = typeof schedule === 'object' && schedule !== null && Object.hasOwn(schedule, 'T') ? schedule.T : undefined;
  const T = typeof given === 'number' && given > 0 && Number.isFinite(given) ? given : defaults.schedule.T;
  if (typeof sps !== 'number' || !(sps > 0) || !Number.isFinite(sps)) {
    return { input: { ...input, sampling: rest }, problems: [`sampling.stepsPerSecond is no longer a setting (the pace is sampling.secondsPerPass); ${String(sps).slice(0, 20)} ignored`] };
  }
  if (Object.hasOwn(rest, 'secondsPerPass')) return { input: { ...input, sampling: rest }, problems: [`sampling.stepsPerSecond ${sps} ignored: sampling.secondsPerPass is given`] };
  const field = CONFIG_SCHEMA.sampling.secondsPerPass;
  const seconds = Math.min(field.max, Math.max(field.min, Math.round((10 * T) / sps) / 10));
  return {
    input: { ...input, sampling: { ...rest, secondsPerPass: seconds } },
    problems: [`sampling.stepsPerSecond ${sps} is now a pace in seconds: T = ${T} steps at ${sps} a second is sampling.secondsPerPass ${seconds}`],
  };
}

/** Result of validating untrusted input. */
export interface ValidatedConfig {
  /** A complete, valid config: accepted values, defaults elsewhere. */
  readonly config: PlaygroundConfig;
  /** One message per fixed, rejected or unknown value, e.g. "model.width: 9999 is above the maximum 512; using 512". */
  readonly problems: string[];
}

/**
 * Validates an untrusted, possibly partial config (from the URL, a preset file, a weights file, the
 * GUI's typed fields). Never throws, never executes or keeps anything it does not know. The rules:
 * - missing fields take `defaults` silently;
 * - a finite number outside its field's range is **clamped** to the range the GUI allows, and a
 *   non-integer for an integer field is rounded (then clamped), each with a message
 *   ("data.particles: 1000000000 is above the maximum 200000; using 200000");
 * - anything malformed (a wrong type, NaN, Infinity, a string where a number belongs, an unknown
 *   choice) is reported and replaced by the default;
 * - unknown groups and keys (`__proto__`, `constructor` included) are reported and ignored; only own
 *   properties are read and values are copied into a fresh config, so the input cannot pollute prototypes;
 * - cross-field rules (sigmaMin < sigmaMax, betaEnd >= betaStart) fall back on both defaults.
 * The CLI is stricter: it rejects what this would fix (see cli/options).
 * @param defaults the values to fall back on (a valid config; e.g. {@link withProfile} of the CPU profile).
 */
export function validateConfig(input: unknown, defaults: PlaygroundConfig = defaultConfig()): ValidatedConfig {
  const config = cloneConfig(defaults);
  const fallback = defaults as unknown as Record<string, Record<string, unknown>>;
  const problems: string[] = [];
  const show = (v: unknown): string => {
    const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? Object.prototype.toString.call(v) : String(v);
    return s.length > 40 ? `${s.slice(0, 37)}...` : s;
  };
  if (input === undefined || input === null) return { config, problems };
  if (typeof input !== 'object' || Array.isArray(input)) return { config, problems: ['config must be an object; using defaults'] };
  const target = config as unknown as Record<string, Record<string, unknown>>;
  const migrated = migrateLegacy(input as Record<string, unknown>, defaults);
  problems.push(...migrated.problems);
  for (const [group, groupValue] of Object.entries(migrated.input)) {
    const fields = (CONFIG_SCHEMA as Record<string, Record<string, Field>>)[group];
    if (!Object.hasOwn(CONFIG_SCHEMA, group) || fields === undefined) {
      problems.push(`unknown group ${show(group)} ignored`);
      continue;
    }
    if (typeof groupValue !== 'object' || groupValue === null || Array.isArray(groupValue)) {
      problems.push(`${group}: must be an object; using defaults`);
      continue;
    }
    for (const [key, value] of Object.entries(groupValue as Record<string, unknown>)) {
      const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (field === undefined) {
        problems.push(`unknown setting ${group}.${show(key)} ignored`);
        continue;
      }
      const problem = fieldProblem(field, value);
      if (problem === null) {
        target[group][key] = value;
        continue;
      }
      const clamped = field.kind === 'number' ? clampToField(field, value) : null;
      if (clamped !== null) {
        target[group][key] = clamped.value;
        problems.push(`${group}.${key}: ${clamped.why}; using ${clamped.value}`);
      } else {
        problems.push(`${group}.${key}: ${problem} (got ${show(value)}); using ${String(fallback[group][key])}`);
      }
    }
  }
  if (config.schedule.sigmaMin >= config.schedule.sigmaMax) {
    problems.push(`schedule.sigmaMin (${config.schedule.sigmaMin}) is not below sigmaMax (${config.schedule.sigmaMax}); using ${defaults.schedule.sigmaMin} and ${defaults.schedule.sigmaMax}`);
    config.schedule.sigmaMin = defaults.schedule.sigmaMin;
    config.schedule.sigmaMax = defaults.schedule.sigmaMax;
  }
  if (config.schedule.betaEnd < config.schedule.betaStart) {
    problems.push(`schedule.betaEnd (${config.schedule.betaEnd}) is below betaStart (${config.schedule.betaStart}); using ${defaults.schedule.betaEnd} and ${defaults.schedule.betaStart}`);
    config.schedule.betaEnd = defaults.schedule.betaEnd;
    config.schedule.betaStart = defaults.schedule.betaStart;
  }
  return { config, problems };
}
