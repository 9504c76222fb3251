// The signed verdict: the handler decides pass or fail itself and signs what it decided, so the page's server
// can trust a result that travelled through the browser.
//
// Token: base64url(JSON claims) + "." + base64url(HMAC-SHA256(secret, "lcv1." + base64url(JSON claims))).

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isProbability, type Variant, VARIANTS } from '../contract/contract.js';
import type { LivenessStore } from './store.js';

export type Decision = 'pass' | 'fail';

/** The `verdict` field added to a success answer. */
export interface VerdictField {
  readonly decision: Decision;
  readonly threshold: number;
  /** Present only when `prob_real` was a valid probability. */
  readonly token?: string;
}

/** Claims inside a token, as serialized (short keys keep the token small). */
interface Claims {
  v: 1;
  /** decision */
  d: Decision;
  /** prob_real */
  p: number;
  /** threshold */
  t: number;
  /** model variant */
  m: Variant;
  /** issued at, ms since the epoch */
  iat: number;
  /** random nonce, base64url of 16 bytes */
  n: string;
  /** SHA-256 of the image bytes, hex */
  h: string;
  /** session id, when the check ran in a session */
  s?: string;
  /** the session's subject (the app's user id) */
  sub?: string;
  /** audience: the browser origin the request came from */
  aud?: string;
}

export interface VerifiedVerdict {
  readonly valid: true;
  readonly decision: Decision;
  readonly probReal: number;
  readonly threshold: number;
  readonly variant: Variant;
  /** Issue time, ms since the epoch. */
  readonly issuedAt: number;
  readonly nonce: string;
  /** Hex SHA-256 of the image bytes the verdict is about. */
  readonly imageSha256: string;
  /** The session the check ran in, when it ran in one. */
  readonly session?: string;
  readonly subject?: string;
  /** The browser origin the request came from, when it had one. */
  readonly audience?: string;
}

export type VerdictRejection =
  | 'malformed'
  | 'bad-signature'
  | 'invalid-claims'
  | 'expired'
  | 'future'
  | 'replayed'
  | 'not-passed'
  | 'wrong-session'
  | 'wrong-subject'
  | 'wrong-audience'
  | 'wrong-variant';

export interface RejectedVerdict {
  readonly valid: false;
  readonly reason: VerdictRejection;
}

export type VerdictResult = VerifiedVerdict | RejectedVerdict;

/** Remembers nonces so a verified token is accepted once. */
export interface NonceStore {
  /** True the first time a nonce is seen (and remembers it until `expiresAt`, ms); false on replay or when full. */
  use(nonce: string, expiresAt: number): boolean | Promise<boolean>;
}

export interface VerifyOptions {
  /**
   * Required. The session id the token must be bound to, or `null` to accept only a token issued without a
   * session (a handler with `sessions: 'off'`).
   */
  session: string | null;
  /** When given, the token's subject must be this. */
  subject?: string;
  /** When given, the token's audience (the page origin that asked) must be this. */
  audience?: string;
  /** When given, the token's model must be this. */
  variant?: Variant;
  /** `pass` (default): only a pass is valid. `any`: a signed fail is valid too (to show it, never to proceed). */
  decision?: 'pass' | 'any';
  /** Tokens older than this are expired. Default 300. A finite number > 0. */
  maxAgeSeconds?: number;
  /** Tolerated clock difference between the issuing and the verifying machine. Default 5. A finite number >= 0. */
  clockSkewSeconds?: number;
  /** Current time, ms since the epoch (or a valid Date). Default `Date.now()`. */
  now?: number | Date;
  /** Records the nonce of an accepted token (shared by instances that share it); a replay is `replayed`. */
  store?: LivenessStore;
  /** A process-local alternative to `store` (see {@link createNonceStore}). */
  nonceStore?: NonceStore;
}

export const DEFAULT_MAX_AGE_SECONDS = 300;
const DEFAULT_SKEW_SECONDS = 5;
const DOMAIN = 'lcv1.';
/** HMAC-SHA256 wants a key of at least its output size. */
export const MIN_SECRET_BYTES = 32;

export type Secret = string | Uint8Array;

/**
 * The key bytes of a secret. A string is trimmed (an environment variable often ends with a newline) and read as
 * UTF-8; bytes are used as they are. Signer and verifier both go through here.
 */
