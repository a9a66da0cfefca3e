import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/core/index.js';
import { demoConfigText, EXAMPLE_KINDS, EXAMPLES } from '../../src/config/examples.js';
import { pretrainConfigSchema } from '../../src/config/pretrain.js';
import { loadPretrainConfig } from '../../src/train/load-pretrain-config.js';
import { parseConfig } from '../../src/config/load.js';
import { trainConfigSchema, type TrainConfig } from '../../src/config/train.js';
import { modelNames } from '../../src/models/registry.js';
import { checkTrainConfig } from '../../src/train/check-config.js';
import { loadTrainConfig } from '../../src/train/load-train-config.js';

test('every example config and the demo config parse with the train schema and name a registered model', () => {
  for (const kind of EXAMPLE_KINDS) {
    const config = parseConfig(trainConfigSchema, EXAMPLES[kind], `${kind}.yaml`);
    assert.ok(modelNames().includes(config.model.name), `${kind}: ${config.model.name}`);
  }
  const demo = parseConfig(trainConfigSchema, demoConfigText(7, 3));
  assert.equal(demo.seed, 7);
  assert.equal(demo.train.epochs, 3);
});

test('every `strand init` example and every examples/*.yaml passes the load-time checks (model, options, metric, files)', () => {
  // `strand init` examples name files the user provides: only a missing file may stop them.
  const exceptMissingFiles = (config: TrainConfig) => {
    try {
      checkTrainConfig(config);
    } catch (err) {
      if (!(err instanceof ConfigError && err.problem.startsWith('no such file'))) throw err;
    }
  };
  for (const kind of EXAMPLE_KINDS) assert.doesNotThrow(() => parseConfig(trainConfigSchema, EXAMPLES[kind], `${kind}.yaml`, exceptMissingFiles), kind);
  const folder = fileURLToPath(new URL('../../../examples/', import.meta.url));
  const shared = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.yaml'))) {
    if (file.startsWith('lm-')) {
      // pretraining configs (strand pretrain)
      if (existsSync(shared)) assert.doesNotThrow(() => loadPretrainConfig(join(folder, file)), file);
      else assert.doesNotThrow(() => parseConfig(pretrainConfigSchema, readFileSync(join(folder, file), 'utf8'), file), file);
      continue;
    }
    if (existsSync(shared)) assert.doesNotThrow(() => loadTrainConfig(join(folder, file)), file);
    else assert.doesNotThrow(() => parseConfig(trainConfigSchema, readFileSync(join(folder, file), 'utf8'), file, exceptMissingFiles), file);
  }
});
