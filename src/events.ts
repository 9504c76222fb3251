import type { CameraKind } from './camera-kind.js';
import type { LivenessErrorDetail } from './errors.js';
import type { IntegrityReport } from './integrity.js';

/** A face box in the captured image's pixels (never mirrored). */
export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LivenessCaptureDetail {
  /** The JPEG that is about to be sent. */
  readonly image: Blob;
  readonly width: number;
  readonly height: number;
  readonly faceBox: FaceBox;
  /**
   * Where the face detector ran: `worker` (its own thread), or `main` where the worker could not start or cannot
   * run it in this browser (the console says why, once).
   */
  readonly detectorThread: 'worker' | 'main';
  /**
   * What the element saw of the camera during the attempt (`v: 1`): the camera's label and kind, its settings, its
   * track's events and the flags raised. Reported by the client: a signal, never a proof (docs/cameras.md).
   */
  readonly integrity: IntegrityReport;
}

/** Detail of a `liveness-camera` event: the camera that just opened. */
export interface LivenessCameraDetail {
  /** The browser's id for the camera on this origin (what the `camera` attribute takes). */
  readonly deviceId: string;
  /** The operating system's name for the camera. */
  readonly label: string;
  /** From the label and the track: `physical`, `virtual`, `infrared` or `unknown` (see docs/cameras.md). */
  readonly kind: CameraKind;
  /** The page's `camera` was not available: this is the element's own choice instead. */
  readonly fellBack: boolean;
}

export interface LivenessResultDetail {
  /** The backend's `prob_real`: probability that the face is live. */
  readonly probReal: number;
  /** The threshold it was compared with (`probReal > threshold` passes). */
  readonly threshold: number;
  /** The backend's `pred_idx` label (`real`, `spoof`, `spoof_replay`, ...), or null when absent. */
  readonly predIdx: string | null;
  /** The parsed JSON body of the backend's answer. */
  readonly response: unknown;
  /** A signed verdict token from the page's own server (liveness-capture/server), when it sent one. */
  readonly token?: string;
}

/** The guidance hint codes, in the order the element checks them. */
export type HintCode =
  | 'no-face'
  | 'multiple-faces'
  | 'move-back'
  | 'move-closer'
  | 'center-face'
  | 'too-dark'
  | 'too-bright'
  | 'too-blurry'
  | 'face-turned'
  | 'hold-still';

export interface LivenessProgressDetail {
  /** The one hint shown now. */
  readonly hint: HintCode;
  /** Share of the steady hold done, 0 to 1. */
  readonly progress: number;
  /** Every check passes and the hold is complete (in manual mode: the capture button is enabled). */
  readonly ready: boolean;
}

/** Base of the element's events: bubbling, composed, with a typed readonly `detail`. */
export abstract class LivenessEvent<T> extends Event {
  readonly detail: T;
  protected constructor(type: string, detail: T) {
    super(type, { bubbles: true, composed: true });
    this.detail = detail;
  }
}

/** Fired while detecting, whenever the hint, the hold progress or readiness changes. */
export class LivenessProgressEvent extends LivenessEvent<LivenessProgressDetail> {
  static readonly eventName = 'liveness-progress';
  constructor(detail: LivenessProgressDetail) {
    super(LivenessProgressEvent.eventName, detail);
  }
}

/** Fired each time a camera opens: at start, when the person switches, after a pause and when one replaces a lost one. */
export class LivenessCameraEvent extends LivenessEvent<LivenessCameraDetail> {
  static readonly eventName = 'liveness-camera';
  constructor(detail: LivenessCameraDetail) {
    super(LivenessCameraEvent.eventName, detail);
  }
}

/** Fired with the captured frame just before it is sent. */
export class LivenessCaptureEvent extends LivenessEvent<LivenessCaptureDetail> {
  static readonly eventName = 'liveness-capture';
  constructor(detail: LivenessCaptureDetail) {
    super(LivenessCaptureEvent.eventName, detail);
  }
}

/** Fired when the backend returned a valid `prob_real` strictly above the threshold. */
export class LivenessPassEvent extends LivenessEvent<LivenessResultDetail> {
  static readonly eventName = 'liveness-pass';
  constructor(detail: LivenessResultDetail) {
    super(LivenessPassEvent.eventName, detail);
  }
}

/** Fired when the backend returned a valid `prob_real` at or below the threshold. */
export class LivenessFailEvent extends LivenessEvent<LivenessResultDetail> {
  static readonly eventName = 'liveness-fail';
  constructor(detail: LivenessResultDetail) {
    super(LivenessFailEvent.eventName, detail);
  }
}

/** Fired for every outcome that is not a verdict; `detail.code` is stable. */
export class LivenessErrorEvent extends LivenessEvent<LivenessErrorDetail> {
  static readonly eventName = 'liveness-error';
  constructor(detail: LivenessErrorDetail) {
    super(LivenessErrorEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'liveness-progress': LivenessProgressEvent;
    'liveness-camera': LivenessCameraEvent;
    'liveness-capture': LivenessCaptureEvent;
    'liveness-pass': LivenessPassEvent;
    'liveness-fail': LivenessFailEvent;
    'liveness-error': LivenessErrorEvent;
  }
}
