import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { EXAMPLE_KINDS, EXAMPLES, type ExampleKind } from '../../config/examples.js';
import { InputError } from '../../core/index.js';
import { writeFileAtomic } from '../../io/atomic-write.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(`write an annotated example config: ${EXAMPLE_KINDS.join(', ')}`)
    .argument('<kind>', `one of ${EXAMPLE_KINDS.join(', ')}`)
    .option('--out <file>', 'write to this file instead of stdout (never overwrites)')
    .action((kind: string, o: { out?: string }) => {
      if (!(EXAMPLE_KINDS as readonly string[]).includes(kind)) throw new InputError(`unknown example '${kind}'; choose one of ${EXAMPLE_KINDS.join(', ')}`);
      const text = EXAMPLES[kind as ExampleKind];
      if (o.out === undefined) {
        process.stdout.write(text);
        return;
      }
      if (existsSync(o.out)) throw new InputError(`${o.out} exists; choose another name or remove it`);
      writeFileAtomic(o.out, text);
      process.stderr.write(`wrote ${o.out}\n`);
    });
}
