/**
 * User presets as JSON files: a scene saved to disk and opened again (or shared by mail). Versioned:
 * ```
 * { "format": "generative-playground-preset", "version": 1, "name": "my rings", "config": { ...whole config... } }
 * ```
 * Reading checks the size, that it is JSON, the format and the version (a {@link PresetFileError}
 * refuses the whole file: the running scene is not touched), then validates the config like a link does
 * ({@link validateConfig}: out-of-range numbers clamped, malformed values replaced by defaults, unknown
 * keys reported and ignored, each with a message).
 */
import { cleanName } from '../models/weights-file';
import { readEnvelope, unknownEntries } from './file-envelope';
import { cloneConfig, type PlaygroundConfig } from './playground-config';
import { validateConfig, type ValidatedConfig } from './validate-config';

export const PRESET_FORMAT = 'generative-playground-preset';
/** The version this code writes and the newest it reads. */
export const PRESET_VERSION = 1;
/** Longest preset file read (characters); a preset is about 1.5 KB. */
export const MAX_PRESET_CHARS = 256 * 1024;

/** A preset file refused as a whole; the message names the problem. */
export class PresetFileError extends Error {
  override readonly name = 'PresetFileError';
  constructor(
    readonly code: 'too-large' | 'not-json' | 'not-preset' | 'version' | 'malformed',
    message: string,
  ) {
    super(message);
  }
}

/** A preset read from a file: its name, the validated config and what was fixed on the way. */
export interface LoadedPreset {
  readonly name: string;
  readonly config: PlaygroundConfig;
  readonly problems: string[];
}

/** The preset file (pretty JSON text) of `config` under `name`. The whole config is written, so it does not depend on defaults. */
export function presetToJson(name: string, config: PlaygroundConfig): string {
  return `${JSON.stringify({ format: PRESET_FORMAT, version: PRESET_VERSION, name: cleanName(name, 'preset'), config: cloneConfig(config) }, null, 2)}\n`;
}

/**
 * Reads a preset file. Fields the file does not give take `defaults`.
 * @throws PresetFileError when the text is too long, not JSON, not a preset, of a newer version, or has
 *   no config object.
 */
export function presetFromJson(text: string, defaults: PlaygroundConfig): LoadedPreset {
  const file = readEnvelope(text, { format: PRESET_FORMAT, version: PRESET_VERSION, maxChars: MAX_PRESET_CHARS, noun: 'preset' }, (problem, message) => new PresetFileError(problem === 'other-format' ? 'not-preset' : problem, message));
  if (typeof file.config !== 'object' || file.config === null || Array.isArray(file.config)) throw new PresetFileError('malformed', '"config" must be an object of settings');
  const problems = unknownEntries(file, ['format', 'version', 'name', 'config']);
  const validated = validateSharedConfig(file.config as Record<string, unknown>, defaults);
  return { name: cleanName(file.name, 'preset'), config: validated.config, problems: [...problems, ...validated.problems] };
}

/**
 * Validates the config of a file shared without its data (a preset, a deck's slide) by {@link validateConfig},
 * after one rule of its own: a file names custom data but cannot carry its points, so `data.source: custom`
 * falls back on the built-in data set with a message. Never throws.
 */
export function validateSharedConfig(config: Record<string, unknown>, defaults: PlaygroundConfig): ValidatedConfig {
  const problems: string[] = [];
  const data = config.data;
  let input: unknown = config;
  if (typeof data === 'object' && data !== null && Object.hasOwn(data, 'source') && (data as Record<string, unknown>).source === 'custom') {
    const { source: _dropped, ...rest } = data as Record<string, unknown>;
    input = { ...config, data: rest };
    problems.push('data.source=custom: a preset cannot carry your own points; using the built-in data set');
  }
  const validated = validateConfig(input, defaults);
  return { config: validated.config, problems: [...problems, ...validated.problems] };
}