function keyBytes(secret: Secret): Buffer {
  if (typeof secret === 'string') return Buffer.from(secret.trim(), 'utf8');
  if (secret instanceof Uint8Array) return Buffer.from(secret);
  throw new TypeError('The verdict secret must be a string or a Uint8Array');
}

/** Throws when the secret is too short to sign with (or missing). */
export function assertSecret(secret: Secret): void {
  if (keyBytes(secret).byteLength < MIN_SECRET_BYTES) {
    throw new Error(
      `The verdict secret must be at least ${MIN_SECRET_BYTES} bytes; use e.g. \`openssl rand -base64 32\`.`,
    );
  }
}

function mac(secret: Secret, payload: string): Buffer {
  return createHmac('sha256', keyBytes(secret)).update(DOMAIN + payload).digest();
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface VerdictInput {
  probReal: unknown;
  threshold: number;
  variant: Variant;
  /** Hex SHA-256 of the image bytes the verdict is about. */
  imageSha256: string;
  session?: string | undefined;
  subject?: string | undefined;
  audience?: string | undefined;
  /** ms since the epoch. Default `Date.now()`. */
  now?: number;
}

/**
 * Decides pass or fail (`prob_real > threshold`, strictly) and signs it. A `prob_real` that is not a finite
 * number in [0, 1] is a fail and gets no token: there is no verdict to vouch for.
 */
export function decideVerdict(input: VerdictInput, secret: Secret): VerdictField {
  const { probReal, threshold, variant } = input;
  if (!isProbability(probReal)) return { decision: 'fail', threshold };
  const decision: Decision = probReal > threshold ? 'pass' : 'fail';
  const claims: Claims = {
    v: 1,
    d: decision,
    p: probReal,
    t: threshold,
    m: variant,
    iat: Math.floor(input.now ?? Date.now()),
    n: randomBytes(16).toString('base64url'),
    h: input.imageSha256,
    ...(input.session !== undefined ? { s: input.session } : {}),
    ...(input.subject !== undefined ? { sub: input.subject } : {}),
    ...(input.audience !== undefined ? { aud: input.audience } : {}),
  };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return { decision, threshold, token: `${payload}.${mac(secret, payload).toString('base64url')}` };
}

const B64URL = /^[A-Za-z0-9_-]+$/;

const optionalString = (value: unknown): boolean => value === undefined || (typeof value === 'string' && value.length <= 512);

function readClaims(value: unknown): Claims | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const c = value as Record<string, unknown>;
  if (c['v'] !== 1) return null;
  if (c['d'] !== 'pass' && c['d'] !== 'fail') return null;
  if (!isProbability(c['p']) || !isProbability(c['t'])) return null;
  if (typeof c['m'] !== 'string' || !(VARIANTS as readonly string[]).includes(c['m'])) return null;
  if (typeof c['iat'] !== 'number' || !Number.isSafeInteger(c['iat']) || c['iat'] < 0) return null;
  if (typeof c['n'] !== 'string' || !B64URL.test(c['n']) || c['n'].length < 16) return null;
  if (typeof c['h'] !== 'string' || !/^[0-9a-f]{64}$/.test(c['h'])) return null;
  if (!optionalString(c['s']) || !optionalString(c['sub']) || !optionalString(c['aud'])) return null;
  // A signed decision that contradicts its own numbers was not made by this code.
  if ((c['d'] === 'pass') !== (c['p'] > c['t'])) return null;
  return c as unknown as Claims;
}

function finite(value: number | undefined, fallback: number, name: string, allowZero: boolean): number {
  const n = value === undefined ? fallback : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
    throw new RangeError(`verifyVerdict: ${name} must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${String(value)}`);
  }
  return n;
}

/**
 * Checks a verdict token on the page's server. Resolves `valid: true` only for a token this code signed with
 * `secret`, unexpired, not issued in the future, a pass (unless `decision: 'any'`), bound to every binding
 * given (`session`, `subject`, `audience`, `variant`) and, with a `store` or `nonceStore`, not seen before (its
 * nonce is recorded only when everything else holds).
 *
 * Throws (a misconfiguration is never a verdict) on a secret under 32 bytes, a missing `session` option, a
 * `maxAgeSeconds` / `clockSkewSeconds` that is not a finite positive number, or a `now` that is not a valid time.
 */
