// The element's configuration, checked when `start()` is called, before the camera opens. Pure: no DOM globals
// at import time (`Headers` and `URL` are used only when a check runs).
import { LivenessError } from './errors.js';
import { CAPTURE_MODES, POLITENESS, QUALITY_CHECKS, VIRTUAL_CAMERA_POLICIES } from './config-attributes.js';

/** The attribute-backed settings `start()` checks, as the element holds them (any value a page may have set). */
export interface LivenessConfig {
  endpoint: unknown;
  apiKey: unknown;
  session: unknown;
  threshold: unknown;
  minFaceSize: unknown;
  captureMode: unknown;
  politeness: unknown;
  checks: unknown;
  stableFrames: unknown;
  holdMs: unknown;
  maxFps: unknown;
  requestTimeout: unknown;
  headers: unknown;
  minBrightness: unknown;
  maxBrightness: unknown;
  minSharpness: unknown;
  maxRoll: unknown;
  maxYaw: unknown;
  minFaceFraction: unknown;
  camera: unknown;
  rememberCamera: unknown;
  virtualCamera: unknown;
}

export { CAPTURE_MODES, checksAttribute, CONFIG_DEFAULTS, keywordAttribute, numberAttribute, onOffAttribute, QUALITY_CHECKS } from './config-attributes.js';

