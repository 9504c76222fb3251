// End to end: the element with the fake camera (a real face photo) against the server companion in local mode
// (real models in Node), mounted on the test server at /api/liveness with verdict tokens on.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { createElement, nextResult } from '../../support/helpers.js';

describe('<liveness-capture> against liveness-capture/server in local mode', () => {
  it('reaches a verdict with a real prob_real and a signed token the page server verifies once', async () => {
    const el = await createElement({ endpoint: '/api/liveness' });
    const result = nextResult(el);
    await el.start();
    const event = await result;
    el.remove();
    // The local models decide; the astronaut photo is a scan of a print, which they tend to call a spoof.
    expect(event.type).to.be.oneOf(['liveness-pass', 'liveness-fail']);
    const { probReal, threshold, predIdx, token, response } = event.detail;
    expect(probReal).to.be.within(0, 1);
    expect(threshold).to.equal(0.55);
    expect(predIdx).to.be.oneOf(['real', 'spoof']);
    expect(event.type).to.equal(probReal > threshold ? 'liveness-pass' : 'liveness-fail');
    expect(response.verdict.decision).to.equal(event.type === 'liveness-pass' ? 'pass' : 'fail');
    expect(token).to.be.a('string');

    const verify = async () => (await fetch('/api/verify', { method: 'POST', body: JSON.stringify({ token }) })).json();
    const first = await verify();
    expect(first.valid).to.equal(true);
    expect(first.decision).to.equal(response.verdict.decision);
    expect(first.probReal).to.equal(probReal);
    const replay = await verify();
    expect(replay).to.deep.equal({ valid: false, reason: 'replayed' });

    const tampered = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
    const forged = await (await fetch('/api/verify', { method: 'POST', body: JSON.stringify({ token: tampered }) })).json();
    expect(forged.valid).to.equal(false);
  });
});
