import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { readMeme } from '../../src/io/meme.js';
import { benjaminiHochberg, compareMotif, compareMotifs, prepareDatabase, writeMatchesTsv } from '../../src/interpret/motifs/compare.js';
import { consensus, countsToPwm, informationContent, logOdds, reverseComplementPwm, trimPwm } from '../../src/interpret/motifs/pwm.js';
import { runPython } from '../helpers/pytorch.js';

const DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const JASPAR = `${DATA}/jaspar2024_core_vertebrates/JASPAR2024_CORE_vertebrates_non-redundant_pfms_meme.txt`;

test('PWM utilities: information content, consensus, reverse complement, trimming, log-odds (hand values)', () => {
  const pwm = [
    [0.25, 0.25, 0.25, 0.25],
    [1, 0, 0, 0],
    [0.5, 0.5, 0, 0],
    [0, 0, 0.1, 0.9],
    [0.25, 0.25, 0.25, 0.25],
  ] as const;
  const ic = informationContent(pwm);
  assert.deepEqual(ic.slice(0, 3), [0, 2, 1]);
  assert.ok(Math.abs(ic[3]! - (2 + 0.1 * Math.log2(0.1) + 0.9 * Math.log2(0.9))) < 1e-12);
  assert.equal(consensus(pwm), 'AAATA');
  assert.deepEqual(reverseComplementPwm(pwm)[1], [0.9, 0.1, 0, 0]);
  assert.deepEqual(reverseComplementPwm(reverseComplementPwm(pwm)), pwm.map((r) => [...r]));
  const trimmed = trimPwm(pwm);
  assert.equal(trimmed.start, 1);
  assert.equal(trimmed.end, 4);
  assert.equal(consensus(trimmed.pwm), 'AAT');
  assert.deepEqual(countsToPwm([[3, 1, 0, 0]], 0.5), [[3.5 / 6, 1.5 / 6, 0.5 / 6, 0.5 / 6]]);
  assert.ok(Math.abs(logOdds([[1, 0, 0, 0]], { pseudocount: 0 })[0]![0]! - 2) < 1e-12);
});

test('Benjamini-Hochberg matches an independent numpy computation', () => {
  const p = [0.01, 0.04, 0.03, 0.5, 0.001, 0.2, 0.04];
  const expected = runPython<number[]>(
    `
p = np.array(inputs['p']); m = len(p); o = np.argsort(p, kind='stable')
q = np.minimum.accumulate((p[o] * m / np.arange(1, m + 1))[::-1])[::-1]
out = np.empty(m); out[o] = np.minimum(q, 1); result = out.tolist()
`,
    { p },
    ['numpy'],
  );
  if (expected === null) return;
  benjaminiHochberg(p).forEach((q, i) => assert.ok(Math.abs(q - expected[i]!) < 1e-12));
});

test('column-correlation alignment score equals a brute-force numpy search over offsets and strands', async () => {
  const db = (await readMeme(JASPAR)).motifs;
  const query = db.find((m) => m.id === 'MA0139.2')!;
  const target = db.find((m) => m.id === 'MA0035.5')!;
  const [row] = compareMotif({ id: 'q', pwm: query.pwm.slice(2, 12) }, [target]);
  const expected = runPython<number>(
    `
def cols(m):
    m = np.array(m); c = m - m.mean(1, keepdims=True); n = np.linalg.norm(c, axis=1, keepdims=True)
    return np.where(n > 1e-9, c / np.maximum(n, 1e-12), 0)
q = cols(inputs['q']); best = -1e9
for t in [np.array(inputs['t']), np.array(inputs['t'])[::-1, ::-1]]:
    t = cols(t); lq, lt = len(q), len(t); need = min(5, lq, lt)
    for off in range(need - lq, lt - need + 1):
        s = sum(q[i] @ t[i + off] for i in range(max(0, -off), min(lq, lt - off)))
        best = max(best, s)
result = float(best)
`,
    { q: query.pwm.slice(2, 12), t: target.pwm },
    ['numpy'],
  );
  if (expected === null) return;
  assert.ok(Math.abs(row!.score - expected) < 1e-9, `${row!.score} vs ${expected}`);
});

test('JASPAR motifs (CTCF, GATA1, SPI1) and their reverse complements find themselves as top match at q < 0.05', async () => {
  const db = (await readMeme(JASPAR)).motifs;
  const prepared = prepareDatabase(db);
  for (const id of ['MA0139.2', 'MA0035.5', 'MA0080.7']) {
    const m = db.find((x) => x.id === id)!;
    for (const [strand, pwm] of [['+', m.pwm], ['-', reverseComplementPwm(m.pwm)]] as const) {
      const [top] = compareMotif({ id: `${id}${strand}`, pwm }, prepared);
      assert.equal(top!.target, id);
      assert.equal(top!.strand, strand);
      assert.equal(top!.offset, 0);
      assert.ok(top!.qValue < 0.05, `${id} ${strand}: q = ${top!.qValue}`);
    }
  }
  // A motif without information matches nothing.
  const flat = Array.from({ length: 10 }, () => [0.25, 0.25, 0.25, 0.25] as [number, number, number, number]);
  const [none] = compareMotifs([{ id: 'flat', pwm: flat }], db);
  assert.ok(none![0]!.qValue > 0.05, `flat motif q = ${none![0]!.qValue}`);
  const out = join(mkdtempSync(join(tmpdir(), 'strand-matches-')), 'matches.tsv');
  writeMatchesTsv(out, none!.slice(0, 3));
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[0], 'query\ttarget\ttarget_name\toffset\tstrand\toverlap\tscore\tp_value\tq_value');
});
