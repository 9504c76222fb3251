import { isServer, LitElement, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { DetectorAssets } from './assets.js';
import type { CameraInfo } from './camera-kind.js';
import { listCameras } from './cameras.js';
import { CAPTURE_MODES, checksAttribute, CONFIG_DEFAULTS, keywordAttribute, numberAttribute, onOffAttribute, POLITENESS, QUALITY_CHECKS, VIRTUAL_CAMERA_POLICIES } from './config-attributes.js';
import { AnnouncerController, type LineKind } from './controllers/announcer-controller.js';
import type { CameraChoiceController, OpenedCamera } from './controllers/camera-choice.js';
import type { CameraController } from './controllers/camera-controller.js';
import type { FramePipelineController, PassedFrame, PipelineState } from './controllers/frame-pipeline-controller.js';
import type { GuideController } from './controllers/guide-controller.js';
import type { IntegrityRecorder } from './controllers/integrity-recorder.js';
import { LangController } from './controllers/lang-controller.js';
import { VisibilityController } from './controllers/visibility-controller.js';
import { LivenessError, type LivenessErrorDetail } from './errors.js';
import {
  LivenessCameraEvent,
  LivenessCaptureEvent,
  LivenessErrorEvent,
  LivenessFailEvent,
  LivenessPassEvent,
  LivenessProgressEvent,
  type HintCode,
  type LivenessResultDetail,
} from './events.js';
import type { GuidanceOptions } from './guidance.js';
import type { FrameReport } from './frame-measure.js';
import type { IntegrityReport } from './integrity.js';
import { catalogLoaded, isRtl, languageOf, loadCatalog, messagesFor, resolveLanguage, type MessageKey } from './i18n/localize.js';
import { canTransition, isFinal, type LivenessStatus } from './status.js';
import { checkSupport, type SupportReport } from './support.js';
import { hintText, renderView } from './view.js';
import { styles } from './styles.js';

export type CaptureMode = (typeof CAPTURE_MODES)[number];
export type QualityCheck = (typeof QUALITY_CHECKS)[number];
export type Politeness = (typeof POLITENESS)[number];
export type VirtualCameraPolicy = (typeof VIRTUAL_CAMERA_POLICIES)[number];

/** What a {@link SessionProvider} is asked. */
export interface SessionRequest {
  /** The session the server refused (`SESSION_INVALID`: expired, unknown or already decided), or null. */
  readonly previous: string | null;
  /**
   * Aborted when the person cancels (Cancel, Escape), the page calls `stop()` or removes the element: pass it to
   * `fetch` so the request stops too.
   */
  readonly signal: AbortSignal;
}

/**
 * Supplies a fresh liveness session when the server refused the current one, so a person who took long can go on:
 * with one set, `SESSION_INVALID` offers "Try again", and the retry asks for a session before the camera opens.
 * Resolve with the new session id (what `createSession()` / `POST /sessions` returned); reject to end the retry
 * with `SESSION_INVALID` again (the rejection is its `cause`), which offers another try.
 */
export type SessionProvider = (request: SessionRequest) => Promise<string> | string;

const ALL_CHECKS: readonly QualityCheck[] = QUALITY_CHECKS;

type AttemptModule = typeof import('./attempt-module.js');
let attemptModule: Promise<AttemptModule> | null = null;
/** Camera, detector, pipeline, guide, encoder and submit: a chunk of their own, loaded on the first start or preload. */
function loadAttemptModule(): Promise<AttemptModule> {
  attemptModule ??= import('./attempt-module.js');
  attemptModule.catch(() => {
    attemptModule = null;
  });
  return attemptModule;
}

/**
 * The error an attempt ends with. One channel: an expected failure is a `LivenessError` and keeps its code; anything
 * else (a bug, or a page's property that throws) is `INTERNAL_ERROR` with the original as `cause`, so a bug never
 * blames the camera or the backend.
 */
function asLivenessError(error: unknown): LivenessError {
  if (error instanceof LivenessError) return error;
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new LivenessError('INTERNAL_ERROR', `An unexpected error stopped the liveness check: ${what}`, { cause: error });
}

/** The attempt's machinery, made once per element when its chunk has loaded. */
interface Engine {
  readonly lib: AttemptModule;
  readonly camera: CameraController;
  /** Which camera opens: the page's, the person's or the element's own choice. */
  readonly choice: CameraChoiceController;
  readonly pipeline: FramePipelineController;
  /** The oval follows the camera's resolution, the stage's size and the face rules. */
  readonly guide: GuideController;
  /** What happens to the camera during an attempt, for the integrity report. */
  readonly integrity: IntegrityRecorder;
}

/**
 * Passive face liveness capture: opens the camera, waits on the device for exactly one well-lit, sharp, frontal
 * face of at least `min-face-size` pixels, captures that frame as a JPEG under the backend's 10 MiB body limit,
 * sends it to `endpoint` and reports the verdict.
 *
 * The `--liveness-*` custom properties are read with their defaults where they are used and never set on the
 * element, so they inherit: a theme on `:root`, `<body>` or any ancestor applies, and one on the element wins.
 *
 * @summary Camera, on-device face gate, capture and passive-liveness check in one element.
 *
 * @fires {LivenessProgressEvent} liveness-progress - The hint or the steady-hold progress changed.
 * @fires {LivenessCameraEvent} liveness-camera - A camera opened (at start, on a switch, after a pause or an unplugged camera).
 * @fires {LivenessCaptureEvent} liveness-capture - A frame was captured and is about to be sent.
 * @fires {LivenessPassEvent} liveness-pass - The backend returned a valid `prob_real` strictly above `threshold`.
 * @fires {LivenessFailEvent} liveness-fail - The backend returned a valid `prob_real` at or below `threshold`.
 * @fires {LivenessErrorEvent} liveness-error - Anything else; `detail.code` is stable.
 *
 * @attr {LivenessStatus} status - Reflected, read-only: the current status (see the `status` property).
 * @attr {HintCode} hint - Reflected, read-only: the current hint code while detecting; absent otherwise.
 *
 * @slot start - Content of the idle screen, above the start button.
 * @slot pass - Content of the pass screen.
 * @slot fail - Content of the fail screen.
 * @slot error - Content of the error screen.
 *
 * @csspart stage - The camera area (preview, guide, progress).
 * @csspart video - The mirrored camera preview.
 * @csspart snapshot - The captured frame shown while it is checked.
 * @csspart guide - The oval the face should fill.
 * @csspart progress - The steady-hold progress bar.
 * @csspart progress-bar - The filled part of the progress bar.
 * @csspart body - The area below the camera (hint, panels, buttons).
 * @csspart camera-select - The camera picker, shown while detecting when two or more cameras can be used.
 * @csspart hint - The live hint text (the element's single polite live region).
 * @csspart panel - Each result panel (idle, pass, fail, error).
 * @csspart result-pass - The pass panel.
 * @csspart result-fail - The fail panel.
 * @csspart result-error - The error panel.
 * @csspart button - Every button.
 * @csspart start-button - The start button.
 * @csspart capture-button - The capture button (capture-mode="manual").
 * @csspart retry-button - The retry button.
 * @csspart cancel-button - The cancel button shown while the camera runs.
 *
 * @cssprop [--liveness-font=system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif] - Font family.
 * @cssprop [--liveness-background=#0f1115] - Background of the element.
 * @cssprop [--liveness-foreground=#f5f6f8] - Text colour.
 * @cssprop [--liveness-muted=#b7bcc6] - Secondary text colour.
 * @cssprop [--liveness-accent=#2563eb] - Button and focus colour.
 * @cssprop [--liveness-accent-foreground=#ffffff] - Button text colour.
 * @cssprop [--liveness-success=#1f9d55] - Pass colour.
 * @cssprop [--liveness-danger=#d64545] - Fail and error colour.
 * @cssprop [--liveness-radius=16px] - Corner radius of the element.
 * @cssprop [--liveness-button-radius=999px] - Corner radius of buttons.
 * @cssprop [--liveness-aspect-ratio=4 / 3] - Aspect ratio of the camera area (a portrait camera gets 3 / 4 unless set).
 * @cssprop [--liveness-guide-width=46%] - Width of the guide until the camera is open; then set from the camera and the face rules.
 * @cssprop [--liveness-guide-height=78%] - Height of the guide until the camera is open; then set from the camera and the face rules.
 * @cssprop [--liveness-guide-radius=50%] - Guide shape: 50% is an oval, smaller values a rounded frame.
 * @cssprop [--liveness-guide-color=rgba(255, 255, 255, 0.85)] - Guide colour while searching.
 * @cssprop [--liveness-guide-ready-color=var(--liveness-success, #1f9d55)] - Guide and progress colour while the face is right.
 * @cssprop [--liveness-guide-thickness=4px] - Guide line width.
 * @cssprop [--liveness-mask=rgba(0, 0, 0, 0.5)] - Dimming outside the guide.
 * @cssprop [--liveness-focus-ring=3px solid var(--liveness-accent, #2563eb)] - Focus outline.
 */
export class LivenessCapture extends LitElement {
  static override styles = styles;

  static override properties: PropertyDeclarations = {
    endpoint: { type: String },
    apiKey: { type: String, attribute: 'api-key' },
    session: { type: String },
    sessionProvider: { attribute: false },
    threshold: { converter: numberAttribute(CONFIG_DEFAULTS.threshold) },
    minFaceSize: { attribute: 'min-face-size', converter: numberAttribute(CONFIG_DEFAULTS.minFaceSize) },
    autostart: { type: Boolean },
    captureMode: { attribute: 'capture-mode', converter: keywordAttribute(CONFIG_DEFAULTS.captureMode) },
    politeness: { converter: keywordAttribute(CONFIG_DEFAULTS.politeness) },
    checks: { attribute: 'checks', converter: checksAttribute },
    stableFrames: { attribute: 'stable-frames', converter: numberAttribute() },
    holdMs: { attribute: 'hold-ms', converter: numberAttribute(CONFIG_DEFAULTS.holdMs) },
    maxFps: { attribute: 'max-fps', converter: numberAttribute(CONFIG_DEFAULTS.maxFps) },
    preload: { type: Boolean },
    requestTimeout: { attribute: 'request-timeout', converter: numberAttribute(CONFIG_DEFAULTS.requestTimeout) },
    assetsBase: { type: String, attribute: 'assets-base' },
    headers: { attribute: false },
    messages: { attribute: false },
    minBrightness: { attribute: 'min-brightness', converter: numberAttribute() },
    maxBrightness: { attribute: 'max-brightness', converter: numberAttribute() },
    minSharpness: { attribute: 'min-sharpness', converter: numberAttribute() },
    maxRoll: { attribute: 'max-roll', converter: numberAttribute() },
    maxYaw: { attribute: 'max-yaw', converter: numberAttribute() },
    minFaceFraction: { attribute: 'min-face-fraction', converter: numberAttribute() },
    camera: { type: String },
    rememberCamera: { attribute: 'remember-camera', converter: onOffAttribute },
    virtualCamera: { attribute: 'virtual-camera', converter: keywordAttribute(CONFIG_DEFAULTS.virtualCamera) },
    integrityHeader: { attribute: 'integrity-header', type: Boolean },
  };

  /** URL the captured image is POSTed to (`.../antispoofing`, `.../robust`, or your own server). Required. */
  declare endpoint: string;
  /** Sent as `x-api-key`. Production pages should leave it unset and let their own server add the key. */
  declare apiKey: string | null;
  /**
   * The liveness session your server opened for this check (`createSession()` or `POST /sessions`), sent as the
   * `x-liveness-session` request header. The server takes the model and threshold from it and decides it once.
   */
  declare session: string | null;
  /**
   * Called for a fresh session when the server refused this one (see {@link SessionProvider}); without it an
   * expired session ends with `SESSION_INVALID` and no retry, and the page must reload or start over itself.
   */
  declare sessionProvider: SessionProvider | null;
  /** Passes only when `prob_real > threshold` (strictly). A number from 0 to 1; anything else is `INVALID_CONFIG`. */
  declare threshold: number;
  /** Minimum face width and height, in the captured image's pixels (at least 1; SpoofSense backends refuse < 128). */
  declare minFaceSize: number;
  /**
   * Open the camera as soon as the element is connected (or, while idle, as soon as this turns on: a
   * server-rendered element gets its properties when the framework hydrates); otherwise a start button is shown.
   */
  declare autostart: boolean;
  /** `auto` captures as soon as the face is right; `manual` enables a capture button instead. */
  declare captureMode: CaptureMode;
  /**
   * How the live region (hints, steps and the result) speaks: `polite` waits for the screen reader to finish,
   * `assertive` interrupts it, `off` says nothing (for a page that announces `liveness-progress` and the results
   * itself). Any other value is `INVALID_CONFIG` at `start()`.
   */
  declare politeness: Politeness;
  /** Quality checks that must pass before capture (space-separated): `brightness sharpness pose`. */
  declare checks: QualityCheck[];
  /**
   * Consecutive good detections required before capture, on top of `hold-ms`. Unset by default.
   * @deprecated Use `hold-ms`: a count of frames makes slow devices slower to pass.
   */
  declare stableFrames: number | undefined;
  /** How long, in milliseconds, the face must stay right before it is captured. */
  declare holdMs: number;
  /** Face detections per second at most while guiding (frames in between are skipped). */
  declare maxFps: number;
  /**
   * Fetch and compile the detector (wasm + model) as soon as the element is connected, so that `start()` only
   * waits for the camera. See also `LivenessCapture.preload()`.
   */
  declare preload: boolean;
  /** Milliseconds to wait for the backend's answer before a NETWORK_ERROR (0: no limit). */
  declare requestTimeout: number;
  /** Base URL of the detector's wasm and model; by default they resolve next to this module. */
  declare assetsBase: string | null;
  /** Extra request headers, e.g. `Authorization` for the page's own backend. */
  declare headers: Record<string, string>;
  /** Overrides for single UI strings, by message key (e.g. `{ 'hint.no-face': '...' }`). */
  declare messages: Partial<Record<MessageKey, string>>;
  /** Quality tuning (mean luma 0-255, Laplacian variance, degrees, yaw ratio); unset uses measured defaults. */
  declare minBrightness: number | undefined;
  declare maxBrightness: number | undefined;
  declare minSharpness: number | undefined;
  declare maxRoll: number | undefined;
  declare maxYaw: number | undefined;
  /**
   * Smallest face, as a share of the frame's longer side, before "move closer" stops (default 0.18: below about
   * 220 px in 1280x720 the detector's keypoints are too unsteady for the pose check). 0 leaves only `min-face-size`.
   */
  declare minFaceFraction: number | undefined;
  /**
   * The deviceId of the camera to open (one of `LivenessCapture.cameras()`). When it is gone, the element opens its
   * own choice and says so with `fellBack: true` in `liveness-camera`. Unset: the person's last choice, else a
   * front camera, physical before virtual, never an infrared one unless it is the only camera.
   */
  declare camera: string | null;
  /**
   * Remember the camera the person picks, for this origin (`localStorage`), and open it next time: on by default;
   * `remember-camera="off"` (or `false` as a property) turns it off. Not used while `camera` is set.
   */
  declare rememberCamera: boolean;
  /**
   * A virtual camera (OBS, Snap Camera, …; see docs/cameras.md): `flag` (default) uses it and reports the
   * `virtual-camera` flag in `detail.integrity`; `allow` uses it without the flag; `block` refuses it before
   * detection with the recoverable `VIRTUAL_CAMERA`, offering the other cameras. Anything else is `INVALID_CONFIG`.
   */
  declare virtualCamera: VirtualCameraPolicy;
  /**
   * Send the integrity report with the check as the `x-liveness-capture` header even without a `session` (with a
   * `session` it is always sent). Off by default: a bare SpoofSense endpoint would refuse the unknown header's
   * CORS pre-flight.
   */
  declare integrityHeader: boolean;
  #status: LivenessStatus = 'idle';
  /** The attempt in progress: aborting it stops every step (camera, detector, encoder, request). */
  #attempt: AbortController | null = null;
  #loading = false;
  #error: LivenessErrorDetail | undefined = undefined;
  #snapshotUrl: string | null = null;
  #engine: Engine | null = null;
  readonly #visibility = new VisibilityController(this, () => this.#pause());
  /** Paces the live region: lines held long enough to be heard, passing steps skipped. */
  readonly #announcer = new AnnouncerController(this);
  /** Detection is paused (page hidden): the camera is off until the page is shown again. */
  #paused = false;
  /** The server refused the session and a provider is set: the next start asks it for a new one first. */
  #renewSession = false;
  /** `capture()` was asked while the camera was starting: the pipeline captures its first passing frame. */
  #captureQueued = false;
  /** The person picked this camera: the detection loop opens it (see `#detect`). */
  #cameraRequest: string | null = null;
  /** The open camera was unplugged (the cause): the detection loop opens another or ends with CAMERA_LOST. */
  #cameraLost: { cause: unknown } | null = null;
  /** After VIRTUAL_CAMERA: the camera the retry opens (the person may change it in the error panel's picker). */
  #nextCamera: string | null = null;
  /** Focus was in the element before the current update (see `#keepFocus`). */
  #focusWasInside = false;
  /** A result was reached: its panel takes focus after the next update (see `#keepFocus`). */
  #focusResult = false;

  constructor() {
    super();
    this.endpoint = '';
    this.apiKey = null;
    this.session = null;
    this.sessionProvider = null;
    this.threshold = CONFIG_DEFAULTS.threshold;
    this.minFaceSize = CONFIG_DEFAULTS.minFaceSize;
    this.autostart = false;
    this.captureMode = CONFIG_DEFAULTS.captureMode;
    this.politeness = CONFIG_DEFAULTS.politeness;
    this.checks = [...ALL_CHECKS];
    this.stableFrames = undefined;
    this.holdMs = CONFIG_DEFAULTS.holdMs;
    this.maxFps = CONFIG_DEFAULTS.maxFps;
    this.preload = false;
    this.requestTimeout = CONFIG_DEFAULTS.requestTimeout;
    this.assetsBase = null;
    this.headers = {};
    this.messages = {};
    this.camera = null;
    this.rememberCamera = true;
    this.virtualCamera = CONFIG_DEFAULTS.virtualCamera;
    this.integrityHeader = false;
    this.addEventListener('keydown', this.#onKeydown);
    // Re-renders when the inherited language changes (an ancestor's `lang`, `<html lang>`); its own is observed below.
    this.addController(new LangController(this));
  }

  /** Escape cancels while the attempt runs (where the cancel button shows), as the cancel button does. */
  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented || this.#status === 'idle' || isFinal(this.#status)) return;
    // One Escape does one thing: a dialog around the element stays open.
    event.preventDefault();
    this.stop();
  };

  /**
   * Fetches and compiles the detector (wasm + model, in its worker where the browser allows) before any element
   * starts, e.g. while the person reads the page; the next element to start adopts it. `assetsBase` as the
   * `assets-base` attribute. Rejects with a `LivenessError` (DETECTOR_UNAVAILABLE).
   */
  static async preload(options: { assetsBase?: string } = {}): Promise<void> {
    const s = await loadAttemptModule();
    await s.preloadDetector(options.assetsBase ? s.assetsAt(options.assetsBase, document.baseURI) : s.defaultAssets());
  }

  /**
   * Loads the messages of a language (a BCP 47 tag, matched like `lang`) ahead of rendering. The element loads the
   * language it needs by itself in the browser; server rendering is synchronous, so a server loads the languages it
   * renders first.
   */
  static async loadLanguage(lang: string): Promise<void> {
    await loadCatalog(lang);
  }

  /**
   * Whether this browser can run the check (secure page, camera API, WebAssembly SIMD, WebGL2 where the detector
   * uses it). `start()` checks the same before it downloads anything and ends with `UNSUPPORTED` naming what is
   * missing; a page can call this first to offer another path.
   */
  static supports(): SupportReport {
    return checkSupport();
  }

  /**
   * The cameras a person may use (ids, names and kinds), once the person has allowed a camera on this origin; an
   * empty list before (the browser names no camera then). Infrared cameras are left out unless they are the only ones.
   */
  static async cameras(): Promise<CameraInfo[]> {
    return listCameras();
  }

  /** Where the check is: `idle | starting | detecting | capturing | submitting | passed | failed | error`. */
  get status(): LivenessStatus {
    return this.#status;
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('status')) this.setAttribute('status', this.#status);
    if (this.preload) this.#preload();
    // Read after the first update: framework wrappers set properties right after connecting the element.
    void this.updateComplete.then(() => {
      if (this.autostart && this.isConnected && this.#status === 'idle') void this.start();
    });
  }

  /** A render in a language whose catalog is not loaded yet waits for it (its own small chunk). */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const lang = this.#lang();
    if (catalogLoaded(lang)) return super.scheduleUpdate();
    return loadCatalog(lang).then(() => super.scheduleUpdate());
  }

  override willUpdate(): void {
    if (!isServer) this.#focusWasInside = this.matches(':focus-within');
    const status = this.#status;
    const hint = status === 'detecting' && this.#engine ? this.#engine.pipeline.value.hint : null;
    const kind: LineKind = status === 'idle' ? 'clear' : isFinal(status) ? 'result' : hint ? 'hint' : 'status';
    this.#announcer.say(hintText({ status, loading: this.#loading, hint, t: messagesFor(this.#lang(), this.messages) }), kind);
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    this.#keepFocus();
    // A session the page set itself replaces the one a provider would have fetched.
    if (changed.has('session') && !this.#attempt) this.#renewSession = false;
    if (changed.has('preload') && this.preload && changed.get('preload') !== undefined) this.#preload();
    // Turned on later than the first update: a server-rendered element upgrades before the framework hydrates and
    // sets its properties (React wrappers set `autostart` in a layout effect).
    if (changed.has('autostart') && this.autostart && changed.get('autostart') === false && this.#status === 'idle') void this.start();
  }

  /** Loads the detector now; a failure shows on `start()`, which loads again. */
  #preload(): void {
    this.#loadEngine().then((e) => e.pipeline.load(this.#assets(e.lib))).catch(() => {});
  }

  async #loadEngine(): Promise<Engine> {
    let s: AttemptModule;
    try {
      s = await loadAttemptModule();
    } catch (error) {
      throw new LivenessError('DETECTOR_UNAVAILABLE', `The element's camera and detector code could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (this.#engine) return this.#engine;
    const camera = new s.CameraController(this);
    this.#engine = {
      lib: s,
      camera,
      choice: new s.CameraChoiceController(this, camera, () => this.#onCameraGone()),
      integrity: new s.IntegrityRecorder(this),
      pipeline: new s.FramePipelineController(this, (state) => this.#onGuidance(state)),
      guide: new s.GuideController(this, () => ({ minFaceSize: this.minFaceSize, minFaceFraction: this.minFaceFraction })),
    };
    return this.#engine;
  }

  override disconnectedCallback(): void {
    // Drops every pending step so no event fires after removal; the controllers release camera and detector.
    this.#cancel();
    this.#setStatus('idle');
    super.disconnectedCallback();
  }

  /**
   * Opens the camera and starts looking for a face; resolves once it is looking (or the attempt ended in an
   * error). From a final status it starts a new attempt.
   */
  async start(): Promise<void> {
    if (this.#attempt) return;
    if (isFinal(this.#status)) this.reset();
    const attempt = new AbortController();
    const { signal } = attempt;
    this.#attempt = attempt;
    this.#loading = true;
    this.#error = undefined;
    this.#setStatus('starting');
    let engine: Engine;
    let video: HTMLVideoElement;
    try {
      // Before anything is downloaded: a browser that cannot run the check is told so by name.
      const support = checkSupport();
      if (!support.supported) throw new LivenessError('UNSUPPORTED', support.message);
      engine = await this.#loadEngine();
      signal.throwIfAborted();
      if (this.#renewSession) await this.#renew(signal);
      // Every attribute is checked before the camera opens; a bad value is INVALID_CONFIG, never a late or silent default.
      const invalid = engine.lib.configError(this, document.baseURI);
      if (invalid) throw invalid;
      await this.updateComplete;
      signal.throwIfAborted();
      const preview = this.renderRoot.querySelector('video');
      if (!preview) throw new LivenessError('UNSUPPORTED', 'The preview could not be created.');
      video = preview;
      const loading = engine.pipeline.load(this.#assets(engine.lib), signal);
      loading.catch(() => {}); // awaited below, after the camera
      engine.integrity.begin();
      const next = this.#nextCamera;
      this.#nextCamera = null;
      const opened = await engine.choice.open(video, signal, { camera: next ?? (this.camera || null), remember: this.rememberCamera });
      this.#cameraOpened(engine, next && this.camera && opened.deviceId !== this.camera ? { ...opened, fellBack: true } : opened);
      await loading;
      signal.throwIfAborted();
    } catch (error) {
      this.#fail(attempt, error);
      return;
    }
    this.#loading = false;
    this.#setStatus('detecting');
    void this.#run(attempt, video, engine);
  }

  /** Asks the page's `sessionProvider` for a session to replace the refused one. */
  async #renew(signal: AbortSignal): Promise<void> {
    const provider = this.sessionProvider;
    if (!provider) return;
    let session: unknown;
    try {
      session = await provider({ previous: this.session, signal });
    } catch (cause) {
      signal.throwIfAborted();
      throw new LivenessError('SESSION_INVALID', `The page could not supply a new session: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
    signal.throwIfAborted();
    if (typeof session !== 'string' || session === '') {
      throw new LivenessError('SESSION_INVALID', `sessionProvider must resolve with a session id, not ${JSON.stringify(session) ?? String(session)}.`);
    }
    this.session = session;
    this.#renewSession = false;
  }

  /** Stops the camera, drops any request in flight and returns to idle without an event. */
  stop(): void {
    this.#cancel();
    this.#setStatus('idle');
  }

  /** Back to idle, ready to try again. */
  reset(): void {
    this.stop();
  }

  /**
   * In `capture-mode="manual"`: captures the next frame that passes every check. Asked while the camera is still
   * starting or the face is not right yet, the capture waits for the first frame that passes.
   */
  capture(): void {
    if (this.#status === 'starting' && this.#attempt) this.#captureQueued = true;
    if (this.#status === 'detecting' && !this.#paused) this.#engine?.pipeline.requestCapture();
  }

  /** Detect until a frame passes, then capture, encode and submit it: the rest of an attempt after `start()`. */
  async #run(attempt: AbortController, video: HTMLVideoElement, engine: Engine): Promise<void> {
    const { signal } = attempt;
    try {
      const passed = await this.#detect(video, signal, engine);
      const integrity = this.#integrityReport(engine, passed.frames);
      engine.integrity.end();
      this.#setStatus('capturing');
      engine.camera.close();
      const pose = engine.lib.estimatePose(passed.face);
      const quality = {
        faceBox: passed.face.box,
        brightness: passed.quality?.brightness,
        sharpness: passed.quality?.sharpness,
        roll: passed.quality?.roll ?? pose.roll,
        yaw: passed.quality?.yaw ?? pose.yaw,
      };
      // The report travels only to a server that expects it: one that opened a session, or a page that opted in.
      const report: Record<string, string> = this.session || this.integrityHeader
        ? { [engine.lib.CAPTURE_HEADER]: engine.lib.captureHeader(engine.lib.VERSION, integrity, quality) }
        : {};
      const verdict = await engine.lib.checkLiveness({
        frame: passed.canvas,
        faceBox: passed.face.box,
        minFaceSize: this.minFaceSize,
        endpoint: this.endpoint,
        threshold: this.threshold,
        apiKey: this.apiKey,
        session: this.session,
        headers: { ...this.headers, ...report },
        timeoutMs: this.requestTimeout,
        signal,
        onEncoded: (encoded) => {
          this.#setSnapshot(encoded.blob);
          this.dispatchEvent(new LivenessCaptureEvent({
            image: encoded.blob,
            width: encoded.width,
            height: encoded.height,
            faceBox: encoded.faceBox,
            detectorThread: engine.pipeline.thread ?? 'main',
            integrity,
          }));
          // A listener may have stopped the element.
          if (!signal.aborted) this.#setStatus('submitting');
        },
      });
      signal.throwIfAborted();
      this.#finish(attempt, verdict.passed, verdict.detail);
    } catch (error) {
      this.#fail(attempt, error);
    }
  }

  /**
   * Runs the frame pipeline until a frame passes. While the page is hidden, detection pauses with the camera off
   * (nobody is in front of it, and a phone takes the camera away anyway); when the page is shown again the camera
   * reopens and detection starts afresh in the same attempt.
   */
  async #detect(video: HTMLVideoElement, signal: AbortSignal, engine: Engine): Promise<PassedFrame> {
    for (;;) {
      try {
        if (this.#visibility.hidden) this.#pause();
        if (this.#paused) {
          await this.#visibility.shown(signal);
          this.#paused = false;
          this.#cameraOpened(engine, await engine.choice.reopen(video, signal));
        }
        const picked = this.#cameraRequest;
        const lost = this.#cameraLost;
        this.#cameraRequest = null;
        this.#cameraLost = null;
        if (picked !== null) {
          this.#cameraOpened(engine, await engine.choice.choose(video, signal, picked, !this.camera && this.rememberCamera));
          continue;
        }
        if (lost) {
          engine.integrity.lost();
          this.#cameraOpened(engine, await engine.choice.replace(video, signal, lost.cause));
          continue;
        }
        const run = engine.pipeline.run({
          video,
          track: engine.camera.stream?.getVideoTracks()[0] ?? null,
          guidance: this.#guidanceOptions(),
          // Only the brightness and sharpness checks read pixels; the pose check uses the detector's keypoints.
          regionChecks: this.checks.some((c) => c !== 'pose'),
          manual: this.captureMode === 'manual',
          maxFps: this.maxFps,
          signal,
        });
        if (this.#captureQueued) engine.pipeline.requestCapture();
        this.#captureQueued = false;
        return await run;
      } catch (error) {
        if (signal.aborted) throw error;
        // A pause or a camera switch stopped the run: the loop goes on with the same attempt.
        if (this.#paused || this.#cameraRequest !== null || this.#cameraLost) continue;
        if (error instanceof LivenessError && error.code === 'CAMERA_LOST' && engine.choice.ended) {
          this.#cameraLost = { cause: error };
          continue;
        }
        throw error;
      }
    }
  }

  /** A camera opened: record it, tell the page which one, and refuse a virtual one under `virtual-camera="block"`. */
  #cameraOpened(engine: Engine, opened: OpenedCamera): void {
    const track = engine.camera.stream?.getVideoTracks()[0];
    if (track) engine.integrity.watch(track);
    const { deviceId, label, kind, fellBack } = opened;
    this.dispatchEvent(new LivenessCameraEvent({ deviceId, label, kind, fellBack }));
    if (kind === 'virtual' && this.virtualCamera === 'block') {
      // The retry opens the best other camera; the error panel's picker lets the person choose another.
      this.#nextCamera = this.#otherCameras()[0]?.deviceId ?? null;
      throw new LivenessError('VIRTUAL_CAMERA', `"${label}" is a virtual camera, and virtual-camera="block" refuses it.`);
    }
  }

  /** Cameras the person may pick: under `virtual-camera="block"`, no virtual ones. */
  #otherCameras(): CameraInfo[] {
    const all = this.#engine?.choice.cameras ?? [];
    return this.virtualCamera === 'block' ? all.filter((c) => c.kind !== 'virtual') : [...all];
  }

  /** The integrity report of the frame about to be captured (read before the camera closes). */
  #integrityReport(engine: Engine, frames?: FrameReport): IntegrityReport {
    const track = engine.camera.stream?.getVideoTracks()[0];
    const camera = engine.choice.current ?? { label: track?.label ?? '', kind: 'unknown' as const };
    return engine.lib.integrityReport({
      camera: { label: camera.label, kind: camera.kind },
      settings: track?.getSettings() ?? {},
      events: engine.integrity.events,
      ...(frames ? { frames } : {}),
      virtualCamera: (VIRTUAL_CAMERA_POLICIES as readonly string[]).includes(this.virtualCamera) ? this.virtualCamera : 'flag',
    });
  }

  /** The person picked a camera while detecting: stop looking and open it (the attempt and its session go on). */
  #chooseCamera(deviceId: string): void {
    if (this.#status === 'error' && this.#error?.code === 'VIRTUAL_CAMERA') {
      this.#nextCamera = deviceId;
      return;
    }
    if (this.#status !== 'detecting' || !this.#attempt || deviceId === this.#engine?.choice.current?.deviceId) return;
    this.#cameraRequest = deviceId;
    this.#engine?.pipeline.stop();
  }

  /** The open camera left the device list while detecting: the detection loop replaces it. */
  #onCameraGone(): void {
    if (this.#status !== 'detecting' || !this.#attempt || this.#paused) return;
    this.#cameraLost = { cause: new LivenessError('CAMERA_LOST', 'The camera stopped: it was unplugged.') };
    this.#engine?.pipeline.stop();
  }

  /** The page was hidden: while detecting, stop looking and release the camera (see `#detect`). */
  #pause(): void {
    if (this.#status !== 'detecting' || !this.#attempt || this.#paused) return;
    this.#paused = true;
    this.#engine?.pipeline.stop();
    this.#engine?.camera.close();
    this.#setHint(null);
  }

  #cancel(): void {
    this.#paused = false;
    this.#captureQueued = false;
    this.#cameraRequest = null;
    this.#cameraLost = null;
    this.#attempt?.abort(new DOMException('The liveness check was stopped.', 'AbortError'));
    this.#attempt = null;
    this.#engine?.pipeline.stop();
    this.#engine?.camera.close();
    this.#engine?.choice.release();
    this.#engine?.integrity.end();
    this.#loading = false;
    this.#setSnapshot(null);
    this.#setHint(null);
  }

  #setStatus(next: LivenessStatus): void {
    if (next === this.#status) return;
    if (!canTransition(this.#status, next)) throw new Error(`liveness-capture: ${this.#status} -> ${next} is not allowed`);
    this.#status = next;
    this.setAttribute('status', next);
    this.requestUpdate();
  }

  #setHint(hint: HintCode | null): void {
    if (hint) this.setAttribute('hint', hint);
    else this.removeAttribute('hint');
  }

  #assets(s: AttemptModule): DetectorAssets {
    return this.assetsBase ? s.assetsAt(this.assetsBase, document.baseURI) : s.defaultAssets();
  }

  #guidanceOptions(): GuidanceOptions {
    const on = new Set(this.checks);
    return {
      minFaceSize: this.minFaceSize,
      stableFrames: this.stableFrames ?? undefined,
      holdMs: this.holdMs,
      brightness: on.has('brightness'),
      sharpness: on.has('sharpness'),
      pose: on.has('pose'),
      minBrightness: this.minBrightness,
      maxBrightness: this.maxBrightness,
      minSharpness: this.minSharpness,
      maxRoll: this.maxRoll,
      maxYaw: this.maxYaw,
      minFaceFraction: this.minFaceFraction,
    };
  }

  /** The pipeline's hint or hold progress changed: reflect it and tell the page. */
  #onGuidance(state: PipelineState): void {
    if (this.#status !== 'detecting') return;
    this.#setHint(state.hint);
    if (state.hint) this.dispatchEvent(new LivenessProgressEvent({ hint: state.hint, progress: state.progress, ready: state.ready }));
  }

  #finish(attempt: AbortController, passed: boolean, detail: LivenessResultDetail): void {
    if (this.#attempt !== attempt) return;
    this.#attempt = null;
    // Fail closed: a pass needs a finite prob_real strictly above a valid threshold, checked here once more.
    const valid = Number.isFinite(detail.probReal) && detail.probReal >= 0 && detail.probReal <= 1 &&
      Number.isFinite(detail.threshold) && detail.threshold >= 0 && detail.threshold <= 1;
    const pass = passed && valid && detail.probReal > detail.threshold;
    this.#afterResult();
    this.#setStatus(pass ? 'passed' : 'failed');
    this.dispatchEvent(pass ? new LivenessPassEvent(detail) : new LivenessFailEvent(detail));
  }

  #fail(attempt: AbortController, error: unknown): void {
    // A stopped or superseded attempt ends silently.
    if (attempt.signal.aborted || this.#attempt !== attempt || !this.isConnected) return;
    this.#attempt = null;
    attempt.abort(new DOMException('The liveness check ended with an error.', 'AbortError'));
    const failure = asLivenessError(error);
    const detail = failure.toDetail();
    // A refused session is recoverable when the page can supply another.
    this.#renewSession = failure.code === 'SESSION_INVALID' && !!this.sessionProvider;
    this.#error = this.#renewSession ? { ...detail, recoverable: true } : detail;
    this.#loading = false;
    this.#afterResult();
    this.#setStatus('error');
    this.dispatchEvent(new LivenessErrorEvent(this.#error));
  }

  #afterResult(): void {
    this.#cameraRequest = null;
    this.#cameraLost = null;
    this.#engine?.pipeline.stop();
    this.#engine?.camera.close();
    this.#engine?.choice.release();
    this.#engine?.integrity.end();
    this.#setHint(null);
    this.#focusResult = true;
  }

  /**
   * Keeps keyboard and screen-reader users on the element: when the control that had focus went away in this
   * update (start, retry, cancel, capture), focus moves to the control of the new state. A result panel takes focus
   * when focus is in the element or nowhere; decided after the render, so focus never leaves a field of the page.
   */
  #keepFocus(): void {
    const active = document.activeElement;
    const lost = active === null || active === document.body;
    const result = this.#focusResult;
    this.#focusResult = false;
    if (!lost && !(result && this.matches(':focus-within'))) return;
    if (!result && !this.#focusWasInside) return;
    const target = isFinal(this.#status) ? '.panel' : this.#status === 'idle' ? '[part~="start-button"]' : '[part~="cancel-button"]';
    this.renderRoot.querySelector<HTMLElement>(target)?.focus();
  }

  #setSnapshot(blob: Blob | null): void {
    if (this.#snapshotUrl) URL.revokeObjectURL(this.#snapshotUrl);
    this.#snapshotUrl = blob ? URL.createObjectURL(blob) : null;
    this.requestUpdate();
  }

  #lang(): string {
    // Server rendering has no document or browser languages: the element's own `lang`, else the default.
    if (isServer) return resolveLanguage(this.getAttribute('lang'), null, []);
    return resolveLanguage(this.getAttribute('lang'), languageOf(this.parentElement ?? this) ?? document.documentElement.lang, navigator.languages);
  }

  override render(): TemplateResult {
    const lang = this.#lang();
    const guidance = this.#status === 'detecting' && this.#engine ? this.#engine.pipeline.value : { hint: null, progress: 0, ready: false };
    return renderView(
      {
        status: this.#status,
        lang,
        rtl: isRtl(lang),
        t: messagesFor(lang, this.messages),
        captureMode: this.captureMode,
        snapshotUrl: this.#snapshotUrl,
        ...(this.#engine ? { layout: this.#engine.guide.style } : {}),
        loading: this.#loading,
        ...guidance,
        announcement: this.#announcer.text,
        slotted: isServer ? [] : [...this.children].map((c) => c.getAttribute('slot') ?? ''),
        politeness: (POLITENESS as readonly string[]).includes(this.politeness) ? this.politeness : 'polite',
        ...(this.#error ? { error: this.#error } : {}),
        cameras: this.#otherCameras(),
        camera: this.#status === 'error' ? this.#nextCamera : this.#cameraRequest ?? this.#engine?.choice.current?.deviceId ?? null,
      },
      {
        start: () => void this.start(),
        stop: () => this.stop(),
        capture: () => this.capture(),
        chooseCamera: (deviceId) => this.#chooseCamera(deviceId),
      },
    );
  }
}
