// Uploads in flight: a body is read before a check slot is taken, so what a slow client can hold is an upload,
// and uploads are capped per client address, per session, and in the bytes they hold together.

import { BODY_LIMIT_BYTES } from '../contract/contract.js';

export interface UploadLimits {
  /** Bodies being uploaded at once from one client address; more get 429 `TOO_MANY_UPLOADS`. Default 8. */
  readonly perClient: number;
  /** Bodies being uploaded at once in one session; more get 429 `TOO_MANY_UPLOADS`. Default 2. */
  readonly perSession: number;
  /**
   * Body bytes held at once by every request (being uploaded or being checked); a body that would pass it gets
   * 503 `BUSY`. Default (`maxConcurrent` + 16) × the 10 MiB body limit.
   */
  readonly bufferedBytes: number;
  /**
   * After `graceMs`, a body must have averaged at least this many bytes per second, else 408 `REQUEST_TIMEOUT`.
   * Default 4096 (a 100 KiB image may take 25 s at that pace; the whole-body deadline comes first).
   */
  readonly minBytesPerSecond: number;
  /** Default 3000. */
  readonly graceMs: number;
}

/**
 * The limits in effect: the defaults, overridden by `given`. A page sends one image at a time; a few users may
 * share an address (NAT).
 */
export function uploadLimits(given: Partial<UploadLimits> | undefined, maxConcurrent: number): UploadLimits {
  const limits = {
    perClient: 8,
    perSession: 2,
    bufferedBytes: (maxConcurrent + 16) * BODY_LIMIT_BYTES,
    minBytesPerSecond: 4096,
    graceMs: 3000,
    ...given,
  };
  checkLimit(limits.perClient, 'uploads.perClient');
  checkLimit(limits.perSession, 'uploads.perSession');
  checkLimit(limits.bufferedBytes, 'uploads.bufferedBytes');
  if (!(limits.minBytesPerSecond > 0) || !Number.isFinite(limits.minBytesPerSecond)) {
    throw new Error('uploads.minBytesPerSecond must be a finite number > 0');
  }
  if (!(limits.graceMs >= 0) || !Number.isFinite(limits.graceMs)) throw new Error('uploads.graceMs must be a finite number >= 0');
  return limits;
}

/** One admitted upload: counts its bytes against the shared budget until `release`. */
export interface UploadTicket {
  /** Counts `bytes` more; false (and nothing counted) when that would pass the shared budget. */
  take(bytes: number): boolean;
  /** The body is read (or given up): frees the per-client and per-session places. */
  endUpload(): void;
  /** The answer is sent: frees everything, bytes included. Idempotent. */
  release(): void;
}

export type Admission = { readonly ok: true; readonly ticket: UploadTicket } | { readonly ok: false; readonly detail: string };

export interface UploadGate {
  /** A place for one more upload from `client` in `session` (either may be unknown), or why not. */
  admit(client: string | undefined, session: string | undefined): Admission;
  /** Bytes held now (for tests and metrics). */
  readonly bufferedBytes: number;
  /** The minimum pace every body is read at. */
  readonly pace: { readonly minBytesPerSecond: number; readonly graceMs: number };
}

function checkLimit(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer >= 1, got ${String(value)}`);
}

export function createUploadGate(limits: UploadLimits): UploadGate {
  const { perClient, perSession, bufferedBytes: budget } = limits;
  const byClient = new Map<string, number>();
  const bySession = new Map<string, number>();
  let buffered = 0;

  const add = (map: Map<string, number>, key: string | undefined, delta: number): void => {
    if (key === undefined) return;
    const n = (map.get(key) ?? 0) + delta;
    if (n > 0) map.set(key, n);
    else map.delete(key);
  };

  return {
    pace: { minBytesPerSecond: limits.minBytesPerSecond, graceMs: limits.graceMs },
    get bufferedBytes() {
      return buffered;
    },
    admit(client, session) {
      if (client !== undefined && (byClient.get(client) ?? 0) >= perClient) {
        return { ok: false, detail: `${perClient} uploads already in flight from this client address` };
      }
      if (session !== undefined && (bySession.get(session) ?? 0) >= perSession) {
        return { ok: false, detail: `${perSession} uploads already in flight in this session` };
      }
      add(byClient, client, 1);
      add(bySession, session, 1);
      let uploading = true;
      let held = 0;
      const ticket: UploadTicket = {
        take(bytes) {
          if (buffered + bytes > budget) return false;
          buffered += bytes;
          held += bytes;
          return true;
        },
        endUpload() {
          if (!uploading) return;
          uploading = false;
          add(byClient, client, -1);
          add(bySession, session, -1);
        },
        release() {
          ticket.endUpload();
          buffered -= held;
          held = 0;
        },
      };
      return { ok: true, ticket };
    },
  };
}
