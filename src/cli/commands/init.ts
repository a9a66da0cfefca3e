import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { DESIGN_EXAMPLE, EXAMPLE_KINDS, EXAMPLES, LM_EXAMPLE, type ExampleKind } from '../../config/examples.js';
import { InputError } from '../../core/index.js';
import { writeFileAtomic } from '../../io/atomic-write.js';

const KINDS = [...EXAMPLE_KINDS, 'lm', 'design'];

export function registerInit(program: Command): void {
  program
    .command('init')
    .description(`write an annotated example config: ${KINDS.join(', ')} (lm: for strand pretrain, design: for strand design)`)
    .argument('<kind>', `one of ${KINDS.join(', ')}`)
    .option('--out <file>', 'write to this file instead of stdout (never overwrites)')
    .action((kind: string, o: { out?: string }) => {
      if (!KINDS.includes(kind)) throw new InputError(`unknown example '${kind}'; choose one of ${KINDS.join(', ')}`);
      const text = kind === 'lm' ? LM_EXAMPLE : kind === 'design' ? DESIGN_EXAMPLE : EXAMPLES[kind as ExampleKind];
      if (o.out === undefined) {
        process.stdout.write(text);
        return;
      }
      if (existsSync(o.out)) throw new InputError(`${o.out} exists; choose another name or remove it`);
      writeFileAtomic(o.out, text);
      process.stderr.write(`wrote ${o.out}\n`);
    });
}