/** `name=value` as the page wrote it: strings quoted, everything else as it prints. */
export function shown(attribute: string, value: unknown): string {
  return `${attribute}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
}

function isNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}

/** An optional tuning number: unset (undefined or null) is fine, anything else must be a number in range. */
function optionalNumber(problems: string[], attribute: string, value: unknown, min: number, max: number, range: string): void {
  if (value === undefined || value === null) return;
  if (!isNumberIn(value, min, max)) problems.push(`${shown(attribute, value)} must be ${range}`);
}

/** Whether the Fetch API accepts this header; `Headers` applies the same rules as the request. */
function headerProblem(name: string, value: string): 'name' | 'value' | null {
  try {
    new Headers().set(name, 'x');
  } catch {
    return 'name';
  }
  try {
    new Headers().set(name, value);
  } catch {
    return 'value';
  }
  return null;
}

/**
 * Every problem with the configuration, one sentence each naming the attribute (or property) and its value;
 * empty when the element can start. `baseURI` resolves a relative `endpoint` (the document's base URL).
 *
 * Secrets are never quoted: a bad `api-key` or header value is described, not repeated.
 */
export function configProblems(config: LivenessConfig, baseURI: string): string[] {
  const problems: string[] = [];
  const { endpoint } = config;
  if (typeof endpoint !== 'string' || endpoint.trim() === '') {
    problems.push('endpoint is required: the http(s) URL the image is sent to');
  } else {
    let protocol = '';
    try {
      protocol = new URL(endpoint, baseURI).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'https:' && protocol !== 'http:') problems.push(`${shown('endpoint', endpoint)} is not an http(s) URL`);
  }

  // An invalid threshold must never reach the comparison: `threshold=""` read as 0 would pass everything.
  if (!isNumberIn(config.threshold, 0, 1)) problems.push(`${shown('threshold', config.threshold)} must be a number from 0 to 1`);
  if (!isNumberIn(config.minFaceSize, 1, Number.MAX_SAFE_INTEGER)) {
    problems.push(`${shown('min-face-size', config.minFaceSize)} must be a number of pixels, at least 1`);
  }
  // stable-frames is deprecated (hold-ms replaces it) and unset by default.
  if (config.stableFrames !== undefined && config.stableFrames !== null && !(Number.isInteger(config.stableFrames) && (config.stableFrames as number) >= 1)) {
    problems.push(`${shown('stable-frames', config.stableFrames)} must be a whole number, at least 1`);
  }
  if (!isNumberIn(config.holdMs, 0, Number.MAX_SAFE_INTEGER)) {
    problems.push(`${shown('hold-ms', config.holdMs)} must be a number of milliseconds, at least 0`);
  }
  if (!(isNumberIn(config.maxFps, 0, 1000) && (config.maxFps as number) > 0)) {
    problems.push(`${shown('max-fps', config.maxFps)} must be a number of detections per second, more than 0`);
  }
  if (!isNumberIn(config.requestTimeout, 0, Number.MAX_SAFE_INTEGER)) {
    problems.push(`${shown('request-timeout', config.requestTimeout)} must be a number of milliseconds, at least 0 (0: no limit)`);
  }
  if (!(CAPTURE_MODES as readonly unknown[]).includes(config.captureMode)) {
    problems.push(`${shown('capture-mode', config.captureMode)} must be "auto" or "manual"`);
  }
  if (!(POLITENESS as readonly unknown[]).includes(config.politeness)) {
    problems.push(`${shown('politeness', config.politeness)} must be "polite", "assertive" or "off"`);
  }
  const { checks } = config;
  if (!Array.isArray(checks)) {
    problems.push(`checks must be a list of ${QUALITY_CHECKS.join(', ')}`);
  } else {
    const unknown = checks.filter((c) => !(QUALITY_CHECKS as readonly unknown[]).includes(c));
    if (unknown.length) {
      problems.push(`${shown('checks', checks.join(' '))} has unknown ${unknown.length > 1 ? 'words' : 'word'} ${unknown.map((w) => JSON.stringify(String(w))).join(', ')} (known: ${QUALITY_CHECKS.join(' ')})`);
    }
  }

  optionalNumber(problems, 'min-brightness', config.minBrightness, 0, 255, 'a mean luma from 0 to 255');
  optionalNumber(problems, 'max-brightness', config.maxBrightness, 0, 255, 'a mean luma from 0 to 255');
  if (isNumberIn(config.minBrightness, 0, 255) && isNumberIn(config.maxBrightness, 0, 255) && config.minBrightness > config.maxBrightness) {
    problems.push(`${shown('min-brightness', config.minBrightness)} is above ${shown('max-brightness', config.maxBrightness)}: no face could pass`);
  }
  optionalNumber(problems, 'min-sharpness', config.minSharpness, 0, Number.MAX_VALUE, 'a number, at least 0');
  optionalNumber(problems, 'max-roll', config.maxRoll, 0, 180, 'a number of degrees from 0 to 180');
  optionalNumber(problems, 'max-yaw', config.maxYaw, 0, Number.MAX_VALUE, 'a number, at least 0');
  optionalNumber(problems, 'min-face-fraction', config.minFaceFraction, 0, 1, 'a share of the frame from 0 to 1');

  const { camera } = config;
  if (camera !== null && camera !== undefined && typeof camera !== 'string') {
    problems.push(`camera must be a deviceId string (see LivenessCapture.cameras()), not ${typeof camera}`);
  }
  if (!(VIRTUAL_CAMERA_POLICIES as readonly unknown[]).includes(config.virtualCamera)) {
    problems.push(`${shown('virtual-camera', config.virtualCamera)} must be "allow", "flag" or "block"`);
  }
  if (typeof config.rememberCamera !== 'boolean') {
    problems.push(`${shown('remember-camera', config.rememberCamera)} must be "on" or "off"`);
  }

  const { apiKey } = config;
  if (apiKey !== null && apiKey !== undefined && apiKey !== '') {
    if (typeof apiKey !== 'string' || headerProblem('x-api-key', apiKey)) {
      problems.push('api-key is not a valid HTTP header value (a line break or a character outside Latin-1?)');
    }
  }
  const { session } = config;
  if (session !== null && session !== undefined && session !== '') {
    if (typeof session !== 'string' || headerProblem('x-liveness-session', session)) {
      problems.push(`${shown('session', session)} is not a valid HTTP header value`);
    }
  }
  const { headers } = config;
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    problems.push('headers must be an object of header names to string values');
  } else {
    for (const [name, value] of Object.entries(headers)) {
      const problem = typeof value !== 'string' ? 'type' : headerProblem(name, value);
      if (problem === 'name') problems.push(`headers: ${JSON.stringify(name)} is not a valid HTTP header name`);
      else if (problem === 'value') problems.push(`headers: the value of ${JSON.stringify(name)} is not a valid HTTP header value`);
      else if (problem === 'type') problems.push(`headers: the value of ${JSON.stringify(name)} must be a string, not ${value === null ? 'null' : typeof value}`);
    }
  }
  return problems;
}

/** An `INVALID_CONFIG` error listing every problem, or null when the configuration is valid. */
export function configError(config: LivenessConfig, baseURI: string): LivenessError | null {
  const problems = configProblems(config, baseURI);
  if (!problems.length) return null;
  return new LivenessError('INVALID_CONFIG', `liveness-capture is misconfigured: ${problems.join('; ')}.`);
}
