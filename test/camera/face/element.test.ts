// The real element with Chromium's fake camera playing a real face photo (astronaut, face ~300 px in 1280x720),
// against the real contract handler on the test server.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { BODY_LIMIT, Backend, createElement, expectCameraOff, nextResult, trackGetUserMedia, until } from '../../support/helpers.js';

const LIVE_BODY = { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.9997915625572205 } };
const SPOOF_BODY = { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'spoof', prob_real: 0.00045343424235454 } };
const LIVE = { body: LIVE_BODY };
const SPOOF = { body: SPOOF_BODY };

describe('<liveness-capture> with a face in front of the camera', () => {
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

  async function run(script: Parameters<Backend['script']>[0], attrs: Record<string, string | boolean> = {}, props: Partial<LivenessCapture> = {}) {
    const backend = await new Backend().script(script);
    el = await createElement({ endpoint: backend.endpoint, ...attrs }, props);
    const captured = new Promise<Event & { detail: any }>((resolve) => el!.addEventListener('liveness-capture', resolve as EventListener, { once: true }));
    const result = nextResult(el);
    await el.start();
    return { backend, result: await result, captured: await captured };
  }

  it('captures the full unmirrored frame, sends it as the contract says, and passes on a live answer', async () => {
    const statuses: string[] = [];
    const { backend, result, captured } = await run(LIVE, { 'api-key': 'test-key' }, { headers: { Authorization: 'Bearer page-token' } });
    statuses.push(el!.status);
    expect(result.type, JSON.stringify(result.detail)).to.equal('liveness-pass');
    expect(result.detail.probReal).to.equal(0.9997915625572205);
    expect(result.detail.threshold).to.equal(0.55);
    expect(result.detail.predIdx).to.equal('real');
    expect(result.detail.response).to.deep.equal(LIVE_BODY);
    expect(el!.status).to.equal('passed');
    expect(el!.getAttribute('status')).to.equal('passed');

    expect(captured.detail.image.type).to.equal('image/jpeg');
    expect(captured.detail.width).to.equal(1280);
    expect(captured.detail.height).to.equal(720);
    const box = captured.detail.faceBox;
    expect(box.width).to.be.at.least(128);
    expect(box.height).to.be.at.least(128);
    // The astronaut's face is in the middle of the frame.
    expect(box.x + box.width / 2).to.be.within(400, 880);

    const [req] = await backend.requests();
    expect(req.path).to.equal('antispoofing');
    expect(req.headers['content-type']).to.match(/^application\/json/);
    expect(req.headers['x-api-key']).to.equal('test-key');
    expect(req.headers.authorization).to.equal('Bearer page-token');
    expect(req.json).to.equal(true);
    expect(req.keys).to.deep.equal(['data']);
    expect(req.base64).to.equal(true);
    expect(req.prefixed).to.equal(false);
    expect(req.jpeg).to.deep.equal({ width: 1280, height: 720 });
    expect(req.imageBytes).to.equal(captured.detail.image.size);
    expect(req.bodyBytes).to.be.at.most(BODY_LIMIT);
    // Every camera track is stopped after a final result.
    expect(camera.tracks.length).to.be.greaterThan(0);
    expectCameraOff(camera.tracks);
  });

  it('fails on a spoof answer', async () => {
    const { result } = await run(SPOOF);
    expect(result.type, JSON.stringify(result.detail)).to.equal('liveness-fail');
    expect(result.detail.probReal).to.equal(0.00045343424235454);
    expect(result.detail.predIdx).to.equal('spoof');
    expect(el!.status).to.equal('failed');
    expectCameraOff(camera.tracks);
  });

  it('fails when prob_real equals the threshold (the check is strictly greater-than)', async () => {
    const { result } = await run({ body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.7 } } }, { threshold: '0.7' });
    expect(result.type, JSON.stringify(result.detail)).to.equal('liveness-fail');
    expect(result.detail.threshold).to.equal(0.7);
  });

  // The second line of defence: start() checked the threshold, but a value made invalid during the attempt must
  // still never become a pass; the captured image is not sent.
  for (const threshold of ['', 'abc', '2']) {
    it(`threshold="${threshold}" set while detecting: INVALID_CONFIG, nothing sent, never a pass`, async () => {
      const backend = await new Backend().script(LIVE);
      el = await createElement({ endpoint: backend.endpoint });
      const result = nextResult(el);
      await el.start();
      // start() resolves once the element is looking for a face, before any capture.
      expect(el.status).to.equal('detecting');
      el.setAttribute('threshold', threshold);
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

  it('sends no x-api-key when none is set', async () => {
    const { backend, result } = await run(LIVE);
    expect(result.type, JSON.stringify(result.detail)).to.equal('liveness-pass');
    const [req] = await backend.requests();
    expect(req.headers).to.not.have.property('x-api-key');
  });

  const errorCases: [string, Parameters<Backend['script']>[0], string, number][] = [
    ['no face (new shape)', { body: { success: false, message: 'Face detection failed', error_code: 'FACE_NOT_DETECTED' } }, 'FACE_NOT_DETECTED', 200],
    ['no face (legacy shape)', { body: { success: false, message: 'face not detected' } }, 'FACE_NOT_DETECTED', 200],
    ['face too small', { body: { success: false, message: 'Detected face box: 100x90 smaller than minimum required size: 128x128', error_code: 'FACE_TOO_SMALL' } }, 'FACE_TOO_SMALL', 200],
    ['invalid payload (new shape)', { body: { success: false, message: 'Invalid input image payload', error_code: 'INVALID_IMAGE_PAYLOAD' } }, 'INVALID_IMAGE_PAYLOAD', 200],
    ['invalid payload (legacy shape)', { body: { success: false, message: 'Invalid base64 string' } }, 'INVALID_IMAGE_PAYLOAD', 200],
    ['413 plain text', { status: 413, contentType: 'text/plain', body: 'HTTP content length exceeded 10485760 bytes.' }, 'PAYLOAD_TOO_LARGE', 413],
    ['403 Forbidden', { status: 403, body: { message: 'Forbidden' } }, 'UNAUTHORIZED', 403],
    ['429 throttled', { status: 429, body: { message: 'Too Many Requests' } }, 'RATE_LIMITED', 429],
    ['502 upstream failure', { status: 502, body: { message: 'Internal server error' } }, 'SERVER_ERROR', 502],
    ['non-JSON 200', { contentType: 'text/html', body: '<html>oops</html>' }, 'INVALID_RESPONSE', 200],
    ['prob_real missing', { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real' } } }, 'INVALID_RESPONSE', 200],
    ['prob_real out of range', { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 1.5 } } }, 'INVALID_RESPONSE', 200],
  ];
  for (const [name, script, code, httpStatus] of errorCases) {
    it(`reports ${code} for ${name}`, async () => {
      const { result } = await run(script);
      expect(result.type).to.equal('liveness-error');
      expect(result.detail.code).to.equal(code);
      expect(result.detail.httpStatus).to.equal(httpStatus);
      expect(result.detail.message).to.be.a('string').and.not.empty;
      expect(result.detail.recoverable).to.be.a('boolean');
      expect(el!.status).to.equal('error');
      expectCameraOff(camera.tracks);
    });
  }

  it('reports NETWORK_ERROR when the endpoint cannot be reached', async () => {
    el = await createElement({ endpoint: 'http://127.0.0.1:9/antispoofing' });
    const result = nextResult(el);
    await el.start();
    const event = await result;
    expect(event.type).to.equal('liveness-error');
    expect(event.detail.code).to.equal('NETWORK_ERROR');
    expect(event.detail.recoverable).to.equal(true);
  });

  it('gives up with NETWORK_ERROR when the backend does not answer within request-timeout', async () => {
    const { backend, result } = await run({ hang: true }, { 'request-timeout': '300' });
    expect(result.type).to.equal('liveness-error');
    expect(result.detail.code).to.equal('NETWORK_ERROR');
    expect(result.detail.message).to.contain('did not answer');
    const [req] = await until(async () => {
      const list = await backend.requests();
      return list[0]?.aborted ? list : null;
    }, 'the request to be aborted');
    expect(req.aborted).to.equal(true);
  });

  it('aborts the request and stops the camera when removed mid-flight; no event after removal', async () => {
    const backend = await new Backend().script({ hang: true });
    el = await createElement({ endpoint: backend.endpoint });
    const events: string[] = [];
    for (const t of ['liveness-pass', 'liveness-fail', 'liveness-error']) el.addEventListener(t, () => events.push(t));
    await el.start();
    await until(async () => (await backend.requests()).length === 1, 'the request to arrive');
    expect(el.status).to.equal('submitting');
    el.remove();
    const [req] = await until(async () => {
      const list = await backend.requests();
      return list[0]?.aborted ? list : null;
    }, 'the request to be aborted');
    expect(req.aborted).to.equal(true);
    expect(events).to.deep.equal([]);
    expectCameraOff(camera.tracks);
    el = undefined;
  });

  it('stop() turns the camera off and returns to idle; start() after a result tries again', async () => {
    const backend = await new Backend().script(SPOOF);
    el = await createElement({ endpoint: backend.endpoint });
    let result = nextResult(el);
    await el.start();
    expect((await result).type).to.equal('liveness-fail');
    await backend.script(LIVE);
    result = nextResult(el);
    await el.start();
    expect((await result).type).to.equal('liveness-pass');
    expect((await backend.requests()).length).to.equal(2);

    const idle = await createElement({ endpoint: backend.endpoint });
    await idle.start();
    expect(idle.status).to.be.oneOf(['detecting', 'capturing', 'submitting']);
    idle.stop();
    expect(idle.status).to.equal('idle');
    expectCameraOff(camera.tracks);
    idle.remove();
  });

  it('stops a camera stream that arrives after the element was removed', async () => {
    const media = navigator.mediaDevices;
    const real = media.getUserMedia;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let late: MediaStream | undefined;
    let asked = false;
    media.getUserMedia = async function (this: MediaDevices, c?: MediaStreamConstraints) {
      asked = true;
      const stream = await real.call(this, c);
      await gate;
      late = stream;
      return stream;
    };
    try {
      el = await createElement({ endpoint: '/__backend/unused/antispoofing' });
      const errors: Event[] = [];
      el.addEventListener('liveness-error', (e) => errors.push(e));
      const started = el.start();
      await until(() => asked, 'getUserMedia to be called');
      el.remove();
      release();
      await started;
      expect(late).to.exist;
      expectCameraOff(late!.getTracks());
      expect(errors).to.deep.equal([]);
    } finally {
      media.getUserMedia = real;
    }
  });

  it('autostart opens the camera when connected', async () => {
    const backend = await new Backend().script(LIVE);
    const el2 = document.createElement('liveness-capture');
    el2.setAttribute('endpoint', backend.endpoint);
    el2.setAttribute('autostart', '');
    const result = nextResult(el2);
    document.body.append(el2);
    el = el2;
    const r = await result;
    expect(r.type, JSON.stringify(r.detail)).to.equal('liveness-pass');
  });

  it('an element added while a removed one is still loading its detector starts and passes', async () => {
    // WebKitGTK detects on the main thread and refuses a new WebGL context while another detector holds one: the
    // second element must wait for the first one's detector to be released, not fail with DETECTOR_UNAVAILABLE.
    const media = navigator.mediaDevices;
    const real = media.getUserMedia;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked = false;
    media.getUserMedia = async function (this: MediaDevices, c?: MediaStreamConstraints) {
      if (!asked) {
        asked = true;
        await gate; // the first element's camera: its detector loads meanwhile
      }
      return real.call(this, c);
    };
    try {
      const first = await createElement({ endpoint: '/__backend/unused/antispoofing' });
      const started = first.start();
      await until(() => asked, 'getUserMedia to be called');
      first.remove();
      const backend = await new Backend().script(LIVE);
      const second = document.createElement('liveness-capture');
      second.setAttribute('endpoint', backend.endpoint);
      second.setAttribute('autostart', '');
      const result = nextResult(second);
      document.body.append(second);
      el = second;
      release();
      await started;
      const r = await result;
      expect(r.type, JSON.stringify(r.detail)).to.equal('liveness-pass');
    } finally {
      media.getUserMedia = real;
    }
  });
});
