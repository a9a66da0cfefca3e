/** How the command line reports failures: one line, `strand: error: ...`, non-zero exit. */
import { StrandError } from '../core/errors.js';

export function reportError(err: unknown, debug: boolean): number {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`strand: error: ${message.split('\n')[0]}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else if (!(err instanceof StrandError)) process.stderr.write('strand: run with --debug for the stack trace\n');
  return err instanceof StrandError && err.code === 'config' ? 2 : 1;
}
