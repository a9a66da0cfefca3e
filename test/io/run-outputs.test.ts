import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { FormatError, InputError } from '../../src/core/errors.js';
import { readExplainOutput, writeExplainOutput, type ExplainOutput } from '../../src/io/explain-output.js';
import { formatMatchesTsv, readMatchesTsv } from '../../src/io/motif-matches.js';
import { readMotifsOutput, writeMotifsOutput } from '../../src/io/motifs-output.js';
import { formatFloat32, formatPredictionTable, readPredictionTable, writePredictionTable } from '../../src/io/prediction-table.js';
import { readerConformance } from './reader-conformance.js';

const tmp = mkdtempSync(join(tmpdir(), 'strand-run-outputs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('formatFloat32: the shortest text that reads back as the same float32', () => {
  assert.equal(formatFloat32(0.5), '0.5');
  assert.equal(formatFloat32(1), '1');
  assert.equal(formatFloat32(Math.fround(0.1)), '0.1');
  assert.equal(formatFloat32(Number.NaN), 'NaN');
  assert.equal(formatFloat32(1e-7), '1e-7');
  let seed = 7;
  const values = Float32Array.from({ length: 5000 }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 10 ** ((seed % 13) - 6);
  });
  for (const v of values) {
    const text = formatFloat32(v);
    assert.equal(Math.fround(Number(text)), v, text);
    assert.ok(text.replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length <= 9, text);
  }
});

test('prediction table: targets and predictions read back bit for bit, NaN targets kept', async () => {
  const table = {
    targetNames: ['class'],
    outputNames: ['ALL', 'AML'],
    targets: Float32Array.from([0, 1, Number.NaN]),
    predictions: Float32Array.from([0.123456789, 0.876543211, 1 / 3, 2 / 3, 0.5, 0.5]),
  };
  const path = join(tmp, 'test-predictions.tsv');
  writePredictionTable(path, table);
  assert.deepEqual(await readPredictionTable(path), table);
  assert.match(formatPredictionTable(table), /^target:class\tprediction:ALL\tprediction:AML\n0\t0\.12345679\t0\.8765432\n/);
  assert.throws(() => formatPredictionTable({ ...table, predictions: new Float32Array(5) }), InputError);
  assert.throws(() => formatPredictionTable({ ...table, outputNames: ['a\tb', 'c'] }), /without tabs/);
});

readerConformance({
  name: 'prediction table',
  fileName: 'test-predictions.tsv',
  read: readPredictionTable,
  valid: 'target:a\ttarget:b\tprediction:a\tprediction:b\n1\t0\t0.9\t0.2\nNaN\t1\t0.1\t0.7\n',
  kind: 'text',
  empty: 'error',
  malformed: [
    { contents: 'a\tprediction:a\n1\t0.5\n', line: 1, field: undefined },
    { contents: 'target:a\tprediction:a\n1\t0.5\n0\tlots\n', line: 3, field: 'prediction:a' },
    { contents: 'target:a\tprediction:a\n1\t0.5\t3\n', line: 2, field: undefined },
  ],
});

const MATCHES = formatMatchesTsv([
  { query: 'filter3', target: 'MA0035.4', targetName: 'Gata1', offset: -1, strand: '-', overlap: 8, score: 6.123456789, pValue: 1.2e-7, qValue: 3.4e-5 },
]);

readerConformance({
  name: 'motif matches',
  fileName: 'matches.tsv',
  read: readMatchesTsv,
  valid: MATCHES,
  kind: 'text',
  empty: 'error',
  malformed: [
    { contents: 'query\ttarget\n', line: 1, field: undefined },
    { contents: MATCHES.replace('\t-\t', '\tx\t'), line: 2, field: 'strand' },
    { contents: MATCHES.replace('\t8\t', '\t8.5\t'), line: 2, field: 'overlap' },
  ],
});

test('matches.tsv: written values read back at 6 significant digits', async () => {
  const path = join(tmp, 'matches.tsv');
  writeFileSync(path, MATCHES);
  assert.deepEqual(await readMatchesTsv(path), [{ query: 'filter3', target: 'MA0035.4', targetName: 'Gata1', offset: -1, strand: '-', overlap: 8, score: 6.12346, pValue: 1.2e-7, qValue: 3.4e-5 }]);
});

