import { LivenessError, defaultMessage } from './errors.js';
import type { LivenessErrorCode } from './errors.js';
import type { LivenessResultDetail } from './events.js';

/**
 * Maps a backend answer to an outcome, exactly as the backend contract says
 * (`../shared/spec/backend-contract.md`). Pure: no DOM, no network.
 *
 * Fail closed: the only path that yields `passed: true` is HTTP 200 with `success === true` and a
 * `model_output.prob_real` that is a finite number in [0, 1] strictly greater than a valid threshold.
 */

/** What arrived from the backend, before any interpretation. */
export interface RawResponse {
  /** HTTP status code. */
  status: number;
  /** The `Content-Type` header, or null. Informational only: the body is validated on its own merits. */
  contentType: string | null;
  /** The body, read as text. */
  text: string;
  /** The `Retry-After` header, when the answer had one (kept in the RATE_LIMITED message). */
  retryAfter?: string | null;
}

export type Outcome =
  | { kind: 'verdict'; passed: boolean; detail: LivenessResultDetail }
  | { kind: 'error'; error: LivenessError };

/** The error codes the backend itself may send (`error_code`), and nothing else. */
const BACKEND_CODES: ReadonlySet<string> = new Set(['FACE_NOT_DETECTED', 'FACE_TOO_SMALL', 'INVALID_IMAGE_PAYLOAD']);

/**
 * Refusals of `liveness-capture/server` before any model call (401, 409, 410, 503), by `error_code`: the session
 * is not usable (the page needs a new one), this exact image was already checked in another session, or the
 * server's session store is unreachable for a moment.
 */
const REFUSAL_CODES: ReadonlyMap<string, LivenessErrorCode> = new Map([
  ['SESSION_REQUIRED', 'SESSION_INVALID'],
  ['SESSION_UNKNOWN', 'SESSION_INVALID'],
  ['SESSION_EXPIRED', 'SESSION_INVALID'],
  ['SESSION_CLOSED', 'SESSION_INVALID'],
  ['IMAGE_REPLAYED', 'IMAGE_REPLAYED'],
  ['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE'],
]);

/** Messages of current and older deployments, lower-cased and trimmed, for answers without `error_code`. */
const MESSAGE_CODES: ReadonlyMap<string, LivenessErrorCode> = new Map([
  ['face detection failed', 'FACE_NOT_DETECTED'],
  ['face not detected', 'FACE_NOT_DETECTED'],
  ['invalid input image payload', 'INVALID_IMAGE_PAYLOAD'],
  ['invalid base64 string', 'INVALID_IMAGE_PAYLOAD'],
]);

const NUM = String.raw`\d+(?:\.\d+)?`;
/** `Detected face box: {Height}x{Width} smaller than minimum required size: 128x128` */
const FACE_TOO_SMALL_MESSAGE = new RegExp(
  String.raw`^detected face box:\s*${NUM}\s*x\s*${NUM}\s+smaller than minimum required size:\s*${NUM}\s*x\s*${NUM}\.?$`,
  'i',
);

/** Backend text kept in messages is cut to this many characters. */
const MAX_QUOTE = 200;

/**
 * Throws unless `threshold` is a finite number in [0, 1]. A bad threshold is a programming or page
 * configuration error, never a verdict: it throws `TypeError` (not a number) or `RangeError` (NaN, infinite,
 * outside [0, 1]) so that it can never produce a pass.
 */
export function assertThreshold(threshold: unknown): asserts threshold is number {
  if (typeof threshold !== 'number') {
    throw new TypeError(`liveness threshold must be a number, got ${typeof threshold}`);
  }
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new RangeError(`liveness threshold must be a finite number in [0, 1], got ${String(threshold)}`);
  }
}

/**
 * Interprets one backend answer.
 *
 * - 200, `success: true`, `model_output.prob_real` finite in [0, 1] → verdict, `passed = probReal > threshold`.
 * - 200, `success: false` with a known `error_code` (or, for older deployments, a known `message`) →
 *   `FACE_NOT_DETECTED`, `FACE_TOO_SMALL` or `INVALID_IMAGE_PAYLOAD`.
 * - A session refusal (`error_code` `SESSION_REQUIRED`, `SESSION_UNKNOWN`, `SESSION_EXPIRED`, `SESSION_CLOSED`) →
 *   `SESSION_INVALID`; `IMAGE_REPLAYED` → `IMAGE_REPLAYED`; 503 `STORE_UNAVAILABLE` → `STORE_UNAVAILABLE`.
 * - 413 → `PAYLOAD_TOO_LARGE`; 401/403 → `UNAUTHORIZED`; 429 → `RATE_LIMITED`; any other non-2xx → `SERVER_ERROR`.
 * - Anything else → `INVALID_RESPONSE`.
 *
 * @throws TypeError | RangeError when `threshold` is not a finite number in [0, 1] (see {@link assertThreshold}).
 */
