import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { attributionLogo, informationContent, informationHeights, informationLogo, reverseComplementMatrix } from '../../src/report/logo.js';

interface Letter {
  base: string;
  pos: number;
  y: number;
  height: number;
  width: number;
}

/** Every placed letter of a logo SVG, read back from its <g data-pos> groups and <use> attributes. */
function letters(svg: string): Letter[] {
  const out: Letter[] = [];
  for (const g of svg.matchAll(/<g class="col" data-pos="(-?\d+)">(.*?)<\/g>/g)) {
    for (const u of g[2]!.matchAll(/<use href="#strand-glyph-([ACGT])" x="([-\d.]+)" y="([-\d.]+)" width="([-\d.]+)" height="([-\d.]+)"/g)) {
      out.push({ base: u[1]!, pos: Number(g[1]), y: Number(u[3]), width: Number(u[4]), height: Number(u[5]) });
    }
  }
  return out;
}

/** The pixel y of the zero axis. */
function zeroY(svg: string): number {
  const m = /<line x1="[-\d.]+" x2="[-\d.]+" y1="([-\d.]+)" y2="[-\d.]+" stroke="#999" class="axis-zero"\/>/.exec(svg);
  assert.ok(m, 'zero axis');
  return Number(m[1]);
}

// Hand computation for the PWM below (bits):
// row 0 [1, 0, 0, 0]: H = 0, IC = 2 -> A 2
// row 1 [0.5, 0.5, 0, 0]: H = 1, IC = 1 -> A 0.5, C 0.5
// row 2 [0.25 x 4]: H = 2, IC = 0 -> nothing drawn
// row 3 [0.7, 0.1, 0.1, 0.1]: H = -(0.7 log2 0.7 + 3 * 0.1 log2 0.1) = 0.360201 + 0.996578 = 1.356780, IC = 0.643220
//   -> A 0.450254, C = G = T 0.064322
const PWM = [
  [1, 0, 0, 0],
  [0.5, 0.5, 0, 0],
  [0.25, 0.25, 0.25, 0.25],
  [0.7, 0.1, 0.1, 0.1],
];
const IC3 = 2 - (-(0.7 * Math.log2(0.7)) - 3 * 0.1 * Math.log2(0.1));

test('information content by hand, with and without the small-sample correction', () => {
  assert.equal(informationContent([1, 0, 0, 0]), 2);
  assert.equal(informationContent([0.5, 0.5, 0, 0]), 1);
  assert.equal(informationContent([0.25, 0.25, 0.25, 0.25]), 0);
  assert.ok(Math.abs(IC3 - 0.64322) < 1e-5);
  assert.ok(Math.abs(informationContent([0.7, 0.1, 0.1, 0.1]) - IC3) < 1e-12);
  assert.equal(informationContent([10, 0, 0, 0]), 2); // counts are normalised
  // e(n) = 3 / (2 ln2 n); n = 10 -> 0.216404
  assert.ok(Math.abs(informationContent([1, 0, 0, 0], 10) - (2 - 3 / (2 * Math.LN2 * 10))) < 1e-12);
  assert.equal(informationContent([0.25, 0.25, 0.25, 0.25], 10), 0); // floored at 0
  const h = informationHeights(PWM);
  assert.deepEqual(h[0], [2, 0, 0, 0]);
  assert.deepEqual(h[1], [0.5, 0.5, 0, 0]);
  assert.deepEqual(h[2], [0, 0, 0, 0]);
  assert.ok(Math.abs(h[3]![0]! - 0.7 * IC3) < 1e-12);
});

test('IC logo: drawn letter heights equal p * IC (pixels = bits * height / 2), uniform column empty, smallest at the bottom', () => {
  const plot = 100;
  const svg = informationLogo(PWM, { height: plot, widthPerPosition: 20 });
  const all = letters(svg);
  const px = plot / 2; // pixels per bit
  const at = (pos: number) => all.filter((l) => l.pos === pos);
  assert.deepEqual(at(1).map((l) => [l.base, l.height]), [['A', 2 * px]]);
  assert.deepEqual(at(2).map((l) => [l.base, l.height]).sort(), [['A', 0.5 * px], ['C', 0.5 * px]]);
  assert.equal(at(3).length, 0, 'uniform position has zero height');
  assert.match(svg, /<g class="col" data-pos="3"><\/g>/);
  const p4 = at(4);
  assert.equal(p4.length, 4);
  const byBase = Object.fromEntries(p4.map((l) => [l.base, l]));
  assert.ok(Math.abs(byBase.A!.height - 0.7 * IC3 * px) <= 1e-3);
  for (const b of ['C', 'G', 'T']) assert.ok(Math.abs(byBase[b]!.height - 0.1 * IC3 * px) <= 1e-3);
  // A is the tallest, so it sits on top: the smallest y (top edge) of the column
  assert.equal(Math.min(...p4.map((l) => l.y)), byBase.A!.y);
  // stack touches the baseline and letters do not overlap
  const base = zeroY(svg);
  const sorted = [...p4].sort((a, b) => b.y - a.y);
  assert.ok(Math.abs(sorted[0]!.y + sorted[0]!.height - base) <= 1e-3);
  for (let i = 1; i < sorted.length; i++) assert.ok(Math.abs(sorted[i]!.y + sorted[i]!.height - sorted[i - 1]!.y) <= 2e-3);
  assert.ok(at(1).every((l) => l.width === 20));
  // glyphs defined once, colours as usual
  assert.equal(svg.match(/<symbol /g)!.length, 4);
  assert.match(svg, /href="#strand-glyph-A"[^>]*fill="#109648"/);
});

