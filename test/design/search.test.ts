/**
 * Design searches on a parameter-free oracle (best match of an AP-1 site and of a GATA site,
 * test/design/oracle.ts), objective AP-1 - 2 x relu(GATA - 0.5), from a seeded 60 bp sequence
 * holding a GATA site:
 * - greedy evolution never lowers the objective, each chosen edit is the brute-force best of all
 *   allowed edits, no edit leaves the editable positions, and the result holds AP-1 and no GATA;
 * - pattern insertion writes TGACTCA in one round;
 * - gradient design improves the objective within the edit budget and the mask, the same for a seed;
 * - constraints: forbidden motifs never appear, GC bounds and homopolymers hold, required motifs stay.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../src/data/random.js';
import { ConstraintChecker, MotifMatcher } from '../../src/design/constraints.js';
import { designModel } from '../../src/design/design-model.js';
import { gradientDesign } from '../../src/design/gradient-design.js';
import { buildObjective, parseObjective } from '../../src/design/objective.js';
import { greedyEvolution, insertPatterns, randomSequences, screenSequences } from '../../src/design/search.js';
import { randomDna } from '../data/genomic-fixtures.js';
import { AP1, GATA, hasSite, MotifOracle, oracleScores } from './oracle.js';

const oracle = new MotifOracle();
const model = designModel(oracle, 'regression', ['ap1', 'gata'], 60);
const objective = buildObjective(parseObjective('specific:ap1/gata;offWeight=2;threshold=0.5'), model.outputs);
const objectiveOf = (seq: string) => {
  const [a, g] = oracleScores(seq);
  return a - 2 * Math.max(0, g - 0.5);
};

function startSequence(): string {
  const random = new Random(11);
  let s = '';
  do s = randomDna(random, 60);
  while (hasSite(s, AP1) || hasSite(s, GATA));
  return s.slice(0, 20) + GATA + s.slice(26);
}

test('objectives: text forms parse, evaluate on tensors as on rows, and unknown outputs are named', () => {
  const terms = parseObjective('max:ap1 + 0.5*min:gata + target:ap1=0.25');
  assert.deepEqual(terms, [
    { kind: 'max', output: 'ap1', weight: 1 },
    { kind: 'min', output: 'gata', weight: 0.5 },
    { kind: 'target', output: 'ap1', value: 0.25, weight: 1 },
  ]);
  const o = buildObjective(terms, ['ap1', 'gata']);
  // 0.8 - 0.5 * 0.6 - (0.8 - 0.25)^2
  assert.ok(Math.abs(o.ofRow([0.8, 0.6]) - (0.8 - 0.3 - 0.3025)) < 1e-12);
  assert.equal(o.text, 'max:ap1 + 0.5*min:gata + target:ap1=0.25');
  assert.throws(() => buildObjective(parseObjective('max:nope'), ['ap1', 'gata']), /objective: unknown output 'nope'; the model's outputs are ap1, gata/);
  assert.throws(() => parseObjective('maximise:ap1'), /expected max:OUT, min:OUT, target:OUT=VALUE or specific:ON\/OFF, got 'maximise:ap1'/);
  assert.equal(objective.ofRow([1, 1]), 1 - 2 * 0.5);
});

test('greedy evolution: never lower, each edit the brute-force best, inside the editable positions; AP-1 made, GATA broken', async () => {
  const start = startSequence();
  const checker = new ConstraintChecker(start, { editable: [[0, 50]] });
  const result = await greedyEvolution(model, objective, checker, { rounds: 30 });
  assert.ok(Math.abs(result.startObjective - objectiveOf(start)) < 1e-6);
  for (let r = 1; r < result.objectivePerRound.length; r++) assert.ok(result.objectivePerRound[r]! >= result.objectivePerRound[r - 1]!, `round ${r}`);
  let current = start;
  for (const step of result.steps) {
    assert.ok(step.position < 50, `edit at ${step.position} is outside the editable positions`);
    assert.equal(current[step.position], step.from);
    // Brute force: every allowed single-base edit of the current sequence, scored by string matching.
    let best = -Infinity;
    for (let j = 0; j < 50; j++) for (const b of 'ACGT') if (b !== current[j]) best = Math.max(best, objectiveOf(current.slice(0, j) + b + current.slice(j + 1)));
    current = current.slice(0, step.position) + step.to + current.slice(step.position + 1);
    assert.ok(Math.abs(step.objective - objectiveOf(current)) < 1e-6, 'the reported objective is the sequence\'s');
    assert.ok(Math.abs(step.objective - best) < 1e-6, `round ${step.round}: chose ${step.objective}, best possible ${best}`);
  }
  assert.equal(current, result.sequence);
  assert.equal(result.sequence.slice(50), start.slice(50), 'locked tail unchanged');
  assert.ok(hasSite(result.sequence, AP1), 'an AP-1 site');
  assert.ok(!hasSite(result.sequence, GATA), 'no GATA site');
  assert.equal(result.stopped, 'converged');
  assert.equal(result.predictions[0], 1, 'a full AP-1 site');
  assert.ok(result.objective > result.startObjective + 0.5, `objective ${result.startObjective} -> ${result.objective}`);
});

test('a beam of 3 ends at least as high as plain greedy in as many rounds', async () => {
  const start = startSequence();
  const plain = await greedyEvolution(model, objective, new ConstraintChecker(start), { rounds: 4 });
  const beam = await greedyEvolution(model, objective, new ConstraintChecker(start), { rounds: 4, beam: 3 });
  assert.ok(beam.objective >= plain.objective - 1e-9, `beam ${beam.objective} vs greedy ${plain.objective}`);
  assert.ok(beam.steps.length >= 1 && beam.steps.length <= 4);
});

test('pattern insertion writes TGACTCA in one round', async () => {
  const start = startSequence();
  const result = await insertPatterns(model, buildObjective(parseObjective('max:ap1'), model.outputs), new ConstraintChecker(start, { editable: [[30, 60]] }), { patterns: [AP1] });
  assert.equal(result.steps.length, 1);
  assert.ok(hasSite(result.sequence, AP1));
  assert.equal(result.predictions[0], 1);
  assert.ok(result.steps[0]!.position >= 30);
  assert.equal(result.sequence.slice(0, 30), start.slice(0, 30));
});

test('gradient design improves the objective within the edit budget and the mask, reproducibly for a seed', async () => {
  const start = startSequence();
  const checker = new ConstraintChecker(start, { editable: [[10, 40]], maxEdits: 8 });
  const a = await gradientDesign(model, objective, checker, { steps: 60, seed: 5 });
  assert.ok(a.objective > a.startObjective + 0.2, `${a.startObjective} -> ${a.objective}`);
  assert.ok(Math.abs(a.objective - objectiveOf(a.sequence)) < 1e-6);
  assert.ok(checker.edits(a.sequence) <= 8);
  for (let j = 0; j < 60; j++) if (j < 10 || j >= 40) assert.equal(a.sequence[j], start[j], `locked position ${j}`);
  const b = await gradientDesign(model, objective, checker, { steps: 60, seed: 5 });
  assert.equal(b.sequence, a.sequence);
});

test('constraints: a forbidden site is never made, GC bounds and homopolymer limits hold, required motifs stay', async () => {
  const start = startSequence();
  // Maximising AP-1 while TGACTCA itself is forbidden: greedy must stop short of the site.
  const forbidding = new ConstraintChecker(start, { forbidden: [AP1], gc: [0.4, 0.6], maxHomopolymer: 3, required: [GATA] });
  const result = await greedyEvolution(model, buildObjective(parseObjective('max:ap1'), model.outputs), forbidding, { rounds: 20 });
  assert.ok(!hasSite(result.sequence, AP1));
  assert.ok(result.objective >= 6 / 7 - 1e-6, 'one base short of the site');
  const longestRun = (seq: string) => Math.max(...(seq.match(/A+|C+|G+|T+/g) ?? []).map((r) => r.length));
  assert.ok(longestRun(result.sequence) <= Math.max(3, longestRun(start)), 'no homopolymer grown past 3');
  const gc = (seq: string) => [...seq].filter((c) => c === 'G' || c === 'C').length / seq.length;
  const distance = (f: number) => Math.max(0, 0.4 - f, f - 0.6);
  assert.ok(distance(gc(result.sequence)) <= distance(gc(start)), 'GC inside the bounds or no farther from them');
  assert.ok(result.sequence.includes(GATA), 'the required GATA site kept');
  assert.equal(result.sequence.slice(20, 26), GATA);

  assert.deepEqual(new MotifMatcher('GAATTC').occurrences('AAGAATTCAA'), [2]);
  assert.deepEqual(new MotifMatcher('RGATAA').occurrences('TTATCTGGATAA'), [0, 6], 'IUPAC on both strands');
  const checker = new ConstraintChecker('ACGTACGTAA', { maxEdits: 1, maxHomopolymer: 2 });
  assert.equal(checker.allows('ACGTACGTAA', 0, 'C'), true);
  assert.equal(checker.allows('CCGTACGTAA', 2, 'C'), false, 'a third C in a row');
  assert.equal(checker.allows('GCGTACGTAA', 4, 'G'), false, 'a second edit over the budget');
  assert.equal(checker.allows('GCGTACGTAA', 0, 'A'), true, 'undoing an edit is always within budget');
  assert.throws(() => new ConstraintChecker('ACGT', { forbidden: ['GAXTC'] }), /forbidden motif: 'GAXTC' has 'X' at position 3/);

  const random = new Random(3);
  const screened = randomSequences(50, 60, random, (s) => new ConstraintChecker(s, { gc: [0.45, 0.55] }).violations(s).length === 0);
  for (const s of screened) {
    const gc = [...s].filter((c) => c === 'G' || c === 'C').length / 60;
    assert.ok(gc >= 0.45 && gc <= 0.55);
  }
  const top = screenSequences(model, objective, screened, 5);
  assert.equal(top.length, 5);
  const all = screened.map(objectiveOf).sort((a, b) => b - a);
  assert.ok(Math.abs(top[0]!.objective - all[0]!) < 1e-6, 'the best of the screen');
});
