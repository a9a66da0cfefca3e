import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Random } from '../../src/data/random.js';
import { predictSequences } from '../../src/interpret/predict.js';
import { loadModel } from '../../src/models/saved-model.js';
import { randomDna, tempDir, writeGenome, type TempGenome } from '../data/genomic-fixtures.js';
import { assertClose } from '../helpers/assert-close.js';
import { browserSkip, isPngAtLeast, launchBrowser, watchPage, type PageProblems } from '../helpers/browser.js';
import { postJson } from '../helpers/http-request.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { trainPlantedModel } from '../helpers/trained-model.js';

const skip = browserSkip();
const tmp = tempDir('strand-serve-page-');
let genome: TempGenome;
let chr1 = '';
let modelDir = '';
let serve: ServeProcess;
let browser: Browser;
let page: Page;
let problems: PageProblems;

const background = 'ACGTTGCATCGTACCTGACTCGTACTTGCA'.repeat(7).slice(0, 200);
const withGata = `${background.slice(0, 100)}AGATAAGG${background.slice(108)}`;
const fasta = `>site\n${withGata}\n>plain\n${background}\n`;

before(async () => {
  if (skip) return;
  modelDir = trainPlantedModel(tmp.dir);
  chr1 = randomDna(new Random(3), 5000);
  genome = writeGenome([['chr1', chr1]]);
  serve = await startServe(['--model', modelDir, '--genome', genome.path]);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  problems = watchPage(page, (url) => url.startsWith(serve.url) || url.startsWith('data:'));
  await page.goto(serve.url);
  await page.waitForSelector('body[data-ready="true"]');
});

after(async () => {
  await browser?.close();
  await serve?.stop();
  genome?.remove();
  tmp.remove();
});

test('the page shows the model, predicts and draws one attribution logo per pasted sequence', { skip }, async () => {
  assert.equal(await page.getByTestId('model-architecture').textContent(), 'deepbind');
  assert.equal(await page.getByTestId('model-input-length').textContent(), '200 bp');
  assert.equal(await page.getByTestId('model-outputs').textContent(), '2: GATA1, SPI1');
  assert.deepEqual(await page.locator('#task-select option').allTextContents(), ['GATA1', 'SPI1']);
  assert.equal(await page.isVisible('[data-testid="head-select"]'), false, 'no head choice for a model without heads');

  await page.getByTestId('sequence-input').fill(fasta);
  await page.getByTestId('submit-sequences').click();
  await page.waitForSelector('[data-testid="logo-track"] svg.logo', { timeout: 20_000 });
  await page.waitForSelector('[data-testid="prediction-row"]');

  const shot = join(tmp.dir, 'page.png');
  await page.screenshot({ path: shot, fullPage: true });
  const png = readFileSync(shot);
  assert.ok(isPngAtLeast(png, 1000, 600), 'a full-page PNG screenshot');
  assert.ok(statSync(shot).size > 20_000, `a screenshot with content (${statSync(shot).size} bytes)`);

  const tracks = page.getByTestId('logo-track');
  assert.deepEqual(await tracks.evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), ['site', 'plain']);
  for (const track of await tracks.all()) {
    const box = await track.locator('svg.logo').boundingBox();
    assert.ok(box !== null && box.width > 500 && box.height > 50, `the logo is drawn: ${JSON.stringify(box)}`);
    assert.equal(await track.locator('g.col').count(), 200);
    // Saliency is non-zero only inside the windows the max-pooled filters picked: dozens of positions, not all 200.
    const hrefs = await track.locator('use').evaluateAll((uses) => uses.map((u) => u.getAttribute('href') ?? ''));
    assert.ok(hrefs.length >= 20, `letters drawn: ${hrefs.length}`);
    for (const href of new Set(hrefs)) assert.equal(await page.locator(href).count(), 1, `the glyph ${href} is defined once on the page`);
  }

  const shown = await page.getByTestId('prediction-row').evaluateAll((rows) =>
    rows.map((row) => ({
      id: row.getAttribute('data-id'),
      values: Object.fromEntries([...row.querySelectorAll('td[data-output]')].map((td) => [td.getAttribute('data-output'), Number(td.getAttribute('data-value'))])),
    })),
  );
  const answer = (await postJson(new URL('/api/predict', serve.url).href, { fasta })).json as { predictions: { id: string; values: Record<string, number> }[] };
  assert.deepEqual(shown.map((r) => r.id), ['site', 'plain']);
  assertClose(shown.flatMap((r) => [r.values.GATA1!, r.values.SPI1!]), answer.predictions.flatMap((p) => [p.values.GATA1!, p.values.SPI1!]), { atol: 1e-6, rtol: 0 });
  // this process has no server worker, so it may run the model itself
  const saved = loadModel(modelDir);
  try {
    assertClose(shown.flatMap((r) => [r.values.GATA1!, r.values.SPI1!]), predictSequences(saved, [withGata, background]).values, { atol: 1e-6, rtol: 0 });
  } finally {
    saved.model.dispose();
  }
  assert.ok(await page.getByTestId('sequence-error').isHidden());
});

