// One structured log line per request. Records never hold image bytes, request bodies, headers or keys.

import type { Variant } from '../contract/contract.js';
import type { Decision } from '../stores/verdict.js';

export type Mode = 'proxy' | 'local';

/** How the handler answered a request, as its log line and metrics name it. */
export type RequestOutcome =
  | 'scored'
  | 'face-not-detected'
  | 'face-too-small'
  | 'invalid-image-payload'
  | 'unscored'
  | 'too-large'
  | 'origin-rejected'
  | 'rate-limited'
  | 'preflight'
  | 'health'
  | 'not-found'
  | 'method-not-allowed'
  | 'client-aborted'
  | 'upstream-auth'
  | 'upstream-throttled'
  | 'upstream-error'
  | 'upstream-timeout'
  | 'upstream-unreachable'
  | 'upstream-bad-response'
  | 'local-backend-error'
  | 'internal-error'
  | 'session-refused'
  | 'image-replayed'
  | 'capture-rejected'
  | 'jwks'
  | 'busy'
  | 'too-many-uploads'
  | 'store-full'
  | 'store-unavailable'
  | 'shutting-down'
  | 'ready'
  | 'not-ready'
  | 'unsupported-media-type'
  | 'host-rejected'
  | 'body-timeout'
  | 'bad-request';

export interface LivenessLogRecord {
  readonly time: string;
  readonly level: 'info' | 'warn' | 'error';
  readonly event: 'liveness-request';
  /** Absent only on an answer of the Node adapter in front of a handler it cannot ask (a plain function). */
  readonly mode?: Mode;
  readonly method: string;
  readonly path: string;
  readonly variant?: Variant;
  readonly status: number;
  readonly outcome: RequestOutcome;
  /** Milliseconds from receiving the request to having the answer. */
  readonly latencyMs: number;
  /** Body bytes read (a refused body counts only what was read before refusing it). */
  readonly bodyBytes: number;
  readonly decision?: Decision;
  /** The refusal code, when the request was refused before any model or upstream call. */
  readonly errorCode?: string;
  readonly upstreamStatus?: number;
  readonly upstreamMs?: number;
  /** A short human explanation for the operator (never user data). */
  readonly detail?: string;
}

/** @deprecated The same as `RequestOutcome` (the element's code has an `Outcome` of its own). */
export type Outcome = RequestOutcome;

export type LivenessLogger = (record: LivenessLogRecord) => void;

/** One line per request to the session routes (`/sessions…`). Never the token, a session id or a body. */
export interface AdminLogRecord {
  readonly time: string;
  readonly level: 'info' | 'warn' | 'error';
  readonly event: 'liveness-admin';
  readonly method: string;
  /** The path with the session id replaced by `{id}`. */
  readonly path: string;
  readonly status: number;
  readonly outcome:
    | 'created'
    | 'read'
    | 'consumed'
    | 'deleted'
    | 'not-passed'
    | 'not-found'
    | 'bad-request'
    | 'method-not-allowed'
    | 'unauthorized'
    | 'rate-limited'
    | 'store-full'
    | 'store-unavailable'
    | 'metrics'
    | 'internal-error';
  readonly clientAddress?: string;
  readonly detail?: string;
}

export type AdminLogger = (record: AdminLogRecord) => void;

/** Writes each record as one JSON line: errors to stderr, the rest to stdout. */
export const consoleLogger = (record: LivenessLogRecord | AdminLogRecord): void => {
  const line = JSON.stringify(record);
  if (record.level === 'error') console.error(line);
  else if (record.level === 'warn') console.warn(line);
  else console.log(line);
};
