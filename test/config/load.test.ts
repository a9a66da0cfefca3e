import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { ConfigError } from '../../src/core/index.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';

const schema = z
  .object({
    seed: z.number().int().nonnegative().default(1),
    train: z.object({ epochs: z.number().int().positive(), optimizer: z.object({ name: z.enum(['adam', 'sgd']), lr: z.number().positive() }).strict() }).strict(),
  })
  .strict();

const text = `seed: 3
train:
  epochs: 10
  optimizer:
    name: adam
    lr: -0.1
`;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail('expected a ConfigError');
}

test('a bad value names the file, its line and the dotted field', () => {
  const e = configError(() => parseConfig(schema, text, 'run.yaml'));
  assert.equal(e.path, 'train.optimizer.lr');
  assert.equal(e.line, 6);
  assert.match(e.message, /^run\.yaml: line 6: train\.optimizer\.lr: /);
});

test('unknown fields, wrong enum values, missing fields and bad YAML', () => {
  const unknown = configError(() => parseConfig(schema, 'train:\n  epochs: 1\n  optimiser: {}\n', 'a.yaml'));
  assert.match(unknown.message, /^a\.yaml: line 3: train\.optimiser: unknown field/);
  const enumError = configError(() => parseConfig(schema, 'train:\n  epochs: 1\n  optimizer: {name: rmsprop, lr: 1}\n', 'a.yaml'));
  assert.equal(enumError.path, 'train.optimizer.name');
  const missing = configError(() => parseConfig(schema, 'seed: 1\n', 'a.yaml'));
  assert.equal(missing.path, 'train');
  const yaml = configError(() => parseConfig(schema, 'train: [1, 2\n', 'a.yaml'));
  assert.match(yaml.message, /^a\.yaml: line \d+: invalid YAML/);
  const file = configError(() => loadConfig(schema, '/nonexistent/run.yaml'));
  assert.match(file.message, /\/nonexistent\/run\.yaml: cannot read config file: ENOENT/);
});

test('a valid config parses with defaults', () => {
  const c = parseConfig(schema, 'train:\n  epochs: 2\n  optimizer: {name: sgd, lr: 0.5}\n');
  assert.deepEqual(c, { seed: 1, train: { epochs: 2, optimizer: { name: 'sgd', lr: 0.5 } } });
});

test('a check after the schema reports its ConfigError at the line of its field', () => {
  const check = (c: { train: { optimizer: { lr: number } } }) => {
    if (c.train.optimizer.lr > 1) throw new ConfigError('train.optimizer.lr', `expected at most 1, got ${c.train.optimizer.lr}`);
  };
  const e = configError(() => parseConfig(schema, text.replace('lr: -0.1', 'lr: 5'), 'run.yaml', check));
  assert.equal(e.message, 'run.yaml: line 6: train.optimizer.lr: expected at most 1, got 5');
  assert.equal(e.line, 6);
  assert.equal(e.problem, 'expected at most 1, got 5');
  // The schema runs first: a value it rejects never reaches the check.
  const schemaFirst = configError(() => parseConfig(schema, text, 'run.yaml', () => assert.fail('check ran on an invalid config')));
  assert.equal(schemaFirst.path, 'train.optimizer.lr');
  // Other errors pass through unchanged.
  assert.throws(() => parseConfig(schema, text.replace('lr: -0.1', 'lr: 5'), 'run.yaml', () => { throw new RangeError('boom'); }), RangeError);
});
