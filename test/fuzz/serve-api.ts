/**
 * Fuzzing the `strand serve` JSON API: random bodies and headers (wrong types, huge arrays,
 * deep nesting, bad content types, invalid UTF-8, cut-off JSON) against a running server with
 * a small trained model. Bad input must never be a 500 or go unanswered, and the worker must
 * stay alive: a valid prediction is asked for every 25 requests and at the end.
 */
import { Random } from '../../src/data/random.js';
import { randomDna, tempDir, writeGenome } from '../data/genomic-fixtures.js';
import { httpRequest, type HttpAnswer } from '../helpers/http-request.js';
import { startServe } from '../helpers/serve-process.js';
import { trainPlantedModel } from '../helpers/trained-model.js';
import { inputSeed, SeededRandom } from './prng.js';

export interface ServeFuzzOptions {
  requests: number;
  seed: number;
  /** Per-request time box, ms. Default 30,000 (explain with many steps is slow on a busy machine). */
  timeoutMs?: number;
}

export interface ServeFuzzReport {
  requests: number;
  /** HTTP status -> count. */
  statuses: Record<string, number>;
  failures: string[];
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  what: string;
}

const ROUTES = ['/api/predict', '/api/explain', '/api/score-variant', '/api/model', '/api/none', '/'];
const CONTENT_TYPES = ['application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '', 'multipart/form-data; boundary=x', 'APPLICATION/JSON'];
const DNA = 'ACGTTGCATCGTACCTGACTCGTACTTGCAAGATAAGG';

/** A random JSON value, `depth` levels at most. */
function randomValue(random: SeededRandom, depth: number): unknown {
  switch (random.below(depth > 0 ? 9 : 6)) {
    case 0: return null;
    case 1: return random.chance(0.5);
    case 2: return random.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 65, 10_000_000]);
    case 3: return random.pick(['', 'ACGT', DNA, 'acgtn', 'NNNN', 'AC GT', 'ACGU', '\u00e9\u0000\ud800', 'chr1:100 A>G', 'chr1:0 A>', 'saliency', 'ism', 'deeplift', 'ig', 'GATA1', 'counts']);
    case 4: return DNA.repeat(random.between(1, 400));
    case 5: return '>s1\nACGT\n>s2\n' + 'A'.repeat(random.between(0, 300));
    case 6: return Array.from({ length: random.between(0, 6) }, () => randomValue(random, depth - 1));
    case 7: return Array.from({ length: random.pick([65, 100, 2000]) }, () => ({ sequence: DNA }));
    default: return Object.fromEntries(Array.from({ length: random.between(0, 4) }, () => [random.pick(FIELDS), randomValue(random, depth - 1)]));
  }
}

const FIELDS = ['sequences', 'sequence', 'fasta', 'id', 'method', 'task', 'head', 'steps', 'shuffles', 'variant', 'chrom', 'pos', 'ref', 'alt', 'bothStrands', 'leftAlign', '__proto__', 'constructor'];

