import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { writeAttributionPage } from '../../src/report/attribution-page.js';
import { writeMotifPage } from '../../src/report/motif-page.js';
import { tempDir } from '../data/genomic-fixtures.js';
import { browserSkip, launchBrowser, watchPage } from '../helpers/browser.js';

const skip = browserSkip();
const tmp = tempDir('strand-logo-pages-');
let browser: Browser;

before(async () => {
  if (!skip) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  tmp.remove();
});

/** Rendered height and tallest letter of each logo column (`g.col`), in page order. */
async function columns(page: Page, logo: string): Promise<{ pos: number; height: number; tallest: string }[]> {
  return page.locator(logo).first().locator('g.col').evaluateAll((cols) =>
    cols.map((g) => {
      const uses = [...g.querySelectorAll('use')].map((u) => ({ letter: (u.getAttribute('href') ?? '').slice(-1), height: u.getBoundingClientRect().height }));
      const tallest = uses.reduce((a, b) => (b.height > a.height ? b : a), { letter: '', height: 0 });
      return { pos: Number(g.getAttribute('data-pos')), height: g.getBoundingClientRect().height, tallest: tallest.letter };
    }),
  );
}

async function open(path: string): Promise<{ page: Page; problems: ReturnType<typeof watchPage> }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const url = pathToFileURL(path).href;
  const problems = watchPage(page, (u) => u === url || u.startsWith('data:'));
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

test('a motif logo drawn in Chromium: the tallest letter of each column is the PWM consensus', { skip }, async () => {
  const gata = [[0.1, 0.1, 0.7, 0.1], [0.9, 0.03, 0.04, 0.03], [0.05, 0.05, 0.05, 0.85], [0.8, 0.1, 0.05, 0.05]];
  const path = join(tmp.dir, 'motifs.html');
  writeMotifPage(path, { motifs: [{ name: 'filter 3', pwm: gata, sites: 80, matches: [{ targetName: 'GATA1', targetId: 'MA0035.4', pValue: 1e-6, qValue: 1e-5, offset: 0, strand: '+', score: 3.5, overlap: 4, targetPwm: gata }] }] });
  const { page, problems } = await open(path);
  assert.equal(await page.locator('svg.logo').count(), 2, 'the motif beside its database match');
  const cols = await columns(page, 'svg.logo');
  assert.deepEqual(cols.map((c) => c.tallest).join(''), 'GATA');
  // information content: T (0.85) and A (0.9) columns stand taller than the G (0.7) column
  assert.ok(cols[1]!.height > cols[0]!.height && cols[2]!.height > cols[0]!.height);
  assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], foreignRequests: [] });
  await page.close();
});

test('an attribution track drawn in Chromium: the weighted stretch is where the tallest letters are', { skip }, async () => {
  const sequence = 'ACGTTGCATGCA'.repeat(30).slice(0, 320);
  const attributions = [...sequence].map((ch, i) => {
    const row = [0, 0, 0, 0];
    row['ACGT'.indexOf(ch)] = i >= 150 && i < 170 ? 1 : 0.05 * Math.cos(i);
    return row;
  });
  const path = join(tmp.dir, 'attributions.html');
  writeAttributionPage(path, { method: 'saliency', task: 'ctcf', sequences: [{ id: 'example', sequence, attributions, predictions: { ctcf: 0.8 } }] });
  const { page, problems } = await open(path);
  const logos = page.locator('svg.logo');
  const all: { pos: number; height: number; tallest: string }[] = [];
  for (let i = 0; i < (await logos.count()); i++) {
    const box = await logos.nth(i).boundingBox();
    assert.ok(box !== null && box.width > 100 && box.height > 30);
    all.push(...(await logos.nth(i).locator('g.col').evaluateAll((cols) => cols.map((g) => ({ pos: Number(g.getAttribute('data-pos')), height: g.getBoundingClientRect().height, tallest: '' })))));
  }
  const ranked = [...all].sort((a, b) => b.height - a.height);
  assert.ok(ranked.slice(0, 20).every((c) => c.pos > 150 && c.pos <= 170) /* data-pos is 1-based */, `tallest columns at ${ranked.slice(0, 20).map((c) => c.pos).join(',')}`);
  assert.deepEqual(problems, { consoleErrors: [], pageErrors: [], foreignRequests: [] });
  await page.close();
});
