/** Reference inputs for integrated gradients and DeepLIFT: zeros, or dinucleotide shuffles of each sequence. */
import { InputError, tensor, tidy, type Tensor } from '../core/index.js';
import { Random } from '../data/random.js';
import { dinucleotideShuffle } from '../genomics/shuffle.js';
import { checkOneHot, checkPositiveInt } from './target.js';

const LETTERS = 'ACGT';

/**
 * `count` dinucleotide-shuffled copies of each sequence of x (a column that is not one-hot
 * counts as N and stays all-zero), reproducible from `seed`.
 * @param x [N, 4, L] one-hot; not modified.
 * @returns [N, count, 4, L], dtype of x.
 */
export function shuffledReferences(x: Tensor, { count = 10, seed = 0 }: { count?: number; seed?: number } = {}): Tensor {
  checkOneHot(x);
  checkPositiveInt('count', count);
  const [n, , length] = x.shape as [number, number, number];
  const values = tidy(() => x.toDType('float64').contiguous().data<Float64Array>());
  const out = x.dtype === 'float64' ? new Float64Array(n * count * 4 * length) : new Float32Array(n * count * 4 * length);
  const random = new Random(seed);
  for (let i = 0; i < n; i++) {
    const base = i * 4 * length;
    let seq = '';
    for (let j = 0; j < length; j++) {
      let letter = 'N';
      for (let b = 0; b < 4; b++) if (values[base + b * length + j] === 1) letter = LETTERS[b]!;
      seq += letter;
    }
    for (let k = 0; k < count; k++) {
      const shuffled = dinucleotideShuffle(seq, random);
      const offset = (i * count + k) * 4 * length;
      for (let j = 0; j < length; j++) {
        const b = LETTERS.indexOf(shuffled[j]!);
        if (b >= 0) out[offset + b * length + j] = 1;
      }
    }
  }
  return tensor(out, [n, count, 4, length], x.dtype);
}

/** Baselines for x: 'zero' -> [N, 1, 4, L] zeros; 'shuffle' -> [N, count, 4, L]; or a given [N, K, 4, L] tensor. */
export type BaselineChoice = 'zero' | 'shuffle' | Tensor;

export function makeBaselines(x: Tensor, choice: BaselineChoice, count: number, seed: number): Tensor {
  if (choice === 'zero') return x.mul(0).unsqueeze(1);
  if (choice === 'shuffle') return shuffledReferences(x, { count, seed });
  const [n, , length] = x.shape;
  if (choice.ndim !== 4 || choice.shape[0] !== n || choice.shape[2] !== 4 || choice.shape[3] !== length) {
    throw new InputError(`expected baselines of shape (${n}, K, 4, ${length}), got (${choice.shape.join(', ')})`);
  }
  return choice.toDType(x.dtype);
}
