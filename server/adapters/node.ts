// Adapters from the web-standard handler to Node's `http` module and Connect-style middleware
// (Express, Vite's dev server, Connect itself).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createLivenessHandler, type LivenessHandler, type LivenessHandlerOptions, type RequestContext } from '../handler/handler.js';
import { failure } from '../contract/contract.js';
import { consoleLogger, type LivenessLogger, type Mode, type RequestOutcome } from '../handler/log.js';

export interface NodeAdapterOptions {
  /**
   * Serve only this path and what is below it (e.g. `/api/liveness` also serves `/api/liveness/robust`);
   * other requests go to `next()` (or get 404 without one). Matched against `req.originalUrl ?? req.url`, so it
   * works with and without a Connect/Express mount path. Default: every request.
   */
  path?: string;
  /**
   * Behind a reverse proxy you trust: take the client address from the last `X-Forwarded-For` entry and the
   * public origin from `X-Forwarded-Proto` / `X-Forwarded-Host`. Default false (the socket's address, the
   * `Host` header). Never enable it without such a proxy: the headers are client-controlled.
   */
  trustProxy?: boolean;
  /**
   * Where the adapter logs the requests it answers itself, before the handler (a bad request target or Host,
   * a method `Request` cannot carry such as TRACE): one record each, as the handler's. Default: a JSON line on
   * the console; `false` turns it off.
   */
  log?: LivenessLogger | false;
}

/** Methods a web `Request` refuses to carry (the fetch standard's forbidden methods that reach a request handler). */
const FORBIDDEN_METHODS = new Set(['TRACE', 'TRACK', 'CONNECT']);

export type NextFunction = (error?: unknown) => void;
export type NodeMiddleware = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;

type ConnectRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(',')[0]?.trim() || undefined;
}

/** A Host header value: a DNS name, IPv4 or bracketed IPv6 address, and an optional port. Nothing else. */
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The request's public URL, built from scheme + host + path (+ query) only. Null for a request target that is not
 * a plain path: `//host/…` and `/\host/…` would name another host when resolved against a base URL, and an
 * absolute-form target (`http://…`) is for proxies.
 */
function publicUrl(req: ConnectRequest, trustProxy: boolean): URL | null {
  const target = req.originalUrl ?? req.url ?? '/';
  if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return null;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const proto = (trustProxy && first(req.headers['x-forwarded-proto'])) || (encrypted ? 'https' : 'http');
  const host =
    (trustProxy && first(req.headers['x-forwarded-host'])) ||
    req.headers.host ||
    first(req.headers[':authority']) ||
    'localhost';
  if (!HOST.test(host)) return null;
  const query = target.indexOf('?');
  try {
    const url = new URL(`${proto === 'https' ? 'https' : 'http'}://${host}`);
    url.pathname = query < 0 ? target : target.slice(0, query);
    if (query >= 0) url.search = target.slice(query);
    return url;
  } catch {
    return null;
  }
}

function clientAddress(req: IncomingMessage, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const list = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded ?? '').split(',');
    const last = list.map((s) => s.trim()).filter(Boolean).pop();
    if (last) return last;
  }
  return req.socket.remoteAddress;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection']);

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name.startsWith(':') || HOP_BY_HOP.has(name)) continue;
    try {
      headers.append(name, raw[i + 1]!);
    } catch {
      // A header value fetch's Headers refuses is dropped.
    }
  }
  return headers;
}

/** After an early answer (413 and other refusals), at most this much more of the body is read and dropped… */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
/** …for at most this long. */
const DRAIN_TIMEOUT_MS = 10_000;
const discarding = new WeakSet<IncomingMessage>();
/** Detaches a request's body stream (see `bodyStream`) from the request, for `discard`. */
const bodyStreams = new WeakMap<IncomingMessage, () => void>();

/**
 * Reads the rest of a refused body and drops it, so that the client, which may read nothing until its upload is
 * out (browsers), reads the answer instead of a reset connection. Bounded: past `DRAIN_LIMIT_BYTES` or
 * `DRAIN_TIMEOUT_MS` the connection is closed.
 */
