// The signed verdict: the handler decides pass or fail itself and signs what it decided, so the page's server
// can trust a result that travelled through the browser.
//
// Token: base64url(JSON claims) + "." + base64url(HMAC-SHA256(secret, "lcv1." + base64url(JSON claims))).

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isProbability, type Variant, VARIANTS } from './contract.js';

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
}

export type VerdictRejection =
  | 'malformed'
  | 'bad-signature'
  | 'invalid-claims'
  | 'expired'
  | 'future'
  | 'replayed';

export interface RejectedVerdict {
  readonly valid: false;
  readonly reason: VerdictRejection;
}

export type VerdictResult = VerifiedVerdict | RejectedVerdict;

/** Remembers nonces so a verified token is accepted once. */
export interface NonceStore {
  /** True the first time a nonce is seen (and remembers it until `expiresAt`, ms); false on replay or when full. */
  use(nonce: string, expiresAt: number): boolean;
  readonly size: number;
}

export interface VerifyOptions {
  /** Tokens older than this are expired. Default 300. */
  maxAgeSeconds?: number;
  /** Tolerated clock difference between the issuing and the verifying machine. Default 5. */
  clockSkewSeconds?: number;
  /** Current time, ms since the epoch (or a Date). Default `Date.now()`. */
  now?: number | Date;
  /** When given, a token whose nonce was already used is rejected as `replayed`, else its nonce is recorded. */
  nonceStore?: NonceStore;
}

export const DEFAULT_MAX_AGE_SECONDS = 300;
const DEFAULT_SKEW_SECONDS = 5;
const DOMAIN = 'lcv1.';
const MIN_SECRET_BYTES = 16;

export type Secret = string | Uint8Array;

function keyBytes(secret: Secret): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
}

/** Throws when the secret is too short to sign with. */
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
  /** The image bytes the verdict is about (hashed, never stored). */
  image: Uint8Array;
  /** ms since the epoch. Default `Date.now()`. */
  now?: number;
}

/**
 * Decides pass or fail (`prob_real > threshold`, strictly) and signs it. A `prob_real` that is not a finite
 * number in [0, 1] is a fail and gets no token: there is no verdict to vouch for.
 */
export function decideVerdict(input: VerdictInput, secret: Secret): VerdictField {
  const { probReal, threshold, variant, image } = input;
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
    h: sha256Hex(image),
  };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return { decision, threshold, token: `${payload}.${mac(secret, payload).toString('base64url')}` };
}

const B64URL = /^[A-Za-z0-9_-]+$/;

function readClaims(value: unknown): Claims | null {
  if (value === null || typeof value !== 'object') return null;
  const c = value as Record<string, unknown>;
  if (c['v'] !== 1) return null;
  if (c['d'] !== 'pass' && c['d'] !== 'fail') return null;
  if (!isProbability(c['p']) || !isProbability(c['t'])) return null;
  if (typeof c['m'] !== 'string' || !(VARIANTS as readonly string[]).includes(c['m'])) return null;
  if (typeof c['iat'] !== 'number' || !Number.isSafeInteger(c['iat']) || c['iat'] < 0) return null;
  if (typeof c['n'] !== 'string' || !B64URL.test(c['n']) || c['n'].length < 16) return null;
  if (typeof c['h'] !== 'string' || !/^[0-9a-f]{64}$/.test(c['h'])) return null;
  // A signed decision that contradicts its own numbers was not made by this code.
  if ((c['d'] === 'pass') !== (c['p'] > c['t'])) return null;
  return c as unknown as Claims;
}

/**
 * Checks a verdict token on the page's server. Rejects a token that is malformed, signed with another secret or
 * altered (`bad-signature`), older than `maxAgeSeconds` (`expired`), issued in the future (`future`), or — with a
 * `nonceStore` — already used (`replayed`). A verified token must still be used once: pass a `nonceStore`, or
 * record `nonce` yourself until `issuedAt + maxAgeSeconds`.
 */
export function verifyVerdict(token: unknown, secret: Secret, options: VerifyOptions = {}): VerdictResult {
  const reject = (reason: VerdictRejection): RejectedVerdict => ({ valid: false, reason });
  if (typeof token !== 'string' || token.length > 4096) return reject('malformed');
  const parts = token.split('.');
  if (parts.length !== 2) return reject('malformed');
  const [payload, signature] = parts as [string, string];
  if (!B64URL.test(payload) || !B64URL.test(signature)) return reject('malformed');

  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, payload);
  if (given.byteLength !== expected.byteLength || !timingSafeEqual(given, expected)) return reject('bad-signature');

  let claims: Claims | null;
  try {
    claims = readClaims(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    claims = null;
  }
  if (!claims) return reject('invalid-claims');

  const now = options.now instanceof Date ? options.now.getTime() : (options.now ?? Date.now());
  const maxAge = (options.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS) * 1000;
  const skew = (options.clockSkewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000;
  if (claims.iat > now + skew) return reject('future');
  if (now - claims.iat > maxAge) return reject('expired');
  if (options.nonceStore && !options.nonceStore.use(claims.n, claims.iat + maxAge + skew)) return reject('replayed');

  return {
    valid: true,
    decision: claims.d,
    probReal: claims.p,
    threshold: claims.t,
    variant: claims.m,
    issuedAt: claims.iat,
    nonce: claims.n,
    imageSha256: claims.h,
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
export function createNonceStore(options: NonceStoreOptions = {}): NonceStore {
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
