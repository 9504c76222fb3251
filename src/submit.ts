import { whenAborted } from './abort.js';
import { shown } from './config.js';
import { defaultMessage, LivenessError } from './errors.js';
import { blobToBase64 } from './encoder.js';
import { assertThreshold, interpretResponse } from './response.js';
import type { Outcome } from './response.js';

/** Longest answer read from the backend (1 MiB); a longer one is an INVALID_RESPONSE. Real answers are < 1 KB. */
export const MAX_RESPONSE_BYTES = 1_048_576;

export interface SubmitOptions {
  /** The liveness endpoint, absolute or relative to the document. Must be http(s). */
  endpoint: string;
  /** The JPEG to check. */
  image: Blob;
  /** `prob_real` must be strictly greater than this to pass; a finite number in [0, 1]. */
  threshold: number;
  /** Sent as `x-api-key` when set (non-empty). Takes precedence over an `x-api-key` in `headers`. */
  apiKey?: string | null;
  /** Sent as `x-liveness-session` when set (non-empty): the session the page's server opened for this check. */
  session?: string | null;
  /** Extra headers (e.g. Authorization). They cannot replace `Content-Type`, which is always `application/json`. */
  headers?: Record<string, string>;
  /** Aborting cancels the request; `submitImage` then rejects with the AbortError. */
  signal?: AbortSignal;
  /**
   * Give up when the answer (status and body) has not arrived within this many milliseconds: the request is
   * aborted and the outcome is a `NETWORK_ERROR`. Absent, 0 or not finite: no timeout of our own.
   */
  timeoutMs?: number;
}

/**
 * POSTs `{"data":"<base64>"}` to the endpoint and interprets the answer with {@link interpretResponse}.
 *
 * - Resolves with a verdict or an error outcome; a network failure (including a refused redirect and an
 *   endpoint that is not a valid http(s) URL) is a `NETWORK_ERROR` outcome.
 * - A `timeoutMs` that expires aborts the request and resolves with a `NETWORK_ERROR` outcome.
 * - Rejects with the abort reason (an AbortError) when `signal` aborts; the caller drops it silently.
 * - Throws a `LivenessError` `INVALID_CONFIG` before any request when `threshold` is not a finite number in
 *   [0, 1] or a header name or value is one the Fetch API refuses. The element checks both at `start()`; this
 *   is the second line, for a value changed during an attempt: it can never become a pass.
 *
 * Request policy: `redirect: 'error'` — a redirect (for a POST, a 307/308 would resend the body) must never
 * carry the face image to a place the page did not name, so any redirect is refused and reported as a network
 * error; `credentials: 'same-origin'` — cookies only go to the page's own backend, never to a third-party
 * endpoint; `cache: 'no-store'`; `referrerPolicy: 'strict-origin-when-cross-origin'`.
 */
export async function submitImage(options: SubmitOptions): Promise<Outcome> {
  const { signal } = options;
  try {
    assertThreshold(options.threshold);
  } catch (cause) {
    throw new LivenessError('INVALID_CONFIG', `${shown('threshold', options.threshold)} must be a number from 0 to 1.`, { cause });
  }
  signal?.throwIfAborted();

  const url = resolveEndpoint(options.endpoint);
  if (!url) {
    return networkError(`The liveness endpoint is not a valid http(s) URL: ${JSON.stringify(String(options.endpoint))}.`);
  }

  const headers = new Headers();
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    try {
      headers.set(name, value);
    } catch (cause) {
      throw new LivenessError('INVALID_CONFIG', `headers: ${JSON.stringify(name)} is not a valid HTTP header name or value.`, { cause });
    }
  }
  if (options.apiKey) {
    try {
      headers.set('x-api-key', options.apiKey);
    } catch (cause) {
      throw new LivenessError('INVALID_CONFIG', 'api-key is not a valid HTTP header value.', { cause });
    }
  }
  if (options.session) {
    try {
      headers.set('x-liveness-session', options.session);
    } catch (cause) {
      throw new LivenessError('INVALID_CONFIG', 'session is not a valid HTTP header value.', { cause });
    }
  }
  headers.set('Content-Type', 'application/json');

  // Base64 needs no JSON escaping, so this is exactly JSON.stringify({ data }) without a second 10 MB copy.
  const body = `{"data":"${await blobToBase64(options.image)}"}`;
  signal?.throwIfAborted();

  const timeoutMs = options.timeoutMs;
  const timed = typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0;
  const request = new AbortController();
  let timedOut = false;
  const unlisten = whenAborted(signal, (reason) => request.abort(reason));
  const timer = timed
    ? setTimeout(() => {
        timedOut = true;
        request.abort(new DOMException('The liveness service did not answer in time.', 'TimeoutError'));
      }, timeoutMs)
    : undefined;

  let response: Response;
  let text: string | null;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: request.signal,
      mode: 'cors',
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'strict-origin-when-cross-origin',
    });
    // Over the limit the request is aborted too: WebKit keeps downloading a body whose reader was only cancelled.
    text = await readText(response, MAX_RESPONSE_BYTES, () => request.abort(new DOMException('The answer is too large.', 'AbortError')));
  } catch (cause) {
    if (signal?.aborted) throw signal.reason ?? new DOMException('The request was aborted.', 'AbortError');
    if (timedOut) return networkError(`The liveness service did not answer within ${timeoutMs} ms.`, cause);
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    return networkError(crossOriginHint(url, headers), cause);
  } finally {
    clearTimeout(timer);
    unlisten();
  }
  if (text === null) {
    return {
      kind: 'error',
      error: new LivenessError('INVALID_RESPONSE', `${defaultMessage('INVALID_RESPONSE')} (the answer is larger than ${MAX_RESPONSE_BYTES} bytes)`, { httpStatus: response.status }),
    };
  }
  return interpretResponse(
    {
      status: response.status,
      contentType: response.headers.get('content-type'),
      text,
      retryAfter: response.headers.get('retry-after'),
    },
    options.threshold,
  );
}

/**
 * The body as UTF-8 text, or null when it is longer than `limit` bytes (reading stops there and `stop` aborts the
 * request: a huge or endless answer costs no more than the limit).
 */
async function readText(response: Response, limit: number, stop: () => void): Promise<string | null> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    stop();
    await response.body?.cancel().catch(() => {});
    return null;
  }
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      stop();
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * For an endpoint on another origin, what a failed request may mean: the browser reports a CORS refusal (of the
 * preflight, or of the answer) exactly like a network failure, so the message names both and the headers the
 * server must allow. Undefined (the default message) for a same-origin endpoint.
 */
export function crossOriginHint(url: string, headers: Headers, pageOrigin = globalThis.location?.origin): string | undefined {
  const origin = new URL(url).origin;
  if (!pageOrigin || pageOrigin === 'null' || origin === pageOrigin) return undefined;
  const names = [...headers.keys()].join(', ');
  return `${defaultMessage('NETWORK_ERROR').replace(/\.$/, '')}, or ${origin} refused this page's cross-origin request (CORS): ` +
    `the browser reports both the same way. The server must allow the origin ${pageOrigin} and the request headers ${names} ` +
    '(Access-Control-Allow-Origin and Access-Control-Allow-Headers in its answer to the preflight OPTIONS request).';
}

function resolveEndpoint(endpoint: string): string | null {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') return null;
  try {
    const base = typeof document !== 'undefined' ? document.baseURI : globalThis.location?.href;
    const url = new URL(endpoint, base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function networkError(message?: string, cause?: unknown): Outcome {
  return { kind: 'error', error: new LivenessError('NETWORK_ERROR', message, cause === undefined ? {} : { cause }) };
}
