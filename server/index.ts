// liveness-capture/server: the server half of <liveness-capture>. Node only; nothing here reaches the browser.

export {
  createLivenessHandler,
  SESSION_HEADER,
  type LivenessHandler,
  type LivenessHandlerOptions,
  type RequestContext,
} from './handler.js';
export {
  createNodeServer,
  toNodeMiddleware,
  type NextFunction,
  type NodeAdapterOptions,
  type NodeMiddleware,
  type LivenessNodeServer,
  type NodeServerOptions,
} from './node.js';
export {
  createNonceStore,
  verifyVerdict,
  DEFAULT_MAX_AGE_SECONDS,
  type Decision,
  type NonceStore,
  type NonceStoreOptions,
  type RejectedVerdict,
  type Secret,
  type VerdictField,
  type VerdictRejection,
  type VerdictResult,
  type VerifiedVerdict,
  type VerifyOptions,
} from './verdict.js';
export {
  createLivenessSessions,
  type LivenessSessions,
  type LivenessSessionsOptions,
  type SessionInput,
  type SessionResult,
  type SessionState,
} from './sessions.js';
export {
  createMemoryStore,
  createRedisStore,
  StoreFullError,
  StoreUnavailableError,
  type LivenessStore,
  type MemoryStoreOptions,
  type RedisClientLike,
  type RedisStoreOptions,
} from './store.js';
export { createSessionRoutes, type SessionRoutesOptions } from './admin.js';
export {
  createEvidenceSigner,
  verifyEvidence,
  DEFAULT_EVIDENCE_TTL_SECONDS,
  EVIDENCE_TYPE,
  type EvidenceAttempt,
  type EvidenceRecord,
  type EvidenceRejection,
  type EvidenceResult,
  type EvidenceSigner,
  type EvidenceSource,
  type VerifyEvidenceOptions,
} from './evidence.js';
export { CAPTURE_HEADER, type CameraPolicy, type CaptureReport } from './capture-header.js';
export { createLocalBackend } from './local.js';
export type { AnalyzeOptions, FaceBox, LocalAnalysis, LocalBackend, LocalBackendOptions } from './local-backend.js';
export { createRateLimiter, type RateLimiter, type RateLimitOptions } from './guard.js';
export type { UploadLimits } from './uploads.js';
export type { AdminLogger, AdminLogRecord, LivenessLogger, LivenessLogRecord, Mode, Outcome } from './log.js';
export {
  BODY_LIMIT_BYTES,
  DEFAULT_THRESHOLDS,
  HOSTED_BASE_URL,
  MIN_FACE_SIZE,
  REFUSALS,
  TOO_LARGE_TEXT,
  type RefusalCode,
  type Variant,
} from './contract.js';
