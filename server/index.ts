// liveness-capture/server: the server half of <liveness-capture>. Node only; nothing here reaches the browser.

export {
  createLivenessHandler,
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
export { createLocalBackend } from './local.js';
export type { FaceBox, LocalAnalysis, LocalBackend, LocalBackendOptions } from './local-backend.js';
export { createRateLimiter, type RateLimiter, type RateLimitOptions } from './guard.js';
export type { LivenessLogger, LivenessLogRecord, Mode, Outcome } from './log.js';
export {
  BODY_LIMIT_BYTES,
  DEFAULT_THRESHOLDS,
  HOSTED_BASE_URL,
  MIN_FACE_SIZE,
  TOO_LARGE_TEXT,
  type Variant,
} from './contract.js';