test('a variant typed in the form shows its effect per output', { skip }, async () => {
  const ref = chr1[2499]!;
  const alt = ref === 'G' ? 'T' : 'G';
  await page.getByTestId('variant-input').fill(`chr1:2500 ${ref}>${alt}`);
  await page.getByTestId('submit-variant').click();
  await page.waitForSelector('[data-testid="variant-effects"] [data-testid="effect-row"]');
  const rows = page.getByTestId('effect-row');
  assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-output'))), ['GATA1', 'SPI1']);
  const diff = Number(await rows.first().locator('td[data-score="diff"]').getAttribute('data-value'));
  const refValue = Number(await rows.first().locator('td[data-score="ref"]').getAttribute('data-value'));
  const altValue = Number(await rows.first().locator('td[data-score="alt"]').getAttribute('data-value'));
  assert.ok(Math.abs(diff - (altValue - refValue)) < 1e-12);
  assert.equal(await page.getByTestId('variant-caption').textContent(), `chr1:2500 ${ref}>${alt}`);
  // REF and ALT logos drawn around the allele
  const logos = page.getByTestId('variant-logos').locator('svg.logo');
  assert.equal(await logos.count(), 2);
  for (const logo of await logos.all()) {
    const box = await logo.boundingBox();
    assert.ok(box !== null && box.width > 300 && box.height > 50, `variant logo box ${JSON.stringify(box)}`);
  }
});

test('bad input shows the API error on the page', { skip }, async () => {
  await page.getByTestId('sequence-input').fill('>odd\nACGTXACGT\n');
  await page.getByTestId('submit-sequences').click();
  const error = page.getByTestId('sequence-error');
  await error.waitFor({ state: 'visible' });
  assert.match((await error.textContent()) ?? '', /sequence 'odd': invalid character 'X' at position 5; only A, C, G, T and N are allowed \(HTTP 400\)/);

  await page.getByTestId('variant-input').fill('chr9:100 A>G');
  await page.getByTestId('submit-variant').click();
  const variantError = page.getByTestId('variant-error');
  await variantError.waitFor({ state: 'visible' });
  assert.match((await variantError.textContent()) ?? '', /chromosome 'chr9' is not in the genome genome\.fa.*\(HTTP 422\)/);

  // a good request afterwards clears the message
  await page.getByTestId('variant-input').fill(`chr1:2500 ${chr1[2499]}>N`);
  await page.getByTestId('submit-variant').click();
  await variantError.waitFor({ state: 'hidden' });
});

test('a FASTA file chosen in the form fills the text box', { skip }, async () => {
  const file = join(tmp.dir, 'upload.fa');
  writeFileSync(file, fasta);
  await page.getByTestId('fasta-file').setInputFiles(file);
  // polled through the locator: waitForFunction evaluates in the page, which its CSP forbids
  const box = page.getByTestId('sequence-input');
  for (let tries = 0; tries < 100 && !(await box.inputValue()).startsWith('>site'); tries++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await box.inputValue(), fasta);
});

test('the design form raises GATA1 with marked edits, a curve and two logos, equal to POST /api/design', { skip }, async () => {
  await page.getByTestId('design-input').fill(background);
  await page.getByTestId('design-output').selectOption('GATA1');
  await page.getByTestId('design-max-edits').fill('4');
  await page.getByTestId('submit-design').click();
  await page.getByTestId('design-caption').waitFor({ timeout: 30_000 });
  const api = await postJson(new URL('/api/design', serve.url).href, { sequence: background, output: 'GATA1', direction: 'max', maxEdits: 4 });
  const body = api.json as { sequence: string; edits: number; before: Record<string, number>; after: Record<string, number> };
  assert.equal(await page.getByTestId('designed-sequence').textContent(), body.sequence);
  const marks = await page.locator('[data-testid="designed-sequence"] mark').evaluateAll((ms) => ms.map((m) => Number(m.getAttribute('data-position'))));
  assert.equal(marks.length, body.edits);
  for (const p of marks) assert.notEqual(background[p - 1], body.sequence[p - 1]);
  const after = Number(await page.locator('[data-testid="design-row"][data-output="GATA1"] td[data-after]').getAttribute('data-after'));
  assertClose([after], [body.after.GATA1!], { atol: 1e-6 });
  assert.ok(body.after.GATA1! > body.before.GATA1!);
  assert.equal(await page.locator('[data-testid="design-result"] svg[data-chart="design-objective"]').count(), 1);
  assert.equal(await page.locator('[data-testid="design-result"] svg.logo').count(), 2);
});

test('the page made no request but to its server and raised no script error', { skip }, () => {
  assert.deepEqual(problems.foreignRequests, []);
  assert.deepEqual(problems.pageErrors, []);
  // the only console errors are the browser's notes on the deliberate 4xx answers above
  assert.ok(problems.consoleErrors.every((m) => /status of 4\d\d/.test(m)), problems.consoleErrors.join('\n'));
});
