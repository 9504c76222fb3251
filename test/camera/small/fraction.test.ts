// min-face-fraction: with the default, a ~195 px face in 1280x720 is asked to come closer; with 0, only
// min-face-size (128 px) applies and the same face is captured.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { Backend, createElement, nextResult } from '../../support/helpers.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.97 } } };

describe('<liveness-capture> min-face-fraction', () => {
  it('0 leaves only min-face-size: the small face is captured and sent', async () => {
    const backend = await new Backend().script(LIVE);
    const el = await createElement({ endpoint: backend.endpoint, 'min-face-fraction': '0', checks: '' });
    const captured = new Promise<Event & { detail: { faceBox: { width: number; height: number } } }>((resolve) =>
      el.addEventListener('liveness-capture', resolve as EventListener, { once: true }));
    const result = nextResult(el);
    await el.start();
    const box = (await captured).detail.faceBox;
    expect(box.width).to.be.within(128, 230);
    expect((await result).type).to.equal('liveness-pass');
    expect((await backend.requests()).length).to.equal(1);
    el.remove();
  });
});
