/**
 * Outputs being written that a SIGINT / SIGTERM must not leave half-written: on the signal their
 * temporary files are removed and the process exits as the signal would (130 / 143).
 */
import type { AtomicFileWriter } from '../io/atomic-write.js';

export class InterruptedOutputs {
  readonly writers: AtomicFileWriter[] = [];
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    for (const w of this.writers) w.abort();
    process.stderr.write(`strand: interrupted (${signal}); no output written\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  constructor() {
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
  }

  /** Starts guarding `writer`; returns it. */
  add<W extends AtomicFileWriter>(writer: W): W {
    this.writers.push(writer);
    return writer;
  }

  /** Stops listening and aborts the writers not committed (call in `finally`). */
  release(): void {
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
    for (const w of this.writers) w.abort();
    this.writers.length = 0;
  }
}
