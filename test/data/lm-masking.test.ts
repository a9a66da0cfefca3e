/** Masked-LM and causal-LM targets: the BERT statistics, the k-mer span rule, soft-mask weights. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IGNORE, maskTokens, shiftTokens } from '../../src/data/lm-masking.js';
import { Random } from '../../src/data/random.js';
import { KmerTokenizer } from '../../src/genomics/tokenizers/kmer.js';
import { SPECIAL_TOKENS } from '../../src/genomics/tokenizers/tokens.js';

const randomBases = (random: Random, n: number) => Array.from({ length: n }, () => 'ACGT'[random.int(4)]!).join('');

test('masked LM: about 15% of ordinary tokens chosen, of those 80% [MASK], 10% random, 10% kept; specials never', () => {
  const random = new Random(1);
  const rows = 200;
  const T = 500;
  const ids = Int32Array.from({ length: rows * T }, (_, i) => (i % 50 === 0 ? SPECIAL_TOKENS.unk : 5 + random.int(4)));
  const { input, target, weight } = maskTokens(ids, rows, new Random(2), { vocabSize: 9 });
  let chosen = 0;
  let masked = 0;
  let kept = 0;
  let replaced = 0;
  for (let i = 0; i < ids.length; i++) {
    if (target[i] === IGNORE) {
      assert.equal(input[i], ids[i], 'unchosen tokens are fed as they are');
      assert.equal(weight[i], 0);
      continue;
    }
    assert.notEqual(ids[i], SPECIAL_TOKENS.unk, '[UNK] (N) is never a target');
    assert.equal(target[i], ids[i]);
    assert.equal(weight[i], 1);
    chosen++;
    if (input[i] === SPECIAL_TOKENS.mask) masked++;
    else if (input[i] === ids[i]) kept++;
    else replaced++;
  }
  const ordinary = ids.filter((id) => id >= 5).length;
  // binomial sd of the rate over 98,000 tokens: 0.0011; of the 80/10/10 split over ~14,700: 0.003
  assert.ok(Math.abs(chosen / ordinary - 0.15) < 0.006, `chosen ${chosen / ordinary}`);
  assert.ok(Math.abs(masked / chosen - 0.8) < 0.015, `masked ${masked / chosen}`);
  // a random replacement equals the original a quarter of the time, so kept ~ 0.1 + 0.1/4
  assert.ok(Math.abs(kept / chosen - 0.125) < 0.012, `kept ${kept / chosen}`);
  assert.ok(Math.abs(replaced / chosen - 0.075) < 0.012, `replaced ${replaced / chosen}`);
});

test('held-out masking (replaceSome false) masks every chosen token', () => {
  const ids = Int32Array.from({ length: 4000 }, (_, i) => 5 + (i % 4));
  const { input, target } = maskTokens(ids, 4, new Random(3), { vocabSize: 9, replaceSome: false });
  for (let i = 0; i < ids.length; i++) if (target[i] !== IGNORE) assert.equal(input[i], SPECIAL_TOKENS.mask);
});

test('overlapping k-mers: with span k, every masked token holds a base no unmasked token covers', () => {
  for (const k of [3, 6]) {
    const tokenizer = new KmerTokenizer({ k });
    const random = new Random(k);
    const seq = randomBases(random, 3000);
    const ids = tokenizer.encode(seq);
    const { target } = maskTokens(ids, 1, new Random(10 + k), { vocabSize: tokenizer.vocabSize, span: k });
    const { starts, ends } = tokenizer.offsets(seq);
    const visible = new Uint8Array(seq.length);
    for (let t = 0; t < ids.length; t++) if (target[t] === IGNORE) for (let b = starts[t]!; b < ends[t]!; b++) visible[b] = 1;
    let maskedTokens = 0;
    for (let t = 0; t < ids.length; t++) {
      if (target[t] === IGNORE) continue;
      maskedTokens++;
      let hidden = false;
      for (let b = starts[t]!; b < ends[t]!; b++) if (!visible[b]) hidden = true;
      assert.ok(hidden, `k=${k}: masked token ${t} can be read off its unmasked neighbours`);
    }
    assert.ok(Math.abs(maskedTokens / ids.length - 0.15) < 0.04, `k=${k}: ${maskedTokens / ids.length} of tokens chosen`);
    // Without the span rule, single masked k-mers are recoverable: the rule is what holds above.
    const single = maskTokens(ids, 1, new Random(10 + k), { vocabSize: tokenizer.vocabSize, span: 1 });
    const seen = new Uint8Array(seq.length);
    for (let t = 0; t < ids.length; t++) if (single.target[t] === IGNORE) for (let b = starts[t]!; b < ends[t]!; b++) seen[b] = 1;
    let recoverable = 0;
    for (let t = 0; t < ids.length; t++) {
      if (single.target[t] === IGNORE) continue;
      let all = true;
      for (let b = starts[t]!; b < ends[t]!; b++) if (!seen[b]) all = false;
      if (all) recoverable++;
    }
    assert.ok(recoverable > 0, `k=${k}: span 1 leaves recoverable masked k-mers`);
  }
});

test('soft-masked tokens get their weight; the causal objective predicts the next token', () => {
  const ids = Int32Array.from([5, 6, 7, 8, SPECIAL_TOKENS.unk, 5]);
  const soft = Uint8Array.from([0, 1, 1, 0, 0, 1]);
  const { input, target, weight } = shiftTokens(ids, 1, { softMaskedWeight: 0.1 }, soft);
  assert.deepEqual(Array.from(input), [5, 6, 7, 8, SPECIAL_TOKENS.unk]);
  assert.deepEqual(Array.from(target), [6, 7, 8, IGNORE, 5]);
  assert.deepEqual(Array.from(weight, (w) => Number(w.toFixed(3))), [0.1, 0.1, 1, 0, 0.1]);
  const many = Int32Array.from({ length: 10_000 }, (_, i) => 5 + (i % 4));
  const flags = Uint8Array.from({ length: 10_000 }, (_, i) => (i % 2));
  const m = maskTokens(many, 1, new Random(4), { vocabSize: 9, softMaskedWeight: 0.25 }, flags);
  for (let i = 0; i < many.length; i++) if (m.target[i] !== IGNORE) assert.equal(m.weight[i], flags[i] ? 0.25 : 1);
});
