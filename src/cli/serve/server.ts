/**
 * The HTTP side of `strand serve` (node:http, main thread): routes, request validation and
 * answers. Model work goes to the worker through `ModelClient`; every error is answered as
 * `{ error: { status, message } }` and never stops the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError, StrandError } from '../../core/errors.js';
import { renderAppPage } from './app-page.js';
import { HttpError } from './http-error.js';
import { readJsonBody, sendError, sendHtml, sendJson } from './http-io.js';
import type { ModelClient } from './model-client.js';
import { DEFAULT_LIMITS, readDesignRequest, readExplainRequest, readPredictRequest, readVariantRequest, type ServeLimits } from './requests.js';
import { designBody, explainBody, modelBody, predictBody, variantBody } from './responses.js';

export interface ServeOptions {
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port; 0 picks a free one (default 8080). */
  port?: number;
  limits?: Partial<ServeLimits>;
  /** Where server-side failures (5xx) are reported; default stderr. */
  log?: (line: string) => void;
}

export interface RunningServer {
  server: Server;
  /** e.g. http://127.0.0.1:8080/ */
  url: string;
  port: number;
  /** Stops accepting connections and waits (at most `graceMs`) for answers in progress. */
  close(graceMs?: number): Promise<void>;
}

type Method = 'GET' | 'POST';
type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Host header values a loopback server answers (others are DNS-rebinding attempts). */
function loopbackHosts(host: string, port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${host.includes(':') ? `[${host}]` : host}:${port}`]);
}

function pathOf(target: string): string {
  try {
    return new URL(target, 'http://localhost').pathname;
  } catch {
    throw new HttpError(400, `malformed request target ${JSON.stringify(target.slice(0, 80))}`);
  }
}

function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  if (err instanceof StrandError && (err.code === 'config' || err.code === 'format' || err.code === 'input')) return 400;
  return 500;
}

function routes(client: ModelClient, limits: ServeLimits): Record<string, Partial<Record<Method, Handler>>> {
  const { info } = client;
  const page = renderAppPage();
  return {
    '/': { GET: async (_req, res) => sendHtml(res, page.html, { 'Content-Security-Policy': page.contentSecurityPolicy }) },
    '/api/model': { GET: async (_req, res) => sendJson(res, 200, modelBody(info, limits)) },
    '/api/predict': {
      POST: async (req, res) => {
        const inputs = readPredictRequest(await readJsonBody(req, limits.maxBodyBytes), limits);
        const result = await client.run({ kind: 'predict', sequences: inputs.sequences });
        sendJson(res, 200, predictBody(info, inputs, result.values));
      },
    },
    '/api/explain': {
      POST: async (req, res) => {
        const request = readExplainRequest(await readJsonBody(req, limits.maxBodyBytes), limits, info.model.task);
        const task = request.task ?? info.model.task.outputs[0]!;
        const { sequences, method, head, steps, shuffles } = request;
        const result = await client.run({ kind: 'explain', sequences, method, task, ...(head !== undefined ? { head } : {}), steps, shuffles });
        sendJson(res, 200, explainBody(info, request, task, result));
      },
    },
    '/api/design': {
      POST: async (req, res) => {
        if (info.model.task.kind === 'masked-lm' || info.model.task.kind === 'causal-lm') {
          req.resume();
          throw new HttpError(422, 'design needs a sequence model; this is a language model');
        }
        const request = readDesignRequest(await readJsonBody(req, limits.maxBodyBytes), limits, { outputs: info.model.task.outputs, length: info.model.input.length! });
        const { id: _id, given: _given, ...job } = request;
        const result = await client.run({ kind: 'design', ...job });
        sendJson(res, 200, designBody(info, request, result));
      },
    },
    '/api/score-variant': {
      POST: async (req, res) => {
        if (info.genome === null) {
          req.resume();
          throw new HttpError(501, 'variant scoring needs a reference genome: start strand serve with --genome FILE');
        }
        const request = readVariantRequest(await readJsonBody(req, limits.maxBodyBytes));
        const result = await client.run({ kind: 'score-variant', ...request });
        sendJson(res, 200, variantBody(request, result));
      },
    },
  };
}

/** The request listener: host check, routing, and the one place errors become JSON answers. */
function requestListener(client: ModelClient, limits: ServeLimits, allowedHosts: () => Set<string> | null, log: (line: string) => void) {
  const table = routes(client, limits);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const respond = async (): Promise<void> => {
      const allowed = allowedHosts();
      if (allowed !== null && !allowed.has((req.headers.host ?? '').toLowerCase())) {
        req.resume();
        throw new HttpError(403, `Host ${JSON.stringify(req.headers.host ?? '')} is not served here; open ${[...allowed][0]} instead`);
      }
      const path = pathOf(req.url ?? '/');
      const route = table[path];
      if (route === undefined) {
        req.resume();
        throw new HttpError(404, `no such page or API: ${req.method ?? ''} ${path}`);
      }
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const handler = route[method as Method];
      if (handler === undefined) {
        req.resume();
        const allow = Object.keys(route).join(', ');
        res.setHeader('Allow', route.GET ? `${allow}, HEAD` : allow);
        throw new HttpError(405, `${path} accepts ${allow}, not ${req.method ?? ''}`);
      }
      await handler(req, res);
    };
    respond().catch((err: unknown) => {
      const status = statusOf(err);
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      if (status >= 500) log(`strand serve: ${req.method ?? ''} ${req.url ?? ''}: ${status} ${message}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // After a 413 or 415 the unread body is dropped; close the connection rather than read it all.
      sendError(res, status, status === 500 && !(err instanceof HttpError) ? `internal error: ${message}` : message, status === 413 ? { Connection: 'close' } : {});
    });
  };
}

/** Listens on `host:port` and answers with the model behind `client`. */
export async function startServer(client: ModelClient, options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let allowed: Set<string> | null = null;
  const server = createServer(requestListener(client, limits, () => allowed, log));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const where = `${host}:${options.port ?? 8080}`;
      reject(
        err.code === 'EADDRINUSE'
          ? new InputError(`cannot listen on ${where}: the port is in use; choose another with --port (0 picks a free one)`)
          : new InputError(`cannot listen on ${where}: ${err.code ?? err.message}`),
      );
    });
    server.listen(options.port ?? 8080, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (isLoopback(host)) allowed = loopbackHosts(host, port);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  const close = async (graceMs = 3000): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
  };
  return { server, url, port, close };
}
