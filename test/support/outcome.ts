import { expect } from '@open-wc/testing';
import { LivenessError, type LivenessErrorCode } from '../../src/errors.js';
import type { Outcome } from '../../src/response.js';

/** The outcome as a verdict, or a thrown description of the error it was. */
export function verdict(outcome: Outcome) {
  if (outcome.kind !== 'verdict') throw new Error(`expected a verdict, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome;
}

/** The outcome's error, asserting its code. */
export function error(outcome: Outcome, code: LivenessErrorCode): LivenessError {
  if (outcome.kind !== 'error') throw new Error(`expected error ${code}, got a verdict (passed=${outcome.passed})`);
  expect(outcome.error).to.be.instanceOf(LivenessError);
  expect(outcome.error.code).to.equal(code);
  return outcome.error;
}

/** What `promise` rejected with; throws when it resolved. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
