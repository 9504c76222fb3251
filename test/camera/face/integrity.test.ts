// The integrity report of a capture (`detail.integrity` of liveness-capture) and its `x-liveness-capture` header,
// with cameras made from the one real camera (test/support/cameras.ts): each flag the element raises, raised and
// not raised; the header sent only with a session or `integrity-header`, and equal to the event's report; and
// `virtual-camera` allow / flag / block.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { LivenessCaptureDetail, LivenessProgressEvent } from '../../../src/events.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { installCameras, type TestCamera } from '../../support/cameras.js';
import { Backend, createElement, elementPerTest, nextResult } from '../../support/helpers.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.99 } } };

const IR: TestCamera = { deviceId: 'ir', label: 'Integrated IR Camera' };
const OBS: TestCamera = { deviceId: 'obs', label: 'OBS Virtual Camera' };
const WEBCAM: TestCamera = { deviceId: 'webcam', label: 'Integrated Webcam', facingMode: 'user' };

/**
 * The flags other than the frame flags. This group's camera plays a photo (every frame the same), which the report
 * rightly flags `still-image` once the worker compared enough frames; the frame flags are tested both ways in
 * frames.test.ts, on streams made for them.
 */
const cameraFlags = (flags: readonly string[]) => flags.filter((f) => !['still-image', 'frozen', 'looped-video'].includes(f));

/** The JSON inside an `x-liveness-capture` value (base64url of UTF-8). */
function decode(value: string): any {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Runs an attempt to its end (started here unless it runs already): the frame is captured once the face is ready. */
async function attempt(el: LivenessCapture) {
  let capture: LivenessCaptureDetail | undefined;
  el.addEventListener('liveness-capture', (e) => (capture = e.detail), { once: true });
  const ready = new Promise<void>((resolve) => el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => e.detail.ready && resolve()));
  const result = nextResult(el);
  await el.start();
  await ready;
  el.capture();
  return { result: await result, capture: capture! };
}

