// liveness-capture/server: the server half of <liveness-capture>. Node only; nothing here reaches the browser.

export {
  createLivenessHandler,
  SESSION_HEADER,
  type LivenessHandler,
  type LivenessHandlerOptions,
  type RequestContext,
} from './handler/handler.js';
export {
  createNodeServer,
  toNodeMiddleware,
  type NextFunction,
  type NodeAdapterOptions,
  type NodeMiddleware,
  type LivenessNodeServer,
  type NodeServerOptions,
} from './adapters/node.js';
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
} from './stores/verdict.js';
export {
  createLivenessSessions,
  type LivenessSessions,
  type LivenessSessionsOptions,
  type SessionInput,
  type SessionResult,
  type SessionState,
} from './stores/sessions.js';
export {
  createMemoryStore,
  createRedisStore,
  StoreFullError,
  StoreUnavailableError,
  type LivenessStore,
  type MemoryStoreOptions,
  type RedisClientLike,
  type RedisStoreOptions,
} from './stores/store.js';
export { createSessionRoutes, type SessionRoutesOptions } from './handler/admin.js';
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
} from './stores/evidence.js';
export { CAPTURE_HEADER, type CameraPolicy, type CaptureReport } from './contract/capture-header.js';
export { createLocalBackend } from './backends/local.js';
export type { AnalyzeOptions, FaceBox, LocalAnalysis, LocalBackend, LocalBackendOptions } from './backends/local-backend.js';
export { createRateLimiter, type RateLimiter, type RateLimitOptions } from './handler/guard.js';
export type { UploadLimits } from './handler/uploads.js';
export type { AdminLogger, AdminLogRecord, LivenessLogger, LivenessLogRecord, Mode, Outcome, RequestOutcome } from './handler/log.js';
export {
  BODY_LIMIT_BYTES,
  DEFAULT_THRESHOLDS,
  HOSTED_BASE_URL,
  MIN_FACE_SIZE,
  REFUSALS,
  TOO_LARGE_TEXT,
  type RefusalCode,
  type Variant,
} from './contract/contract.js';
