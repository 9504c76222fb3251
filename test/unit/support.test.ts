// The pre-flight check: what the element needs from the browser, reported before anything is downloaded.
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import { LivenessCapture } from '../../src/liveness-capture.js';
import { detectorUsesOffscreenCanvas } from '../../src/support.js';
import { createElement, elementPerTest, nextResult } from '../support/helpers.js';

const SAFARI_16 = 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.4 Mobile/15E148 Safari/604.1';
const SAFARI_17 = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15';
const CHROME = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';

describe('LivenessCapture.supports()', () => {
  const t = elementPerTest();

  it('reports this browser as supported, with nothing missing', () => {
    const report = LivenessCapture.supports();
    expect(report.missing).to.deep.equal([]);
    expect(report.supported).to.equal(true);
    expect(report.message).to.equal('');
  });

  it('measures WebGL2 once per page: a later check makes no GL context (a running detector may hold the only one)', () => {
    expect(LivenessCapture.supports().supported).to.equal(true);
    let made = 0;
    for (const proto of [HTMLCanvasElement.prototype, OffscreenCanvas.prototype] as { getContext: (...a: unknown[]) => unknown }[]) {
      const getContext = proto.getContext;
      proto.getContext = function (this: unknown, ...args: unknown[]) {
        made++;
        return getContext.apply(this, args);
      };
      t.restores.push(() => { proto.getContext = getContext; });
    }
    for (let i = 0; i < 3; i++) expect(LivenessCapture.supports().supported).to.equal(true);
    expect(made).to.equal(0);
  });

  it('knows where the detector creates its GL context', () => {
    expect(detectorUsesOffscreenCanvas(CHROME, true)).to.equal(true);
    expect(detectorUsesOffscreenCanvas(FIREFOX, true)).to.equal(true);
    expect(detectorUsesOffscreenCanvas(SAFARI_17, true)).to.equal(true);
    expect(detectorUsesOffscreenCanvas(SAFARI_16, true)).to.equal(false);
    expect(detectorUsesOffscreenCanvas(CHROME, false)).to.equal(false);
  });

  it('names a missing camera API and WebAssembly SIMD', () => {
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, get: () => undefined });
    t.restores.push(() => delete (navigator as unknown as Record<string, unknown>).mediaDevices);
    const validate = WebAssembly.validate;
    WebAssembly.validate = () => false;
    t.restores.push(() => { WebAssembly.validate = validate; });
    const report = LivenessCapture.supports();
    expect(report.supported).to.equal(false);
    expect(report.missing).to.deep.equal(['the camera API (navigator.mediaDevices.getUserMedia)', 'WebAssembly SIMD']);
    expect(report.message).to.contain('WebAssembly SIMD').and.contain('getUserMedia');
  });

  it('the element ends with UNSUPPORTED naming what is missing, before it fetches the detector or opens the camera', async () => {
    const validate = WebAssembly.validate;
    WebAssembly.validate = () => false;
    t.restores.push(() => { WebAssembly.validate = validate; });
    const media = navigator.mediaDevices;
    const getUserMedia = media.getUserMedia;
    let opened = 0;
    media.getUserMedia = (c) => {
      opened++;
      return getUserMedia.call(media, c);
    };
    t.restores.push(() => { media.getUserMedia = getUserMedia; });
    t.el = await createElement({ endpoint: '/__backend/none/antispoofing' });
    const result = nextResult(t.el);
    await t.el.start();
    const event = await result;
    expect(event.type).to.equal('liveness-error');
    expect(event.detail.code).to.equal('UNSUPPORTED');
    expect(event.detail.message).to.contain('WebAssembly SIMD');
    expect(t.el.status).to.equal('error');
    expect(opened).to.equal(0);
    const fetched = performance.getEntriesByType('resource').map((e) => e.name);
    expect(fetched.filter((u) => /\.(wasm|tflite)$|vision_wasm/.test(u))).to.deep.equal([]);
  });
});
