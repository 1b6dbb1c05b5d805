/**
 * Entry point of `npm run headless -- [options]` (run with tsx): the CLI of src/cli/run.ts on this
 * process's arguments and streams; exits with its code (0 success, 2 bad options or data, 1 internal).
 */
import { runHeadless } from './run';

const code = await runHeadless(process.argv.slice(2), {
  out: (text) => void process.stdout.write(text),
  err: { write: (text) => void process.stderr.write(text), tty: process.stderr.isTTY === true },
});
process.exitCode = code;