describe('<liveness-capture> integrity report', () => {
  const t = elementPerTest();

  function cameras(list: readonly TestCamera[]) {
    const c = installCameras(list, { granted: true });
    t.restores.push(() => c.restore());
    return c;
  }

  it('a virtual camera is flagged (default flag); the header carries the same report, the quality and the version', async () => {
    cameras([WEBCAM, OBS]);
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', camera: 'obs', session: 's-1' });
    const { result, capture } = await attempt(t.el);
    expect(result.type).to.equal('liveness-pass');
    const integrity = capture.integrity;
    expect(integrity.v).to.equal(1);
    expect(integrity.camera).to.deep.equal({ label: 'OBS Virtual Camera', kind: 'virtual' });
    expect(cameraFlags(integrity.flags)).to.deep.equal(['virtual-camera']);
    expect(integrity.settings.width).to.be.a('number').and.above(0);
    expect(integrity.settings.height).to.be.a('number').and.above(0);
    expect(integrity.events).to.deep.equal([]);
    const [request] = await backend.requests();
    const sent = decode(request!.headers['x-liveness-capture']!);
    expect(sent.version).to.match(/^\d+\.\d+\.\d+/);
    expect(sent.integrity).to.deep.equal(JSON.parse(JSON.stringify(integrity)));
    expect(sent.quality.faceBox.width).to.be.a('number').and.above(0);
    expect(sent.quality.roll).to.be.a('number');
    expect(request!.headers['x-liveness-capture']!.length).to.be.at.most(4096);
  });

  it('virtual-camera="allow" does not flag a virtual camera', async () => {
    cameras([OBS]);
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', 'virtual-camera': 'allow' });
    const { capture } = await attempt(t.el);
    expect(capture.integrity.camera.kind).to.equal('virtual');
    expect(cameraFlags(capture.integrity.flags)).to.deep.equal([]);
  });

  it('a physical camera raises no flag; without a session or integrity-header no header is sent, with integrity-header it is', async () => {
    cameras([WEBCAM]);
    let backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual' });
    const first = await attempt(t.el);
    expect(cameraFlags(first.capture.integrity.flags)).to.deep.equal([]);
    expect(first.capture.integrity.camera).to.deep.equal({ label: 'Integrated Webcam', kind: 'physical' });
    const [plain] = await backend.requests();
    expect(plain!.headers).to.not.have.property('x-liveness-capture');

    backend = await new Backend().script(LIVE);
    t.el.endpoint = backend.endpoint;
    t.el.integrityHeader = true;
    const second = await attempt(t.el);
    const [opted] = await backend.requests();
    expect(decode(opted!.headers['x-liveness-capture']!).integrity).to.deep.equal(JSON.parse(JSON.stringify(second.capture.integrity)));
  });

  it('an infrared camera (the only one) is flagged infrared-camera', async () => {
    cameras([IR]);
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual' });
    const { capture } = await attempt(t.el);
    expect(cameraFlags(capture.integrity.flags)).to.deep.equal(['infrared-camera']);
  });

  it('an unplugged camera replaced during the attempt is recorded as ended and flagged track-interrupted', async () => {
    const c = cameras([WEBCAM, { deviceId: 'usb', label: 'USB Camera' }]);
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual' });
    await t.el.start();
    const replaced = new Promise((resolve) => t.el!.addEventListener('liveness-camera', resolve, { once: true }));
    c.unplug('webcam');
    await replaced;
    expect(c.opened).to.deep.equal(['webcam', 'usb']);
    // The attempt goes on with the other camera.
    const { capture } = await attempt(t.el);
    expect(capture.integrity.camera).to.deep.equal({ label: 'USB Camera', kind: 'physical' });
    expect(cameraFlags(capture.integrity.flags)).to.deep.equal(['track-interrupted']);
    expect(capture.integrity.events.map((e) => e.type)).to.deep.equal(['ended']);
  });

  it('virtual-camera="block" refuses a virtual camera with VIRTUAL_CAMERA, offers the other camera, and the retry uses it', async () => {
    const c = cameras([OBS, WEBCAM]);
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', camera: 'obs', 'virtual-camera': 'block', lang: 'en' });
    const first = nextResult(t.el);
    await t.el.start();
    const error = await first;
    expect(error.type).to.equal('liveness-error');
    expect(error.detail.code).to.equal('VIRTUAL_CAMERA');
    expect(error.detail.recoverable).to.equal(true);
    expect(c.tracks.map((x) => x.track.readyState)).to.deep.equal(['ended']);
    await t.el.updateComplete;
    const select = t.el.shadowRoot!.querySelector<HTMLSelectElement>('[part~="camera-select"]');
    expect(select, 'the picker in the error panel').to.exist;
    expect([...select!.options].map((o) => o.value)).to.deep.equal(['webcam']);
    expect(select!.value).to.equal('webcam');
    await expect(t.el).to.be.accessible();

    const opened = new Promise<any>((resolve) => t.el!.addEventListener('liveness-camera', (e) => resolve(e.detail), { once: true }));
    const { result, capture } = await attempt(t.el);
    expect(await opened).to.deep.equal({ deviceId: 'webcam', label: 'Integrated Webcam', kind: 'physical', fellBack: true });
    expect(result.type).to.equal('liveness-pass');
    expect(cameraFlags(capture.integrity.flags)).to.deep.equal([]);
  });

  it('virtual-camera="block" with only a virtual camera: VIRTUAL_CAMERA and no picker', async () => {
    cameras([OBS]);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'virtual-camera': 'block' });
    const result = nextResult(t.el);
    await t.el.start();
    expect((await result).detail.code).to.equal('VIRTUAL_CAMERA');
    await t.el.updateComplete;
    expect(t.el.shadowRoot!.querySelector('[part~="camera-select"]')).to.equal(null);
    expect(t.el.shadowRoot!.querySelector('[part~="retry-button"]')).to.exist;
  });
});
