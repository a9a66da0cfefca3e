/** Element-wise closeness with absolute + relative tolerance, reporting the worst element. */
import assert from 'node:assert/strict';
import { Tensor } from '../../src/core/index.js';

export function assertClose(
  actual: Tensor | ArrayLike<number>,
  expected: ArrayLike<number>,
  { atol = 1e-5, rtol = 1e-4, message = '' }: { atol?: number; rtol?: number; message?: string } = {},
): void {
  const a = actual instanceof Tensor ? actual.toArray() : Array.from(actual);
  const e = Array.from(expected);
  assert.equal(a.length, e.length, `${message} length ${a.length} != ${e.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i]! - e[i]!);
    const excess = diff - (atol + rtol * Math.abs(e[i]!));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(diff))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) assert.fail(`${message} element ${worst}: got ${a[worst]}, expected ${e[worst]}`);
}
