import { expect } from '@open-wc/testing';
import { error, verdict } from '../support/outcome.js';
import type { LivenessErrorCode } from '../../src/errors.js';
import { assertThreshold, interpretResponse } from '../../src/response.js';
import type { RawResponse } from '../../src/response.js';

const JSON_TYPE = 'application/json';

function raw(status: number, body: unknown, contentType: string | null = JSON_TYPE): RawResponse {
  return { status, contentType, text: typeof body === 'string' ? body : JSON.stringify(body) };
}

describe('interpretResponse: contract rows, verbatim', () => {
  it('200 live face → pass with probReal, predIdx and the parsed body', () => {
    const text = '{"success": true, "message": "Process finished successfully", "model_output": {"pred_idx": "real", "prob_real": 0.9997915625572205}}';
    const out = verdict(interpretResponse({ status: 200, contentType: JSON_TYPE, text }, 0.55));
    expect(out.passed).to.equal(true);
    expect(out.detail.probReal).to.equal(0.9997915625572205);
    expect(out.detail.threshold).to.equal(0.55);
    expect(out.detail.predIdx).to.equal('real');
    expect(out.detail.response).to.deep.equal(JSON.parse(text));
    expect('token' in out.detail).to.equal(false);
  });

  it('200 spoof face → fail', () => {
    const text = '{"success": true, "message": "Process finished successfully", "model_output": {"pred_idx": "spoof", "prob_real": 0.00045343424235454}}';
    const out = verdict(interpretResponse({ status: 200, contentType: JSON_TYPE, text }, 0.55));
    expect(out.passed).to.equal(false);
    expect(out.detail.probReal).to.equal(0.00045343424235454);
    expect(out.detail.predIdx).to.equal('spoof');
  });

  it('200 no face → FACE_NOT_DETECTED', () => {
    const text = '{"success": false, "message": "Face detection failed", "error_code": "FACE_NOT_DETECTED"}';
    const e = error(interpretResponse({ status: 200, contentType: JSON_TYPE, text }, 0.55), 'FACE_NOT_DETECTED');
    expect(e.httpStatus).to.equal(200);
    expect(e.response).to.deep.equal(JSON.parse(text));
    expect(e.recoverable).to.equal(true);
    expect(e.message).to.contain('Face detection failed');
  });

  it('200 bad input → INVALID_IMAGE_PAYLOAD', () => {
    const text = '{"success": false, "message": "Invalid input image payload", "error_code": "INVALID_IMAGE_PAYLOAD"}';
    const e = error(interpretResponse({ status: 200, contentType: JSON_TYPE, text }, 0.55), 'INVALID_IMAGE_PAYLOAD');
    expect(e.httpStatus).to.equal(200);
    expect(e.response).to.deep.equal(JSON.parse(text));
  });

  it('200 face smaller than 128x128 → FACE_TOO_SMALL, keeping the measured box in the message', () => {
    const text = '{"success": false, "message": "Detected face box: 97x84 smaller than minimum required size: 128x128", "error_code": "FACE_TOO_SMALL"}';
    const e = error(interpretResponse({ status: 200, contentType: JSON_TYPE, text }, 0.55), 'FACE_TOO_SMALL');
    expect(e.message).to.contain('97x84');
    expect(e.httpStatus).to.equal(200);
    expect(e.response).to.deep.equal(JSON.parse(text));
  });

  it('413 plain text → PAYLOAD_TOO_LARGE with the text as response', () => {
    const text = 'HTTP content length exceeded 10485760 bytes.';
    const e = error(interpretResponse({ status: 413, contentType: 'text/plain', text }, 0.55), 'PAYLOAD_TOO_LARGE');
    expect(e.httpStatus).to.equal(413);
    expect(e.response).to.equal(text);
  });
});

