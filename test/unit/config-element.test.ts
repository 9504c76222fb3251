// A bad attribute or property stops start() with INVALID_CONFIG before the camera is asked for. getUserMedia is
// replaced by a spy that counts calls and rejects (NotAllowedError), restored after each test; the control case
// shows the spy does see the call when the configuration is valid.
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { CONFIG_DEFAULTS } from '../../src/config.js';
import type { LivenessCapture } from '../../src/liveness-capture.js';
import { createElement, nextResult } from '../support/helpers.js';

const ENDPOINT = '/__backend/config/antispoofing';

describe('<liveness-capture> configuration at start()', () => {
  const media = navigator.mediaDevices;
  const realGetUserMedia = media.getUserMedia;
  let calls = 0;
  let el: LivenessCapture | undefined;

  beforeEach(() => {
    calls = 0;
    media.getUserMedia = () => {
      calls++;
      return Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    };
  });

  afterEach(() => {
    media.getUserMedia = realGetUserMedia;
    el?.remove();
    el = undefined;
  });

  async function startWith(attributes: Record<string, string>, properties: Partial<LivenessCapture> = {}) {
    el = await createElement(attributes, properties);
    const result = nextResult(el);
    await el.start();
    return result;
  }

  it('control: a valid configuration reaches getUserMedia', async () => {
    const event = await startWith({ endpoint: ENDPOINT, threshold: '0.7', 'request-timeout': '0' });
    expect(event.detail.code).to.equal('CAMERA_DENIED');
    expect(calls).to.equal(1);
  });

  const bad: [string, Record<string, string>, Partial<LivenessCapture>, string][] = [
    ['no endpoint', {}, {}, 'endpoint is required'],
    ['endpoint="ftp://…"', { endpoint: 'ftp://example.test/x' }, {}, 'endpoint="ftp://example.test/x"'],
    ['threshold=""', { endpoint: ENDPOINT, threshold: '' }, {}, 'threshold=""'],
    ['threshold="abc"', { endpoint: ENDPOINT, threshold: 'abc' }, {}, 'threshold="abc"'],
    ['threshold="1.5"', { endpoint: ENDPOINT, threshold: '1.5' }, {}, 'threshold=1.5'],
    ['the threshold property NaN', { endpoint: ENDPOINT }, { threshold: Number.NaN }, 'threshold=NaN'],
    ['min-face-size="0"', { endpoint: ENDPOINT, 'min-face-size': '0' }, {}, 'min-face-size=0'],
    ['stable-frames=""', { endpoint: ENDPOINT, 'stable-frames': '' }, {}, 'stable-frames=""'],
    ['request-timeout="-5"', { endpoint: ENDPOINT, 'request-timeout': '-5' }, {}, 'request-timeout=-5'],
    ['capture-mode="automatic"', { endpoint: ENDPOINT, 'capture-mode': 'automatic' }, {}, 'capture-mode="automatic"'],
    ['checks="pose blink"', { endpoint: ENDPOINT, checks: 'pose blink' }, {}, '"blink"'],
    ['min-brightness="abc"', { endpoint: ENDPOINT, 'min-brightness': 'abc' }, {}, 'min-brightness="abc"'],
    ['max-brightness="300"', { endpoint: ENDPOINT, 'max-brightness': '300' }, {}, 'max-brightness=300'],
    ['min-sharpness="-1"', { endpoint: ENDPOINT, 'min-sharpness': '-1' }, {}, 'min-sharpness=-1'],
    ['max-roll="200"', { endpoint: ENDPOINT, 'max-roll': '200' }, {}, 'max-roll=200'],
    ['max-yaw=""', { endpoint: ENDPOINT, 'max-yaw': '' }, {}, 'max-yaw=""'],
    ['min-face-fraction=""', { endpoint: ENDPOINT, 'min-face-fraction': '' }, {}, 'min-face-fraction=""'],
    ['api-key with a line break', { endpoint: ENDPOINT, 'api-key': 'k\ney' }, {}, 'api-key'],
    ['a header name with a space', { endpoint: ENDPOINT }, { headers: { 'X Token': '1' } }, '"X Token"'],
  ];
  for (const [name, attributes, properties, quoted] of bad) {
    it(`${name}: liveness-error INVALID_CONFIG naming it, and no getUserMedia call`, async () => {
      const event = await startWith(attributes, properties);
      expect(event.type).to.equal('liveness-error');
      expect(event.detail.code).to.equal('INVALID_CONFIG');
      expect(event.detail.recoverable).to.equal(false);
      expect(event.detail.message).to.contain(quoted);
      expect(calls).to.equal(0);
      expect(el!.status).to.equal('error');
      await el!.updateComplete;
      // The error panel shows the localized message and no retry (retrying cannot fix the page).
      expect(el!.shadowRoot!.querySelector('[part~="result-error"]')).to.exist;
      expect(el!.shadowRoot!.querySelector('[part~="retry-button"]')).to.equal(null);
    });
  }

  it('the constructor defaults are the ones a removed attribute returns to', () => {
    const fresh = document.createElement('liveness-capture');
    for (const [name, value] of Object.entries(CONFIG_DEFAULTS)) expect(fresh[name as keyof typeof CONFIG_DEFAULTS], name).to.equal(value);
    expect(Object.keys(CONFIG_DEFAULTS)).to.have.members(['captureMode', 'politeness', 'threshold', 'minFaceSize', 'holdMs', 'maxFps', 'requestTimeout', 'virtualCamera']);
  });

  it('removing a bad attribute restores the default, and the next start() reaches the camera', async () => {
    const first = await startWith({ endpoint: ENDPOINT, threshold: '' });
    expect(first.detail.code).to.equal('INVALID_CONFIG');
    el!.removeAttribute('threshold');
    expect(el!.threshold).to.equal(0.55);
    el!.setAttribute('capture-mode', 'manual');
    el!.removeAttribute('capture-mode');
    expect(el!.captureMode).to.equal('auto');
    const second = nextResult(el!);
    await el!.start();
    expect((await second).detail.code).to.equal('CAMERA_DENIED');
    expect(calls).to.equal(1);
  });
});
