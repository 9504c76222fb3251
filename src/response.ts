import { LivenessError, type LivenessErrorCode } from './errors.js';
import type { LivenessResultDetail } from './events.js';

/** What came back from the backend, before interpretation. */
export interface RawResponse {
  status: number;
  contentType: string | null;
  text: string;
  /** The `Retry-After` header, when present. */
  retryAfter?: string | null;
}

export type Outcome =
  | { kind: 'verdict'; passed: boolean; detail: LivenessResultDetail }
  | { kind: 'error'; error: LivenessError };

const BACKEND_CODES: readonly LivenessErrorCode[] = ['FACE_NOT_DETECTED', 'FACE_TOO_SMALL', 'INVALID_IMAGE_PAYLOAD'];

/** Messages of answers without `error_code` (older deployments, and the new messages on their own). */
const LEGACY_MESSAGES: readonly [RegExp, LivenessErrorCode][] = [
  [/^face not detected$/i, 'FACE_NOT_DETECTED'],
  [/^face detection failed$/i, 'FACE_NOT_DETECTED'],
  [/^invalid base64 string$/i, 'INVALID_IMAGE_PAYLOAD'],
  [/^invalid input image payload$/i, 'INVALID_IMAGE_PAYLOAD'],
  [/^detected face box: \d+x\d+ smaller than minimum required size: \d+x\d+$/i, 'FACE_TOO_SMALL'],
];

/** Whether `threshold` can be used for a decision at all: a finite number in [0, 1]. */
export function isValidThreshold(threshold: number): boolean {
  return typeof threshold === 'number' && Number.isFinite(threshold) && threshold >= 0 && threshold <= 1;
}

function isProbability(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function error(code: LivenessErrorCode, raw: RawResponse, response: unknown, message?: string): Outcome {
  return { kind: 'error', error: new LivenessError(code, message, { httpStatus: raw.status, response }) };
}

/**
 * Maps a backend answer to a verdict or a typed error, exactly as the backend contract says. Fails closed: only a
 * 2xx JSON object with `success: true` and a `model_output.prob_real` that is a finite number in [0, 1] is a
 * verdict, and it passes only when `prob_real > threshold`. A threshold that is not a finite number in [0, 1]
 * throws a RangeError (a configuration mistake must never turn into a pass).
 */
export function interpretResponse(raw: RawResponse, threshold: number): Outcome {
  if (!isValidThreshold(threshold)) throw new RangeError(`threshold must be a number in [0, 1], got ${threshold}`);
  const parsed = parseJson(raw.text);
  const body = parsed === undefined ? raw.text : parsed;

  if (raw.status < 200 || raw.status > 299) {
    if (raw.status === 413) return error('PAYLOAD_TOO_LARGE', raw, body);
    if (raw.status === 401 || raw.status === 403) return error('UNAUTHORIZED', raw, body);
    if (raw.status === 429) {
      const wait = raw.retryAfter ? ` Retry after ${raw.retryAfter} s.` : '';
      return error('RATE_LIMITED', raw, body, `The liveness service is receiving too many requests; try again shortly.${wait}`);
    }
    return error('SERVER_ERROR', raw, body, `The liveness service failed to answer (HTTP ${raw.status}).`);
  }

  if (!isObject(parsed)) return error('INVALID_RESPONSE', raw, body);

  if (parsed.success === true) {
    const output = parsed.model_output;
    if (!isObject(output) || !isProbability(output.prob_real)) {
      return error('INVALID_RESPONSE', raw, parsed, 'The liveness service answered without a valid prob_real.');
    }
    const probReal = output.prob_real;
    const verdict = parsed.verdict;
    const token = isObject(verdict) && typeof verdict.token === 'string' && verdict.token ? verdict.token : undefined;
    const detail: LivenessResultDetail = {
      probReal,
      threshold,
      predIdx: typeof output.pred_idx === 'string' ? output.pred_idx : null,
      response: parsed,
      ...(token ? { token } : {}),
    };
    return { kind: 'verdict', passed: probReal > threshold, detail };
  }

  if (parsed.success === false) {
    const message = typeof parsed.message === 'string' ? parsed.message.trim() : '';
    const code = typeof parsed.error_code === 'string' ? parsed.error_code : null;
    let known: LivenessErrorCode | undefined;
    if (code !== null) known = BACKEND_CODES.find((c) => c === code);
    else known = LEGACY_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
    if (known) {
      const detailMessage = known === 'FACE_TOO_SMALL' && message
        ? `The liveness service found the face too small (${message}); move closer to the camera.`
        : undefined;
      return error(known, raw, parsed, detailMessage);
    }
  }
  return error('INVALID_RESPONSE', raw, parsed);
}
