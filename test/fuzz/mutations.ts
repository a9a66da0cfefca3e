/**
 * Mutation operators over file bytes: each takes the bytes and a seeded random source and
 * returns new bytes (the input is never changed). Text-aware operators (separators,
 * numbers, lines) work on any bytes: they look for the ASCII they change and fall back to
 * a byte-level change when there is none. Every operator keeps the result bounded (at most
 * a few KiB longer than its input).
 */
import type { SeededRandom } from './prng.js';

export interface MutationOperator {
  /** Shown in failure reports. */
  name: string;
  apply(bytes: Uint8Array, random: SeededRandom): Uint8Array;
}

const TAB = 9, LF = 10, CR = 13, SPACE = 32, COMMA = 44;

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array | readonly number[]): Uint8Array {
  const ins = insert instanceof Uint8Array ? insert : Uint8Array.from(insert);
  const out = new Uint8Array(bytes.length - remove + ins.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(ins, at);
  out.set(bytes.subarray(at + remove), at + ins.length);
  return out;
}

const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');

/** Offsets of the bytes for which `test` holds. */
function positions(bytes: Uint8Array, test: (b: number) => boolean): number[] {
  const found: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (test(bytes[i]!)) found.push(i);
  return found;
}

/** Start offsets of the lines (0 and every byte after a LF). */
function lineStarts(bytes: Uint8Array): number[] {
  return [0, ...positions(bytes, (b) => b === LF).map((i) => i + 1).filter((i) => i < bytes.length)];
}

/** [start, end) of each run of ASCII digits. */
function digitRuns(bytes: Uint8Array): [number, number][] {
  const runs: [number, number][] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! < 48 || bytes[i]! > 57) continue;
    let j = i;
    while (j < bytes.length && bytes[j]! >= 48 && bytes[j]! <= 57) j++;
    runs.push([i, j]);
    i = j;
  }
  return runs;
}

const bitFlip: MutationOperator = {
  name: 'bit-flip',
  apply(bytes, random) {
    if (bytes.length === 0) return Uint8Array.of(random.below(256));
    const out = Uint8Array.from(bytes);
    for (let n = random.between(1, 8); n > 0; n--) out[random.below(out.length)]! ^= 1 << random.below(8);
    return out;
  },
};

const truncate: MutationOperator = {
  name: 'truncate',
  apply(bytes, random) {
    return bytes.slice(0, random.below(bytes.length + 1));
  },
};

const insertBytes: MutationOperator = {
  name: 'insert-bytes',
  apply(bytes, random) {
    const junk = Array.from({ length: random.between(1, 16) }, () => random.below(256));
    return splice(bytes, random.below(bytes.length + 1), 0, junk);
  },
};

const deleteBytes: MutationOperator = {
  name: 'delete-bytes',
  apply(bytes, random) {
    if (bytes.length === 0) return bytes;
    const at = random.below(bytes.length);
    return splice(bytes, at, Math.min(bytes.length - at, random.between(1, 64)), []);
  },
};

const SEPARATORS = [TAB, SPACE, COMMA];

const swapSeparators: MutationOperator = {
  name: 'swap-separators',
  apply(bytes, random) {
    const from = random.pick(SEPARATORS);
    const to = random.pick(SEPARATORS.filter((s) => s !== from));
    const found = positions(bytes, (b) => b === from);
    if (found.length === 0) return bitFlip.apply(bytes, random);
    const out = Uint8Array.from(bytes);
    // all of them (a wrong-delimiter file) or just a few (a ragged line)
    const chosen = random.chance(0.5) ? found : Array.from({ length: random.between(1, 3) }, () => random.pick(found));
    for (const i of chosen) out[i] = to;
    return out;
  },
};

const HUGE_NUMBERS = ['4294967296', '2147483648', '9007199254740993', '99999999999999999999999', '1e308', '1e999', '-0', 'NaN', 'Infinity', '0x7fffffff', '18446744073709551615', '0', '000000000000'];

const hugeNumber: MutationOperator = {
  name: 'huge-number',
  apply(bytes, random) {
    const runs = digitRuns(bytes);
    if (runs.length === 0) return insertBytes.apply(bytes, random);
    const [start, end] = random.pick(runs);
    return splice(bytes, start, end - start, ascii(random.pick(HUGE_NUMBERS)));
  },
};

const negativeNumber: MutationOperator = {
  name: 'negative-number',
  apply(bytes, random) {
    const runs = digitRuns(bytes);
    if (runs.length === 0) return insertBytes.apply(bytes, random);
    return splice(bytes, random.pick(runs)[0], 0, [45]);
  },
};