export async function verifyVerdict(token: unknown, secret: Secret, options: VerifyOptions): Promise<VerdictResult> {
  assertSecret(secret);
  if (options === null || typeof options !== 'object' || options.session === undefined) {
    throw new TypeError('verifyVerdict: options.session is required (the session id, or null for a token without one)');
  }
  if (options.session !== null && (typeof options.session !== 'string' || options.session === '')) {
    throw new TypeError('verifyVerdict: options.session must be a non-empty string or null');
  }
  const maxAge = finite(options.maxAgeSeconds, DEFAULT_MAX_AGE_SECONDS, 'maxAgeSeconds', false) * 1000;
  const skew = finite(options.clockSkewSeconds, DEFAULT_SKEW_SECONDS, 'clockSkewSeconds', true) * 1000;
  const now = options.now instanceof Date ? options.now.getTime() : options.now === undefined ? Date.now() : options.now;
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new RangeError('verifyVerdict: now must be a valid time');
  const want = options.decision ?? 'pass';
  if (want !== 'pass' && want !== 'any') throw new TypeError('verifyVerdict: decision must be "pass" or "any"');

  const reject = (reason: VerdictRejection): RejectedVerdict => ({ valid: false, reason });
  if (typeof token !== 'string' || token.length > 4096) return reject('malformed');
  const parts = token.split('.');
  if (parts.length !== 2) return reject('malformed');
  const [payload, signature] = parts as [string, string];
  if (!B64URL.test(payload) || !B64URL.test(signature)) return reject('malformed');

  // Compared as the canonical base64url text, so no other spelling of the same bytes verifies.
  const expected = Buffer.from(mac(secret, payload).toString('base64url'), 'latin1');
  const given = Buffer.from(signature, 'latin1');
  if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) return reject('bad-signature');

  let claims: Claims | null;
  try {
    claims = readClaims(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    claims = null;
  }
  if (!claims) return reject('invalid-claims');

  if (claims.iat > now + skew) return reject('future');
  if (now - claims.iat > maxAge) return reject('expired');
  if (want === 'pass' && claims.d !== 'pass') return reject('not-passed');
  if ((claims.s ?? null) !== options.session) return reject('wrong-session');
  if (options.subject !== undefined && claims.sub !== options.subject) return reject('wrong-subject');
  if (options.audience !== undefined && claims.aud !== options.audience) return reject('wrong-audience');
  if (options.variant !== undefined && claims.m !== options.variant) return reject('wrong-variant');
  const expiresAt = claims.iat + maxAge + skew;
  if (options.store && !(await options.store.add(`n:${claims.n}`, '1', Math.max(1, expiresAt - now)))) {
    return reject('replayed');
  }
  if (options.nonceStore && !(await options.nonceStore.use(claims.n, expiresAt))) return reject('replayed');

  return {
    valid: true,
    decision: claims.d,
    probReal: claims.p,
    threshold: claims.t,
    variant: claims.m,
    issuedAt: claims.iat,
    nonce: claims.n,
    imageSha256: claims.h,
    ...(claims.s !== undefined ? { session: claims.s } : {}),
    ...(claims.sub !== undefined ? { subject: claims.sub } : {}),
    ...(claims.aud !== undefined ? { audience: claims.aud } : {}),
  };
}

export interface NonceStoreOptions {
  /** Upper bound on remembered, unexpired nonces. Default 100 000. */
  maxEntries?: number;
  /** Clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * An in-memory replay guard: remembers each nonce until its token expires. It fails closed: when it holds
 * `maxEntries` unexpired nonces it refuses new ones rather than forget old ones. It is per process; several
 * instances behind a load balancer need a shared store (e.g. Redis `SET nonce 1 NX PXAT expiresAt`).
 */
export function createNonceStore(options: NonceStoreOptions = {}): NonceStore & { readonly size: number; use(nonce: string, expiresAt: number): boolean } {
  const maxEntries = options.maxEntries ?? 100_000;
  const clock = options.now ?? Date.now;
  const seen = new Map<string, number>();
  return {
    use(nonce, expiresAt) {
      const now = clock();
      const known = seen.get(nonce);
      if (known !== undefined && known > now) return false;
      if (seen.size >= maxEntries) {
        for (const [n, at] of seen) if (at <= now) seen.delete(n);
        if (seen.size >= maxEntries) return false;
      }
      seen.set(nonce, expiresAt);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