export function interpretResponse(raw: RawResponse, threshold: number): Outcome {
  assertThreshold(threshold);
  const { status, text } = raw;

  if (!Number.isInteger(status) || status < 200 || status > 299) {
    const body = parseLoose(text);
    const refused = isPlainObject(body) && typeof body.error_code === 'string' ? REFUSAL_CODES.get(body.error_code) : undefined;
    if (refused) return fail(refused, withQuote(defaultMessage(refused), status, backendMessage(body)), status, body);
    if (status === 413) return fail('PAYLOAD_TOO_LARGE', defaultMessage('PAYLOAD_TOO_LARGE'), status, body);
    if (status === 401 || status === 403) {
      return fail('UNAUTHORIZED', withQuote(defaultMessage('UNAUTHORIZED'), status, backendMessage(body)), status, body);
    }
    if (status === 429) {
      const retry = raw.retryAfter?.trim();
      const message = retry
        ? `${defaultMessage('RATE_LIMITED')} (Retry-After: ${quote(retry)})`
        : defaultMessage('RATE_LIMITED');
      return fail('RATE_LIMITED', message, status, body);
    }
    return fail('SERVER_ERROR', withQuote(defaultMessage('SERVER_ERROR'), status, backendMessage(body)), status, body);
  }

  if (status !== 200) return invalid(`HTTP ${status} is not an answer of the contract`, status, parseLoose(text));

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return invalid('the body is not JSON', status, text);
  }
  if (!isPlainObject(body)) return invalid('the body is not a JSON object', status, body);

  if (body.success === true) {
    const output = body.model_output;
    if (!isPlainObject(output)) return invalid('model_output is missing', status, body);
    const probReal = output.prob_real;
    if (typeof probReal !== 'number' || !Number.isFinite(probReal) || probReal < 0 || probReal > 1) {
      return invalid('model_output.prob_real is not a finite number in [0, 1]', status, body);
    }
    const predIdx = typeof output.pred_idx === 'string' ? output.pred_idx : null;
    const verdict = body.verdict;
    const token = isPlainObject(verdict) && typeof verdict.token === 'string' && verdict.token !== '' ? verdict.token : undefined;
    const detail: LivenessResultDetail =
      token === undefined
        ? { probReal, threshold, predIdx, response: body }
        : { probReal, threshold, predIdx, response: body, token };
    return { kind: 'verdict', passed: probReal > threshold, detail };
  }

  if (body.success === false) {
    const message = typeof body.message === 'string' ? body.message : null;
    const code = backendErrorCode(body.error_code, message);
    if (code === null) return invalid('success is false with an unknown error', status, body);
    return fail(code, withQuote(defaultMessage(code), undefined, message), status, body);
  }

  return invalid('success is missing or not a boolean', status, body);
}

/** The backend's own error code: `error_code` when it is one of the contract's, else the message of a known shape. */
function backendErrorCode(errorCode: unknown, message: string | null): LivenessErrorCode | null {
  if (typeof errorCode === 'string' && BACKEND_CODES.has(errorCode)) return errorCode as LivenessErrorCode;
  if (message === null) return null;
  const normalized = message.trim().toLowerCase();
  const known = MESSAGE_CODES.get(normalized);
  if (known) return known;
  if (FACE_TOO_SMALL_MESSAGE.test(normalized)) return 'FACE_TOO_SMALL';
  return null;
}

function fail(code: LivenessErrorCode, message: string, httpStatus: number, response: unknown): Outcome {
  return { kind: 'error', error: new LivenessError(code, message, { httpStatus, response }) };
}

function invalid(reason: string, httpStatus: number, response: unknown): Outcome {
  return fail('INVALID_RESPONSE', `${defaultMessage('INVALID_RESPONSE')} (${reason})`, httpStatus, response);
}

/** JSON when the text parses, else the text itself. */
function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `message` of a JSON error body, e.g. API Gateway's `{"message":"Forbidden"}`. */
function backendMessage(body: unknown): string | null {
  if (isPlainObject(body) && typeof body.message === 'string') return body.message;
  return null;
}

function withQuote(base: string, status: number | undefined, said: string | null): string {
  const parts: string[] = [];
  if (status !== undefined) parts.push(`HTTP ${status}`);
  const trimmed = said?.trim();
  if (trimmed) parts.push(`service said: "${quote(trimmed)}"`);
  return parts.length ? `${base} (${parts.join('; ')})` : base;
}

function quote(text: string): string {
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE)}…` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
