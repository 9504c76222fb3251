// A page that is hidden (tab switched, phone app sent to the background) while the element looks for a face:
// detection pauses with the camera released, and resumes in the same attempt when the page is shown again.
// The page's visibility is set on the document (`visibilityState` + `visibilitychange`), the same in every engine.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { LivenessProgressDetail } from '../../../src/events.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { Backend, createElement, expectCameraOff, nextResult, trackGetUserMedia, until } from '../../support/helpers.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.99 } } };

function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
}

function restoreVisibility(): void {
  delete (document as unknown as Record<string, unknown>).visibilityState;
  delete (document as unknown as Record<string, unknown>).hidden;
}

/** Lets `count` animation frames pass (a bound in frames: the page keeps rendering while it only says hidden). */
async function animationFrames(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((r) => requestAnimationFrame(r));
}

describe('<liveness-capture> when the page is hidden', () => {
  let el: LivenessCapture | undefined;
  let camera: ReturnType<typeof trackGetUserMedia>;

  beforeEach(() => {
    camera = trackGetUserMedia();
  });

  afterEach(() => {
    el?.remove();
    el = undefined;
    restoreVisibility();
    camera.restore();
  });

  it('pauses detection with the camera off, then reopens it and completes the same attempt when shown', async () => {
    const backend = await new Backend().script(LIVE);
    el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' });
    const progress: LivenessProgressDetail[] = [];
    el.addEventListener('liveness-progress', (e) => progress.push(e.detail));
    const captures: Event[] = [];
    el.addEventListener('liveness-capture', (e) => captures.push(e));
    await el.start();
    expect(el.status).to.equal('detecting');
    await until(() => progress.some((p) => p.ready), 'the face to be ready');

    setVisibility('hidden');
    expect(el.status).to.equal('detecting');
    expectCameraOff(camera.tracks);
    expect(camera.tracks.length).to.equal(1);
    expect(el.hasAttribute('hint')).to.equal(false);
    const seen = progress.length;
    el.capture(); // nothing to capture from: the camera is off
    await animationFrames(30);
    expect(progress.length, 'no detection while hidden').to.equal(seen);
    expect(captures).to.deep.equal([]);
    expect(await backend.requests()).to.deep.equal([]);
    expect(camera.tracks.length, 'the camera stays off while hidden').to.equal(1);

    setVisibility('visible');
    await until(() => camera.tracks.length === 2, 'the camera to reopen');
    await until(() => progress.slice(seen).some((p) => p.ready), 'the face to be ready again');
    const result = nextResult(el);
    el.capture();
    const event = await result;
    expect(event.type).to.equal('liveness-pass');
    expect(captures.length).to.equal(1);
    expect((await backend.requests()).length).to.equal(1);
    expectCameraOff(camera.tracks);
  });

  it('a page hidden before detection starts opens no detection until shown; stop() while hidden ends quietly', async () => {
    const backend = await new Backend().script(LIVE);
    el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual' });
    const events: string[] = [];
    for (const t of ['liveness-pass', 'liveness-fail', 'liveness-error', 'liveness-progress']) el.addEventListener(t, () => events.push(t));
    setVisibility('hidden');
    await el.start();
    expect(el.status).to.equal('detecting');
    // The camera opened for the start was released at once.
    await until(() => camera.tracks.length === 1 && camera.tracks[0]!.readyState === 'ended', 'the camera to be released');
    await animationFrames(30);
    expect(events).to.deep.equal([]);
    el.stop();
    expect(el.status).to.equal('idle');
    setVisibility('visible');
    await animationFrames(10);
    expect(camera.tracks.length, 'the camera is not reopened after stop').to.equal(1);
    expect(events).to.deep.equal([]);
    expectCameraOff(camera.tracks);
  });
});
