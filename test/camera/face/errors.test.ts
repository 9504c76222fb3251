// Camera and detector failures. Camera failures are produced by stubbing getUserMedia to reject with the real
// DOMException names (restored after each test); the detector failure by pointing assets-base at a missing folder.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { en } from '../../../src/i18n/catalog.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { Backend, createElement, elementPerTest, expectCameraOff, nextResult, trackGetUserMedia } from '../../support/helpers.js';

describe('<liveness-capture> camera and detector errors', () => {
  const media = navigator.mediaDevices;
  const realGetUserMedia = media.getUserMedia;
  let el: LivenessCapture | undefined;

  afterEach(() => {
    media.getUserMedia = realGetUserMedia;
    el?.remove();
    el = undefined;
  });

  const cases: [string, () => unknown, string, boolean][] = [
    ['NotAllowedError', () => new DOMException('Permission denied', 'NotAllowedError'), 'CAMERA_DENIED', false],
    ['SecurityError', () => new DOMException('Insecure', 'SecurityError'), 'CAMERA_DENIED', false],
    ['NotFoundError', () => new DOMException('Requested device not found', 'NotFoundError'), 'NO_CAMERA', false],
    ['NotReadableError', () => new DOMException('Could not start video source', 'NotReadableError'), 'CAMERA_IN_USE', true],
    ['TypeError', () => new TypeError('getUserMedia is not supported'), 'UNSUPPORTED', false],
  ];
  for (const [name, make, code, recoverable] of cases) {
    it(`maps a getUserMedia ${name} to ${code}`, async () => {
      media.getUserMedia = () => Promise.reject(make());
      const backend = new Backend();
      el = await createElement({ endpoint: backend.endpoint });
      const result = nextResult(el);
      await el.start();
      const event = await result;
      expect(event.type).to.equal('liveness-error');
      expect(event.detail.code).to.equal(code);
      expect(event.detail.recoverable).to.equal(recoverable);
      expect(el.status).to.equal('error');
      expect(await backend.requests()).to.deep.equal([]);
      // The error panel takes focus and offers retry only when it can help.
      await el.updateComplete;
      const panel = el.shadowRoot!.querySelector('[part~="result-error"]');
      expect(panel).to.exist;
      expect(!!el.shadowRoot!.querySelector('[part~="retry-button"]')).to.equal(recoverable);
    });
  }

  it('reports UNSUPPORTED when the page has no camera API', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(Navigator.prototype, 'mediaDevices')!;
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, get: () => undefined });
    try {
      el = await createElement({ endpoint: '/__backend/none/antispoofing' });
      const result = nextResult(el);
      await el.start();
      const event = await result;
      expect(event.detail.code).to.equal('UNSUPPORTED');
    } finally {
      delete (navigator as unknown as Record<string, unknown>).mediaDevices;
      expect(Object.getOwnPropertyDescriptor(Navigator.prototype, 'mediaDevices')).to.deep.equal(descriptor);
    }
  });

  it('reports DETECTOR_UNAVAILABLE when the model or wasm cannot be loaded, and stops the camera', async () => {
    const camera = trackGetUserMedia();
    try {
      el = await createElement({ endpoint: '/__backend/none/antispoofing', 'assets-base': '/no/such/folder/' });
      const result = nextResult(el);
      await el.start();
      const event = await result;
      expect(event.type).to.equal('liveness-error');
      expect(event.detail.code).to.equal('DETECTOR_UNAVAILABLE');
      expectCameraOff(camera.tracks);
    } finally {
      camera.restore();
    }
  });
});

describe('<liveness-capture> without an endpoint', () => {
  it('reports INVALID_CONFIG before opening the camera and sends nothing', async () => {
    const camera = trackGetUserMedia();
    try {
      const el = await createElement({});
      const result = nextResult(el);
      await el.start();
      const event = await result;
      expect(event.detail.code).to.equal('INVALID_CONFIG');
      expect(event.detail.message).to.contain('endpoint');
      expect(camera.tracks).to.deep.equal([]);
      el.remove();
    } finally {
      camera.restore();
    }
  });
});

// A bug is provoked for real: a `headers` object whose getter throws, read by the element's own code (the check
// at start(), then the request after capture). Nothing is stubbed.
describe('<liveness-capture> on an unexpected exception', () => {
  const t = elementPerTest();

  async function expectInternalError(event: Event & { detail: any }, thrown: unknown, backend: Backend): Promise<void> {
    expect(event.type).to.equal('liveness-error');
    expect(event.detail.code).to.equal('INTERNAL_ERROR');
    expect(event.detail.cause).to.equal(thrown);
    expect(event.detail.message).to.contain('page header failed');
    expect(event.detail.recoverable).to.equal(false);
    expect(t.el!.status).to.equal('error');
    expect(await backend.requests()).to.deep.equal([]);
    await t.el!.updateComplete;
    expect(t.el!.shadowRoot!.querySelector('[part~="result-error"]')?.textContent).to.contain(en['error.INTERNAL_ERROR']);
    expect(t.el!.shadowRoot!.querySelector('[part~="retry-button"]')).to.equal(null);
  }

  it('before the camera opens: INTERNAL_ERROR with the exception as cause, not a rejected start()', async () => {
    const thrown = new TypeError('page header failed');
    const headers = Object.defineProperty({}, 'x-page', { enumerable: true, get: () => { throw thrown; } });
    const backend = new Backend();
    t.el = await createElement({ endpoint: backend.endpoint }, { headers });
    const result = nextResult(t.el);
    await t.el.start();
    await expectInternalError(await result, thrown, backend);
    expect(t.camera.tracks).to.deep.equal([]);
  });

  it('after the capture: INTERNAL_ERROR with the exception as cause, not INVALID_RESPONSE', async () => {
    const thrown = new TypeError('page header failed');
    const headers = Object.defineProperty({}, 'x-page', {
      enumerable: true,
      get: () => {
        if (t.el?.status === 'capturing') throw thrown;
        return 'fine';
      },
    });
    const backend = new Backend();
    t.el = await createElement({ endpoint: backend.endpoint }, { headers });
    const result = nextResult(t.el);
    await t.el.start();
    await expectInternalError(await result, thrown, backend);
    expectCameraOff(t.camera.tracks);
  });
});
