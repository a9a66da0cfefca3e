import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderAttributionPage, topWindowStart, writeAttributionPage, type AttributionTrack } from '../../src/report/attribution-page.js';
import { alignmentPadding, consensus, renderMotifPage, writeMotifPage, type MotifRecord } from '../../src/report/motif-page.js';

const NASTY = 'x<y & "z"';

const VOID = new Set(['meta', 'br', 'img', 'input', 'link', 'hr']);

/** Every non-void element is closed in order (a cheap well-formedness check; self-closing SVG tags count as closed). */
function assertBalanced(html: string): void {
  const stack: string[] = [];
  for (const m of html.replace(/<!doctype[^>]*>/i, '').matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self || VOID.has(name!.toLowerCase())) continue;
    if (close) assert.equal(stack.pop(), name, `closing </${name}>`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, []);
}

/** The offline / escaping checks every page must pass. */
function assertSafePage(html: string, hasNastyName = true): void {
  assert.ok(html.startsWith('<!doctype html>'));
  assertBalanced(html);
  assert.ok(!/<script/i.test(html), 'no <script>');
  assert.ok(!/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i.test(html), 'no external src / href');
  assert.ok(!/url\(\s*["']?(https?:)?\/\//i.test(html), 'no external CSS url()');
  assert.ok(!/@import/i.test(html));
  assert.ok(!/\son[a-z]+\s*=/i.test(html), 'no event handler attributes');
  assert.ok(!html.includes(NASTY), 'raw name must not appear');
  if (hasNastyName) assert.ok(html.includes('x&lt;y &amp; &quot;z&quot;'), 'name escaped');
  // every <use> refers to a glyph defined once in the page
  assert.equal(html.match(/<symbol id="strand-glyph-A"/g)!.length, 1);
  for (const m of html.matchAll(/<use href="([^"]*)"/g)) assert.match(m[1]!, /^#strand-glyph-[ACGT]$/);
}

function oneHotTimes(sequence: string, weight: (i: number) => number): number[][] {
  return [...sequence].map((ch, i) => {
    const row = [0, 0, 0, 0];
    const b = 'ACGT'.indexOf(ch);
    if (b >= 0) row[b] = weight(i);
    return row;
  });
}

function randomSequence(n: number, seed: number): string {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return 'ACGT'[s % 4]!;
  }).join('');
}

test('attribution page: header names method and task, one track per sequence, predictions, wrapped rows', () => {
  const short = 'ACGTACGTTTGACTCA';
  const medium = randomSequence(250, 7);
  const tracks: AttributionTrack[] = [
    { id: NASTY, sequence: short, attributions: oneHotTimes(short, (i) => (i % 3 === 0 ? -0.2 : 0.3)), predictions: { [NASTY]: 0.91, other: 0.1 } },
    { id: 'medium', sequence: medium, attributions: oneHotTimes(medium, (i) => Math.sin(i / 5)), predictions: { ctcf: 0.5 } },
  ];
  const html = renderAttributionPage({ method: 'deeplift', task: NASTY, sequences: tracks, title: NASTY, baseline: '20 dinucleotide shuffles' });
  assertSafePage(html);
  assert.match(html, /DeepLIFT/);
  assert.match(html, /task: <strong>x&lt;y &amp; &quot;z&quot;<\/strong>/);
  assert.equal(html.match(/<section class="sequence"/g)!.length, 2);
  assert.match(html, /<tr class="highlight"><td>x&lt;y &amp; &quot;z&quot;<\/td><td>0\.9100<\/td><\/tr>/);
  // 250 bp in rows of 100: three logos for the medium track, one for the short one
  assert.equal(html.match(/class="logo logo-attr"/g)!.length, 1 + 3);
  assert.ok(html.includes('data-pos="201"'));
  assert.ok(!html.includes('class="chart"'), 'no importance chart for sequences drawn in full');
  // negative attributions drawn below the axis (class neg)
  assert.ok(html.includes('class="neg"'));
  for (const m of ['saliency', 'ig', 'ism'] as const) assert.ok(renderAttributionPage({ method: m, task: 't', sequences: [] }).includes('Method:'));
});

test('attribution page: a long sequence gets a full-length importance chart and the top window', () => {
  const L = 3000;
  const seq = randomSequence(L, 3);
  const attributions = oneHotTimes(seq, (i) => (i >= 2100 && i < 2150 ? 1 : 0.01));
  const html = renderAttributionPage({ method: 'ig', task: 'ctcf', sequences: [{ id: 'long', sequence: seq, attributions, predictions: { ctcf: 0.7 } }], windowLength: 200 });
  assertSafePage(html, false);
  assert.equal(html.match(/class="chart"/g)!.length, 1);
  const start = topWindowStart(attributions.map((r) => r.reduce((a, b) => a + b, 0)), 200);
  assert.ok(start <= 2100 && start + 200 >= 2150, `window ${start} covers the planted region`);
  assert.equal(html.match(/class="logo logo-attr"/g)!.length, 2);
  assert.ok(html.includes(`data-pos="${start + 1}"`) && !html.includes(`data-pos="${start}"`));
  assert.throws(() => renderAttributionPage({ method: 'ig', task: 't', sequences: [{ id: 'bad', sequence: 'ACG', attributions: [[0, 0, 0, 0]], predictions: {} }] }), /3 rows/);
  assert.throws(() => renderAttributionPage({ method: 'gradcam' as 'ig', task: 't', sequences: [] }), /saliency, ig, deeplift or ism/);
});

const GATA: number[][] = [
  [0.1, 0.1, 0.7, 0.1],
  [0.9, 0.03, 0.04, 0.03],
  [0.05, 0.05, 0.05, 0.85],
  [0.8, 0.1, 0.05, 0.05],
];

test('alignment padding and consensus', () => {
  assert.deepEqual(alignmentPadding(4, 6, 1), [1, 1, 0, 0]); // query inside the target
  assert.deepEqual(alignmentPadding(4, 6, -2), [0, 4, 2, 0]); // query starts 2 before the target
  assert.deepEqual(alignmentPadding(6, 4, 0), [0, 0, 0, 2]);
  assert.equal(consensus(GATA), 'GATA');
  assert.equal(consensus([[0, 0, 0, 0]]), 'N');
});

test('motif page: logo beside its best match (aligned by offset and strand), matches table, escaping', () => {
  // the target holds the reverse complement of GATA (TATC) after one flanking column
  const targetPwm = [[0.25, 0.25, 0.25, 0.25], [0.05, 0.05, 0.1, 0.8], [0.8, 0.05, 0.05, 0.1], [0.03, 0.03, 0.04, 0.9], [0.1, 0.7, 0.1, 0.1]];
  const motifs: MotifRecord[] = [
    {
      name: NASTY,
      pwm: GATA,
      sites: 120,
      matches: [
        { targetName: 'Other', targetId: 'MA0002.1', pValue: 0.2, qValue: 0.4, offset: 0, strand: '+', targetPwm: GATA },
        { targetName: 'GATA1', targetId: 'MA0035.4', pValue: 1e-6, qValue: 2e-5, offset: 0, strand: '-', targetPwm },
      ],
    },
    { name: 'lonely', pwm: GATA, sites: 10, matches: [] },
  ];
  const html = renderMotifPage({ motifs, source: 'first-layer filters', database: 'JASPAR <core>' });
  assertSafePage(html);
  assert.ok(html.includes('JASPAR &lt;core&gt;'));
  assert.equal(html.match(/<section class="motif"/g)!.length, 2);
  // the best match (lowest p) is drawn, reverse complemented: first section has two logos, the second one
  const first = html.slice(html.indexOf('id="motif-0"'), html.indexOf('id="motif-1"'));
  assert.equal(first.match(/class="logo logo-ic"/g)!.length, 2);
  assert.ok(first.includes('GATA1 MA0035.4 (reverse complement), q = 2.00e-5'));
  // rev. comp. of the 5-column target is GATA + a flat column; query offset 0 and 5 columns -> query padded right by 1
  const [queryLogo, targetLogo] = first.match(/<svg[^]*?<\/svg>/g)!;
  assert.equal(queryLogo!.match(/<g class="col"/g)!.length, 4);
  assert.equal(targetLogo!.match(/<g class="col"/g)!.length, 5);
  assert.ok(queryLogo!.includes('width="'), 'same svg width for aligned logos');
  const widthOf = (svg: string) => Number(/width="(\d+)"/.exec(svg)![1]);
  assert.equal(widthOf(queryLogo!), widthOf(targetLogo!));
  // the tallest letter of target column 1 (after rev. comp.) is G, as in the query
  const col1 = /<g class="col" data-pos="1">(.*?)<\/g>/.exec(targetLogo!)![1]!;
  const tallest = [...col1.matchAll(/glyph-([ACGT])" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"/g)].sort((a, b) => Number(b[2]) - Number(a[2]))[0]!;
  assert.equal(tallest[1], 'G');
  // matches table sorted by p, significant row highlighted
  const table = first.slice(first.indexOf('<table class="matches">'));
  assert.ok(table.indexOf('MA0035.4') < table.indexOf('MA0002.1'));
  assert.match(table, /<tr class="highlight"><td>1<\/td><td>MA0035\.4<\/td><td>GATA1<\/td><td>−<\/td><td>0<\/td><td>1\.00e-6<\/td><td>2\.00e-5<\/td><\/tr>/);
  assert.ok(!table.includes('<th>score</th>'));
  assert.ok(html.includes('No database matches.'));
  assert.ok(html.includes('1 with a match at q &lt; 0.05'));
});

test('pages write to /tmp/strand-logo to look at (drawn in Chromium by test/browser/logo-pages)', () => {
  mkdirSync('/tmp/strand-logo', { recursive: true });
  const seq = randomSequence(320, 11);
  writeAttributionPage('/tmp/strand-logo/attributions.html', {
    method: 'saliency',
    task: 'ctcf',
    sequences: [{ id: 'example', sequence: seq, attributions: oneHotTimes(seq, (i) => Math.cos(i / 7) * (i > 150 && i < 170 ? 3 : 0.3)), predictions: { ctcf: 0.83, gata1: 0.12 } }],
  });
  writeMotifPage('/tmp/strand-logo/motifs.html', {
    motifs: [{ name: 'filter 3', pwm: GATA, sites: 80, matches: [{ targetName: 'GATA1', targetId: 'MA0035.4', pValue: 1e-6, qValue: 1e-5, offset: 1, strand: '+', score: 3.512, overlap: 4, targetPwm: [[0.25, 0.25, 0.25, 0.25], ...GATA] }] }],
  });
  const motifsHtml = readFileSync('/tmp/strand-logo/motifs.html', 'utf8');
  assert.match(motifsHtml, /<th>overlap<\/th><th>score<\/th>/);
  assert.match(motifsHtml, /<td>1<\/td><td>4<\/td><td>3\.512<\/td>/);
  assertSafePage(readFileSync('/tmp/strand-logo/motifs.html', 'utf8'), false);
  assertSafePage(readFileSync('/tmp/strand-logo/attributions.html', 'utf8'), false);
});
