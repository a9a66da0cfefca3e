import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoConfigText, EXAMPLE_KINDS, EXAMPLES } from '../../src/config/examples.js';
import { parseConfig } from '../../src/config/load.js';
import { trainConfigSchema } from '../../src/config/train.js';
import { modelNames } from '../../src/models/registry.js';

test('every example config and the demo config parse with the train schema and name a registered model', () => {
  for (const kind of EXAMPLE_KINDS) {
    const config = parseConfig(trainConfigSchema, EXAMPLES[kind], `${kind}.yaml`);
    assert.ok(modelNames().includes(config.model.name), `${kind}: ${config.model.name}`);
  }
  const demo = parseConfig(trainConfigSchema, demoConfigText(7, 3));
  assert.equal(demo.seed, 7);
  assert.equal(demo.train.epochs, 3);
});
