// Generated from custom-elements.json by scripts/framework-types.mjs (npm run analyze). Do not edit.
import type { LivenessCapture } from '../dist/index.js';

/** The settable properties of <liveness-capture>, each typed as the element declares it. */
export interface LivenessCaptureProperties {
  /** URL the captured image is POSTed to (`.../antispoofing`, `.../robust`, or your own server). Required. */
  endpoint?: LivenessCapture['endpoint'];
  /** Sent as `x-api-key`. Production pages should leave it unset and let their own server add the key. */
  apiKey?: LivenessCapture['apiKey'];
  /** The liveness session your server opened for this check (`createSession()` or `POST /sessions`), sent as the `x-liveness-session` request header. The server takes the model and threshold from it and decides it once. */
  session?: LivenessCapture['session'];
  /** Called for a fresh session when the server refused this one (see SessionProvider); without it an expired session ends with `SESSION_INVALID` and no retry, and the page must reload or start over itself. */
  sessionProvider?: LivenessCapture['sessionProvider'];
  /** Passes only when `prob_real > threshold` (strictly). A number from 0 to 1; anything else is `INVALID_CONFIG`. */
  threshold?: LivenessCapture['threshold'];
  /** Minimum face width and height, in the captured image's pixels (at least 1; SpoofSense backends refuse < 128). */
  minFaceSize?: LivenessCapture['minFaceSize'];
  /** Open the camera as soon as the element is connected (or, while idle, as soon as this turns on: a server-rendered element gets its properties when the framework hydrates); otherwise a start button is shown. */
  autostart?: LivenessCapture['autostart'];
  /** `auto` captures as soon as the face is right; `manual` enables a capture button instead. */
  captureMode?: LivenessCapture['captureMode'];
  /** How the live region (hints, steps and the result) speaks: `polite` waits for the screen reader to finish, `assertive` interrupts it, `off` says nothing (for a page that announces `liveness-progress` and the results itself). Any other value is `INVALID_CONFIG` at `start()`. */
  politeness?: LivenessCapture['politeness'];
  /** Quality checks that must pass before capture (space-separated): `brightness sharpness pose`. */
  checks?: LivenessCapture['checks'];
  /** Consecutive good detections required before capture, on top of `hold-ms`. Unset by default. */
  stableFrames?: LivenessCapture['stableFrames'];
  /** How long, in milliseconds, the face must stay right before it is captured. */
  holdMs?: LivenessCapture['holdMs'];
  /** Face detections per second at most while guiding (frames in between are skipped). */
  maxFps?: LivenessCapture['maxFps'];
  /** Fetch and compile the detector (wasm + model) as soon as the element is connected, so that `start()` only waits for the camera. See also `LivenessCapture.preload()`. */
  preload?: LivenessCapture['preload'];
  /** Milliseconds to wait for the backend's answer before a NETWORK_ERROR (0: no limit). */
  requestTimeout?: LivenessCapture['requestTimeout'];
  /** Base URL of the detector's wasm and model; by default they resolve next to this module. */
  assetsBase?: LivenessCapture['assetsBase'];
  /** Extra request headers, e.g. `Authorization` for the page's own backend. */
  headers?: LivenessCapture['headers'];
  /** Overrides for single UI strings, by message key (e.g. `{ 'hint.no-face': '...' }`). */
  messages?: LivenessCapture['messages'];
  /** Quality tuning (mean luma 0-255, Laplacian variance, degrees, yaw ratio); unset uses measured defaults. */
  minBrightness?: LivenessCapture['minBrightness'];
  maxBrightness?: LivenessCapture['maxBrightness'];
  minSharpness?: LivenessCapture['minSharpness'];
  maxRoll?: LivenessCapture['maxRoll'];
  maxYaw?: LivenessCapture['maxYaw'];
  /** Smallest face, as a share of the frame's longer side, before "move closer" stops (default 0.18: below about 220 px in 1280x720 the detector's keypoints are too unsteady for the pose check). 0 leaves only `min-face-size`. */
  minFaceFraction?: LivenessCapture['minFaceFraction'];
  /** The deviceId of the camera to open (one of `LivenessCapture.cameras()`). When it is gone, the element opens its own choice and says so with `fellBack: true` in `liveness-camera`. Unset: the person's last choice, else a front camera, physical before virtual, never an infrared one unless it is the only camera. */
  camera?: LivenessCapture['camera'];
  /** Remember the camera the person picks, for this origin (`localStorage`), and open it next time: on by default; `remember-camera="off"` (or `false` as a property) turns it off. Not used while `camera` is set. */
  rememberCamera?: LivenessCapture['rememberCamera'];
  /** A virtual camera (OBS, Snap Camera, …; see docs/cameras.md): `flag` (default) uses it and reports the `virtual-camera` flag in `detail.integrity`; `allow` uses it without the flag; `block` refuses it before detection with the recoverable `VIRTUAL_CAMERA`, offering the other cameras. Anything else is `INVALID_CONFIG`. */
  virtualCamera?: LivenessCapture['virtualCamera'];
  /** Send the integrity report with the check as the `x-liveness-capture` header even without a `session` (with a `session` it is always sent). Off by default: a bare SpoofSense endpoint would refuse the unknown header's CORS pre-flight. */
  integrityHeader?: LivenessCapture['integrityHeader'];
}
