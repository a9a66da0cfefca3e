import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FormatError, InputError } from '../../src/core/errors.js';
import { csrToDense, read10x, readMatrixMarket, tenxToDense } from '../../src/io/mtx.js';
import { Random } from '../../src/data/random.js';
import { runPython } from '../helpers/pytorch.js';
import { readerConformance } from './reader-conformance.js';

const tmp = mkdtempSync(join(tmpdir(), 'strand-mtx-'));
const BANNER = '%%MatrixMarket matrix coordinate integer general';

readerConformance({
  name: 'Matrix Market',
  fileName: 'matrix.mtx',
  kind: 'text',
  read: async (path) => {
    const m = await readMatrixMarket(path);
    return { ...m, indptr: Array.from(m.indptr), indices: Array.from(m.indices), data: Array.from(m.data) };
  },
  valid: `${BANNER}\n% a comment\n3 2 3\n1 1 5\n3 2 7\n2 1 1\n`,
  empty: 'error',
  malformed: [
    { contents: '%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n', line: 1, field: 'header' },
    { contents: 'rows cols nnz\n', line: 1, field: 'header' },
    { contents: `${BANNER}\n3 2\n`, line: 2, field: 'size' },
    { contents: `${BANNER}\n3 2 2\n1 1 5\n0 2 7\n`, line: 4, field: 'row' },
    { contents: `${BANNER}\n3 2 2\n1 1 5\n3 3 7\n`, line: 4, field: 'column' },
    { contents: `${BANNER}\n3 2 2\n1 1 5\n3 2 7.5\n`, line: 4, field: 'value' },
    { contents: `${BANNER}\n3 2 1\n1 1 5\n3 2 7\n`, line: 4, field: 'entry' },
    { contents: `${BANNER}\n3 2 3\n1 1 5\n3 2 7\n`, line: 2, field: 'size' },
    { contents: `${BANNER}\n3 2 1\n1 1\n`, line: 3, field: 'entry' },
  ],
});

test('hand cases: CSR layout, duplicates summed, pattern and symmetric files, transpose', async () => {
  const path = join(tmp, 'hand.mtx');
  // [[5, 0], [1, 0], [0, 7]] with the (1,1) value split over two lines
  writeFileSync(path, `${BANNER}\n3 2 4\n3 2 7\n1 1 2\n2 1 1\n1 1 3\n`);
  const m = await readMatrixMarket(path);
  assert.deepEqual([Array.from(m.indptr), Array.from(m.indices), Array.from(m.data)], [[0, 1, 2, 3], [0, 0, 1], [5, 1, 7]]);
  assert.deepEqual(Array.from(csrToDense(m)), [5, 0, 1, 0, 0, 7]);
  const t = await readMatrixMarket(path, { transpose: true });
  assert.deepEqual([t.rows, t.cols, Array.from(csrToDense(t))], [2, 3, [5, 1, 0, 0, 0, 7]]);
  const pattern = join(tmp, 'pattern.mtx');
  writeFileSync(pattern, '%%MatrixMarket matrix coordinate pattern symmetric\n3 3 2\n2 1\n3 3\n');
  assert.deepEqual(Array.from(csrToDense(await readMatrixMarket(pattern))), [0, 1, 0, 1, 0, 0, 0, 0, 1]);
});

