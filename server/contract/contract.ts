// Constants and answers of the backend contract (shared/spec/backend-contract.md) and the handler's own
// JSON errors. Every answer the handler sends is built here so the wording lives in one place.

/** The whole HTTP body may not exceed this many bytes. */
export const BODY_LIMIT_BYTES = 10_485_760;

/** The hosted SpoofSense base URL (an AWS API Gateway stage). */
export const HOSTED_BASE_URL = 'https://z3jwq0rjyj.execute-api.ap-south-1.amazonaws.com/prod';

export type Variant = 'antispoofing' | 'robust';
export const VARIANTS: readonly Variant[] = ['antispoofing', 'robust'];

/** The contract's default pass thresholds (`prob_real > threshold` passes). */
export const DEFAULT_THRESHOLDS: Readonly<Record<Variant, number>> = { antispoofing: 0.55, robust: 0.5 };

/** The contract's face-size floor, in pixels. */
export const MIN_FACE_SIZE = 128;

export const TOO_LARGE_TEXT = `HTTP content length exceeded ${BODY_LIMIT_BYTES} bytes.`;

/** The contract's answer to a body over the limit: plain text, not JSON. */
export function tooLarge(): Response {
  return new Response(TOO_LARGE_TEXT, { status: 413, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** A `{"success": false, ...}` answer: contract rows (status 200) and the handler's own errors. */
export function failure(status: number, message: string, errorCode: string, headers?: Record<string, string>): Response {
  return json(status, { success: false, message, error_code: errorCode }, headers);
}

export const invalidImage = (): Response => failure(200, 'Invalid input image payload', 'INVALID_IMAGE_PAYLOAD');
export const faceNotDetected = (): Response => failure(200, 'Face detection failed', 'FACE_NOT_DETECTED');

/** FACE_TOO_SMALL with the measured box, `{Height}x{Width}` as the contract writes it. */
export function faceTooSmall(height: number, width: number, minimum = MIN_FACE_SIZE): Response {
  const h = Math.round(height);
  const w = Math.round(width);
  return failure(
    200,
    `Detected face box: ${h}x${w} smaller than minimum required size: ${minimum}x${minimum}`,
    'FACE_TOO_SMALL',
  );
}

/** A finite number in [0, 1]: the only `prob_real` that is a verdict. */
export function isProbability(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}

/** The handler's refusals of a request before any model or upstream call, by `error_code`. */
export const REFUSALS = {
  SESSION_REQUIRED: [401, 'This endpoint needs a liveness session (x-liveness-session header)'],
  SESSION_UNKNOWN: [401, 'Unknown liveness session'],
  SESSION_EXPIRED: [410, 'The liveness session has expired; open a new one'],
  SESSION_CLOSED: [409, 'The liveness session is already decided or has no attempts left; open a new one'],
  IMAGE_REPLAYED: [409, 'This image was already checked in another session'],
  CAPTURE_REJECTED: [422, "The capture does not meet this session's camera policy"],
  BUSY: [503, 'The liveness endpoint is busy; try again shortly'],
  SESSION_STORE_FULL: [503, 'The session store is full; try again later'],
  STORE_UNAVAILABLE: [503, 'The session store cannot be reached; try again shortly'],
  SHUTTING_DOWN: [503, 'This instance is shutting down; try again'],
  TOO_MANY_UPLOADS: [429, 'Too many uploads in flight from this client or session; try again shortly'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'The request body must be application/json'],
  HOST_NOT_ALLOWED: [421, 'This host name is not served here'],
  REQUEST_TIMEOUT: [408, 'The request body did not arrive in time'],
} as const satisfies Record<string, readonly [number, string]>;

export type RefusalCode = keyof typeof REFUSALS;

export function refusal(code: RefusalCode, headers?: Record<string, string>): Response {
  const [status, message] = REFUSALS[code];
  return failure(status, message, code, headers);
}
