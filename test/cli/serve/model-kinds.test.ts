/**
 * `strand serve` with models other than the planted classifier: a profile model (bpnet) answers
 * with its counts head, explains either head and draws its predicted profiles; a model DeepLIFT
 * cannot run (DanQ's LSTM) gets a 422 naming why, not a 500; a masked language model answers
 * with pseudo-log-likelihoods, its LM logo and zero-shot variant scores.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { manualSeed } from '../../../src/core/index.js';
import { ConstraintChecker } from '../../../src/design/constraints.js';
import { designModel } from '../../../src/design/design-model.js';
import { buildObjective, parseObjective } from '../../../src/design/objective.js';
import { greedyEvolution } from '../../../src/design/search.js';
import type { ForwardModel } from '../../../src/interpret/target.js';
import { explainSequences } from '../../../src/interpret/explain.js';
import { explainLanguageModel, PSEUDO_LOG_LIKELIHOOD } from '../../../src/interpret/lm-explain.js';
import { predictProfiles, predictSequences } from '../../../src/interpret/predict.js';
import { scoreVariantAlleles } from '../../../src/interpret/variant-effect.js';
import { openGenome } from '../../../src/io/genome.js';
import { createModel } from '../../../src/models/registry.js';
import { describeModel, loadModel, saveModel } from '../../../src/models/saved-model.js';
import { tempDir } from '../../data/genomic-fixtures.js';
import { assertClose } from '../../helpers/assert-close.js';
import { httpRequest, postJson } from '../../helpers/http-request.js';
import { startServe } from '../../helpers/serve-process.js';

const tmp = tempDir('strand-serve-kinds-');
after(() => tmp.remove());

function save(name: string, options: Record<string, unknown>, kind: string, outputs: string[], length: number): string {
  const dir = join(tmp.dir, name);
  const model = createModel(name, options);
  saveModel(dir, model.eval(), describeModel({ architecture: { name, options }, input: { kind: 'sequence', length }, task: { kind, outputs } }));
  model.dispose();
  return dir;
}

const SEQUENCE = 'ACGTTGACTCAGGTTGACTCATTACGGATCCAGTACGATCGATGGCATGCAAGT';

test('a profile model: predictions are its counts head, explain names and uses the head asked for', async () => {
  manualSeed(1);
  const dir = save('bpnet', { tasks: 2, filters: 8, stemKernel: 7, layers: 2, profileKernel: 9, crop: 3 }, 'profile', ['plus', 'minus'], 54);
  const serve = await startServe(['--model', dir]);
  const saved = loadModel(dir);
  try {
    const predict = await postJson(new URL('/api/predict', serve.url).href, { sequence: SEQUENCE });
    assert.equal(predict.status, 200, predict.text);
    const values = (predict.json as { predictions: { values: Record<string, number> }[] }).predictions[0]!.values;
    assertClose([values.plus!, values.minus!], Array.from(predictSequences(saved, [SEQUENCE]).values), { atol: 1e-5 });
    for (const head of ['counts', 'profile'] as const) {
      const r = await postJson(new URL('/api/explain', serve.url).href, { sequence: SEQUENCE, task: 'minus', head });
      assert.equal(r.status, 200, r.text);
      const body = r.json as { head: string; explanations: { attributions: number[][]; profile: { first: number; tracks: Record<string, number[]> }; profileSvg: string }[] };
      assert.equal(body.head, head);
      const expected = explainSequences(saved, [SEQUENCE], { method: 'saliency', task: 'minus', head }).attributions;
      const [x] = body.explanations;
      assertClose(x!.attributions.flat(), Array.from(expected), { atol: 1e-5 });
      // The predicted profiles: positions 4 .. 51 of the 54 bp window (crop 3), expected counts of both tracks.
      const profiles = predictProfiles(saved, [SEQUENCE]);
      assert.equal(x!.profile.first, 4);
      assertClose([...x!.profile.tracks.plus!, ...x!.profile.tracks.minus!], Array.from(profiles.values), { atol: 1e-4, rtol: 1e-5 });
      for (const track of ['plus', 'minus']) assert.match(x!.profileSvg, new RegExp(`<path d="M[^"]+" [^>]*data-name="${track}"`));
    }
  } finally {
    saved.model.dispose();
    await serve.stop();
  }
});

test('DeepLIFT on a model with an LSTM is a 422 naming the layer; other methods answer', async () => {
  manualSeed(2);
  const dir = save('danq', { length: 60, tasks: 1, filters: 4, kernel: 7, pool: 3, hidden: 3, dense: 4 }, 'binary', ['bound'], 60);
  const serve = await startServe(['--model', dir]);
  try {
    const explain = (method: string) => postJson(new URL('/api/explain', serve.url).href, { sequence: SEQUENCE, method, shuffles: 2 });
    const refused = await explain('deeplift');
    assert.equal(refused.status, 422, refused.text);
    assert.match((refused.json as { error: { message: string } }).error.message, /^DeepLIFT's rescale rule does not cover lstm \(LSTM\); use integrated gradients, saliency or ISM/);
    assert.equal((await explain('ig')).status, 200);
  } finally {
    await serve.stop();
  }
});

test('a masked language model: predictions are pseudo-log-likelihoods, explain draws the LM logo, variants get zero-shot scores', async () => {
  manualSeed(3);
  const options = { vocabSize: 9, dim: 8, kernel: 5, dilations: [1, 2] };
  const dir = join(tmp.dir, 'lm');
  const model = createModel('conv-lm', options);
  const vocabulary = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'A', 'C', 'G', 'T'];
  saveModel(dir, model.eval(), describeModel({ architecture: { name: 'conv-lm', options }, input: { kind: 'tokens', alphabet: 'ACGT', length: 40 }, task: { kind: 'masked-lm', outputs: vocabulary }, tokenizer: { kind: 'nucleotide' } }));
  model.dispose();
  const genomePath = join(tmp.dir, 'lm-genome.fa');
  writeFileSync(genomePath, `>chr1\n${SEQUENCE.repeat(4)}\n`);
  const serve = await startServe(['--model', dir, '--genome', genomePath]);
  const saved = loadModel(dir);
  const genome = await openGenome(genomePath, { writeIndex: false });
  try {
    const info = (await httpRequest(new URL('/api/model', serve.url).href)).json as { task: { kind: string; outputs: string[] }; explainMethods: string[] };
    assert.deepEqual(info.task.outputs, [PSEUDO_LOG_LIKELIHOOD]);
    assert.deepEqual(info.explainMethods, ['ism']);

    const sequence = SEQUENCE.slice(0, 40);
    const expected = explainLanguageModel(saved, [sequence]);
    const predict = await postJson(new URL('/api/predict', serve.url).href, { sequence });
    assert.equal(predict.status, 200, predict.text);
    const pll = (predict.json as { predictions: { values: Record<string, number> }[] }).predictions[0]!.values[PSEUDO_LOG_LIKELIHOOD]!;
    assertClose([pll], [expected.predictions[0]!], { atol: 1e-5 });
    assert.ok(pll < 0 && pll > -8, `mean log2 P(base) ${pll}`);

    const explain = await postJson(new URL('/api/explain', serve.url).href, { sequence });
    assert.equal(explain.status, 200, explain.text);
    const body = explain.json as { method: string; caption: string; explanations: { attributions: number[][]; logoSvg: string }[] };
    assert.equal(body.method, 'ism');
    assert.match(body.caption, /^LM logo/);
    assertClose(body.explanations[0]!.attributions.flat(), Array.from(expected.attributions), { atol: 1e-5 });
    assert.match(body.explanations[0]!.logoSvg, /LM logo/);
    const noDesign = await postJson(new URL('/api/design', serve.url).href, { sequence });
    assert.equal(noDesign.status, 422);
    const refused = await postJson(new URL('/api/explain', serve.url).href, { sequence, method: 'saliency' });
    assert.equal(refused.status, 400);
    assert.match((refused.json as { error: { message: string } }).error.message, /masked-LM in-silico mutagenesis \(method 'ism'\), not 'saliency'/);

    const variant = await postJson(new URL('/api/score-variant', serve.url).href, { variant: `chr1:60 ${SEQUENCE[59 % SEQUENCE.length]}>${SEQUENCE[59 % SEQUENCE.length] === 'A' ? 'G' : 'A'}` });
    assert.equal(variant.status, 200, variant.text);
    const effects = variant.json as { scores: string[]; effects: { output: string; values: Record<string, number> }[] };
    assert.deepEqual(effects.scores, ['llr', 'embed_cosine', 'embed_l2']);
    const ref = SEQUENCE[59 % SEQUENCE.length]!;
    const library = await scoreVariantAlleles(saved, genome, [{ chrom: 'chr1', start: 59, ref, alt: ref === 'A' ? 'G' : 'A' }], { bothStrands: false });
    assertClose([effects.effects[0]!.values.llr!], [library.effects[0]!.values![0]!], { atol: 1e-5 });
  } finally {
    saved.model.dispose();
    await genome.close();
    await serve.stop();
  }
});

test('POST /api/design: greedy edits toward an output, the same as the library; bad requests named', async () => {
  const usf1 = fileURLToPath(new URL('../../../../test/fixtures/models/deepbind-usf1', import.meta.url));
  const serve = await startServe(['--model', usf1]);
  const saved = loadModel(usf1);
  try {
    const start = 'GATTACA'.repeat(15).slice(0, 101);
    const r = await postJson(new URL('/api/design', serve.url).href, { sequence: `TT${start}AA`, output: 'Bound', direction: 'max', maxEdits: 4 });
    assert.equal(r.status, 200, r.text);
    const body = r.json as { start: string; sequence: string; edits: number; before: { Bound: number }; after: { Bound: number }; steps: { position: number; from: string; to: string }[]; lengthNote: string; chartSvg: string; startLogoSvg: string; designedLogoSvg: string; objective: string };
    assert.equal(body.start, start, 'centre-cropped to 101 bp');
    assert.match(body.lengthNote, /centre-cropped from 105 bp/);
    assert.equal(body.objective, 'max:Bound');
    const model = designModel(saved.model as unknown as ForwardModel, 'binary', ['Bound'], 101);
    const library = await greedyEvolution(model, buildObjective(parseObjective('max:Bound'), ['Bound']), new ConstraintChecker(start, { maxEdits: 4 }), { rounds: 4 });
    assert.equal(body.sequence, library.sequence);
    assert.ok(body.edits <= 4 && body.edits === body.steps.length);
    assert.ok(body.after.Bound > body.before.Bound);
    assertClose([body.after.Bound], [library.predictions[0]!], { atol: 1e-6 });
    for (const svg of [body.chartSvg, body.startLogoSvg, body.designedLogoSvg]) assert.match(svg, /^<svg/);

    const bad: [Record<string, unknown>, number, RegExp][] = [
      [{ sequence: start, maxEdits: 50 }, 400, /maxEdits 50 is over the limit of 20/],
      [{ sequence: `${start.slice(0, 50)}N${start.slice(51)}` }, 400, /has N at position 51/],
      [{ sequence: start.slice(0, 90) }, 400, /is 90 bp; design needs at least the model's input length, 101 bp/],
      [{ sequence: start, output: 'bound' }, 400, /unknown output 'bound'/],
      [{ sequence: start, objective: 'maximise:Bound' }, 400, /expected max:OUT/],
      [{ sequence: start, objective: 'max:Bound', output: 'Bound' }, 400, /either 'objective' or 'output'/],
    ];
    for (const [request, status, message] of bad) {
      const answer = await postJson(new URL('/api/design', serve.url).href, request);
      assert.equal(answer.status, status, answer.text);
      assert.match((answer.json as { error: { message: string } }).error.message, message);
    }
  } finally {
    saved.model.dispose();
    await serve.stop();
  }
});