/** A request body: mostly objects with the API's field names and random values; sometimes broken bytes. */
function randomBody(random: SeededRandom): { body: Buffer; what: string } {
  const kind = random.below(10);
  if (kind === 0) {
    const depth = random.pick([100, 5000, 200_000]);
    return { body: Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`), what: `nested ${depth} deep` };
  }
  if (kind === 1) {
    const json = Buffer.from(JSON.stringify({ sequence: DNA }));
    return { body: Buffer.concat([json.subarray(0, 5), Buffer.from([0xc3, 0x28, 0xff, 0x80]), json.subarray(5)]), what: 'invalid UTF-8' };
  }
  if (kind === 2) {
    const text = JSON.stringify({ sequences: [{ sequence: DNA }] });
    return { body: Buffer.from(text.slice(0, random.below(text.length))), what: 'cut-off JSON' };
  }
  if (kind === 3) return { body: Buffer.alloc(random.pick([1 << 20, (1 << 20) + 10, 3 << 20]), 0x41), what: 'over 1 MiB' };
  const value = kind < 6 ? randomValue(random, 3) : Object.fromEntries(Array.from({ length: random.between(1, 4) }, () => [random.pick(FIELDS), randomValue(random, 3)]));
  const text = JSON.stringify(value) ?? 'null';
  return { body: Buffer.from(text), what: text.length > 120 ? `${text.slice(0, 117)}...` : text };
}

function randomRequest(random: SeededRandom): FuzzRequest {
  const path = random.chance(0.85) ? random.pick(ROUTES.slice(0, 3)) : random.pick(ROUTES);
  const method = random.chance(0.85) ? 'POST' : random.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
  const headers: Record<string, string> = {};
  const contentType = random.pick(CONTENT_TYPES);
  if (contentType !== '') headers['Content-Type'] = contentType;
  if (random.chance(0.1)) headers['Accept'] = random.pick(['text/html', '*/*', 'application/xml']);
  if (random.chance(0.05)) headers['Expect'] = '100-continue';
  const { body, what } = method === 'GET' && random.chance(0.5) ? { body: undefined, what: 'no body' } : randomBody(random);
  // node's client sends a GET / DELETE / OPTIONS body with neither length nor chunking unless told
  if (body !== undefined) headers['Content-Length'] = String(body.length);
  return { method, path, headers, body, what };
}

function withTimeout(promise: Promise<HttpAnswer>, ms: number): Promise<HttpAnswer | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Trains the small model, starts `strand serve` with a genome, sends the requests, stops it. */
export async function fuzzServeApi({ requests, seed, timeoutMs = 30_000 }: ServeFuzzOptions): Promise<ServeFuzzReport> {
  const tmp = tempDir('strand-fuzz-serve-');
  const random = new Random(3);
  const genome = writeGenome([['chr1', randomDna(random, 4000)]]);
  const report: ServeFuzzReport = { requests, statuses: {}, failures: [] };
  try {
    const serve = await startServe(['--model', trainPlantedModel(tmp.dir, { count: 400, epochs: 1 }), '--genome', genome.path]);
    const url = (path: string) => new URL(path, serve.url).href;
    const validPredict = async (): Promise<string | undefined> => {
      const r = await withTimeout(httpRequest(url('/api/predict'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sequence: DNA }) }), timeoutMs);
      return r !== 'timeout' && r.status === 200 ? undefined : `a valid prediction failed: ${r === 'timeout' ? 'no answer' : `${r.status} ${r.text.slice(0, 200)}`}`;
    };
    try {
      for (let i = 0; i < requests; i++) {
        const request = randomRequest(new SeededRandom(inputSeed('serve', seed, i)));
        const answer = await withTimeout(httpRequest(url(request.path), { method: request.method, headers: request.headers, body: request.body }).catch((e: Error) => ({ status: -1, text: e.message, headers: {}, json: undefined })), timeoutMs);
        // a body over the 1 MiB limit may be refused before it is read: the connection closes under the writer
        const refusedEarly = answer !== 'timeout' && answer.status < 0 && (request.body?.length ?? 0) > 1 << 20 && /EPIPE|ECONNRESET/.test(answer.text);
        const status = answer === 'timeout' ? 'timeout' : refusedEarly ? 'closed before the body was sent' : String(answer.status);
        report.statuses[status] = (report.statuses[status] ?? 0) + 1;
        const where = `#${i} ${request.method} ${request.path} [${request.headers['Content-Type'] ?? 'no content type'}] ${request.what}`;
        if (answer === 'timeout') report.failures.push(`${where}: no answer within ${timeoutMs} ms`);
        else if (!refusedEarly && (answer.status >= 500 || answer.status < 0)) report.failures.push(`${where}: ${answer.status} ${answer.text.slice(0, 200)}`);
        else if (answer.status >= 400 && !(answer.json as { error?: { message?: unknown } } | undefined)?.error?.message) report.failures.push(`${where}: ${answer.status} without a JSON error message`);
        if (serve.child.exitCode !== null || serve.child.signalCode !== null) {
          report.failures.push(`${where}: the server exited:\n${serve.stderr().slice(-1000)}`);
          break;
        }
        if (i % 25 === 24) {
          const problem = await validPredict();
          if (problem !== undefined) report.failures.push(`after ${where}: ${problem}`);
        }
      }
      const problem = await validPredict();
      if (problem !== undefined) report.failures.push(`at the end: ${problem}`);
    } finally {
      await serve.stop('SIGKILL');
    }
  } finally {
    genome.remove();
    tmp.remove();
  }
  return report;
}

export function formatServeReport(report: ServeFuzzReport): string {
  const statuses = Object.entries(report.statuses).sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s}: ${n}`).join(', ');
  return [`serve API: ${report.requests} requests; statuses ${statuses}; ${report.failures.length} failures`, ...report.failures.slice(0, 10).map((f) => `  ${f}`)].join('\n');
}