test('IC logo: small-sample correction lowers heights; reverse complement flips order and bases', () => {
  const svg = informationLogo([[1, 0, 0, 0]], { height: 100, sites: 10 });
  assert.ok(Math.abs(letters(svg)[0]!.height - (2 - 3 / (2 * Math.LN2 * 10)) * 50) <= 1e-3);
  assert.deepEqual(reverseComplementMatrix([[1, 2, 3, 4], [5, 6, 7, 8]]), [[8, 7, 6, 5], [4, 3, 2, 1]]);
  const rc = letters(informationLogo(PWM, { reverseComplement: true }));
  assert.deepEqual(rc.filter((l) => l.pos === 4).map((l) => l.base), ['T']); // position 1 (A) becomes the last, as T
  assert.equal(rc.filter((l) => l.pos === 2).length, 0);
});

test('attribution logo: positive letters above the zero axis, negative below, stacked by magnitude', () => {
  const values = [
    [0.5, 0, 0, 0],
    [0, -0.25, 0, 0],
    [0.2, -0.1, 0.4, -0.3],
  ];
  const svg = attributionLogo(values, { height: 90 });
  const zero = zeroY(svg);
  const all = letters(svg);
  // domain [-0.4, 0.6]: 90 px / 1.0 -> 90 px per unit
  const a = all.find((l) => l.pos === 1)!;
  assert.equal(a.base, 'A');
  assert.ok(Math.abs(a.y + a.height - zero) <= 1e-3 && Math.abs(a.height - 45) <= 1e-3, 'A above the axis');
  const c = all.find((l) => l.pos === 2)!;
  assert.ok(Math.abs(c.y - zero) <= 1e-3 && Math.abs(c.height - 22.5) <= 1e-3, 'C below the axis');
  const p3 = Object.fromEntries(all.filter((l) => l.pos === 3).map((l) => [l.base, l]));
  assert.ok(p3.A!.y + p3.A!.height <= zero + 1e-3 && p3.G!.y + p3.G!.height <= zero + 1e-3);
  assert.ok(p3.C!.y >= zero - 1e-3 && p3.T!.y >= zero - 1e-3);
  assert.ok(p3.A!.y > p3.G!.y, 'smaller positive (A 0.2) nearest the axis, G 0.4 above it');
  assert.ok(Math.abs(p3.C!.y - zero) <= 1e-3 && p3.T!.y > p3.C!.y, 'smaller negative (C -0.1) nearest the axis, T below');
  assert.ok(Math.abs(p3.T!.height - 27) <= 1e-3);
  assert.ok(svg.includes('class="neg"'));
});

test('bad input is rejected with what was expected and what came', () => {
  assert.throws(() => informationLogo([[0.5, 0.5, 0]]), /4 columns/);
  assert.throws(() => informationLogo([[0.5, 0.5, -0.1, 0.1]]), /probabilities >= 0/);
  assert.throws(() => attributionLogo([[0, Number.NaN, 0, 0]]), /finite/);
});

test('titles are escaped; sample logos are written to /tmp/strand-logo to look at (drawn in Chromium by test/browser/logo-pages)', () => {
  const svg = informationLogo(PWM, { title: 'a<b & "c"' });
  assert.ok(svg.includes('a&lt;b &amp; &quot;c&quot;'));
  assert.ok(!svg.includes('a<b'));
  mkdirSync('/tmp/strand-logo', { recursive: true });
  writeFileSync('/tmp/strand-logo/sample-ic.svg', informationLogo(PWM, { title: 'sample PWM', widthPerPosition: 30, height: 120 }));
  writeFileSync('/tmp/strand-logo/sample-attr.svg', attributionLogo([[0.5, 0, 0, 0], [0, -0.25, 0, 0], [0.2, -0.1, 0.4, -0.3]], { title: 'sample attributions', widthPerPosition: 30 }));
});
