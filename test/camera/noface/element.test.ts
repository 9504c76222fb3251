// The real element with Chromium's fake camera playing a photo with no face (coffee): it must never capture.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { LivenessProgressEvent } from '../../../src/events.js';
import { Backend, createElement, frames, until } from '../../support/helpers.js';

describe('<liveness-capture> with no face in view', () => {
  it('keeps asking for a face and sends no request at all', async () => {
    const backend = await new Backend().script({ body: { success: true, message: 'x', model_output: { pred_idx: 'real', prob_real: 1 } } });
    const el = await createElement({ endpoint: backend.endpoint });
    const hints: string[] = [];
    let captures = 0;
    el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => hints.push(e.detail.hint));
    el.addEventListener('liveness-capture', () => captures++);
    await el.start();
    expect(el.status).to.equal('detecting');
    await until(() => hints.includes('no-face'), 'the no-face hint');
    await frames(el, 30);
    expect(el.status).to.equal('detecting');
    expect(el.getAttribute('hint')).to.equal('no-face');
    expect(captures).to.equal(0);
    expect(await backend.requests()).to.deep.equal([]);
    el.remove();
  });
});