function explanation(): ExplainOutput {
  return {
    method: 'ig',
    tasks: ['GATA1', 'SPI1'],
    model: 'runs/m1',
    baseline: '10 dinucleotide-shuffled references',
    ids: ['s1', 's2'],
    sequences: ['ACGTN', 'TTTTA'],
    length: 5,
    attributions: Float32Array.from({ length: 40 }, (_, i) => Math.fround(Math.sin(i) / 3)),
    outputs: ['GATA1', 'SPI1'],
    predictions: Float32Array.from([0.25, 0.5, 0.125, 0.75]),
  };
}

test('explanation folder: written and read back equal; disagreeing files name the file', async () => {
  const dir = join(tmp, 'explain');
  writeExplainOutput(dir, explanation());
  assert.deepEqual(await readExplainOutput(dir), explanation());
  assert.throws(() => writeExplainOutput(dir, { ...explanation(), ids: ['has space', 's2'] }), /without spaces/);
  assert.throws(() => writeExplainOutput(dir, { ...explanation(), sequences: ['ACG', 'TTTTA'] }), /5 bp/);

  writeFileSync(join(dir, 'sequences.fa'), '>s2\nTTTTA\n>s1\nACGTN\n');
  await assert.rejects(readExplainOutput(dir), (e: unknown) => e instanceof FormatError && e.file === join(dir, 'sequences.fa'));
  writeFileSync(join(dir, 'sequences.fa'), '>s1\nACGTN\n>s2\nTTTTA\n');
  writeFileSync(join(dir, 'explain.json'), JSON.stringify({ method: 'ig', tasks: ['GATA1', 'CTCF'] }));
  await assert.rejects(readExplainOutput(dir), (e: unknown) => e instanceof FormatError && e.field === 'tasks' && /'CTCF' is not an output/.test(e.message));
  writeFileSync(join(dir, 'explain.json'), JSON.stringify({ method: 'gradcam', tasks: ['GATA1', 'SPI1'] }));
  await assert.rejects(readExplainOutput(dir), (e: unknown) => e instanceof FormatError && e.field === 'method');
  writeFileSync(join(dir, 'explain.json'), JSON.stringify({ method: 'ig', tasks: ['GATA1', 'SPI1'] }));
  writeFileSync(join(dir, 'attributions.npy'), 'not numpy');
  await assert.rejects(readExplainOutput(dir), (e: unknown) => e instanceof FormatError && e.file === join(dir, 'attributions.npy'));
});

test('motifs folder: written and read back; the database file holds only the matched motifs', async () => {
  const dir = join(tmp, 'motifs');
  const pwm: [number, number, number, number][] = [
    [0.1, 0.1, 0.7, 0.1],
    [0.9, 0.03, 0.04, 0.03],
    [0.05, 0.05, 0.05, 0.85],
    [0.8, 0.1, 0.05, 0.05],
  ];
  const motifs = [{ id: 'filter3', name: 'filter', pwm, nsites: 40 }];
  const databaseMotifs = [
    { id: 'MA0035.4', name: 'Gata1', pwm },
    { id: 'MA0080.1', name: 'Spi1', pwm },
  ];
  const matches = [{ query: 'filter3', target: 'MA0035.4', targetName: 'Gata1', offset: 0, strand: '+' as const, overlap: 4, score: 3.5, pValue: 1e-6, qValue: 1e-5 }];
  writeMotifsOutput(dir, { source: 'filters', database: 'jaspar.meme', motifs, matches, databaseMotifs });
  const read = await readMotifsOutput(dir);
  assert.equal(read.source, 'filters');
  assert.equal(read.database, 'jaspar.meme');
  assert.deepEqual(read.matches, matches);
  assert.deepEqual(read.motifs.map((m) => [m.id, m.name, m.nsites, m.pwm]), [['filter3', 'filter', 40, pwm]]);
  assert.deepEqual(read.databaseMotifs.map((m) => m.id), ['MA0035.4']);
  writeFileSync(join(dir, 'matches.tsv'), formatMatchesTsv([{ ...matches[0]!, target: 'MA9999.1' }]));
  await assert.rejects(readMotifsOutput(dir), (e: unknown) => e instanceof FormatError && e.field === 'target' && /MA9999\.1/.test(e.message));
});