describe('interpretResponse: older deployments and messages without error_code', () => {
  const rows: [string, LivenessErrorCode][] = [
    ['face not detected', 'FACE_NOT_DETECTED'],
    ['Invalid base64 string', 'INVALID_IMAGE_PAYLOAD'],
    ['Face detection failed', 'FACE_NOT_DETECTED'],
    ['Invalid input image payload', 'INVALID_IMAGE_PAYLOAD'],
    ['Detected face box: 100x90 smaller than minimum required size: 128x128', 'FACE_TOO_SMALL'],
    ['  FACE NOT DETECTED  ', 'FACE_NOT_DETECTED'],
    ['invalid BASE64 string\n', 'INVALID_IMAGE_PAYLOAD'],
    ['detected face box: 120.5x110.25 smaller than minimum required size: 128x128', 'FACE_TOO_SMALL'],
  ];
  for (const [message, code] of rows) {
    it(`${JSON.stringify(message)} → ${code}`, () => {
      const body = { success: false, message };
      const e = error(interpretResponse(raw(200, body), 0.55), code);
      expect(e.httpStatus).to.equal(200);
      expect(e.response).to.deep.equal(body);
    });
  }

  it('an unknown error_code with a known message maps by the message', () => {
    error(interpretResponse(raw(200, { success: false, message: 'face not detected', error_code: 'NEW_CODE' }), 0.55), 'FACE_NOT_DETECTED');
  });

  it('a known error_code wins over an unrelated message', () => {
    error(interpretResponse(raw(200, { success: false, message: 'something', error_code: 'FACE_TOO_SMALL' }), 0.55), 'FACE_TOO_SMALL');
  });

  it('success false with an unknown error_code and an unknown message → INVALID_RESPONSE', () => {
    error(interpretResponse(raw(200, { success: false, message: 'boom', error_code: 'NEW_CODE' }), 0.55), 'INVALID_RESPONSE');
  });

  it('success false with an error_code that is not a backend code → INVALID_RESPONSE', () => {
    error(interpretResponse(raw(200, { success: false, message: 'no', error_code: 'UNAUTHORIZED' }), 0.55), 'INVALID_RESPONSE');
    error(interpretResponse(raw(200, { success: false, error_code: 'IMAGE_TOO_LARGE' }), 0.55), 'INVALID_RESPONSE');
  });

  it('success false without message or code → INVALID_RESPONSE', () => {
    error(interpretResponse(raw(200, { success: false }), 0.55), 'INVALID_RESPONSE');
    error(interpretResponse(raw(200, { success: false, message: 42 }), 0.55), 'INVALID_RESPONSE');
  });

  it('a message that only contains a known one does not match', () => {
    error(interpretResponse(raw(200, { success: false, message: 'not a face not detected thing' }), 0.55), 'INVALID_RESPONSE');
    error(interpretResponse(raw(200, { success: false, message: 'Detected face box: big' }), 0.55), 'INVALID_RESPONSE');
  });
});

