/**
 * Headless Chromium for the browser tests, through playwright-core and the system's Chromium
 * (Debian's `chromium`, installed by scripts/setup.sh --peers). Where it is missing the browser
 * tests are skipped with the reason, except under CI=true, where they fail.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.STRAND_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The `skip` option of a browser test: a reason when Chromium is missing outside CI, else false. */
export function browserSkip(): string | false {
  if (existsSync(CHROMIUM) || process.env.CI === 'true') return false;
  return `no Chromium at ${CHROMIUM}: install Debian's chromium (make test does) or set STRAND_CHROMIUM`;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser tests need Chromium at ${CHROMIUM} (scripts/setup.sh --peers installs Debian's chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
}

/** What a page did that a self-contained page must not: console errors, script errors, requests elsewhere. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests whose URL does not satisfy `allowed`. */
  foreignRequests: string[];
}

/** Starts recording a page's console errors, uncaught errors and requests not `allowed`. */
export function watchPage(page: Page, allowed: (url: string) => boolean): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], foreignRequests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  page.on('request', (r) => {
    if (!allowed(r.url())) problems.foreignRequests.push(r.url());
  });
  return problems;
}

/** True when `bytes` is a PNG of at least `width` x `height` pixels. */
export function isPngAtLeast(bytes: Buffer, width: number, height: number): boolean {
  const signature = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return signature && bytes.readUInt32BE(16) >= width && bytes.readUInt32BE(20) >= height;
}
