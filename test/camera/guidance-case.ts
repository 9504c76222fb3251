// One guidance case for a fake-camera group (test/camera/<video>/guidance.test.ts): the real element, with its
// default settings, shows `expected` for a video made from a real photo, and captures nothing however long it
// watches. Not a test file itself (no .test.ts), so it belongs to no group.
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import type { HintCode, LivenessProgressDetail, LivenessProgressEvent } from '../../src/events.js';
import { en } from '../../src/i18n/catalog.js';
import type { LivenessCapture } from '../../src/liveness-capture.js';
import { Backend, createElement, frames } from '../support/helpers.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.99 } } };

/** Frames watched after the hint appeared: 3 s of the 15 fps video, many times `stable-frames` (10). */
export const WATCH_FRAMES = 45;

/**
 * Resolves once `predicate` holds, checking after each new preview frame, and fails after `max` frames with
 * `what` in the message (a bound in frames, not in time: the detector sees every one of them).
 */
export async function withinFrames(el: LivenessCapture, max: number, predicate: () => boolean, what: string | (() => string)): Promise<void> {
  for (let i = 0; i <= max; i++) {
    if (predicate()) return;
    await frames(el, 1);
  }
  expect.fail(`${typeof what === 'function' ? what() : what} did not happen within ${max} frames`);
}

export function guidanceCase(video: string, expected: HintCode, description: string): void {
  describe(`<liveness-capture> guidance with ${description} (${video})`, () => {
    let el: LivenessCapture | undefined;

    afterEach(() => {
      el?.remove();
      el = undefined;
    });

    it(`shows '${expected}' and captures nothing`, async () => {
      // A backend that would pass anything: a capture would be sent and answered, so none must happen.
      const backend = await new Backend().script(LIVE);
      el = await createElement({ endpoint: backend.endpoint, lang: 'en' });
      const shadow = el.shadowRoot!;
      const events: LivenessProgressDetail[] = [];
      const captures: Event[] = [];
      const results: Event[] = [];
      el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => events.push(e.detail));
      el.addEventListener('liveness-capture', (e) => captures.push(e));
      for (const t of ['liveness-pass', 'liveness-fail', 'liveness-error']) el.addEventListener(t, (e) => results.push(e));

      await el.start();
      expect(el.status).to.equal('detecting');
      await withinFrames(el, 90, () => el!.getAttribute('hint') === expected,
        () => `the '${expected}' hint (seen: ${events.map((e) => e.hint).join(' ')})`);
      await el.updateComplete;

      // The hint as attribute, event and text in the one live region.
      const last = events.at(-1)!;
      expect(last.hint, JSON.stringify(events)).to.equal(expected);
      expect(last.ready).to.equal(false);
      expect(last.progress).to.equal(0);
      const regions = shadow.querySelectorAll('[aria-live]');
      expect(regions.length).to.equal(1);
      const live = shadow.querySelector('[part~="hint"]')!;
      expect(live).to.equal(regions[0]);
      expect(live.getAttribute('aria-live')).to.equal('polite');
      // The live region is paced (each line held 1.5 s, see AnnouncerController): the hint reaches it once the line
      // before it has been held, so wait for it by frames (90 frames are 6 s of the 15 fps video).
      await withinFrames(el, 90, () => live.textContent!.trim() === en[`hint.${expected}`],
        () => `the live region saying '${en[`hint.${expected}`]}' (it says '${live.textContent!.trim()}')`);

      // Watch for a long while: the face is never right, so nothing is captured or sent.
      await frames(el, WATCH_FRAMES);
      const seen = events.map((e) => e.hint);
      expect(el.status).to.equal('detecting');
      expect(el.getAttribute('status')).to.equal('detecting');
      expect(el.getAttribute('hint'), seen.join(' ')).to.equal(expected);
      expect(captures).to.deep.equal([]);
      expect(results).to.deep.equal([]);
      expect(events.every((e) => !e.ready), seen.join(' ')).to.equal(true);
      expect(seen, 'hold-still never shown').to.not.include('hold-still');
      expect(await backend.requests()).to.deep.equal([]);
      // The capture button of manual mode is absent in auto mode; the cancel button is there.
      expect(shadow.querySelector('[part~="capture-button"]')).to.equal(null);
      expect(shadow.querySelector('[part~="cancel-button"]')).to.exist;
    });

    it(`keeps the capture button aria-disabled in capture-mode="manual" and captures nothing`, async () => {
      const backend = await new Backend().script(LIVE);
      el = await createElement({ endpoint: backend.endpoint, lang: 'en', 'capture-mode': 'manual' });
      const captures: Event[] = [];
      el.addEventListener('liveness-capture', (e) => captures.push(e));
      await el.start();
      await withinFrames(el, 90, () => el!.getAttribute('hint') === expected, `the '${expected}' hint`);
      await el.updateComplete;
      const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="capture-button"]')!;
      expect(button).to.exist;
      expect(button.getAttribute('aria-disabled') === 'true').to.equal(true);
      button.click(); // queued for the next good frame: there is none
      el.capture();
      await frames(el, 30);
      expect(button.getAttribute('aria-disabled') === 'true').to.equal(true);
      expect(el.status).to.equal('detecting');
      expect(captures).to.deep.equal([]);
      expect(await backend.requests()).to.deep.equal([]);
    });
  });
}
