// Guarding the paid API: which browser origins may call, CORS answers, and a per-client rate limit.

export type OriginCheck =
  /** No Origin header (not a browser, or a same-origin GET): nothing to check. */
  | { readonly kind: 'none' }
  | { readonly kind: 'same-origin' }
  /** Cross-origin and listed: the answer carries CORS headers for `origin`. */
  | { readonly kind: 'allowed'; readonly origin: string }
  | { readonly kind: 'rejected'; readonly origin: string };

/**
 * Same-origin by default: a browser request whose `Origin` differs from the request's own origin is rejected
 * unless listed in `allowedOrigins` (exact `scheme://host[:port]` strings; `"*"` allows any origin).
 */
export function checkOrigin(request: Request, allowedOrigins: readonly string[]): OriginCheck {
  const origin = request.headers.get('origin');
  if (origin === null) return { kind: 'none' };
  let own: string;
  try {
    own = new URL(request.url).origin;
  } catch {
    own = '';
  }
  if (origin === own && origin !== 'null') return { kind: 'same-origin' };
  if (allowedOrigins.includes(origin) || (allowedOrigins.includes('*') && origin !== 'null')) {
    return { kind: 'allowed', origin };
  }
  return { kind: 'rejected', origin };
}

export const CORS_ALLOWED_HEADERS = 'content-type, authorization, x-liveness-session, x-liveness-capture';
export const CORS_ALLOWED_METHODS = 'POST, OPTIONS';

/** Headers every answer to an allowed cross-origin request carries. */
export function corsHeaders(check: OriginCheck): Record<string, string> {
  return check.kind === 'allowed' ? { 'access-control-allow-origin': check.origin, vary: 'Origin' } : {};
}

/**
 * The header names a page may send cross-origin beyond the element's own (`allowedHeaders`), normalised: lower
 * case, trimmed, without duplicates. Throws on a name that is not an HTTP token.
 */
export function normaliseAllowedHeaders(names: readonly string[]): string[] {
  const own = new Set(CORS_ALLOWED_HEADERS.split(', '));
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new TypeError(`allowedHeaders: ${JSON.stringify(raw)} is not an HTTP header name`);
    if (!own.has(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Headers of a successful preflight answer; `extraHeaders` from `normaliseAllowedHeaders`. */
export function preflightHeaders(check: OriginCheck, extraHeaders: readonly string[] = []): Record<string, string> {
  return {
    ...corsHeaders(check),
    'access-control-allow-methods': CORS_ALLOWED_METHODS,
    'access-control-allow-headers': [CORS_ALLOWED_HEADERS, ...extraHeaders].join(', '),
    'access-control-max-age': '600',
  };
}

export interface RateLimitOptions {
  /** Sustained rate per client, requests per minute. */
  requestsPerMinute: number;
  /** Bucket size: how many requests a client may make at once. Default `requestsPerMinute`. */
  burst?: number;
  /**
   * The client's key. Default: the client address the adapter passed (see `trustProxy`). Return a user id
   * for logged-in pages. `undefined` falls back to the address.
   */
  key?: (request: Request, clientAddress: string | undefined) => string | undefined;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Most buckets kept; full (idle) buckets are forgotten first. Default 10 000. */
  maxClients?: number;
}

export interface RateLimiter {
  /** 0 when the request may go ahead (and takes a token), else seconds until it may. */
  take(key: string): number | Promise<number>;
}

/**
 * An in-memory token bucket per client. It is per instance: N instances allow N times the rate. For a hard
 * global limit put one in front of all instances (API gateway, reverse proxy, shared store).
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter & { take(key: string): number } {
  const rate = options.requestsPerMinute / 60_000; // tokens per ms
  const burst = options.burst ?? options.requestsPerMinute;
  if (!(rate > 0) || !(burst >= 1)) throw new Error('rateLimit needs requestsPerMinute > 0 and burst >= 1');
  const clock = options.now ?? Date.now;
  const maxClients = options.maxClients ?? 10_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  const refill = (bucket: { tokens: number; at: number }, now: number): void => {
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
  };

  return {
    take(key) {
      const now = clock();
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= maxClients) {
          for (const [k, b] of buckets) {
            refill(b, now);
            if (b.tokens >= burst) buckets.delete(k);
          }
          // Still full of active clients: forget the oldest rather than grow without bound.
          if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value as string);
        }
        bucket = { tokens: burst, at: now };
        buckets.set(key, bucket);
      } else {
        refill(bucket, now);
      }
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000));
    },
  };
}