describe('interpretResponse: HTTP errors', () => {
  it('403 {"message":"Forbidden"} → UNAUTHORIZED, not recoverable', () => {
    const e = error(interpretResponse(raw(403, { message: 'Forbidden' }), 0.55), 'UNAUTHORIZED');
    expect(e.httpStatus).to.equal(403);
    expect(e.response).to.deep.equal({ message: 'Forbidden' });
    expect(e.recoverable).to.equal(false);
    expect(e.message).to.contain('Forbidden');
  });

  it('session refusals of liveness-capture/server → SESSION_INVALID, not recoverable with that session', () => {
    const cases: Array<[number, string]> = [
      [401, 'SESSION_REQUIRED'],
      [401, 'SESSION_UNKNOWN'],
      [410, 'SESSION_EXPIRED'],
      [409, 'SESSION_CLOSED'],
    ];
    for (const [status, code] of cases) {
      const body = { success: false, message: 'refused', error_code: code };
      const e = error(interpretResponse(raw(status, body), 0.55), 'SESSION_INVALID');
      expect(e.httpStatus).to.equal(status);
      expect(e.recoverable).to.equal(false);
      expect(e.response).to.deep.equal(body);
    }
  });

  it('409 IMAGE_REPLAYED → IMAGE_REPLAYED, recoverable with a new photo', () => {
    const e = error(interpretResponse(raw(409, { success: false, message: 'replayed', error_code: 'IMAGE_REPLAYED' }), 0.55), 'IMAGE_REPLAYED');
    expect(e.httpStatus).to.equal(409);
    expect(e.recoverable).to.equal(true);
  });

  it('503 STORE_UNAVAILABLE → STORE_UNAVAILABLE, recoverable (try again shortly)', () => {
    const body = { success: false, message: 'The session store cannot be reached; try again shortly', error_code: 'STORE_UNAVAILABLE' };
    const e = error(interpretResponse({ ...raw(503, body), retryAfter: '5' }, 0.55), 'STORE_UNAVAILABLE');
    expect(e.httpStatus).to.equal(503);
    expect(e.recoverable).to.equal(true);
    expect(e.response).to.deep.equal(body);
  });

  it('503 without a known code stays SERVER_ERROR', () => {
    error(interpretResponse(raw(503, { success: false, message: 'x', error_code: 'SHUTTING_DOWN' }), 0.55), 'SERVER_ERROR');
  });

  it('a refusal code in a 200 answer is not a contract row: INVALID_RESPONSE', () => {
    error(interpretResponse(raw(200, { success: false, message: 'x', error_code: 'SESSION_CLOSED' }), 0.55), 'INVALID_RESPONSE');
  });

  it('401 → UNAUTHORIZED', () => {
    const e = error(interpretResponse(raw(401, { message: 'Unauthorized' }), 0.55), 'UNAUTHORIZED');
    expect(e.httpStatus).to.equal(401);
  });

  it('429 → RATE_LIMITED, keeping Retry-After', () => {
    const e = error(interpretResponse({ ...raw(429, { message: 'Too Many Requests' }), retryAfter: '30' }, 0.55), 'RATE_LIMITED');
    expect(e.httpStatus).to.equal(429);
    expect(e.message).to.contain('Retry-After: 30');
    expect(e.response).to.deep.equal({ message: 'Too Many Requests' });
    const plain = error(interpretResponse(raw(429, 'slow down', 'text/plain'), 0.55), 'RATE_LIMITED');
    expect(plain.response).to.equal('slow down');
  });

  for (const status of [500, 502, 503, 504, 400, 404, 405, 418, 302, 100, 0]) {
    it(`${status} → SERVER_ERROR with status and body`, () => {
      const json = error(interpretResponse(raw(status, { message: 'Internal server error' }), 0.55), 'SERVER_ERROR');
      expect(json.httpStatus).to.equal(status);
      expect(json.response).to.deep.equal({ message: 'Internal server error' });
      const text = error(interpretResponse(raw(status, '<html>Bad Gateway</html>', 'text/html'), 0.55), 'SERVER_ERROR');
      expect(text.response).to.equal('<html>Bad Gateway</html>');
    });
  }

  it('a 5xx whose body looks like a live verdict is still SERVER_ERROR', () => {
    const body = { success: true, model_output: { pred_idx: 'real', prob_real: 0.99 } };
    error(interpretResponse(raw(500, body), 0.55), 'SERVER_ERROR');
    error(interpretResponse(raw(403, body), 0.55), 'UNAUTHORIZED');
  });

  it('a 413 with a JSON body keeps the parsed body', () => {
    const e = error(interpretResponse(raw(413, { message: 'Request Too Long' }), 0.55), 'PAYLOAD_TOO_LARGE');
    expect(e.response).to.deep.equal({ message: 'Request Too Long' });
  });

  it('other 2xx (201, 204) are not answers of the contract → INVALID_RESPONSE', () => {
    const body = { success: true, model_output: { pred_idx: 'real', prob_real: 0.99 } };
    error(interpretResponse(raw(201, body), 0.55), 'INVALID_RESPONSE');
    error(interpretResponse(raw(204, ''), 0.55), 'INVALID_RESPONSE');
  });
});