/** Non-ASCII text and invalid UTF-8: lone continuation bytes, overlong forms, a BOM, NUL, emoji. */
const GARBAGE: readonly (readonly number[])[] = [
  [0x80], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x80], [0xc0, 0xaf], [0xef, 0xbb, 0xbf], [0x00], [0xff, 0xfe],
  [0xc3, 0xa9], [0xed, 0xa0, 0x80], [0xe2, 0x80, 0xa8],
];

const utf8Garbage: MutationOperator = {
  name: 'utf8-garbage',
  apply(bytes, random) {
    const at = random.chance(0.3) ? random.pick(lineStarts(bytes)) : random.below(bytes.length + 1);
    return splice(bytes, at, random.chance(0.5) && at < bytes.length ? 1 : 0, random.pick(GARBAGE));
  },
};

const emptyLines: MutationOperator = {
  name: 'empty-lines',
  apply(bytes, random) {
    const insert = random.pick([[LF], [LF, LF], [SPACE, LF], [TAB, LF], [CR, LF]]);
    return splice(bytes, random.pick(lineStarts(bytes)), 0, insert);
  },
};

const crlf: MutationOperator = {
  name: 'crlf',
  apply(bytes, random) {
    const parts: number[] = [];
    const lone = random.chance(0.3); // old Mac: CR alone
    for (const b of bytes) {
      if (b === LF) {
        parts.push(CR);
        if (!lone) parts.push(LF);
      } else parts.push(b);
    }
    return Uint8Array.from(parts);
  },
};

/** Copies a line (a header line when there is one: `#`, `@`, `>`, `%`, or the first line) elsewhere. */
const duplicateLine: MutationOperator = {
  name: 'duplicate-line',
  apply(bytes, random) {
    const starts = lineStarts(bytes);
    const headers = starts.filter((s) => [35, 62, 64, 37].includes(bytes[s]!));
    const start = random.chance(0.7) ? random.pick(headers.length > 0 ? headers : [0]) : random.pick(starts);
    let end = bytes.indexOf(LF, start);
    end = end < 0 ? bytes.length : end + 1;
    const line = bytes.slice(start, Math.min(end, start + 4096));
    const withNewline = line[line.length - 1] === LF ? line : Uint8Array.from([...line, LF]);
    return splice(bytes, random.pick(starts), 0, withNewline);
  },
};

/** Removes a whole line. */
const deleteLine: MutationOperator = {
  name: 'delete-line',
  apply(bytes, random) {
    const start = random.pick(lineStarts(bytes));
    let end = bytes.indexOf(LF, start);
    end = end < 0 ? bytes.length : end + 1;
    return splice(bytes, start, end - start, []);
  },
};

/** Binary formats: a 32-bit little-endian word set to an extreme (lengths, offsets, counts). */
const EXTREME_WORDS = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 0xffff];

const extremeWord: MutationOperator = {
  name: 'extreme-word',
  apply(bytes, random) {
    if (bytes.length < 4) return bitFlip.apply(bytes, random);
    const out = Uint8Array.from(bytes);
    const at = random.chance(0.6) ? random.below(Math.min(out.length - 3, 512) / 4 | 0) * 4 : random.below(out.length - 3);
    new DataView(out.buffer).setUint32(at, random.pick(EXTREME_WORDS), true);
    return out;
  },
};

/** Operators for line-based text formats. */
export const TEXT_OPERATORS: readonly MutationOperator[] = [
  bitFlip, truncate, insertBytes, deleteBytes, swapSeparators, hugeNumber, negativeNumber, utf8Garbage, emptyLines, crlf, duplicateLine, deleteLine,
];

/** Operators for binary formats (the text ones too: binary files hold text headers). */
export const BINARY_OPERATORS: readonly MutationOperator[] = [
  bitFlip, bitFlip, extremeWord, extremeWord, truncate, insertBytes, deleteBytes, hugeNumber, negativeNumber, utf8Garbage,
];

/** One to `maxSteps` operators in a row; returns the result and the names applied. */
export function mutate(bytes: Uint8Array, operators: readonly MutationOperator[], random: SeededRandom, maxSteps = 3): { bytes: Uint8Array; steps: string[] } {
  let out = bytes;
  const steps: string[] = [];
  for (let n = random.between(1, maxSteps); n > 0; n--) {
    const op = random.pick(operators);
    out = op.apply(out, random);
    steps.push(op.name);
  }
  return { bytes: out, steps };
}