function discard(req: IncomingMessage): void {
  if (discarding.has(req) || req.complete || req.destroyed) return;
  discarding.add(req);
  // A body stream the handler never read (an answer decided from the headers alone) is detached first: left
  // attached it would queue, pause the request once full and stall this drain until the timeout resets the
  // connection, and a client that reads nothing before its upload is out (Firefox) would get a network error
  // instead of the answer.
  bodyStreams.get(req)?.();
  bodyStreams.delete(req);
  let dropped = 0;
  const timer = setTimeout(() => {
    if (!req.complete) req.socket?.destroy();
  }, DRAIN_TIMEOUT_MS);
  timer.unref();
  const done = (): void => clearTimeout(timer);
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.byteLength;
    if (dropped > DRAIN_LIMIT_BYTES) {
      done();
      req.socket?.destroy();
    }
  });
  req.once('end', done);
  req.once('close', done);
  req.resume();
}

/**
 * The request body as a web stream that reads from Node only when asked (backpressure) and, when cancelled
 * (e.g. over the size limit), drops the rest without destroying the socket, so the answer arrives.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let cleanup = (): void => undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const onData = (chunk: Buffer): void => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      };
      const onEnd = (): void => {
        cleanup();
        controller.close();
      };
      const onError = (error: unknown): void => {
        cleanup();
        controller.error(error);
      };
      const onClose = (): void => {
        if (!req.complete) onError(new Error('client closed the request before sending the whole body'));
      };
      cleanup = () => {
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
        req.off('close', onClose);
      };
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
      req.on('close', onClose);
      req.pause();
      bodyStreams.set(req, () => {
        cleanup();
        try {
          controller.error(new Error('the answer was sent before the body was read'));
        } catch {
          // already closed or errored
        }
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      cleanup();
      discard(req);
    },
  });
}

function requestBody(req: ConnectRequest): BodyInit | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  // A body parser ran before this middleware (mount it before them): use what it kept.
  if (req.readableEnded && req.body !== undefined) {
    const body = req.body;
    if (typeof body === 'string') return body;
    if (body instanceof Uint8Array) return body as Uint8Array<ArrayBuffer>;
    return JSON.stringify(body);
  }
  return bodyStream(req);
}

function matches(req: ConnectRequest, path: string | undefined): boolean {
  if (path === undefined) return true;
  const base = path.replace(/\/+$/, '');
  const pathname = (req.originalUrl ?? req.url ?? '/').split('?')[0]!;
  return pathname === base || pathname === `${base}/` || pathname.startsWith(`${base}/`) || base === '';
}

/** Writes a web Response to a Node response. A request body not read whole is drained (see `discard`). */
async function send(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  if (!req.complete) discard(req);
  res.end(body);
}

/** Sends an answer of the adapter itself (a contract `failure()`), closing the connection unless told otherwise. */
function answer(res: ServerResponse, response: Response): void {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  void response.text().then((text) => res.end(text));
}

