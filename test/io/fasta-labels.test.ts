import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FormatError } from '../../src/core/index.js';
import { parseFastaText } from '../../src/io/fasta-records.js';
import { readFastaWithLabels } from '../../src/io/sequence-table.js';
import { tempDir } from '../data/genomic-fixtures.js';

test('FASTA records joined with a label table by record name; missing labels are a FormatError', async () => {
  const tmp = tempDir('strand-fasta-labels-');
  try {
    writeFileSync(join(tmp.dir, 'seqs.fa'), '>b\nACGT\nAC\n>a\nGGGGCC\n');
    writeFileSync(join(tmp.dir, 'labels.tsv'), 'name\tbound\tother\na\t1\tx\nb\t0\ty\nc\t1\tz\n');
    const table = await readFastaWithLabels(join(tmp.dir, 'seqs.fa'), join(tmp.dir, 'labels.tsv'), 'name', ['bound']);
    assert.deepEqual(table.ids, ['b', 'a']);
    assert.deepEqual(table.sequences, ['ACGTAC', 'GGGGCC']);
    assert.deepEqual(table.labels, [['0'], ['1']]);
    assert.deepEqual(table.lines, [3, 2]);
    writeFileSync(join(tmp.dir, 'few.tsv'), 'name\tbound\na\t1\n');
    await assert.rejects(
      readFastaWithLabels(join(tmp.dir, 'seqs.fa'), join(tmp.dir, 'few.tsv'), 'name', ['bound']),
      (e: unknown) => e instanceof FormatError && /few\.tsv: name: no label row for FASTA record 'b'/.test((e as Error).message),
    );
    writeFileSync(join(tmp.dir, 'dup.tsv'), 'name\tbound\na\t1\na\t0\n');
    await assert.rejects(readFastaWithLabels(join(tmp.dir, 'seqs.fa'), join(tmp.dir, 'dup.tsv'), 'name', ['bound']), /line 3: name: record 'a' is labelled twice/);
  } finally {
    tmp.remove();
  }
});

test('FASTA text: names are the first header word, lines joined, white space dropped; misplaced lines and bad names are FormatErrors', () => {
  assert.deepEqual(parseFastaText('\n>a first record\nACGT\r\nac gt\n\n>b\nNNNN\n>c\n'), { ids: ['a', 'b', 'c'], sequences: ['ACGTacgt', 'NNNN', ''] });
  assert.deepEqual(parseFastaText(''), { ids: [], sequences: [] });
  assert.throws(() => parseFastaText('ACGT\n>a\nAC', 'pasted'), (e: unknown) => e instanceof FormatError && e.message === "pasted: line 1: expected a '>' header line before sequence lines");
  assert.throws(() => parseFastaText('>a\nAC\n> \nGG'), /line 3: name: empty sequence name/);
  assert.throws(() => parseFastaText('>a\nAC\n>a\nGG'), /line 3: name: duplicate sequence name 'a'/);
});
