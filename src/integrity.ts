// What the element saw of the camera during an attempt, reported with the capture (`detail.integrity` of
// `liveness-capture`) and, when asked, sent to the server as the `x-liveness-capture` header. Pure: no DOM globals.
// Everything here comes from the client, so a server can use it to refuse what the client itself flagged, never as
// proof that a capture is genuine (see docs/cameras.md).
import type { CameraKind } from './camera-kind.js';
import type { FrameMeasures, FrameReport } from './frame-measure.js';

export type { FrameMeasures } from './frame-measure.js';

/** Stable flag names a page or server may switch on. */
export const INTEGRITY_FLAGS = ['virtual-camera', 'infrared-camera', 'still-image', 'looped-video', 'frozen', 'track-interrupted'] as const;
export type IntegrityFlag = (typeof INTEGRITY_FLAGS)[number];

/** What happened to the camera during the attempt, at milliseconds since the attempt started. */
export interface IntegrityEvent {
  readonly type: 'mute' | 'unmute' | 'ended' | 'settings' | 'hidden';
  readonly t: number;
}

/** The camera's track settings at capture. */
export interface IntegritySettings {
  readonly width?: number;
  readonly height?: number;
  readonly frameRate?: number;
  readonly resizeMode?: string;
}

/** `detail.integrity` of `liveness-capture` (version 1). */
export interface IntegrityReport {
  readonly v: 1;
  /** The camera the frame came from: its label and kind (see docs/cameras.md). */
  readonly camera: { readonly label: string; readonly kind: CameraKind };
  readonly settings: IntegritySettings;
  /**
   * What the camera's frames said, measured in the detector's worker (src/frame-measure.ts, docs/integrity.md).
   * Absent where detection runs on the page's main thread (no worker), which measures nothing.
   */
  readonly frames?: FrameMeasures;
  readonly events: readonly IntegrityEvent[];
  /** In the order of {@link INTEGRITY_FLAGS}. */
  readonly flags: readonly IntegrityFlag[];
}

/** The quality measured on the captured frame: face box in the image's pixels, mean luma, Laplacian variance, pose. */
export interface CaptureQuality {
  readonly faceBox: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  readonly brightness?: number;
  readonly sharpness?: number;
  readonly roll?: number;
  readonly yaw?: number;
}

/** The request header the report travels in, and its size limit (the server's `CAPTURE_HEADER_LIMIT`). */
export const CAPTURE_HEADER = 'x-liveness-capture';
export const CAPTURE_HEADER_LIMIT = 4096;
/** Events kept at most, the first ones (a flapping track must not crowd out the rest of the report). */
export const MAX_EVENTS = 32;
const MAX_LABEL = 120;

/** What the attempt recorded; `flags` are derived from it by {@link integrityReport}. */
export interface IntegrityInput {
  readonly camera: { readonly label: string; readonly kind: CameraKind };
  readonly settings: MediaTrackSettings & { resizeMode?: string };
  readonly events: readonly IntegrityEvent[];
  /** The page's `virtual-camera`: `allow` does not flag a virtual camera. */
  readonly virtualCamera: 'allow' | 'flag' | 'block';
  /** The frame measurements and their flags, from the detector's worker. */
  readonly frames?: FrameReport;
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The report of one capture. */
export function integrityReport(input: IntegrityInput): IntegrityReport {
  const flags: IntegrityFlag[] = [];
  if (input.camera.kind === 'virtual' && input.virtualCamera !== 'allow') flags.push('virtual-camera');
  if (input.camera.kind === 'infrared') flags.push('infrared-camera');
  if (input.events.some((e) => e.type === 'mute' || e.type === 'ended')) flags.push('track-interrupted');
  for (const flag of input.frames?.flags ?? []) if (!flags.includes(flag)) flags.push(flag);
  flags.sort((a, b) => INTEGRITY_FLAGS.indexOf(a) - INTEGRITY_FLAGS.indexOf(b));
  const s = input.settings;
  const settings: { -readonly [K in keyof IntegritySettings]: IntegritySettings[K] } = {};
  if (typeof s.width === 'number') settings.width = s.width;
  if (typeof s.height === 'number') settings.height = s.height;
  if (typeof s.frameRate === 'number' && Number.isFinite(s.frameRate)) settings.frameRate = round(s.frameRate, 2);
  if (typeof s.resizeMode === 'string') settings.resizeMode = s.resizeMode;
  return {
    v: 1,
    camera: { label: input.camera.label.slice(0, MAX_LABEL), kind: input.camera.kind },
    settings,
    ...(input.frames ? { frames: { ...input.frames.frames } } : {}),
    events: input.events.slice(0, MAX_EVENTS).map((e) => ({ type: e.type, t: Math.max(0, Math.round(e.t)) })),
    flags,
  };
}

/** base64url of UTF-8 text, without padding (what the server decodes with `Buffer.from(text, 'base64url')`). */
export function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The `x-liveness-capture` value: base64url of `{ version, integrity, quality }`, at most 4,096 characters. A report
 * that would be longer loses its events first, then its quality; the flags always go.
 */
export function captureHeader(version: string, integrity: IntegrityReport, quality?: CaptureQuality): string {
  const q = quality ? tameQuality(quality) : undefined;
  const attempts: object[] = [
    { version, integrity, ...(q ? { quality: q } : {}) },
    { version, integrity: { ...integrity, events: [] }, ...(q ? { quality: q } : {}) },
    { version, integrity: { ...integrity, events: [] } },
  ];
  for (const body of attempts) {
    const value = base64url(JSON.stringify(body));
    if (value.length <= CAPTURE_HEADER_LIMIT) return value;
  }
  // Unreachable with the bounds above (label 120 characters, six flags); kept as the contract's last word.
  return base64url(JSON.stringify({ version, integrity: { v: 1, flags: integrity.flags } }));
}

function tameQuality(q: CaptureQuality): CaptureQuality {
  const finite = (n: number | undefined, digits: number) => (typeof n === 'number' && Number.isFinite(n) ? round(n, digits) : undefined);
  const out: Record<string, unknown> = {
    faceBox: { x: Math.round(q.faceBox.x), y: Math.round(q.faceBox.y), width: Math.round(q.faceBox.width), height: Math.round(q.faceBox.height) },
  };
  for (const [key, digits] of [['brightness', 1], ['sharpness', 1], ['roll', 1], ['yaw', 3]] as const) {
    const value = finite(q[key], digits);
    if (value !== undefined) out[key] = value;
  }
  return out as unknown as CaptureQuality;
}
