import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tokenizerFromDescription } from '../../src/genomics/tokenizers/description.js';
import { writeTwoBit } from '../../src/io/twobit-writer.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function strand(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

// The hand-worked corpus of test/genomics/tokenizers/bpe.test.ts: merges A+C, AC+G, ACG+T.
const RECORDS = [
  { name: 's1', sequence: 'ACGTACGT' },
  { name: 's2', sequence: 'ACGNACG' },
  { name: 's3', sequence: 'gtt' },
];

test('strand tokenizer train writes a tokenizer.json that reloads as the BPE tokenizer learned from a FASTA or a 2bit genome', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-tokenizer-'));
  try {
    const fasta = join(dir, 'small.fa');
    writeFileSync(fasta, RECORDS.map((r) => `>${r.name}\n${r.sequence}\n`).join(''));
    const twoBit = join(dir, 'small.2bit');
    writeTwoBit(twoBit, RECORDS);
    for (const [flag, input] of [['--fasta', fasta], ['--genome', twoBit]] as const) {
      const out = join(dir, `tokenizer-${flag.slice(2)}.json`);
      const r = strand('tokenizer', 'train', flag, input, '--vocab-size', '20', '--out', out);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /^reading 18 bases of .* \(3 windows\)$/m);
      assert.match(r.stderr, /^learned 3 merges in .* s: vocabulary 12 \(no pair left occurring twice; asked for 20\)$/m);
      assert.match(r.stderr, /^mean token length 2\.429 bases \(17 A\/C\/G\/T bases in 7 tokens\)$/m);
      const description = JSON.parse(readFileSync(out, 'utf8')) as { kind: string; merges: string[][] };
      assert.equal(description.kind, 'bpe');
      assert.deepEqual(description.merges, [['A', 'C'], ['AC', 'G'], ['ACG', 'T']]);
      assert.deepEqual([...tokenizerFromDescription(description).encode('ACGTACGTNGTT')], [11, 11, 1, 7, 8, 8]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('strand tokenizer train: a missing file or a bad option is one strand: error line, and no output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'strand-tokenizer-'));
  try {
    const out = join(dir, 'tokenizer.json');
    const missing = join(dir, 'missing.fa');
    const cases: [string[], RegExp][] = [
      [['--fasta', missing, '--vocab-size', '20'], new RegExp(`^strand: error: ${missing.replace(/[.]/g, '\\.')}: no such file$`)],
      [['--fasta', missing, '--vocab-size', '8'], /^strand: error: --vocab-size must be at least 9 \(5 special tokens and A, C, G, T\), got 8$/],
      [['--vocab-size', '20'], /^strand: error: give either --fasta or --genome$/],
    ];
    for (const [args, message] of cases) {
      const r = strand('tokenizer', 'train', ...args, '--out', out);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.ok(!existsSync(out));
    assert.equal(strand('tokenizer', 'train', '--help').status, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
