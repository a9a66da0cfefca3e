/** oneHotBytes: hand-computed codes, numpy's lookup-table one-hot for random windows, bad input. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { Random } from '../../src/data/random.js';
import { oneHotBytes } from '../../src/genomics/encode-bytes.js';
import { runPython } from '../helpers/pytorch.js';

const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

test('one window, by hand: A C G T order, lower case like upper, N -> 0.25', () => {
  const out = new Float32Array(4 * 6).fill(9); // not zeroed: every value must be written
  assert.equal(oneHotBytes(bytes('AcGtNu'), 6, out), 1);
  // channel-major [4, 6]:    A  c  G  t  N     u
  assert.deepEqual([...out], [
    1, 0, 0, 0, 0.25, 0, // A
    0, 1, 0, 0, 0.25, 0, // C
    0, 0, 1, 0, 0.25, 0, // G
    0, 0, 0, 1, 0.25, 1, // T (U encodes as T)
  ]);
});

test('two windows at an offset; unknown: 0 gives all-zero IUPAC columns', () => {
  const out = new Float32Array(2 + 2 * 4 * 3).fill(7);
  assert.equal(oneHotBytes(bytes('ARgtyC'), 3, out, 2, { unknown: 0 }), 2);
  assert.deepEqual([...out], [
    7, 7,
    // window 0: A R g
    1, 0, 0,
    0, 0, 0,
    0, 0, 1,
    0, 0, 0,
    // window 1: t y C
    0, 0, 0,
    0, 0, 1,
    0, 0, 0,
    1, 0, 0,
  ]);
});

test('random windows equal numpy one-hot (lookup table, float32), both unknown values', (t) => {
  const random = new Random(11);
  const alphabet = 'ACGTACGTACGTacgtNnRYKMSWBDHVrykmswbdhv';
  let text = '';
  for (let i = 0; i < 5 * 200; i++) text += alphabet[random.int(alphabet.length)];
  for (const unknown of [0.25, 0] as const) {
    const want = runPython<number[]>(
      `
lut = np.zeros((256, 4), np.float32)
for ch, c in zip('ACGT', range(4)):
    lut[ord(ch), c] = lut[ord(ch.lower()), c] = 1
for ch in 'NRYSWKMBDHVnryswkmbdhv':
    lut[ord(ch)] = inputs['unknown']
codes = np.frombuffer(inputs['text'].encode('ascii'), np.uint8)
result = lut[codes].reshape(5, 200, 4).transpose(0, 2, 1).ravel().tolist()
`,
      { text, unknown },
      ['numpy'],
    );
    if (want === null) return t.skip('numpy not available');
    // aligned bytes take the four-bases-per-load path, an odd view the byte path
    const aligned = bytes(text);
    const unaligned = new Uint8Array(text.length + 1).subarray(1);
    unaligned.set(aligned);
    for (const input of [aligned, unaligned]) {
      const out = new Float32Array(5 * 4 * 200).fill(3);
      oneHotBytes(input, 200, out, 0, { unknown });
      assert.deepEqual([...out], want, `byteOffset ${input.byteOffset}`);
    }
  }
});

test('bad input: invalid bytes, partial windows, small output, bad length', () => {
  const out = new Float32Array(4 * 8);
  assert.throws(() => oneHotBytes(bytes('ACGTAC-T'), 4, out), (e: unknown) =>
    e instanceof InputError && /invalid DNA character '-' in window 1 at position 2/.test(e.message));
  // the same on the byte path (a view at an odd byte offset)
  assert.throws(() => oneHotBytes(bytes('ACGTACGT>').subarray(1), 4, out), (e: unknown) =>
    e instanceof InputError && /invalid DNA character '>' in window 1 at position 3/.test(e.message));
  assert.throws(() => oneHotBytes(bytes('ACG\nT'), 5, out), (e: unknown) => e instanceof InputError && /byte 0x0a/.test(e.message));
  assert.throws(() => oneHotBytes(bytes('ACGTA'), 4, out), /whole number of 4-base windows/);
  assert.throws(() => oneHotBytes(bytes('ACGTACGT'), 4, new Float32Array(31)), /output too small/);
  assert.throws(() => oneHotBytes(bytes('ACGTACGT'), 4, out, 1), /output too small/);
  assert.throws(() => oneHotBytes(bytes('ACGT'), 0, out), /positive integer/);
});
