// Evidence records: when a session is decided the server writes one record of why, signed as a compact JWS with
// Ed25519 (jose), which anyone holding the public key (served as a JWKS) can verify without trusting the app.

import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  CompactSign,
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  importJWK,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import type { CameraPolicy, CaptureReport } from '../contract/capture-header.js';
import type { Variant } from '../contract/contract.js';
import { imageSize } from './image.js';

/** The JWS `typ` of an evidence record. */
export const EVIDENCE_TYPE = 'liveness-evidence+jws';
const ALG = 'EdDSA';
/** Default time a record (and its audit images) is kept: 30 days. */
export const DEFAULT_EVIDENCE_TTL_SECONDS = 30 * 24 * 3600;

/** Where a score came from. */
export type EvidenceSource =
  | { readonly mode: 'proxy'; readonly baseUrl: string }
  | { readonly mode: 'local'; readonly model: string; readonly version?: string };

/** One attempt of a session, as the record keeps it. */
export interface EvidenceAttempt {
  readonly n: number;
  /** ISO 8601. */
  readonly at: string;
  readonly imageSha256: string;
  readonly bytes: number;
  /** Pixel size, when the server could read the image's header. */
  readonly width?: number;
  readonly height?: number;
  /** `scored`, or the error code of the answer (`FACE_NOT_DETECTED`, `CAPTURE_REJECTED`, `UPSTREAM_ERROR`, …). */
  readonly outcome: string;
  readonly decision?: 'pass' | 'fail';
  readonly probReal?: number;
  /** The parsed `x-liveness-capture` header: client-reported, never proof. */
  readonly capture: CaptureReport;
  readonly origin?: string;
  readonly userAgent?: string;
  readonly source: EvidenceSource;
  /** True when the image itself was kept (`keepImages`). */
  readonly imageKept?: boolean;
}

/** The signed payload. */
export interface EvidenceRecord {
  readonly v: 1;
  readonly session: string;
  readonly subject?: string;
  readonly decision: 'pass' | 'fail';
  /** The deciding attempt's score. */
  readonly probReal?: number;
  readonly threshold: number;
  readonly variant: Variant;
  readonly camera: CameraPolicy;
  /** The deciding attempt's source. */
  readonly source?: EvidenceSource;
  /** ISO 8601. */
  readonly openedAt: string;
  readonly expiresAt: string;
  readonly decidedAt: string;
  readonly attempts: readonly EvidenceAttempt[];
}

export interface EvidenceSigner {
  /** True when the key was made at start-up (no `LIVENESS_EVIDENCE_KEY`): records die with the process's key. */
  readonly ephemeral: boolean;
  sign(record: EvidenceRecord): Promise<string>;
  /** The public key set to publish at `/.well-known/jwks.json`. */
  jwks(): Promise<JSONWebKeySet>;
}

/**
 * The private Ed25519 key from a PKCS#8 PEM or a JWK (JSON text or object). Throws on anything else, another key
 * type included, so a wrong key stops the start-up rather than signing with something else.
 */