/** Serves `handler` as Connect-style middleware: `app.use(toNodeMiddleware(handler, { path: '/api/liveness' }))`. */
export function toNodeMiddleware(
  handler: (request: Request, context?: RequestContext) => Promise<Response>,
  options: NodeAdapterOptions = {},
): NodeMiddleware {
  const trustProxy = options.trustProxy ?? false;
  const log = options.log === false ? undefined : (options.log ?? consoleLogger);
  const mode = (handler as Partial<LivenessHandler>).mode;
  /** An answer of the adapter itself: sent, closing the connection, and logged. */
  const refuse = (req: ConnectRequest, res: ServerResponse, status: number, body: { message: string; code: string }, outcome: RequestOutcome, headers: Record<string, string> = {}): void => {
    answer(res, failure(status, body.message, body.code, { connection: 'close', ...headers }));
    try {
      log?.({
        time: new Date().toISOString(),
        level: 'warn',
        event: 'liveness-request',
        ...(mode ? { mode: mode as Mode } : {}),
        method: (req.method ?? '').slice(0, 20),
        path: (req.originalUrl ?? req.url ?? '').split('?')[0]!.slice(0, 200),
        status,
        outcome,
        latencyMs: 0,
        bodyBytes: 0,
        errorCode: body.code,
      });
    } catch {
      // A failing logger must not fail the request.
    }
  };
  return (incoming, res, next) => {
    const req = incoming as ConnectRequest;
    if (!matches(req, options.path)) {
      if (next) next();
      else answer(res, failure(404, 'Not found', 'NOT_FOUND'));
      return;
    }
    // The handler's request.signal aborts when the client goes away before the answer is sent. Registered
    // before the body stream's listeners so the signal is already aborted when that stream errors.
    const aborter = new AbortController();
    const abandoned = (): void => {
      if (!res.writableFinished && !aborter.signal.aborted) aborter.abort();
    };
    req.on('close', () => {
      if (!req.complete) abandoned();
    });
    res.on('close', abandoned);
    const url = publicUrl(req, trustProxy);
    if (!url) {
      refuse(req, res, 400, { message: 'Bad request target or Host', code: 'BAD_REQUEST' }, 'bad-request');
      return;
    }
    if (FORBIDDEN_METHODS.has((req.method ?? '').toUpperCase())) {
      refuse(req, res, 405, { message: 'Method not allowed', code: 'METHOD_NOT_ALLOWED' }, 'method-not-allowed', { allow: 'GET, HEAD, POST, OPTIONS' });
      return;
    }
    const body = requestBody(req);
    const init: RequestInit & { duplex?: 'half' } = {
      method: req.method ?? 'GET',
      headers: requestHeaders(req),
      signal: aborter.signal,
      ...(body !== undefined ? { body, duplex: 'half' } : {}),
    };
    Promise.resolve()
      .then(() => handler(new Request(url, init), { clientAddress: clientAddress(req, trustProxy) }))
      .then((response) => send(req, res, response))
      .catch((error: unknown) => {
        if (next) return next(error);
        if (!res.headersSent) {
          answer(res, failure(500, 'The liveness endpoint failed', 'INTERNAL_ERROR', { connection: 'close' }));
        } else {
          res.destroy();
        }
      });
  };
}

export interface NodeServerOptions extends LivenessHandlerOptions, NodeAdapterOptions {}

export interface LivenessNodeServer extends Server {
  readonly handler: LivenessHandler;
  /**
   * A graceful stop: stops accepting connections, closes the idle ones, answers every new request on an open
   * connection 503 `SHUTTING_DOWN` (`handler.drain()`), lets the requests in flight finish, then closes every
   * connection and the server. Past `timeoutMs` (default 10 000) the connections still busy are cut. Resolves
   * once the server is closed, with the number of requests cut.
   */
  shutdown(timeoutMs?: number): Promise<{ cut: number }>;
}

/**
 * A `node:http` server for a handler (or for the options to make one). Requests outside `path` get 404 JSON.
 * Call `server.listen(port)`; `server.close()` also closes the handler's local backend.
 */
export function createNodeServer(
  handlerOrOptions: LivenessHandler | NodeServerOptions = {},
  adapterOptions: NodeAdapterOptions = {},
): LivenessNodeServer {
  const handler = typeof handlerOrOptions === 'function' ? handlerOrOptions : createLivenessHandler(handlerOrOptions);
  const adapter = typeof handlerOrOptions === 'function' ? adapterOptions : { ...handlerOrOptions, ...adapterOptions };
  const middleware = toNodeMiddleware(handler, adapter);
  const server = createServer((req, res) => middleware(req, res));
  server.on('close', () => {
    void handler.close();
  });
  // Requests whose answer is not yet sent: a shutdown waits for them.
  let active = 0;
  let stopping: Promise<{ cut: number }> | undefined;
  let idle = (): void => undefined;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    active += 1;
    res.once('close', () => {
      active -= 1;
      if (active === 0) idle();
    });
  });
  const shutdown = (timeoutMs = 10_000): Promise<{ cut: number }> => {
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new RangeError('shutdown timeout must be a finite number >= 0');
    stopping ??= new Promise((resolve) => {
      let cut = 0;
      handler.drain();
      const timer = setTimeout(() => {
        cut = active;
        server.closeAllConnections();
      }, timeoutMs);
      server.close(() => {
        clearTimeout(timer);
        resolve({ cut });
      });
      // Every answer is sent: the connections left are idle keep-alive ones (or have not sent a whole request).
      idle = () => server.closeAllConnections();
      if (active === 0) idle();
    });
    return stopping;
  };
  return Object.assign(server, { handler, shutdown });
}
