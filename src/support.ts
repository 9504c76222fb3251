/**
 * What the element needs from the browser, checked before anything is downloaded: a secure page, the camera API,
 * WebAssembly SIMD (MediaPipe's wasm is SIMD-only) and WebGL2 where MediaPipe will create its GL context (an
 * OffscreenCanvas, except in Safari before 17).
 */
export interface SupportReport {
  /** Every requirement is met. */
  readonly supported: boolean;
  /** What is missing, in words a developer can act on; empty when supported. */
  readonly missing: readonly string[];
  /** One sentence naming what is missing (empty when supported). */
  readonly message: string;
}

// The smallest module using a SIMD instruction (i8x16.splat; i8x16.popcnt): valid only where SIMD is.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** What WebGL2 lacks (null: it works), once measured; undefined until then. */
let gpu: string | null | undefined;

/** Checks the browser; the WebAssembly and WebGL answers are measured once per page. */
export function checkSupport(): SupportReport {
  const missing: string[] = [];
  if (globalThis.isSecureContext === false) missing.push('a secure (https) page');
  if (typeof globalThis.navigator?.mediaDevices?.getUserMedia !== 'function') missing.push('the camera API (navigator.mediaDevices.getUserMedia)');
  if (!hasSimd()) missing.push('WebAssembly SIMD');
  // Measured once: a second context made while the detector holds one can fail where the GPU is scarce (WebKitGTK
  // on a software renderer refuses every new context then), which is no reason to call the browser unsupported.
  if (gpu === undefined) gpu = webgl2();
  if (gpu) missing.push(gpu);
  return {
    supported: missing.length === 0,
    missing,
    message: missing.length ? `This browser cannot run the liveness check: it lacks ${missing.join(', ')}.` : '',
  };
}

function hasSimd(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Whether MediaPipe puts its GL context on an OffscreenCanvas (its own rule: not in Safari before 17). */
export function detectorUsesOffscreenCanvas(userAgent: string, hasOffscreenCanvas: boolean): boolean {
  if (!hasOffscreenCanvas) return false;
  const safari = userAgent.includes('Safari') && !userAgent.includes('Chrome');
  if (!safari) return true;
  const version = /Version\/(\d+).*Safari/.exec(userAgent);
  return !!version && Number(version[1]) >= 17;
}

/** null when WebGL2 works where the detector will use it, else what is missing. */
function webgl2(): string | null {
  const offscreen = detectorUsesOffscreenCanvas(globalThis.navigator?.userAgent ?? '', typeof OffscreenCanvas === 'function');
  try {
    const canvas = offscreen ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return offscreen ? 'WebGL2 on OffscreenCanvas' : 'WebGL2';
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return null;
  } catch {
    return offscreen ? 'WebGL2 on OffscreenCanvas' : 'WebGL2';
  }
}
