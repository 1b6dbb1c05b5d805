/**
 * The envelope every JSON file of the playground shares (presets, decks):
 * `{ "format": "generative-playground-...", "version": n, ... }`. Reading it checks the size, that the
 * text is JSON, that it is an object of the right format and that its version is one this code reads;
 * the file's own reader validates the rest.
 */

/** An error refusing a whole file, with a short code for tests and a message for the user. */
export class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
  }
}

/** What the envelope can be refused for ('other-format': JSON, but not an object of this format). */
export type EnvelopeProblem = 'too-large' | 'not-json' | 'other-format' | 'version' | 'malformed';

/** The file kind an envelope is read for. */
export interface EnvelopeSpec {
  /** The "format" string, e.g. 'generative-playground-deck'. */
  readonly format: string;
  /** The newest version this code reads (>= 1). */
  readonly version: number;
  /** Longest text read, characters. */
  readonly maxChars: number;
  /** The file kind in messages: 'preset', 'deck'. */
  readonly noun: string;
}

/**
 * Reads a file's envelope. Never reads more than `maxChars` characters into JSON.parse.
 * @param text the file's text. @param fail makes the error for a problem (the reader's own error class).
 * @returns the parsed object, its keys own properties of a fresh object (JSON.parse keeps "__proto__" as a plain key).
 * @throws whatever `fail` returns, when the text is not text, too long, not JSON, not an object of the
 *   format, or its version is not a positive integer up to `spec.version`.
 */
export function readEnvelope(text: string, spec: EnvelopeSpec, fail: (problem: EnvelopeProblem, message: string) => Error): Record<string, unknown> {
  if (typeof text !== 'string') throw fail('malformed', `a ${spec.noun} file is text`);
  if (text.length > spec.maxChars) throw fail('too-large', `the file has ${text.length.toLocaleString('en')} characters; a ${spec.noun} has at most ${spec.maxChars.toLocaleString('en')}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw fail('not-json', `not a JSON file (${String((e as Error).message).slice(0, 400)})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail('other-format', `not a ${spec.noun} file: the JSON is not an object`);
  const file = raw as Record<string, unknown>;
  if (file.format !== spec.format) throw fail('other-format', `not a ${spec.noun} file of the Generative Playground (its "format" must be "${spec.format}")`);
  const version = file.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) throw fail('version', '"version" must be a positive integer');
  if (version > spec.version) throw fail('version', `the ${spec.noun} is version ${version}, written by a newer Generative Playground; this one reads version ${spec.version}`);
  return file;
}

/** One message per top-level entry of `file` outside `known` ("unknown entry "x" ignored"; keys cut to 40 characters). */
export function unknownEntries(file: Record<string, unknown>, known: readonly string[]): string[] {
  return Object.keys(file)
    .filter((key) => !known.includes(key))
    .map((key) => `unknown entry ${JSON.stringify(key.slice(0, 40))} ignored`);
}
