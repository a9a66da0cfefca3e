/**
 * The served page with a profile model (bpnet): a head choice appears, and each sequence gets
 * a chart of its predicted profiles (one line per track, the values of predictProfiles) above
 * its attribution logo for the chosen head.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { manualSeed } from '../../src/core/index.js';
import { Random } from '../../src/data/random.js';
import { predictProfiles } from '../../src/interpret/predict.js';
import { createModel } from '../../src/models/registry.js';
import { describeModel, loadModel, saveModel } from '../../src/models/saved-model.js';
import { randomDna, tempDir } from '../data/genomic-fixtures.js';
import { browserSkip, launchBrowser, watchPage } from '../helpers/browser.js';
import { startServe } from '../helpers/serve-process.js';

const skip = browserSkip();

test('a profile model: head choice, a predicted-profile chart per sequence, logos of the chosen head', { skip }, async () => {
  const tmp = tempDir('strand-serve-profile-');
  manualSeed(4);
  const options = { tasks: 2, filters: 8, stemKernel: 7, layers: 2, profileKernel: 9, crop: 5 };
  const dir = join(tmp.dir, 'bpnet');
  const model = createModel('bpnet', options).eval();
  saveModel(dir, model, describeModel({ architecture: { name: 'bpnet', options }, input: { kind: 'sequence', length: 80 }, task: { kind: 'profile', outputs: ['plus', 'minus'] } }));
  model.dispose();
  const random = new Random(8);
  const sequences = [randomDna(random, 80), randomDna(random, 80)];
  const serve = await startServe(['--model', dir]);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems = watchPage(page, (url) => url.startsWith(serve.url) || url.startsWith('data:'));
    await page.goto(serve.url);
    await page.waitForSelector('body[data-ready="true"]');
    assert.ok(await page.isVisible('[data-testid="head-select"]'));
    await page.fill('[data-testid="sequence-input"]', sequences.map((s, i) => `>s${i}\n${s}`).join('\n'));
    await page.selectOption('[data-testid="head-select"]', 'profile');
    await page.click('[data-testid="submit-sequences"]');
    await page.waitForSelector('[data-testid="logo-track"] svg.logo', { timeout: 20_000 });
    const tracks = page.getByTestId('logo-track');
    assert.equal(await tracks.count(), 2);
    assert.match((await tracks.first().locator('p.muted').textContent())!, /saliency attributions for plus \(profile head\)/);
    // Each chart has the two tracks' lines; their highest points are where predictProfiles puts them.
    const saved = loadModel(dir);
    const expected = predictProfiles(saved, sequences);
    saved.model.dispose();
    const P = expected.positions;
    for (let n = 0; n < 2; n++) {
      const chart = tracks.nth(n).locator('svg[data-chart="profile"]');
      assert.equal(await chart.count(), 1);
      assert.deepEqual(await chart.locator('path.series').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-name'))), ['plus', 'minus']);
      const box = await chart.locator('path.series').first().boundingBox();
      assert.ok(box !== null && box.width > 100 && box.height > 5, `the plus line is drawn: ${JSON.stringify(box)}`);
      const plus = Array.from(expected.values.subarray(n * 2 * P, (n * 2 + 1) * P));
      const d = (await chart.locator('path.series').first().getAttribute('d'))!;
      const ys = [...d.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((m) => Number(m[1]));
      assert.equal(ys.length, P);
      // SVG y grows downwards: the highest value has the smallest y.
      assert.equal(ys.indexOf(Math.min(...ys)), plus.indexOf(Math.max(...plus)));
    }
    assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], foreignRequests: [] });
  } finally {
    await browser.close();
    await serve.stop();
    tmp.remove();
  }
});
