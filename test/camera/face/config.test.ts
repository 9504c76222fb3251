// The second line of defence: a threshold made invalid while an attempt runs (after start() checked it) can
// never become a pass; the captured image is not sent and the outcome is INVALID_CONFIG.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { Backend, createElement, nextResult, trackGetUserMedia } from '../../support/helpers.js';

const LIVE_BODY = { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.9997915625572205 } };

describe('<liveness-capture> threshold changed during an attempt', () => {
  let el: LivenessCapture | undefined;
  let camera: ReturnType<typeof trackGetUserMedia>;

  beforeEach(() => {
    camera = trackGetUserMedia();
  });

  afterEach(() => {
    el?.remove();
    el = undefined;
    camera.restore();
  });

  for (const threshold of ['', 'abc', '2']) {
    it(`threshold="${threshold}" set at capture: INVALID_CONFIG, nothing sent, never a pass`, async () => {
      const backend = await new Backend().script({ body: LIVE_BODY });
      el = await createElement({ endpoint: backend.endpoint });
      el.addEventListener('liveness-capture', () => el!.setAttribute('threshold', threshold), { once: true });
      const result = nextResult(el);
      await el.start();
      const event = await result;
      expect(event.type).to.equal('liveness-error');
      expect(event.detail.code).to.equal('INVALID_CONFIG');
      expect(event.detail.message).to.contain('threshold=');
      expect(el.status).to.equal('error');
      expect(await backend.requests()).to.deep.equal([]);
      expect(camera.tracks.length).to.be.greaterThan(0);
      expect(camera.tracks.every((t) => t.readyState === 'ended')).to.equal(true);
    });
  }
});
