import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../../src/core/errors.js';
import { readMatrix, transposeMatrix } from '../../src/io/matrix.js';
import { runPython } from '../helpers/pytorch.js';
import { readerConformance } from './reader-conformance.js';

/** ../shared/data beside the repository (DESIGN.md); tests run from dist/test/io. */
const DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));

const golub = `${DATA}/golub_all_aml`;
const tmp = mkdtempSync(join(tmpdir(), 'strand-matrix-'));

function writeTemp(name: string, contents: string | Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, contents);
  return path;
}

readerConformance({
  name: 'CSV matrix',
  fileName: 'x.csv',
  kind: 'text',
  read: (path) => readMatrix(path),
  valid: 'gene,s1,s2\ng1,1,2.5\ng2,-3,4e2\n',
  empty: 'error',
  malformed: [
    { contents: 'gene,s1,s2\ng1,1,2\ng2,3,x4\n', line: 3, field: "column 's2'" },
    { contents: 'gene,s1,s2\ng1,1,2\ng2,3\n', line: 3, field: 'columns' },
    { contents: 'gene,s1,s2\n"g1,1,2\n', line: 2, field: 'field 1' },
  ],
});

readerConformance({
  name: 'TSV matrix',
  fileName: 'x.tsv',
  kind: 'text',
  read: (path) => readMatrix(path, { rowNameColumn: 'id', columns: /^[ab]$/, transpose: true }),
  valid: 'desc\tid\ta\tb\nfirst gene\tG1\t1\t2\nsecond\tG2\t3\t4\n',
  empty: 'error',
  malformed: [
    { contents: 'desc\tid\ta\tb\nfirst\tG1\t1\t2\nsecond\tG2\tP\t4\n', line: 3, field: "column 'a'" },
    { contents: 'desc\tgene\ta\tb\nfirst\tG1\t1\t2\n', line: 1, field: 'header' },
  ],
});

test('hand-made CSV: quotes, missing values, R-style short header, transpose', async () => {
  const path = writeTemp('hand.csv', '"",a,"b ""x"""\n"g,1",1,NA\ng2,,-2.5\n');
  const m = await readMatrix(path);
  assert.deepEqual(m.rowNames, ['g,1', 'g2']);
  assert.deepEqual(m.colNames, ['a', 'b "x"']);
  assert.deepEqual([m.rows, m.cols], [2, 2]);
  assert.deepEqual(Array.from(m.values), [1, Number.NaN, Number.NaN, -2.5]);
  const r = writeTemp('r-style.tsv.gz', gzipSync('s1\ts2\ts3\ngA\t1\t2\t3\ngB\t4\t5\t6\n'));
  const t = await readMatrix(r, { transpose: true });
  assert.deepEqual([t.rowNames, t.colNames, t.rows, t.cols], [['s1', 's2', 's3'], ['gA', 'gB'], 3, 2]);
  assert.deepEqual(Array.from(t.values), [1, 4, 2, 5, 3, 6]);
  assert.deepEqual(transposeMatrix(t), await readMatrix(r));
  const headerOnly = await readMatrix(writeTemp('header.csv', 'gene,s1,s2\n'));
  assert.deepEqual([headerOnly.rows, headerOnly.cols, headerOnly.colNames], [0, 2, ['s1', 's2']]);
});

test('column selection by predicate; non-numeric cells name file, line and column', async () => {
  const path = writeTemp('calls.csv', 'name,1,call,2,call\ng1,5,P,6,A\ng2,7,A,8,M\n');
  await assert.rejects(readMatrix(path), (e: unknown) =>
    e instanceof FormatError && e.message === `${path}: line 2: column 'call': expected a number, got 'P'`);
  const m = await readMatrix(path, { columns: (name) => name !== 'call' });
  assert.deepEqual([m.colNames, Array.from(m.values)], [['1', '2'], [5, 6, 7, 8]]);
  const byIndex = await readMatrix(path, { columns: (_, i) => i % 2 === 1 });
  assert.deepEqual(byIndex, m);
});

test('Golub ALL/AML train and independent sets equal a Python csv parse (7129 probes; 38 and 34 samples)', async () => {
  for (const [file, samples, lo, hi] of [['data_set_ALL_AML_train.csv.gz', 38, -28400, 61228], ['data_set_ALL_AML_independent.csv.gz', 34, -26775, 71369]] as const) {
    const path = `${golub}/${file}`;
    const m = await readMatrix(path, { rowNameColumn: 'Gene Accession Number', columns: /^\d+$/, transpose: true });
    assert.deepEqual([m.rows, m.cols], [samples, 7129]); // README: 7129 probes x 38 / 34 samples
    let min = Infinity, max = -Infinity;
    for (const v of m.values) { min = Math.min(min, v); max = Math.max(max, v); }
    assert.deepEqual([min, max], [lo, hi]); // README value ranges
    const expected = runPython<{ samples: string[]; probes: string[]; values: number[][] }>(`
import csv, gzip
rows = list(csv.reader(gzip.open(inputs['path'], 'rt')))
header = rows[0]
keep = [i for i, name in enumerate(header) if name.isdigit()]
result = {
  'samples': [header[i] for i in keep],
  'probes': [r[1] for r in rows[1:]],
  'values': [[float(r[i]) for r in rows[1:]] for i in keep],
}
`, { path }, ['csv', 'gzip']);
    if (expected !== null) {
      assert.deepEqual(m.rowNames, expected.samples);
      assert.deepEqual(m.colNames, expected.probes);
      expected.values.forEach((row, s) => assert.deepEqual(Array.from(m.values.subarray(s * m.cols, (s + 1) * m.cols)), row, `sample ${expected.samples[s]}`));
    }
  }
  // the train header runs 1..27, 34..38, 28..33 (README): names, not positions, identify samples
  const train = await readMatrix(`${golub}/data_set_ALL_AML_train.csv.gz`, { rowNameColumn: 'Gene Accession Number', columns: /^\d+$/ });
  assert.deepEqual(train.colNames.slice(25, 34), ['26', '27', '34', '35', '36', '37', '38', '28', '29']);
});

test('Golub read without choosing columns: the error names the first non-numeric column', async () => {
  const path = `${golub}/data_set_ALL_AML_train.csv.gz`;
  await assert.rejects(readMatrix(path), (e: unknown) =>
    e instanceof FormatError && e.line === 2 && e.field === "column 'Gene Accession Number'" && /got 'AFFX-BioB-5_at'/.test(e.message));
});
