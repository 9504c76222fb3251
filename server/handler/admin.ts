// Session routes for an app server on another host: open a session and read its result over HTTP, with a
// bearer token. The command (`liveness-capture-server`) serves them when LIVENESS_ADMIN_TOKEN is set.

import { createHash, timingSafeEqual } from 'node:crypto';
import { readLimitedBody } from './body.js';
import { CAMERA_POLICIES, type CameraPolicy } from '../contract/capture-header.js';
import { VARIANTS, failure, json, type Variant } from '../contract/contract.js';
import type { RequestContext } from './handler.js';
import { consoleLogger, type AdminLogRecord, type AdminLogger } from './log.js';
import type { LivenessSessions } from '../stores/sessions.js';
import { StoreFullError, StoreUnavailableError } from '../stores/store.js';
import { metricsResponse } from './metrics.js';
import type { Registry } from 'prom-client';

export interface SessionRoutesOptions {
  /** The bearer token the app server sends (`Authorization: Bearer <token>`). At least 16 characters. */
  adminToken: string;
  /** Where the routes live. Default `/sessions`. */
  path?: string;
  /** One record per request, never with the token or a session id. Default: a JSON line on the console. */
  log?: AdminLogger | false;
  /**
   * A client address with `max` failed requests (401) within `windowMs` gets 429 `RATE_LIMITED`, before any token
   * check, until the window ends. Needs the adapter's client address (requests without one are not limited).
   * Default `{ max: 10, windowMs: 60_000 }`.
   */
  failedAuthLimit?: { max: number; windowMs: number };
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * Serves this registry (e.g. `handler.metrics`) in the Prometheus text format at `GET {metricsPath}`, behind
   * the same bearer token. Default: not served.
   */
  metrics?: Registry;
  /** Where `metrics` is served. Default `/metrics`. */
  metricsPath?: string;
}

/** Most client addresses whose failures are remembered; the oldest are forgotten first. */
const MAX_FAILING_CLIENTS = 10_000;

/** Most bytes a session request body may have. */
const ADMIN_BODY_LIMIT = 4096;
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** The media type the image's first bytes name (JPEG, PNG, WebP), else octet-stream. */
function imageType(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') return 'image/webp';
  return 'application/octet-stream';
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Below this many bits of estimated entropy, the command warns about the admin token. */
export const WEAK_ADMIN_TOKEN_BITS = 48;

/**
 * An upper estimate of a token's entropy in bits: its length times the Shannon entropy of its own character
 * frequencies. 16 × `a` has 0 bits, `openssl rand -base64 32` about 220. A high estimate proves nothing (a
 * dictionary word scores well); a low one is surely weak.
 */
export function estimateTokenBits(token: string): number {
  const chars = [...token];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / chars.length) * Math.log2(n / chars.length);
  return chars.length * perChar;
}

interface AdminAnswer {
  response: Response;
  outcome: AdminLogRecord['outcome'];
  detail?: string;
}

const answer = (response: Response, outcome: AdminAnswer['outcome'], detail?: string): AdminAnswer => ({
  response,
  outcome,
  ...(detail ? { detail } : {}),
});

/**
 * `POST {path}` (JSON `{"subject"?, "variant"?, "camera"?}`) → 201 `{"id", "expiresAt"}`; `GET {path}/{id}` → the
 * session result (404 when unknown); `POST {path}/{id}/consume` → a passed result once, else 409;
 * `GET {path}/{id}/evidence` → `{"evidence": "<jws>"}`; `GET {path}/{id}/images/{n}` → attempt n's kept image;
 * `DELETE {path}/{id}` → 204, the session, its record and its images gone. Every route needs the
 * bearer token (compared in constant time; 401 otherwise). A store too full for a new session gives 503
 * `SESSION_STORE_FULL`. Resolves null for a request outside `path`; every other request is logged.
 */
