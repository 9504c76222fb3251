// A page that is hidden (tab switched, phone app sent to the background) while the element looks for a face:
// detection pauses with the camera released, and resumes in the same attempt when the page is shown again.
// The page's visibility is set on the document (`visibilityState` + `visibilitychange`), the same in every engine.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { LivenessProgressDetail } from '../../../src/events.js';
import { Backend, createElement, elementPerTest, expectCameraOff, nextResult, until } from '../../support/helpers.js';

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
  const t = elementPerTest();

  afterEach(() => {
    restoreVisibility();
  });

  it('pauses detection with the camera off, then reopens it and completes the same attempt when shown', async () => {
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' });
    const progress: LivenessProgressDetail[] = [];
    t.el.addEventListener('liveness-progress', (e) => progress.push(e.detail));
    const captures: Event[] = [];
    t.el.addEventListener('liveness-capture', (e) => captures.push(e));
    await t.el.start();
    expect(t.el.status).to.equal('detecting');
    await until(() => progress.some((p) => p.ready), 'the face to be ready');

    setVisibility('hidden');
    expect(t.el.status).to.equal('detecting');
    expectCameraOff(t.camera.tracks);
    expect(t.camera.tracks.length).to.equal(1);
    expect(t.el.hasAttribute('hint')).to.equal(false);
    const seen = progress.length;
    t.el.capture(); // nothing to capture from: the camera is off
    await animationFrames(30);
    expect(progress.length, 'no detection while hidden').to.equal(seen);
    expect(captures).to.deep.equal([]);
    expect(await backend.requests()).to.deep.equal([]);
    expect(t.camera.tracks.length, 'the camera stays off while hidden').to.equal(1);

    setVisibility('visible');
    await until(() => t.camera.tracks.length === 2, 'the camera to reopen');
    await until(() => progress.slice(seen).some((p) => p.ready), 'the face to be ready again');
    const result = nextResult(t.el);
    t.el.capture();
    const event = await result;
    expect(event.type).to.equal('liveness-pass');
    expect(captures.length).to.equal(1);
    expect((await backend.requests()).length).to.equal(1);
    expectCameraOff(t.camera.tracks);
  });

  it('a page hidden before detection starts opens no detection until shown; stop() while hidden ends quietly', async () => {
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual' });
    const events: string[] = [];
    for (const type of ['liveness-pass', 'liveness-fail', 'liveness-error', 'liveness-progress']) t.el.addEventListener(type, () => events.push(type));
    setVisibility('hidden');
    await t.el.start();
    expect(t.el.status).to.equal('detecting');
    // The camera opened for the start was released at once.
    await until(() => t.camera.tracks.length === 1 && t.camera.tracks[0]!.readyState === 'ended', 'the camera to be released');
    await animationFrames(30);
    expect(events).to.deep.equal([]);
    t.el.stop();
    expect(t.el.status).to.equal('idle');
    setVisibility('visible');
    await animationFrames(10);
    expect(t.camera.tracks.length, 'the camera is not reopened after stop').to.equal(1);
    expect(events).to.deep.equal([]);
    expectCameraOff(t.camera.tracks);
  });
});
