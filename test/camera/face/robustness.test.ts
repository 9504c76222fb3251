// Never stuck: every way an attempt can go wrong ends it with a typed error and the camera off, and the person can
// cancel at any point. The camera plays the astronaut photo; a frozen or unplugged camera is made from the real
// camera's own frames, copied into a canvas stream that stops after a number of them (every engine has
// `canvas.captureStream`), since no device can be unplugged here.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { MAX_RESPONSE_BYTES } from '../../../src/submit.js';
import { Backend, createElement, elementPerTest, expectCameraOff, nextResult, until } from '../../support/helpers.js';

const LIVE_BODY = { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.99 } };

/**
 * A camera that passes on `frames` real frames, then goes silent (frozen), or, with `unplug`, ends its track as
 * an unplugged device does (the track turns `ended` and fires `ended`). Returns the camera's own tracks (stopped
 * by the test) and the tracks the page got.
 */
function camera(frames: number, unplug: boolean) {
  const media = navigator.mediaDevices;
  const original = media.getUserMedia;
  const real: MediaStreamTrack[] = [];
  const given: MediaStreamTrack[] = [];
  let passed = 0;
  media.getUserMedia = async function (this: MediaDevices, constraints?: MediaStreamConstraints) {
    const stream = await original.call(this, constraints);
    real.push(...stream.getTracks());
    const source = document.createElement('video');
    Object.assign(source, { muted: true, playsInline: true, srcObject: stream });
    await source.play();
    const canvas = Object.assign(document.createElement('canvas'), { width: source.videoWidth, height: source.videoHeight });
    const ctx = canvas.getContext('2d')!;
    const track = canvas.captureStream().getVideoTracks()[0]!;
    given.push(track);
    const copy = () => {
      if (passed >= frames) {
        source.srcObject = null;
        if (unplug) {
          track.stop();
          track.dispatchEvent(new Event('ended'));
        }
        return;
      }
      ctx.drawImage(source, 0, 0);
      passed++;
      source.requestVideoFrameCallback(copy);
    };
    copy();
    return new MediaStream([track]);
  };
  return {
    real,
    given,
    passed: () => passed,
    restore() {
      media.getUserMedia = original;
      for (const t of real) t.stop();
    },
  };
}

describe('<liveness-capture> never stuck', () => {
  const t = elementPerTest();

  it('reads at most 1 MiB of an answer: an endless answer is INVALID_RESPONSE, never a pass, and the request is dropped', async () => {
    // The answer is the live body followed by spaces without end: valid JSON so far, which would pass if it ended.
    // It ends only when the element gives up reading and aborts (how much the browser buffered before that is the
    // engine's business: WebKit reads ahead whatever arrives).
    const backend = await new Backend().script({ body: LIVE_BODY, padBytes: -1 });
    t.el = await createElement({ endpoint: backend.endpoint });
    const result = nextResult(t.el);
    await t.el.start();
    const event = await result;
    expect(event.type).to.equal('liveness-error');
    expect(event.detail.code).to.equal('INVALID_RESPONSE');
    expect(event.detail.message).to.contain(String(MAX_RESPONSE_BYTES));
    const [req] = await until(async () => {
      const list = await backend.requests();
      return list[0]?.aborted ? list : null;
    }, 'the endless answer to be dropped by the client');
    expect(req!.sentBytes).to.be.a('number').and.above(MAX_RESPONSE_BYTES);
  });

  it('an exception in the frame loop ends the attempt with DETECTION_FAILED and stops the camera; a retry works', async () => {
    const tracks = t.camera;
    const backend = await new Backend().script({ body: LIVE_BODY });
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual' });
    await t.el.start();
    expect(t.el.status).to.equal('detecting');
    // Detection runs in a worker: the page answers every result the worker sends. Make that answer throw.
    const proto = Worker.prototype;
    const postMessage = proto.postMessage;
    let thrown = 0;
    proto.postMessage = function () {
      thrown++;
      throw new Error('worker unreachable');
    };
    t.restores.push(() => {
      proto.postMessage = postMessage;
    });
    const event = await nextResult(t.el);
    proto.postMessage = postMessage;
    expect(thrown).to.be.at.least(1);
    expect(event.type).to.equal('liveness-error');
    expect(event.detail.code).to.equal('DETECTION_FAILED');
    expect(event.detail.message).to.contain('worker unreachable');
    expect(event.detail.recoverable).to.equal(true);
    expect(t.el.status).to.equal('error');
    expectCameraOff(tracks.tracks);
    expect(await backend.requests()).to.deep.equal([]);

    // Retry loads a fresh detector and completes.
    t.el.captureMode = 'auto';
    const next = nextResult(t.el);
    await t.el.start();
    expect((await next).type).to.equal('liveness-pass');
  });

  it('a camera that stops delivering frames ends the attempt with CAMERA_LOST', async () => {
    const cam = camera(20, false);
    t.restores.push(() => cam.restore());
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    const result = nextResult(t.el);
    await t.el.start();
    expect(t.el.status).to.equal('detecting');
    const event = await result;
    expect(cam.passed()).to.equal(20);
    expect(event.type).to.equal('liveness-error');
    expect(event.detail.code).to.equal('CAMERA_LOST');
    expect(event.detail.message).to.contain('no picture');
    expect(event.detail.recoverable).to.equal(true);
    expect(t.el.status).to.equal('error');
    expectCameraOff(cam.given);
    await t.el.updateComplete;
    expect(t.el.shadowRoot!.querySelector('[part~="retry-button"]')).to.exist;
  });

  it('an unplugged camera (its track ends) ends the attempt with CAMERA_LOST', async () => {
    const cam = camera(10, true);
    t.restores.push(() => cam.restore());
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    const result = nextResult(t.el);
    await t.el.start();
    const event = await result;
    expect(cam.given[0]!.readyState).to.equal('ended');
    expect(event.detail.code).to.equal('CAMERA_LOST');
    expect(event.detail.message).to.contain('stopped');
    expect(t.el.status).to.equal('error');
  });

  it('keeps the cancel button while capturing and submitting; cancel aborts the request and ends quietly', async () => {
    const tracks = t.camera;
    const backend = await new Backend().script({ hang: true });
    t.el = await createElement({ endpoint: backend.endpoint });
    const events: string[] = [];
    for (const type of ['liveness-pass', 'liveness-fail', 'liveness-error']) t.el.addEventListener(type, () => events.push(type));
    const seen = new Set<string>();
    const watch = new MutationObserver(() => {
      const button = t.el!.shadowRoot!.querySelector('[part~="cancel-button"]');
      if (button) seen.add(t.el!.status);
    });
    watch.observe(t.el.shadowRoot!, { subtree: true, childList: true, attributes: true });
    await t.el.start();
    await until(async () => (await backend.requests()).length === 1, 'the request to arrive');
    await t.el.updateComplete;
    expect(t.el.status).to.equal('submitting');
    const cancel = t.el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="cancel-button"]');
    expect(cancel).to.exist;
    expect(cancel!.disabled).to.equal(false);
    cancel!.click();
    watch.disconnect();
    expect(t.el.status).to.equal('idle');
    const [req] = await until(async () => {
      const list = await backend.requests();
      return list[0]?.aborted ? list : null;
    }, 'the request to be aborted');
    expect(req!.aborted).to.equal(true);
    expect(events).to.deep.equal([]);
    expect([...seen]).to.include('submitting');
    expectCameraOff(tracks.tracks);
  });
});