describe('interpretResponse: invalid answers fail closed', () => {
  const live = (prob: unknown) => ({ success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: prob } });

  const bodies: [string, string][] = [
    ['non-JSON 200', 'Process finished successfully'],
    ['HTML 200', '<html><body>ok</body></html>'],
    ['empty 200', ''],
    ['JSON null', 'null'],
    ['JSON number', '0.99'],
    ['JSON string', '"live"'],
    ['JSON true', 'true'],
    ['JSON array', '[{"success":true,"model_output":{"prob_real":0.99}}]'],
    ['success missing', '{"model_output":{"pred_idx":"real","prob_real":0.99}}'],
    ['success as string', '{"success":"true","model_output":{"pred_idx":"real","prob_real":0.99}}'],
    ['success as 1', '{"success":1,"model_output":{"pred_idx":"real","prob_real":0.99}}'],
    ['success true without model_output', '{"success":true,"message":"Process finished successfully"}'],
    ['model_output null', '{"success":true,"model_output":null}'],
    ['model_output an array', '{"success":true,"model_output":[0.99]}'],
    ['model_output a number', '{"success":true,"model_output":0.99}'],
    ['prob_real missing', '{"success":true,"model_output":{"pred_idx":"real"}}'],
    ['prob_real null', JSON.stringify(live(null))],
    ['prob_real string', JSON.stringify(live('0.99'))],
    ['prob_real boolean', JSON.stringify(live(true))],
    ['prob_real object', JSON.stringify(live({ value: 0.99 }))],
    ['prob_real array', JSON.stringify(live([0.99]))],
    ['prob_real negative', JSON.stringify(live(-0.1))],
    ['prob_real above 1', JSON.stringify(live(1.0000001))],
    ['prob_real 99 (percent)', JSON.stringify(live(99))],
    ['prob_real 1e309 (Infinity)', '{"success":true,"model_output":{"pred_idx":"real","prob_real":1e309}}'],
    ['prob_real -1e309 (-Infinity)', '{"success":true,"model_output":{"pred_idx":"real","prob_real":-1e309}}'],
    ['prob_real NaN literal (not JSON)', '{"success":true,"model_output":{"pred_idx":"real","prob_real":NaN}}'],
    ['prob_real Infinity literal (not JSON)', '{"success":true,"model_output":{"pred_idx":"real","prob_real":Infinity}}'],
    ['prob_real at the top level only', '{"success":true,"prob_real":0.99,"model_output":{}}'],
  ];
  for (const [name, text] of bodies) {
    it(`${name} → INVALID_RESPONSE`, () => {
      for (const threshold of [0, 0.55, 1]) {
        const e = error(interpretResponse({ status: 200, contentType: JSON_TYPE, text }, threshold), 'INVALID_RESPONSE');
        expect(e.httpStatus).to.equal(200);
        expect(e.recoverable).to.equal(false);
        expect(e.response).to.not.equal(undefined);
      }
    });
  }

  it('keeps the raw text as response when the body is not JSON', () => {
    const e = error(interpretResponse(raw(200, 'oops', 'text/plain'), 0.55), 'INVALID_RESPONSE');
    expect(e.response).to.equal('oops');
  });
});

