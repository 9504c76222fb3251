/**
 * Every way a liveness check can end without a verdict. Codes are stable: pages may switch on them.
 */
export const LIVENESS_ERROR_CODES = [
  'FACE_NOT_DETECTED',
  'FACE_TOO_SMALL',
  'INVALID_IMAGE_PAYLOAD',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'SERVER_ERROR',
  'NETWORK_ERROR',
  'INVALID_RESPONSE',
  'IMAGE_TOO_LARGE',
  'CAMERA_DENIED',
  'NO_CAMERA',
  'CAMERA_IN_USE',
  'UNSUPPORTED',
  'DETECTOR_UNAVAILABLE',
  'CAMERA_LOST',
  'DETECTION_FAILED',
  'INVALID_CONFIG',
  'SESSION_INVALID',
  'IMAGE_REPLAYED',
  'STORE_UNAVAILABLE',
  'VIRTUAL_CAMERA',
  'INTERNAL_ERROR',
] as const;

export type LivenessErrorCode = (typeof LIVENESS_ERROR_CODES)[number];

/** Whether trying again (same page, same user) can help. */
const RECOVERABLE: Record<LivenessErrorCode, boolean> = {
  FACE_NOT_DETECTED: true,
  FACE_TOO_SMALL: true,
  INVALID_IMAGE_PAYLOAD: true,
  PAYLOAD_TOO_LARGE: true,
  UNAUTHORIZED: false,
  RATE_LIMITED: true,
  SERVER_ERROR: true,
  NETWORK_ERROR: true,
  INVALID_RESPONSE: false,
  IMAGE_TOO_LARGE: true,
  CAMERA_DENIED: false,
  NO_CAMERA: false,
  CAMERA_IN_USE: true,
  UNSUPPORTED: false,
  DETECTOR_UNAVAILABLE: false,
  CAMERA_LOST: true,
  DETECTION_FAILED: true,
  INVALID_CONFIG: false,
  SESSION_INVALID: false,
  IMAGE_REPLAYED: true,
  STORE_UNAVAILABLE: true,
  VIRTUAL_CAMERA: true,
  INTERNAL_ERROR: false,
};

/** Default English messages; the UI may show localized text, but event details carry these. */
const MESSAGES: Record<LivenessErrorCode, string> = {
  FACE_NOT_DETECTED: 'The liveness service found no face in the captured image.',
  FACE_TOO_SMALL: 'The liveness service found the face too small; move closer to the camera.',
  INVALID_IMAGE_PAYLOAD: 'The liveness service could not read the captured image.',
  PAYLOAD_TOO_LARGE: 'The captured image was larger than the liveness service accepts (10 MiB).',
  UNAUTHORIZED: 'The liveness service refused the request: the API key or credentials are missing or wrong.',
  RATE_LIMITED: 'The liveness service is receiving too many requests; try again shortly.',
  SERVER_ERROR: 'The liveness service failed to answer.',
  NETWORK_ERROR: 'The liveness service could not be reached.',
  INVALID_RESPONSE: 'The liveness service answered with something that is not a valid liveness result.',
  IMAGE_TOO_LARGE: 'The captured image could not be compressed under the 10 MiB request limit.',
  CAMERA_DENIED: 'Camera access was denied.',
  NO_CAMERA: 'No camera was found.',
  CAMERA_IN_USE: 'The camera is in use by another application or could not be started.',
  UNSUPPORTED: 'This browser or page cannot use the camera (a secure https page is required).',
  DETECTOR_UNAVAILABLE: 'The face detector could not be loaded.',
  CAMERA_LOST: 'The camera stopped delivering video.',
  DETECTION_FAILED: 'Face detection failed while analysing the camera picture.',
  INVALID_CONFIG: "The element's configuration is invalid (an attribute or property has a value it cannot use).",
  SESSION_INVALID:
    'The liveness session is missing, unknown, expired or already decided; the page must open a new one.',
  IMAGE_REPLAYED: 'The liveness service already checked this exact image in another session.',
  STORE_UNAVAILABLE: 'The liveness service cannot reach its session store for a moment; try again shortly.',
  VIRTUAL_CAMERA: 'The camera is a virtual camera (software that makes up its picture), which this page does not accept.',
  INTERNAL_ERROR: 'An unexpected error stopped the liveness check (a bug, not the camera or the backend).',
};

export function isRecoverable(code: LivenessErrorCode): boolean {
  return RECOVERABLE[code];
}

export function defaultMessage(code: LivenessErrorCode): string {
  return MESSAGES[code];
}

/** Detail of a `liveness-error` event. */
export interface LivenessErrorDetail {
  readonly code: LivenessErrorCode;
  readonly message: string;
  readonly recoverable: boolean;
  /** HTTP status, when the error came from the backend's answer. */
  readonly httpStatus?: number;
  /** The parsed JSON body or raw text of the backend's answer, when there was one. */
  readonly response?: unknown;
  /** What led to the error, when something did: for `INTERNAL_ERROR`, the unexpected exception itself. */
  readonly cause?: unknown;
}

/** An error with a stable code, thrown inside the element's pipeline and turned into a `liveness-error` event. */
export class LivenessError extends Error {
  readonly code: LivenessErrorCode;
  readonly recoverable: boolean;
  readonly httpStatus?: number;
  readonly response?: unknown;

  constructor(
    code: LivenessErrorCode,
    message: string = defaultMessage(code),
    extra: { httpStatus?: number; response?: unknown; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'LivenessError';
    this.code = code;
    this.recoverable = isRecoverable(code);
    if (extra.httpStatus !== undefined) this.httpStatus = extra.httpStatus;
    if (extra.response !== undefined) this.response = extra.response;
  }

  toDetail(): LivenessErrorDetail {
    const detail: { -readonly [K in keyof LivenessErrorDetail]: LivenessErrorDetail[K] } = {
      code: this.code,
      message: this.message,
      recoverable: this.recoverable,
    };
    if (this.httpStatus !== undefined) detail.httpStatus = this.httpStatus;
    if (this.response !== undefined) detail.response = this.response;
    if (this.cause !== undefined) detail.cause = this.cause;
    return detail;
  }
}
