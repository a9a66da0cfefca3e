import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { tempDir } from '../data/genomic-fixtures.js';
import { browserSkip, launchBrowser, watchPage } from '../helpers/browser.js';
import { trainPlantedModel } from '../helpers/trained-model.js';

const skip = browserSkip();
const tmp = tempDir('strand-report-page-');
let browser: Browser;
let report = '';

before(async () => {
  if (skip) return;
  report = pathToFileURL(join(trainPlantedModel(tmp.dir), 'report.html')).href;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  tmp.remove();
});

test('report.html of strand train renders its charts and logos offline in Chromium', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = watchPage(page, (url) => url === report || url.startsWith('data:'));
  await page.goto(report, { waitUntil: 'load' });
  const charts = page.locator('svg.chart');
  const titles = await charts.evaluateAll((svgs) => svgs.map((s) => s.querySelector('.chart-title')?.textContent ?? ''));
  assert.deepEqual(titles, ['Loss', 'Validation auroc', 'GATA1: ROC (test)', 'GATA1: precision-recall (test)', 'SPI1: ROC (test)', 'SPI1: precision-recall (test)']);
  for (const chart of await charts.all()) {
    const box = await chart.boundingBox();
    assert.ok(box !== null && box.width >= 300 && box.height >= 200, `chart box ${JSON.stringify(box)}`);
    const lines = chart.locator('path.series');
    assert.ok((await lines.count()) >= 1, 'each chart draws at least one series');
    for (const line of await lines.all()) {
      const b = await line.boundingBox();
      assert.ok(b !== null && b.width > 10 && b.height > 0, `a drawn series line: ${JSON.stringify(b)}`);
    }
  }
  assert.ok((await page.locator('table.metrics').count()) >= 2, 'test and validation metric tables');
  // the explained held-out examples: attribution logos drawn with the page's glyphs
  const logos = page.locator('svg.logo');
  assert.ok((await logos.count()) >= 1, 'attribution logos of the held-out examples');
  for (const logo of await logos.all()) {
    const box = await logo.boundingBox();
    assert.ok(box !== null && box.width > 100 && box.height > 50, `logo box ${JSON.stringify(box)}`);
    assert.ok((await logo.locator('use').count()) > 0, 'letters drawn');
  }
  assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], foreignRequests: [] });
  await page.close();
});