describe('interpretResponse: the decision', () => {
  const body = (prob: number, extra: Record<string, unknown> = {}) =>
    raw(200, { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: prob }, ...extra });

  it('a value exactly at the threshold fails', () => {
    for (const t of [0, 0.5, 0.55, 1]) {
      expect(verdict(interpretResponse(body(t), t)).passed, `threshold ${t}`).to.equal(false);
    }
  });

  it('a value just above the threshold passes', () => {
    expect(verdict(interpretResponse(body(0.5500000000000002), 0.55)).passed).to.equal(true);
    expect(verdict(interpretResponse(body(0.56), 0.55)).passed).to.equal(true);
    expect(verdict(interpretResponse(body(Number.MIN_VALUE), 0)).passed).to.equal(true);
  });

  it('a value just below the threshold fails', () => {
    expect(verdict(interpretResponse(body(0.5499999999999999), 0.55)).passed).to.equal(false);
  });

  it('the bounds 0 and 1 are valid values', () => {
    expect(verdict(interpretResponse(body(0), 0.55)).passed).to.equal(false);
    expect(verdict(interpretResponse(body(1), 0.55)).passed).to.equal(true);
    expect(verdict(interpretResponse(body(1), 1)).passed).to.equal(false);
  });

  it('the robust endpoint default 0.50', () => {
    expect(verdict(interpretResponse(body(0.5), 0.5)).passed).to.equal(false);
    expect(verdict(interpretResponse(body(0.51), 0.5)).passed).to.equal(true);
  });

  it('unknown extra fields are harmless (pred_score, other pred_idx values)', () => {
    const text = '{"success":true,"message":"Process finished successfully","model_output":{"pred_idx":"spoof_replay","prob_real":0.2,"pred_score":0.8},"request_id":"abc","latency_ms":12}';
    const out = verdict(interpretResponse({ status: 200, contentType: JSON_TYPE, text }, 0.55));
    expect(out.passed).to.equal(false);
    expect(out.detail.predIdx).to.equal('spoof_replay');
    expect(out.detail.response).to.deep.equal(JSON.parse(text));
    const print = verdict(interpretResponse(raw(200, { success: true, model_output: { pred_idx: 'spoof_print', prob_real: 0.1 } }), 0.55));
    expect(print.detail.predIdx).to.equal('spoof_print');
  });

  it('a verdict does not depend on the content type or the message', () => {
    const text = '{"success":true,"model_output":{"pred_idx":"real","prob_real":0.9}}';
    expect(verdict(interpretResponse({ status: 200, contentType: null, text }, 0.55)).passed).to.equal(true);
    expect(verdict(interpretResponse({ status: 200, contentType: 'text/plain', text }, 0.55)).passed).to.equal(true);
  });

  it('predIdx is null when pred_idx is absent or not a string', () => {
    expect(verdict(interpretResponse(raw(200, { success: true, model_output: { prob_real: 0.9 } }), 0.55)).detail.predIdx).to.equal(null);
    expect(verdict(interpretResponse(raw(200, { success: true, model_output: { prob_real: 0.9, pred_idx: 1 } }), 0.55)).detail.predIdx).to.equal(null);
  });

  it('carries the server companion token when it is a non-empty string', () => {
    const out = verdict(interpretResponse(body(0.9, { verdict: { token: 'eyJhbGciOi.payload.sig', passed: true } }), 0.55));
    expect(out.detail.token).to.equal('eyJhbGciOi.payload.sig');
    const failed = verdict(interpretResponse(body(0.1, { verdict: { token: 'tok' } }), 0.55));
    expect(failed.passed).to.equal(false);
    expect(failed.detail.token).to.equal('tok');
  });

  it('ignores a token that is empty, not a string, or not under verdict', () => {
    for (const extra of [{ verdict: { token: '' } }, { verdict: { token: 42 } }, { verdict: 'tok' }, { verdict: null }, { token: 'top-level' }]) {
      const out = verdict(interpretResponse(body(0.9, extra), 0.55));
      expect('token' in out.detail, JSON.stringify(extra)).to.equal(false);
    }
  });

  it('a server verdict field never overrides the decision', () => {
    const out = verdict(interpretResponse(body(0.1, { verdict: { passed: true, token: 't' } }), 0.55));
    expect(out.passed).to.equal(false);
  });
});

describe('interpretResponse: threshold validation', () => {
  const live = raw(200, { success: true, model_output: { pred_idx: 'real', prob_real: 0.99 } });

  it('throws RangeError for NaN, infinities and values outside [0, 1]', () => {
    for (const t of [NaN, Infinity, -Infinity, -0.01, 1.01, 55]) {
      expect(() => interpretResponse(live, t), String(t)).to.throw(RangeError);
    }
  });

  it('throws TypeError for a threshold that is not a number', () => {
    for (const t of ['0.55', null, undefined, {}]) {
      expect(() => interpretResponse(live, t as unknown as number), String(t)).to.throw(TypeError);
    }
  });

  it('assertThreshold accepts the bounds', () => {
    expect(() => assertThreshold(0)).to.not.throw();
    expect(() => assertThreshold(1)).to.not.throw();
    expect(() => assertThreshold(0.55)).to.not.throw();
  });
});

describe('interpretResponse: error details', () => {
  it('toDetail carries code, message, recoverable, httpStatus and response', () => {
    const e = error(interpretResponse(raw(502, { message: 'Bad Gateway' }), 0.55), 'SERVER_ERROR');
    const detail = e.toDetail();
    expect(detail).to.deep.include({ code: 'SERVER_ERROR', recoverable: true, httpStatus: 502, response: { message: 'Bad Gateway' } });
    expect(detail.message).to.be.a('string').and.not.equal('');
  });

  it('cuts a very long backend message in the error message but keeps the full response', () => {
    const message = 'x'.repeat(5000);
    const e = error(interpretResponse(raw(500, { message }), 0.55), 'SERVER_ERROR');
    expect(e.message.length).to.be.below(600);
    expect((e.response as { message: string }).message).to.equal(message);
  });
});
