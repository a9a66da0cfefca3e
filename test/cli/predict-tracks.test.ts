/**
 * `strand predict --tile`: the model slid along regions as bigWig / bedGraph tracks. Values equal
 * the model's predictions of the windows centred on each tile (computed here from the genome
 * directly), overlapping regions are merged so intervals never overlap, chromosome sizes are the
 * genome's, and a profile model writes its base-resolution expected counts; `strand explain --bed
 * --track-out` writes per-base attributions the same way.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BigWig } from '@gmod/bbi';
import { LocalFile } from 'generic-filehandle2';
import { manualSeed } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { predictProfiles, predictSequences } from '../../src/interpret/predict.js';
import { readNpy } from '../../src/io/npy.js';
import { createModel } from '../../src/models/registry.js';
import { describeModel, loadModel, saveModel } from '../../src/models/saved-model.js';
import { randomDna } from '../data/genomic-fixtures.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const usf1 = fileURLToPath(new URL('../../../test/fixtures/models/deepbind-usf1', import.meta.url));
const strand = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 300_000 });
const dir = mkdtempSync(join(tmpdir(), 'strand-tracks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const random = new Random(12);
const chr1 = randomDna(random, 3000).split('');
for (const at of [400, 1200, 1210]) chr1.splice(at, 6, ...'CACGTG');
const genomeText = { chr1: chr1.join(''), chr2: randomDna(random, 1500), chr3: randomDna(random, 800) };
const genome = join(dir, 'g.fa');
writeFileSync(genome, Object.entries(genomeText).map(([c, s]) => `>${c}\n${s}\n`).join(''));

/** The model window of `length` centred on tile [a, b), N past the chromosome ends. */
function window(chrom: keyof typeof genomeText, a: number, b: number, length: number): string {
  const start = Math.floor((a + b) / 2) - Math.floor(length / 2);
  let s = '';
  for (let i = start; i < start + length; i++) s += i >= 0 && i < genomeText[chrom].length ? genomeText[chrom][i] : 'N';
  return s;
}