export function evidencePrivateKey(key: string | JWK | KeyObject): KeyObject {
  let parsed: KeyObject;
  if (typeof key === 'object' && 'asymmetricKeyType' in key) parsed = key;
  else if (typeof key === 'object') parsed = createPrivateKey({ key: key as never, format: 'jwk' });
  else {
    const text = key.trim();
    try {
      parsed = text.startsWith('{')
        ? createPrivateKey({ key: JSON.parse(text) as never, format: 'jwk' })
        : createPrivateKey({ key: text, format: 'pem' });
    } catch (error) {
      throw new Error(`the evidence key is neither a PKCS#8 PEM nor a private JWK: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (parsed.type !== 'private' || parsed.asymmetricKeyType !== 'ed25519') {
    throw new Error(`the evidence key must be a private Ed25519 key, got a ${parsed.type} ${parsed.asymmetricKeyType ?? 'secret'} key`);
  }
  return parsed;
}

/** A signer for `key`, or for a fresh ephemeral key when none is given. */
export function createEvidenceSigner(key?: string | JWK | KeyObject): EvidenceSigner {
  const privateKey = key === undefined ? generateKeyPairSync('ed25519').privateKey : evidencePrivateKey(key);
  const publicJwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const kid = calculateJwkThumbprint(publicJwk);
  return {
    ephemeral: key === undefined,
    async sign(record) {
      return new CompactSign(new TextEncoder().encode(JSON.stringify(record)))
        .setProtectedHeader({ alg: ALG, typ: EVIDENCE_TYPE, kid: await kid })
        .sign(privateKey);
    },
    async jwks() {
      return { keys: [{ ...publicJwk, kid: await kid, alg: ALG, use: 'sig' }] };
    },
  };
}

export type EvidenceRejection = 'malformed' | 'algorithm' | 'unknown-key' | 'signature' | 'type';

export type EvidenceResult =
  | { readonly valid: true; readonly evidence: EvidenceRecord; readonly kid?: string }
  | { readonly valid: false; readonly reason: EvidenceRejection };

export interface VerifyEvidenceOptions {
  /** The public key set (`/.well-known/jwks.json`); the record's `kid` picks the key. */
  jwks?: JSONWebKeySet;
  /** One public key: a JWK, an SPKI PEM or a `KeyObject`. */
  publicKey?: JWK | string | KeyObject;
}

async function keyOf(options: VerifyEvidenceOptions) {
  if (options.jwks !== undefined) return createLocalJWKSet(options.jwks);
  const key = options.publicKey;
  if (typeof key === 'string') return createPublicKey(key);
  if (key !== undefined && 'asymmetricKeyType' in key) return key as KeyObject;
  if (key !== undefined) return importJWK({ ...(key as JWK), alg: ALG }, ALG);
  throw new TypeError('verifyEvidence needs options.jwks or options.publicKey');
}

const rejected = (reason: EvidenceRejection): EvidenceResult => ({ valid: false, reason });

/**
 * Verifies an evidence record and returns its payload. Only Ed25519 (`EdDSA`) signatures by the given key are
 * accepted: another algorithm, `alg: none`, another key or any changed byte is `valid: false`.
 */
export async function verifyEvidence(jws: unknown, options: VerifyEvidenceOptions): Promise<EvidenceResult> {
  if (options === null || typeof options !== 'object') throw new TypeError('verifyEvidence needs options');
  const key = await keyOf(options);
  if (typeof jws !== 'string' || jws.length > 4_000_000) return rejected('malformed');
  // Base64url leaves spare bits in a segment's last character; a decoder ignores them, so two texts would carry
  // one signature. Only the canonical text of each segment is accepted: any changed character fails.
  const segments = jws.split('.');
  if (segments.length !== 3 || segments.some((part) => Buffer.from(part, 'base64url').toString('base64url') !== part)) {
    return rejected('malformed');
  }
  let verified: Awaited<ReturnType<typeof compactVerify>>;
  try {
    verified = await compactVerify(jws, key as never, { algorithms: [ALG] });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_JOSE_ALG_NOT_ALLOWED' || code === 'ERR_JOSE_NOT_SUPPORTED') return rejected('algorithm');
    if (code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') return rejected('unknown-key');
    if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return rejected('signature');
    return rejected('malformed');
  }
  if (verified.protectedHeader.typ !== EVIDENCE_TYPE) return rejected('type');
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(verified.payload));
  } catch {
    return rejected('malformed');
  }
  const record = payload as Partial<EvidenceRecord> | null;
  if (!record || record.v !== 1 || typeof record.session !== 'string' || !Array.isArray(record.attempts)) {
    return rejected('malformed');
  }
  return {
    valid: true,
    evidence: record as EvidenceRecord,
    ...(verified.protectedHeader.kid !== undefined ? { kid: verified.protectedHeader.kid } : {}),
  };
}

/** How an attempt was answered, as the handler knows it. */
export interface AttemptAnswer {
  readonly outcome: string;
  readonly errorCode?: string | undefined;
  readonly decision?: 'pass' | 'fail' | undefined;
  readonly probReal?: number | undefined;
}

/** An attempt's record entry: the request's image and headers, and how it was answered. */
export async function attemptEntry(
  attempt: { request: Request; image: Uint8Array; imageSha256: string; capture: CaptureReport; source: EvidenceSource },
  answered: AttemptAnswer,
): Promise<Omit<EvidenceAttempt, 'n' | 'imageKept'>> {
  const origin = attempt.request.headers.get('origin');
  const userAgent = attempt.request.headers.get('user-agent');
  return {
    at: new Date().toISOString(),
    imageSha256: attempt.imageSha256,
    bytes: attempt.image.byteLength,
    ...(await imageSize(attempt.image)),
    outcome: answered.errorCode ?? answered.outcome,
    ...(answered.decision ? { decision: answered.decision } : {}),
    ...(answered.probReal !== undefined ? { probReal: answered.probReal } : {}),
    capture: attempt.capture,
    ...(origin ? { origin: origin.slice(0, 200) } : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
    source: attempt.source,
  };
}

/**
 * The source the records name: the upstream's origin and path (never its user-info or query, which may hold
 * secrets), or the local models with their package's version.
 */
export async function evidenceSource(
  config: { mode: 'proxy'; baseUrl: string } | { mode: 'local' },
): Promise<EvidenceSource> {
  if (config.mode === 'proxy') {
    const url = new URL(config.baseUrl);
    return { mode: 'proxy', baseUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
  }
  const model = '@vladmandic/human antispoof+liveness';
  try {
    const { createRequire } = await import('node:module');
    const { readFile } = await import('node:fs/promises');
    const { dirname, join } = await import('node:path');
    const entry = createRequire(import.meta.url).resolve('@vladmandic/human');
    const pkg = JSON.parse(await readFile(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
    return { mode: 'local', model, ...(typeof pkg.version === 'string' ? { version: pkg.version } : {}) };
  } catch {
    return { mode: 'local', model };
  }
}
