/** log.jsonl of a training run. */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';

/** log.jsonl kept in memory and rewritten whole (atomically) so a resumed run never duplicates records. */
export class TrainingLog {
  readonly #path: string;
  #records: Record<string, unknown>[] = [];

  constructor(path: string, resume: boolean) {
    this.#path = path;
    if (resume && existsSync(path)) {
      this.#records = readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    }
  }

  /** Drops records after a checkpoint's position (they are about to be redone). */
  truncate(epoch: number, step: number): void {
    this.#records = this.#records.filter((r) =>
      r.type === 'epoch' ? (r.epoch as number) <= epoch : (r.epoch as number) <= epoch || ((r.epoch as number) === epoch + 1 && (r.step as number) <= step),
    );
  }

  add(record: Record<string, unknown>): void {
    this.#records.push(record);
  }

  flush(): void {
    writeFileAtomic(this.#path, this.#records.map((r) => JSON.stringify(r)).join('\n') + (this.#records.length ? '\n' : ''));
  }
}