test('--tile writes a bigWig of the tiles\' predictions, overlapping regions merged, sizes from the genome', async () => {
  const bed = join(dir, 'regions.bed');
  writeFileSync(bed, 'chr2\t100\t400\nchr1\t300\t700\nchr1\t650\t930\nchr1\t1100\t1300\n');
  const out = join(dir, 'usf1.bw');
  const r = strand('predict', '--model', usf1, '--genome', genome, '--bed', bed, '--tile', '50', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const bw = new BigWig({ filehandle: new LocalFile(out) });
  const header = await bw.getHeader();
  assert.deepEqual(Object.values(header.refsByNumber).map((c) => [c!.name, c!.length]), [['chr1', 3000], ['chr2', 1500], ['chr3', 800]]);
  const saved = loadModel(usf1);
  // chr1: 300-930 (merged) and 1100-1300; chr2: 100-400; chr3: nothing.
  for (const [chrom, regions] of [['chr1', [[300, 930], [1100, 1300]]], ['chr2', [[100, 400]]]] as const) {
    const tiles: [number, number][] = [];
    for (const [a0, b0] of regions) for (let a = a0; a < b0; a += 50) tiles.push([a, Math.min(a + 50, b0)]);
    const expected = predictSequences(saved, tiles.map(([a, b]) => window(chrom, a, b, 101))).values;
    const features = await bw.getFeatures(chrom, 0, genomeText[chrom].length, { scale: Number.POSITIVE_INFINITY });
    assert.deepEqual(features.map((f) => [f.start, f.end]), tiles, `${chrom} tiles`);
    features.forEach((f, i) => assert.ok(Math.abs(f.score! - expected[i]!) < 1e-6, `${chrom} tile ${i}: ${f.score} vs ${expected[i]}`));
  }
  assert.deepEqual(await bw.getFeatures('chr3', 0, 800, { scale: Number.POSITIVE_INFINITY }), []);
  // The E-boxes planted at 400 and 1200 light up their tiles.
  const chr1Features = await bw.getFeatures('chr1', 0, 3000, { scale: Number.POSITIVE_INFINITY });
  const at = (base: number) => chr1Features.find((f) => f.start <= base && base < f.end)!.score!;
  assert.ok(at(402) > 0.5 && at(1202) > 0.5, `E-box tiles ${at(402)}, ${at(1202)}`);

  const bedGraph = join(dir, 'usf1.bedGraph');
  const g = strand('predict', '--model', usf1, '--genome', genome, '--regions', 'chr1:300-930,chr2:100-400,chr1:1100-1300', '--tile', '50', '--out', bedGraph);
  assert.equal(g.status, 0, g.stderr);
  const lines = readFileSync(bedGraph, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'track type=bedGraph name="Bound"');
  const rows = lines.slice(1).map((l) => l.split('\t'));
  const all = [...chr1Features, ...(await bw.getFeatures('chr2', 0, 1500, { scale: Number.POSITIVE_INFINITY }))];
  assert.equal(rows.length, all.length);
  rows.forEach((row, i) => {
    assert.deepEqual([Number(row[1]), Number(row[2])], [all[i]!.start, all[i]!.end]);
    assert.ok(Math.abs(Number(row[3]) - all[i]!.score!) < 1e-6);
  });
  saved.model.dispose();
});

test('a profile model writes base-resolution expected counts, one file per output', async () => {
  manualSeed(4);
  const options = { tasks: 2, filters: 8, stemKernel: 7, layers: 2, profileKernel: 9, crop: 10 };
  const modelDir = join(dir, 'bpnet');
  const model = createModel('bpnet', options);
  saveModel(modelDir, model.eval(), describeModel({ architecture: { name: 'bpnet', options }, input: { kind: 'sequence', length: 80 }, task: { kind: 'profile', outputs: ['plus', 'minus'] } }));
  model.dispose();
  const out = join(dir, 'profile.bw');
  const r = strand('predict', '--model', modelDir, '--genome', genome, '--regions', 'chr2:200-290', '--tile', '30', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const saved = loadModel(modelDir);
  for (const [t, name] of ['plus', 'minus'].entries()) {
    const bw = new BigWig({ filehandle: new LocalFile(join(dir, `profile.${name}.bw`)) });
    const features = await bw.getFeatures('chr2', 0, 1500, { scale: Number.POSITIVE_INFINITY });
    assert.equal(features.length, 90, 'one value a base');
    for (const [k, a] of [200, 230, 260].entries()) {
      const p = predictProfiles(saved, [window('chr2', a, a + 30, 80)]);
      const from = Math.floor((a + a + 30) / 2) - 40 + 10; // window start + crop
      for (let base = a; base < a + 30; base++) {
        const f = features[k * 30 + (base - a)]!;
        assert.equal(f.start, base);
        assert.ok(Math.abs(f.score! - p.values[t * p.positions + (base - from)]!) < 1e-5, `${name} at ${base}`);
      }
    }
  }
  saved.model.dispose();
  const tooLong = strand('predict', '--model', modelDir, '--genome', genome, '--regions', 'chr2:200-290', '--tile', '70', '--out', join(dir, 'x.bw'));
  assert.match(tooLong.stderr.trim(), /--tile 70 is longer than the model's profile \(60 positions\): use --tile 60 or less/);
  const bad = strand('predict', '--model', usf1, '--genome', genome, '--regions', 'chr9:1-10', '--tile', '10', '--out', join(dir, 'y.bw'));
  assert.match(bad.stderr.trim(), /--regions: chromosome 'chr9' is not in the genome/);
});

test('strand explain --bed --genome --track-out: per-base attribution summed over the bases, overlapping windows averaged', async () => {
  const bed = join(dir, 'explain.bed');
  writeFileSync(bed, 'chr1\t380\t430\tboxA\nchr1\t420\t470\tboxB\nchr2\t20\t30\tedge\n');
  const out = join(dir, 'explained');
  const track = join(dir, 'attr.bw');
  const r = strand('explain', '--model', usf1, '--genome', genome, '--bed', bed, '--method', 'saliency', '--out', out, '--track-out', track);
  assert.equal(r.status, 0, r.stderr);
  const npy = readNpy(join(out, 'attributions.npy'));
  assert.deepEqual(npy.shape, [3, 101, 4]);
  const attributions = npy.data as Float32Array;
  // Windows centred on each interval: 405 - 50, 445 - 50, 25 - 50 (the last reaches past chr2's start).
  const starts: [string, number][] = [['chr1', 355], ['chr1', 395], ['chr2', -25]];
  const expected = new Map<string, Map<number, number[]>>();
  starts.forEach(([chrom, start], n) => {
    for (let j = 0; j < 101; j++) {
      const base = start + j;
      if (base < 0) continue;
      const sum = [0, 1, 2, 3].reduce((s, c) => s + attributions[(n * 101 + j) * 4 + c]!, 0);
      const perChrom = expected.get(chrom) ?? new Map<number, number[]>();
      perChrom.set(base, [...(perChrom.get(base) ?? []), sum]);
      expected.set(chrom, perChrom);
    }
  });
  const bw = new BigWig({ filehandle: new LocalFile(track) });
  for (const [chrom, bases] of expected) {
    const features = await bw.getFeatures(chrom, 0, 3000, { scale: Number.POSITIVE_INFINITY });
    assert.equal(features.length, bases.size, `${chrom}: one value per covered base`);
    for (const f of features) {
      const values = bases.get(f.start)!;
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      assert.ok(Math.abs(f.score! - mean) < 1e-5, `${chrom}:${f.start}`);
    }
  }
  assert.equal(expected.get('chr1')!.get(420)!.length, 2, 'base 420 lies in both chr1 windows');
  const noBed = strand('explain', '--model', usf1, '--fasta', join(dir, 'none.fa'), '--out', join(dir, 'x'), '--track-out', join(dir, 'x.bw'));
  assert.match(noBed.stderr.trim(), /--track-out places attributions on the genome: give --bed and --genome/);
});
