// End to end: the element with the fake camera (a real face photo) against the server companion in local mode
// (real models in Node), mounted on the test server at /api/liveness with sessions and verdict tokens on.
import { expect } from '@open-wc/testing';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import '../../../src/index.js';
import { createElement, nextResult } from '../../support/helpers.js';

const post = async (path: string, body: unknown) =>
  (await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();

describe('<liveness-capture> against liveness-capture/server in local mode', () => {
  let el: LivenessCapture | undefined;
  afterEach(() => {
    el?.remove();
    el = undefined;
  });

  it('reaches a verdict in a session: a token bound to it that the page server verifies once, and the result read server-side', async () => {
    const { id: session } = await post('/api/session', {});
    expect(session).to.match(/^[A-Za-z0-9_-]{22}$/);
    el = await createElement({ endpoint: '/api/liveness', session });
    const result = nextResult(el);
    await el.start();
    const event = await result;
    // The local models decide; the astronaut photo is a scan of a print, which they tend to call a spoof.
    expect(event.type, JSON.stringify(event.detail)).to.be.oneOf(['liveness-pass', 'liveness-fail']);
    const { probReal, threshold, predIdx, token, response } = event.detail;
    expect(probReal).to.be.within(0, 1);
    expect(threshold).to.equal(0.55);
    expect(predIdx).to.be.oneOf(['real', 'spoof']);
    expect(event.type).to.equal(probReal > threshold ? 'liveness-pass' : 'liveness-fail');
    expect(response.verdict.decision).to.equal(event.type === 'liveness-pass' ? 'pass' : 'fail');
    expect(token).to.be.a('string');

    const first = await post('/api/verify', { token, session, decision: 'any' });
    expect(first.valid).to.equal(true);
    expect(first.session).to.equal(session);
    expect(first.subject).to.equal('test-user');
    expect(first.decision).to.equal(response.verdict.decision);
    expect(first.probReal).to.equal(probReal);
    expect(await post('/api/verify', { token, session, decision: 'any' })).to.deep.equal({ valid: false, reason: 'replayed' });

    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    expect((await post('/api/verify', { token: tampered, session, decision: 'any' })).valid).to.equal(false);

    const state = await post('/api/session-result', { session });
    expect(state.attempts).to.equal(1);
    expect(state.state).to.equal(event.type === 'liveness-pass' ? 'passed' : 'open');
  });

  it('without a session the element reports SESSION_INVALID', async () => {
    el = await createElement({ endpoint: '/api/liveness' });
    const result = nextResult(el);
    await el.start();
    const event = await result;
    expect(event.type).to.equal('liveness-error');
    expect(event.detail.code).to.equal('SESSION_INVALID');
    expect(event.detail.httpStatus).to.equal(401);
  });

  it('a body over the limit reaches the browser as the 413, also when refused before it was read', async () => {
    const { id: session } = await post('/api/session', {});
    const big = JSON.stringify({ data: 'A'.repeat(11 * 1024 * 1024) });
    const send = (headers: Record<string, string>) =>
      fetch('/api/liveness', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: big });
    for (let i = 0; i < 3; i++) {
      const tooLarge = await send({ 'x-liveness-session': session });
      expect(tooLarge.status).to.equal(413);
      expect(await tooLarge.text()).to.equal('HTTP content length exceeded 10485760 bytes.');
      const refused = await send({});
      expect(refused.status).to.equal(401);
      expect((await refused.json()).error_code).to.equal('SESSION_REQUIRED');
    }
  });
});
