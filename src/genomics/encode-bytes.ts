/**
 * The fast one-hot path: ASCII bases (as `Genome.fetchWindows` returns them) to one-hot
 * floats through a 256-entry lookup table. A, C, G, T channel order; lower case (soft-masked)
 * encodes like upper case; U like T; N and the IUPAC ambiguity codes R Y S W K M B D H V
 * become `unknown` (0.25 by default, or 0) in all four channels; any other byte is an
 * InputError. Needs no tensor code (usable in worker threads without libtorch).
 */
import { InputError } from '../core/errors.js';
import type { OneHotOptions } from './one-hot.js';

/** CHANNEL[byte]: 0..3 for A, C, G, T (U), -1 for N / IUPAC ambiguity codes, -2 for anything else. */
const CHANNEL = new Int8Array(256).fill(-2);
for (const [channel, bases] of ['Aa', 'Cc', 'Gg', 'TtUu'].entries()) {
  for (const base of bases) CHANNEL[base.charCodeAt(0)] = channel;
}
for (const base of 'NRYSWKMBDHVnryswkmbdhv') CHANNEL[base.charCodeAt(0)] = -1;

const AMBIGUOUS = -1;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/**
 * OFFSET[byte]: channel * L for A/C/G/T (for the window length L it was last filled for),
 * else CHANNEL[byte] (negative). A module constant: the JIT compiles lookups into it tightly.
 */
const OFFSET = new Int32Array(256);
let offsetLength = -1;

function fillOffsets(L: number): void {
  if (L === offsetLength) return;
  for (let b = 0; b < 256; b++) OFFSET[b] = CHANNEL[b]! >= 0 ? CHANNEL[b]! * L : CHANNEL[b]!;
  offsetLength = L;
}

/**
 * Writes the one-hot code of `bytes`, read as consecutive windows of `windowLength` bases, to
 * `out` from `offset`: window w, channel c, position i at out[offset + (w * 4 + c) * L + i],
 * i.e. [N, 4, L] float32 channel-major, N = bytes.length / L. The whole range is written
 * (zeroed first), so `out` may be reused between batches. Returns N. On an invalid byte the
 * range is left partly written.
 */
export function oneHotBytes(bytes: Uint8Array, windowLength: number, out: Float32Array, offset = 0, options: OneHotOptions = {}): number {
  const L = windowLength;
  if (!Number.isSafeInteger(L) || L <= 0) throw new InputError(`windowLength must be a positive integer, got ${windowLength}`);
  if (bytes.length % L !== 0) throw new InputError(`expected a whole number of ${L}-base windows, got ${bytes.length} bytes`);
  const unknown = options.unknown ?? 0.25;
  if (unknown !== 0 && unknown !== 0.25) throw new InputError(`unknown must be 0 or 0.25, got ${String(unknown)}`);
  const windows = bytes.length / L;
  if (!Number.isSafeInteger(offset) || offset < 0 || out.length - offset < windows * 4 * L) {
    throw new InputError(`output too small: ${windows} windows of [4, ${L}] from offset ${offset} need ${offset + windows * 4 * L} floats, got ${out.length}`);
  }
  // Zero the output, then one write per base (four for the rare ambiguity codes). When the
  // bytes are 4-byte aligned and L is a multiple of 4, bases are read four at a time
  // (about twice as fast; byte order checked once, at load).
  out.fill(0, offset, offset + windows * 4 * L);
  fillOffsets(L);
  const words = LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 && L % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) : undefined;
  const slow = (w: number, i: number): void => {
    const code = bytes[w * L + i]!;
    const d = OFFSET[code]!;
    const o = offset + w * 4 * L;
    if (d >= 0) out[o + d + i] = 1;
    else if (d !== AMBIGUOUS) throw invalidByte(code, w, i);
    else if (unknown !== 0) for (let c = 0; c < 4; c++) out[o + c * L + i] = unknown;
  };
  for (let w = 0; w < windows; w++) {
    const o = offset + w * 4 * L;
    if (words !== undefined) {
      const n = L / 4;
      for (let k = encodeWords(words, (w * L) / 4, n, out, o, 0); k < n; k = encodeWords(words, (w * L) / 4, n, out, o, k + 1)) {
        for (let j = 0; j < 4; j++) slow(w, 4 * k + j);
      }
    } else {
      for (let i = encodeBytes(bytes, w * L, L, out, o, 0); i < L; i = encodeBytes(bytes, w * L, L, out, o, i + 1)) slow(w, i);
    }
  }
  return windows;
}

/**
 * Hot loop: sets the 1 of each A/C/G/T of one window from base `from` on; returns the
 * position of the first other byte, or L.
 */
function encodeBytes(bytes: Uint8Array, src: number, L: number, out: Float32Array, o: number, from: number): number {
  for (let i = from; i < L; i++) {
    const d = OFFSET[bytes[src + i]!]!;
    if (d < 0) return i;
    out[o + d + i] = 1;
  }
  return L;
}

/**
 * Hot loop, four bases per load (little-endian words): sets the 1 of each base of words
 * [from, n) of one window; returns the first word holding a byte other than A/C/G/T, or n.
 */
function encodeWords(words: Uint32Array, src: number, n: number, out: Float32Array, o: number, from: number): number {
  for (let k = from; k < n; k++) {
    const v = words[src + k]!;
    const d0 = OFFSET[v & 255]!;
    const d1 = OFFSET[(v >>> 8) & 255]!;
    const d2 = OFFSET[(v >>> 16) & 255]!;
    const d3 = OFFSET[v >>> 24]!;
    if ((d0 | d1 | d2 | d3) < 0) return k;
    const i = o + 4 * k;
    out[i + d0] = 1;
    out[i + 1 + d1] = 1;
    out[i + 2 + d2] = 1;
    out[i + 3 + d3] = 1;
  }
  return n;
}

function invalidByte(code: number, window: number, position: number): InputError {
  const shown = code >= 33 && code < 127 ? `'${String.fromCharCode(code)}'` : `byte 0x${code.toString(16).padStart(2, '0')}`;
  return new InputError(`invalid DNA character ${shown} in window ${window} at position ${position} (0-based)`);
}