function write10x(dir: string, gz: boolean, v2 = false): { rows: number[]; cols: number[]; vals: number[] } {
  mkdirSync(dir, { recursive: true });
  const rng = new Random(11);
  const nFeatures = 40, nBarcodes = 25;
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let j = 1; j <= nBarcodes; j++) {
    for (let i = 1; i <= nFeatures; i++) {
      if (rng.next() < 0.15) { rows.push(i); cols.push(j); vals.push(1 + rng.int(30)); }
    }
  }
  rows.push(rows[0]!); cols.push(cols[0]!); vals.push(2); // one duplicate entry, summed by readers
  const mtx = `${BANNER}\n%metadata_json: {"software_version": "test"}\n${nFeatures} ${nBarcodes} ${rows.length}\n` +
    rows.map((r, k) => `${r} ${cols[k]} ${vals[k]}`).join('\n') + '\n';
  const features = Array.from({ length: nFeatures }, (_, i) =>
    v2 ? `ENSG${String(i).padStart(5, '0')}\tGENE${i % 30}` : `ENSG${String(i).padStart(5, '0')}\tGENE${i % 30}\tGene Expression`).join('\n') + '\n';
  const barcodes = Array.from({ length: nBarcodes }, (_, j) => `AAAC${String(j).padStart(4, '0')}-1`).join('\n') + '\n';
  const put = (name: string, text: string) => writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(text) : text);
  put('matrix.mtx', mtx);
  put(v2 ? 'genes.tsv' : 'features.tsv', features);
  put('barcodes.tsv', barcodes);
  return { rows, cols, vals };
}

test('10x folder (gzip, v3 features): dense and CSR equal scipy.io.mmread of the same file', async () => {
  const dir = join(tmp, 'tenx');
  write10x(dir, true);
  const data = await read10x(dir);
  assert.equal(data.features.length, 40);
  assert.deepEqual(data.features[3], { id: 'ENSG00003', name: 'GENE3', type: 'Gene Expression' });
  assert.deepEqual([data.rowNames[0], data.colNames[24]], ['ENSG00000', 'AAAC0024-1']);
  const expected = runPython<{ dense: number[][]; indptr: number[]; indices: number[]; data: number[] }>(`
import scipy.io, gzip
m = scipy.io.mmread(gzip.open(inputs['path'])).tocsr()
m.sum_duplicates()
m.sort_indices()
result = {'dense': m.toarray().tolist(), 'indptr': m.indptr.tolist(), 'indices': m.indices.tolist(), 'data': m.data.tolist()}
`, { path: join(dir, 'matrix.mtx.gz') }, ['scipy.io', 'gzip']);
  if (expected !== null) {
    assert.deepEqual(Array.from(data.matrix.indptr), expected.indptr);
    assert.deepEqual(Array.from(data.matrix.indices), expected.indices);
    assert.deepEqual(Array.from(data.matrix.data), expected.data);
    const dense = tenxToDense(data);
    assert.deepEqual([dense.rows, dense.cols], [40, 25]);
    assert.deepEqual(Array.from(dense.values), expected.dense.flat());
    const cells = tenxToDense(await read10x(dir, { transpose: true, featureNames: 'name' }));
    assert.deepEqual([cells.rows, cells.cols, cells.colNames[33], cells.rowNames[0]], [25, 40, 'GENE3', 'AAAC0000-1']);
    for (let i = 0; i < 40; i++) for (let j = 0; j < 25; j++) assert.equal(cells.values[j * 40 + i], expected.dense[i]![j]);
  }
});

test('10x v2 folder (plain genes.tsv), explicit paths, and count mismatches', async () => {
  const dir = join(tmp, 'tenx-v2');
  write10x(dir, false, true);
  const data = await read10x(dir);
  assert.deepEqual(data.features[0], { id: 'ENSG00000', name: 'GENE0' });
  const explicit = await read10x({ matrix: join(dir, 'matrix.mtx'), features: join(dir, 'genes.tsv'), barcodes: join(dir, 'barcodes.tsv') });
  assert.deepEqual(explicit, data);
  writeFileSync(join(dir, 'barcodes.tsv'), 'AAAC-1\n');
  await assert.rejects(read10x(dir), (e: unknown) => e instanceof FormatError && /has 1 barcodes, .* has 25 columns/.test(e.message));
  await assert.rejects(read10x(join(tmp, 'nope')), InputError);
  mkdirSync(join(tmp, 'empty-dir'));
  await assert.rejects(read10x(join(tmp, 'empty-dir')), /no matrix.mtx.gz or matrix.mtx in the folder/);
});
