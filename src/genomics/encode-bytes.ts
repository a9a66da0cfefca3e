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
/** OFFSET[byte]: channel * L for bases (for the window length `offsetLength`), else CHANNEL[byte]. */
const OFFSET = new Int32Array(256);
let offsetLength = -1;

function offsetsFor(L: number): Int32Array {
  if (L !== offsetLength) {
    for (let b = 0; b < 256; b++) OFFSET[b] = CHANNEL[b]! >= 0 ? CHANNEL[b]! * L : CHANNEL[b]!;
    offsetLength = L;
  }
  return OFFSET;
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
  // Zero the output, then one write per base (four for the rare ambiguity codes).
  out.fill(0, offset, offset + windows * 4 * L);
  const offsets = offsetsFor(L);
  for (let w = 0; w < windows; w++) {
    const src = w * L;
    const o = offset + w * 4 * L;
    for (let i = 0; i < L; i++) {
      const d = offsets[bytes[src + i]!]!;
      if (d >= 0) out[o + d + i] = 1;
      else if (d === AMBIGUOUS) {
        if (unknown !== 0) {
          out[o + i] = unknown;
          out[o + L + i] = unknown;
          out[o + 2 * L + i] = unknown;
          out[o + 3 * L + i] = unknown;
        }
      } else throw invalidByte(bytes[src + i]!, w, i);
    }
  }
  return windows;
}

function invalidByte(code: number, window: number, position: number): InputError {
  const shown = code >= 33 && code < 127 ? `'${String.fromCharCode(code)}'` : `byte 0x${code.toString(16).padStart(2, '0')}`;
  return new InputError(`invalid DNA character ${shown} in window ${window} at position ${position} (0-based)`);
}
