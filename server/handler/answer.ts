// What every request step, backend and refusal answers: the response and the facts its log line and metrics
// record. One shape for all of them, so a backend's answer is logged and counted like the handler's own.

import { refusal, type RefusalCode, type Variant } from '../contract/contract.js';
import type { Decision } from '../stores/verdict.js';
import type { RequestOutcome } from './log.js';

export interface Answer {
  readonly response: Response;
  readonly outcome: RequestOutcome;
  /** The log level; by default `error` for a 5xx status, else `info`. */
  readonly level?: 'info' | 'warn' | 'error' | undefined;
  /** A short explanation for the operator (never user data). */
  readonly detail?: string | undefined;
  readonly variant?: Variant | undefined;
  readonly bodyBytes?: number | undefined;
  readonly upstreamStatus?: number | undefined;
  readonly upstreamMs?: number | undefined;
  readonly decision?: Decision | undefined;
  /** The model's `prob_real`, on a scored answer with a valid one. */
  readonly probReal?: number | undefined;
  /** The refusal code, when the handler refused the request itself. */
  readonly errorCode?: string | undefined;
}

/** A refusal of the contract (`REFUSALS`), logged as a warning. */
export function refused(code: RefusalCode, outcome: RequestOutcome, detail?: string, headers?: Record<string, string>): Answer {
  return { response: refusal(code, headers), outcome, level: 'warn', errorCode: code, ...(detail ? { detail } : {}) };
}
