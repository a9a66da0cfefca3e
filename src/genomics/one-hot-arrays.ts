/**
 * In-place operations on channel-major one-hot samples ([4, L] per sample in a flat
 * Float32Array). No tensor code, so worker threads can use them.
 */

/**
 * Reverse-complements, in place, the `[4, length]` channel-major one-hot sample at `offset`
 * of `values` (A, C, G, T order): channel c, position i <-> channel 3 - c, position length - 1 - i.
 */
export function reverseComplementInPlace(values: Float32Array, offset: number, length: number): void {
  const size = 4 * length;
  for (let a = offset, b = offset + size - 1; a < b; a++, b--) {
    const t = values[a]!;
    values[a] = values[b]!;
    values[b] = t;
  }
}

/**
 * Writes into `target` the `[4, length]` sample at `offset` of `source` shifted by `shift`
 * bases: `target[c, i] = source[c, i + shift]`, or `fill` where `i + shift` is outside
 * `[0, length)`. A positive shift is the window moved right by `shift` bases (content moves
 * left), matching `randomShiftIntervals`. `source` and `target` must not be the same array.
 */
export function shiftInto(
  source: Float32Array, target: Float32Array, offset: number, length: number, shift: number, fill: number,
): void {
  for (let c = 0; c < 4; c++) {
    const row = offset + c * length;
    for (let i = 0; i < length; i++) {
      const j = i + shift;
      target[row + i] = j >= 0 && j < length ? source[row + j]! : fill;
    }
  }
}