export function createSessionRoutes(
  sessions: LivenessSessions,
  options: SessionRoutesOptions,
): (request: Request, context?: RequestContext) => Promise<Response | null> {
  const token = options.adminToken?.trim() ?? '';
  // The Authorization header carries one word: a token with whitespace inside could never be sent.
  if (/\s/.test(token)) throw new Error('the admin token must not contain whitespace (it could never be sent as a bearer token)');
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new Error(`the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters; use e.g. \`openssl rand -base64 32\``);
  }
  const expected = digest(token);
  const base = (options.path ?? '/sessions').replace(/\/+$/, '');
  const log = options.log === false ? undefined : (options.log ?? consoleLogger);
  const { max, windowMs } = options.failedAuthLimit ?? { max: 10, windowMs: 60_000 };
  if (!Number.isInteger(max) || max < 1 || !(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new Error('failedAuthLimit needs an integer max >= 1 and a finite windowMs > 0');
  }
  const clock = options.now ?? Date.now;
  const metrics = options.metrics;
  const metricsPath = options.metricsPath ?? '/metrics';
  const failures = new Map<string, { count: number; resetAt: number }>();

  /** Seconds until `client` may try again, or 0. */
  const blockedFor = (client: string | undefined, now: number): number => {
    const entry = client === undefined ? undefined : failures.get(client);
    if (!entry || now >= entry.resetAt || entry.count < max) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
  };
  const recordFailure = (client: string | undefined, now: number): void => {
    if (client === undefined) return;
    const entry = failures.get(client);
    if (entry && now < entry.resetAt) {
      entry.count += 1;
      return;
    }
    failures.delete(client);
    if (failures.size >= MAX_FAILING_CLIENTS) {
      for (const [key, e] of failures) if (now >= e.resetAt) failures.delete(key);
      if (failures.size >= MAX_FAILING_CLIENTS) failures.delete(failures.keys().next().value as string);
    }
    failures.set(client, { count: 1, resetAt: now + windowMs });
  };

  const authorized = (request: Request): boolean => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    // Digests have one length: the comparison takes the same time whatever was sent.
    return timingSafeEqual(digest(match?.[1] ?? ''), expected) && match !== null;
  };

  async function scrape(request: Request): Promise<AdminAnswer> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return answer(failure(405, 'Method not allowed', 'METHOD_NOT_ALLOWED', { allow: 'GET, HEAD' }), 'method-not-allowed');
    }
    return answer(await metricsResponse(metrics!), 'metrics');
  }

  async function route(request: Request, rest: string[]): Promise<AdminAnswer> {
    if (rest.length === 0) {
      if (request.method !== 'POST') {
        return answer(failure(405, 'Method not allowed', 'METHOD_NOT_ALLOWED', { allow: 'POST' }), 'method-not-allowed');
      }
      const body = await readLimitedBody(request, ADMIN_BODY_LIMIT, 5000);
      if (!body.ok) return answer(failure(413, 'The session request is too large', 'PAYLOAD_TOO_LARGE'), 'bad-request');
      let input: { subject?: unknown; variant?: unknown; camera?: unknown } = {};
      const bad = (message: string): AdminAnswer => answer(failure(400, message, 'BAD_REQUEST'), 'bad-request', message);
      if (body.size > 0) {
        try {
          input = JSON.parse(new TextDecoder().decode(body.bytes)) as typeof input;
        } catch {
          return bad('The session request must be JSON');
        }
        if (input === null || typeof input !== 'object' || Array.isArray(input)) {
          return bad('The session request must be a JSON object');
        }
      }
      const { subject, variant, camera } = input;
      if (camera !== undefined && !(CAMERA_POLICIES as readonly unknown[]).includes(camera)) {
        return bad('camera must be "any", "no-virtual" or "strict"');
      }
      if (subject !== undefined && (typeof subject !== 'string' || subject.length === 0 || subject.length > 200)) {
        return bad('subject must be a string of 1 to 200 characters');
      }
      if (variant !== undefined && !(VARIANTS as readonly unknown[]).includes(variant)) {
        return bad('variant must be "antispoofing" or "robust"');
      }
      try {
        const created = await sessions.createSession({
          ...(subject !== undefined ? { subject } : {}),
          ...(variant !== undefined ? { variant: variant as Variant } : {}),
          ...(camera !== undefined ? { camera: camera as CameraPolicy } : {}),
        });
        return answer(json(201, created), 'created');
      } catch (error) {
        if (!(error instanceof StoreFullError)) throw error;
        return answer(
          failure(503, 'The session store is full; try again later', 'SESSION_STORE_FULL', { 'retry-after': '60' }),
          'store-full',
          error.message,
        );
      }
    }

    const [id, action] = rest;
    if (rest.length === 1 && (request.method === 'GET' || request.method === 'HEAD')) {
      const result = await sessions.getSessionResult(id!);
      return result
        ? answer(json(200, result), 'read')
        : answer(failure(404, 'Unknown liveness session', 'SESSION_UNKNOWN'), 'not-found');
    }
    // --- evidence: the signed record, kept images, and deletion of both ---
    if (rest.length === 1 && request.method === 'DELETE') {
      return (await sessions.deleteSession(id!))
        ? answer(new Response(null, { status: 204 }), 'deleted')
        : answer(failure(404, 'Unknown liveness session', 'SESSION_UNKNOWN'), 'not-found');
    }
    if (rest.length === 2 && action === 'evidence' && (request.method === 'GET' || request.method === 'HEAD')) {
      const evidence = await sessions.getEvidence(id!);
      return evidence
        ? answer(json(200, { evidence }), 'read')
        : answer(failure(404, 'No evidence record for this session', 'NO_EVIDENCE'), 'not-found');
    }
    if (rest.length === 3 && action === 'images' && (request.method === 'GET' || request.method === 'HEAD')) {
      const image = /^[1-9]\d{0,2}$/.test(rest[2]!) ? await sessions.getImage(id!, Number(rest[2])) : null;
      if (!image) return answer(failure(404, 'No kept image for this attempt', 'NO_IMAGE'), 'not-found');
      return answer(new Response(image as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers: { 'content-type': imageType(image), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
      }), 'read');
    }
    if (rest.length === 2 && action === 'consume' && request.method === 'POST') {
      const result = await sessions.consumeSessionResult(id!);
      return result
        ? answer(json(200, result), 'consumed')
        : answer(failure(409, 'No unconsumed pass in this session', 'NOT_PASSED'), 'not-passed');
    }
    return answer(failure(404, 'Not found', 'NOT_FOUND'), 'not-found');
  }

  return async (request, context) => {
    const { pathname } = new URL(request.url);
    const isMetrics = metrics !== undefined && pathname === metricsPath;
    if (!isMetrics && pathname !== base && !pathname.startsWith(`${base}/`)) return null;
    const rest = isMetrics ? [] : pathname.slice(base.length).split('/').filter(Boolean);
    let result: AdminAnswer;
    const client = context?.clientAddress;
    const now = clock();
    const wait = blockedFor(client, now);
    if (wait > 0) {
      result = answer(
        failure(429, 'Too many failed requests; try again later', 'RATE_LIMITED', { 'retry-after': String(wait) }),
        'rate-limited',
        `${max} failed requests from this address within ${windowMs} ms`,
      );
    } else if (!authorized(request)) {
      recordFailure(client, now);
      result = answer(
        failure(401, 'A valid admin bearer token is required', 'UNAUTHORIZED', { 'www-authenticate': 'Bearer' }),
        'unauthorized',
      );
    } else {
      try {
        result = isMetrics ? await scrape(request) : await route(request, rest);
      } catch (error) {
        result = error instanceof StoreUnavailableError ? answer(
          failure(503, 'The session store cannot be reached; try again shortly', 'STORE_UNAVAILABLE', { 'retry-after': '5' }),
          'store-unavailable',
          error.message,
        ) : answer(
          failure(500, 'The session routes failed', 'INTERNAL_ERROR'),
          'internal-error',
          error instanceof Error ? error.message : String(error),
        );
      }
    }
    if (log) {
      const status = result.response.status;
      const record: AdminLogRecord = {
        time: new Date().toISOString(),
        level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
        event: 'liveness-admin',
        method: request.method,
        // Session ids are capabilities: the path is logged with each id replaced.
        path: isMetrics ? metricsPath : [base, ...rest.map((part, i) => (i === 0 ? '{id}' : part.slice(0, 40)))].join('/').slice(0, 200),
        status,
        outcome: result.outcome,
        ...(context?.clientAddress ? { clientAddress: context.clientAddress } : {}),
        ...(result.detail ? { detail: result.detail } : {}),
      };
      try {
        log(record);
      } catch {
        // A failing logger must not fail the request.
      }
    }
    return result.response;
  };
}
