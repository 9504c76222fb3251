// Importing the package root registers <liveness-capture>.
import './define.js';

export { LivenessCapture } from './liveness-capture.js';
export type { CaptureMode, Politeness, QualityCheck, SessionProvider, SessionRequest, VirtualCameraPolicy } from './liveness-capture.js';
export { defineLivenessCapture } from './define.js';
export * from './events.js';
export { LivenessError, LIVENESS_ERROR_CODES, isRecoverable } from './errors.js';
export type { LivenessErrorCode, LivenessErrorDetail } from './errors.js';
export type { LivenessStatus } from './status.js';
export type { CameraInfo, CameraKind } from './camera-kind.js';
export { INTEGRITY_FLAGS } from './integrity.js';
export type { FrameMeasures, IntegrityEvent, IntegrityFlag, IntegrityReport, IntegritySettings } from './integrity.js';
export type { DetectorAssets } from './assets.js';
export type { SupportReport } from './support.js';
