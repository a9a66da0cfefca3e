import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { FormatError } from '../../src/core/errors.js';
import { formatMeme, parseMeme, readMeme, writeMeme, type MemeMotif } from '../../src/io/meme.js';
import { runPython } from '../helpers/pytorch.js';
import { readerConformance } from './reader-conformance.js';

/** ../shared/data beside the repository (DESIGN.md); tests run from dist/test/io. */
const DATA = fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const JASPAR = `${DATA}/jaspar2024_core_vertebrates/JASPAR2024_CORE_vertebrates_non-redundant_pfms_meme.txt`;
const tmp = mkdtempSync(join(tmpdir(), 'strand-meme-'));

const VALID = `MEME version 4

ALPHABET= ACGT

strands: + -

Background letter frequencies
A 0.3 C 0.2 G 0.2 T 0.3

MOTIF M1 first
letter-probability matrix: alength= 4 w= 2 nsites= 10 E= 0
  0.1 0.2 0.3 0.4
  1.0 0.0 0.0 0.0
URL http://example.org/M1

MOTIF M2
letter-probability matrix: alength= 4 w= 1
  0.25 0.25 0.25 0.25
`;

const header = 'MEME version 4\n\nMOTIF X\n';
readerConformance({
  name: 'MEME',
  fileName: 'x.meme',
  kind: 'text',
  read: (path) => readMeme(path),
  valid: VALID,
  empty: 'error',
  malformed: [
    { contents: 'MOTIF X\n', line: 1, field: 'version' },
    { contents: `${header}letter-probability matrix: alength= 4 w= 2\n0.25 0.25 0.25 0.25\n0.5 0.5 0.0\n`, line: 6, field: 'matrix' },
    { contents: `${header}letter-probability matrix: alength= 4 w= 1\n0.25 0.25 0.25 x\n`, line: 5, field: 'matrix' },
    { contents: `${header}letter-probability matrix: alength= 4 w= 1\n0.5 0.5 0.5 0.5\n`, line: 5, field: 'matrix' },
    { contents: `${header}letter-probability matrix: alength= 4 w= zero\n`, line: 4, field: 'w' },
    { contents: 'MEME version 4\nALPHABET= ACDEFGHIKLMNPQRSTVWY\n', line: 2, field: 'ALPHABET' },
    { contents: 'MEME version 4\nBackground letter frequencies\nA 0.25 C 0.25 G x T 0.25\n', line: 3, field: 'background' },
  ],
});

test('MEME: fields of a small file', () => {
  const f = parseMeme(VALID);
  assert.equal(f.version, '4');
  assert.deepEqual(f.background, [0.3, 0.2, 0.2, 0.3]);
  assert.equal(f.motifs.length, 2);
  assert.deepEqual(f.motifs[0], { id: 'M1', name: 'first', pwm: [[0.1, 0.2, 0.3, 0.4], [1, 0, 0, 0]], nsites: 10, evalue: 0, url: 'http://example.org/M1' });
  assert.deepEqual(f.motifs[1], { id: 'M2', name: '', pwm: [[0.25, 0.25, 0.25, 0.25]] });
  assert.throws(() => parseMeme(`${header}`, 'f.meme'), (e: unknown) => e instanceof FormatError && e.field === 'MOTIF');
});

test('MEME: write then read gives the same motifs and background', async () => {
  const motifs: MemeMotif[] = [
    { id: 'filter_0', name: 'sites=12', pwm: [[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]], nsites: 12, evalue: 0 },
    { id: 'seqlet_cluster_1', name: '', pwm: [[0, 0, 1, 0]], nsites: 20, evalue: 0 },
  ];
  const path = join(tmp, 'out.meme');
  writeMeme(path, motifs, { background: [0.3, 0.2, 0.2, 0.3] });
  const back = await readMeme(path);
  assert.deepEqual(back.motifs, motifs);
  assert.deepEqual(back.background, [0.3, 0.2, 0.2, 0.3]);
  assert.equal(formatMeme(back.motifs, { background: back.background }), readFileSync(path, 'utf8'));
});

test('MEME: all 879 JASPAR 2024 CORE vertebrate motifs, checked against an independent Python parse', async () => {
  const f = await readMeme(JASPAR);
  assert.equal(f.motifs.length, 879);
  const ctcf = f.motifs.find((m) => m.id === 'MA0139.2')!;
  assert.equal(ctcf.name, 'CTCF');
  assert.equal(ctcf.url, 'http://jaspar.genereg.net/matrix/MA0139.2');
  const expected = runPython<{ ids: string[]; widths: number[]; ctcf: number[][]; total: number }>(
    `
ids, widths, mats, cur = [], [], {}, None
lines = open(inputs['path']).read().split('\\n')
i = 0
while i < len(lines):
    l = lines[i].strip()
    if l.startswith('MOTIF'):
        cur = l.split()[1]; ids.append(cur)
    elif l.startswith('letter-probability'):
        w = int(l.split('w=')[1].split()[0]); widths.append(w)
        mats[cur] = np.array([[float(x) for x in lines[i + 1 + r].split()] for r in range(w)])
        i += w
    i += 1
result = {'ids': ids, 'widths': widths, 'ctcf': mats['MA0139.2'].tolist(), 'total': float(sum(m.sum() for m in mats.values()))}
`,
    { path: JASPAR },
    ['numpy'],
  );
  if (expected === null) return;
  assert.deepEqual(f.motifs.map((m) => m.id), expected.ids);
  assert.deepEqual(f.motifs.map((m) => m.pwm.length), expected.widths);
  assert.equal(ctcf.pwm.length, 15);
  assert.deepEqual(ctcf.pwm, expected.ctcf);
  const total = f.motifs.reduce((s, m) => s + m.pwm.reduce((a, r) => a + r[0] + r[1] + r[2] + r[3], 0), 0);
  assert.ok(Math.abs(total - expected.total) < 1e-6);
});
