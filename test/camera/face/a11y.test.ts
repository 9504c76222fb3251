// Accessibility of the real element in each visible state, with Chromium's fake camera playing a real face: an axe
// audit (`accessible()` from @open-wc/testing) in the default and the restyled look, keyboard operation with real
// key presses (sendKeys), visible focus, reduced motion and forced colours. Runs in every engine: media features
// are checked through the element's own media rules, not through a protocol only Chromium speaks.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/index.js';
import type { LivenessProgressEvent } from '../../../src/events.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { Backend, createElement, frames, matchMedia, nextResult, until } from '../../support/helpers.js';
import { withinFrames } from '../guidance-case.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.9997915625572205 } } };
const SPOOF = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'spoof', prob_real: 0.00045343424235454 } } };
const FORBIDDEN = { status: 403, body: { message: 'Forbidden' } };
const THROTTLED = { status: 429, body: { message: 'Too Many Requests' } };


const part = <T extends Element = HTMLElement>(el: LivenessCapture, name: string): T | null =>
  el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);

/** Every state an audit covers, reached with the real camera and the scripted backend. */
type State = 'idle' | 'detecting' | 'submitting' | 'passed' | 'failed' | 'error';

async function reach(state: State, attrs: Record<string, string> = {}): Promise<{ el: LivenessCapture; backend: Backend }> {
  const scripts: Record<State, object> = {
    idle: LIVE,
    detecting: LIVE,
    submitting: { hang: true },
    passed: LIVE,
    failed: SPOOF,
    error: FORBIDDEN,
  };
  const backend = await new Backend().script(scripts[state]);
  // Detecting is held with capture-mode="manual": the face is right, the hint shows, nothing is captured.
  const el = await createElement({ endpoint: backend.endpoint, ...(state === 'detecting' ? { 'capture-mode': 'manual' } : {}), ...attrs });
  if (state === 'idle') return { el, backend };
  const result = nextResult(el);
  const ready = new Promise<void>((resolve) => {
    el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => e.detail.ready && resolve());
  });
  await el.start();
  if (state === 'detecting') {
    await ready;
  } else if (state === 'submitting') {
    await until(() => el.status === 'submitting', 'status submitting');
  } else {
    await result;
    expect(el.status).to.equal(state);
  }
  await el.updateComplete;
  return { el, backend };
}

/**
 * Shift+Tab. Puppeteer holds Shift with key down/up; the WebDriver launcher knows only `press` and `type`, and
 * presses the keys of one `type` together (WebDriver's Shift and Tab code points), which is the same chord.
 */
async function shiftTab(): Promise<void> {
  try {
    await sendKeys({ down: 'Shift' });
  } catch {
    await sendKeys({ type: '\uE008\uE004' });
    return;
  }
  try {
    await sendKeys({ press: 'Tab' });
  } finally {
    await sendKeys({ up: 'Shift' });
  }
}

describe('<liveness-capture> accessibility', () => {
  let el: LivenessCapture | undefined;
  let style: HTMLElement | undefined;
  const restores: (() => void)[] = [];

  afterEach(async () => {
    el?.remove();
    el = undefined;
    style?.remove();
    style = undefined;
    for (const restore of restores.splice(0)) restore();
  });

  const states: State[] = ['idle', 'detecting', 'submitting', 'passed', 'failed', 'error'];
  for (const look of ['default', 'restyled'] as const) {
    describe(`axe audit, ${look} look`, () => {
      for (const state of states) {
        it(`passes in ${state}`, async () => {
          if (look === 'restyled') {
            // The demo's restyled look (demo/demo.css, `liveness-capture.branded`): custom properties and ::part only.
            const link = document.createElement('link');
            link.rel = 'stylesheet';
            link.href = '/demo/demo.css';
            const loaded = new Promise((resolve) => link.addEventListener('load', resolve, { once: true }));
            document.head.append(link);
            await loaded;
            style = link;
          }
          ({ el } = await reach(state, { lang: 'en', ...(look === 'restyled' ? { class: 'branded' } : {}) }));
          expect(el.status).to.equal(state);
          if (state === 'detecting') {
            expect(el.getAttribute('hint')).to.equal('hold-still');
            expect(part(el, 'hint')!.textContent!.trim()).to.not.equal('');
            expect(part(el, 'progress')).to.exist;
            expect(part<HTMLButtonElement>(el, 'capture-button')!.getAttribute('aria-disabled')).to.equal('false');
          }
          await expect(el).to.be.accessible();
        });
      }
    });
  }

  it('passes in Arabic (right to left) while detecting', async () => {
    ({ el } = await reach('detecting', { lang: 'ar' }));
    await expect(el).to.be.accessible();
  });

  it('passes with a recoverable error (retry button shown)', async () => {
    const backend = await new Backend().script(THROTTLED);
    el = await createElement({ endpoint: backend.endpoint, lang: 'en' });
    const result = nextResult(el);
    await el.start();
    expect((await result).detail.code).to.equal('RATE_LIMITED');
    await el.updateComplete;
    expect(part(el, 'retry-button')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('passes with slotted content in the result panel', async () => {
    const backend = await new Backend().script(LIVE);
    el = document.createElement('liveness-capture');
    el.setAttribute('endpoint', backend.endpoint);
    el.setAttribute('lang', 'en');
    el.innerHTML = '<div slot="pass"><h2>All set</h2><p>You can continue.</p></div>';
    document.body.append(el);
    const result = nextResult(el);
    await el.start();
    expect((await result).type).to.equal('liveness-pass');
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  describe('keyboard', () => {
    /** Focus nothing, so that the next Tab starts at the top of the page. */
    function blurAll() {
      let active: Element | null = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      (active as HTMLElement | null)?.blur();
      (document.activeElement as HTMLElement | null)?.blur();
    }

    function expectVisibleFocus(button: HTMLElement) {
      expect(el!.shadowRoot!.activeElement).to.equal(button);
      expect(button.matches(':focus-visible')).to.equal(true);
      const css = getComputedStyle(button);
      expect(css.outlineStyle).to.not.equal('none');
      expect(parseFloat(css.outlineWidth)).to.be.at.least(2);
    }

    it('every button is a real, tabbable <button> with a visible focus ring; the whole flow works from the keyboard', async () => {
      const backend = await new Backend().script(SPOOF);
      el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' });
      const progress: boolean[] = [];
      el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => progress.push(e.detail.ready));

      // Idle: Tab reaches the start button; not focused, it has no ring.
      const start = part<HTMLButtonElement>(el, 'start-button')!;
      expect(start.tagName).to.equal('BUTTON');
      expect(getComputedStyle(start).outlineStyle).to.equal('none');
      blurAll();
      await sendKeys({ press: 'Tab' });
      expectVisibleFocus(start);

      // Enter starts the camera; the start button goes away and focus moves to cancel, which stays while detecting.
      await sendKeys({ press: 'Enter' });
      await until(() => el!.status === 'detecting', 'status detecting');
      await withinFrames(el, 150, () => progress.includes(true), 'ready');
      await el.updateComplete;
      const capture = part<HTMLButtonElement>(el, 'capture-button')!;
      const cancel = part<HTMLButtonElement>(el, 'cancel-button')!;
      expect(capture.tagName).to.equal('BUTTON');
      expect(cancel.tagName).to.equal('BUTTON');
      expectVisibleFocus(cancel);

      // Detecting, ready: Shift+Tab reaches the capture button, Tab goes back to cancel.
      await shiftTab();
      expectVisibleFocus(capture);
      await sendKeys({ press: 'Tab' });
      expectVisibleFocus(cancel);
      await shiftTab();
      expectVisibleFocus(capture);

      // Enter on the capture button captures; the fail panel takes focus, and Tab reaches retry.
      const result = nextResult(el);
      await sendKeys({ press: 'Enter' });
      expect((await result).type).to.equal('liveness-fail');
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement).to.equal(part(el, 'result-fail'));
      await sendKeys({ press: 'Tab' });
      const retry = part<HTMLButtonElement>(el, 'retry-button')!;
      expect(retry.tagName).to.equal('BUTTON');
      expectVisibleFocus(retry);
      expect((await backend.requests()).length).to.equal(1);

      // Space on retry starts again; Enter on cancel returns to idle.
      await sendKeys({ press: ' ' });
      await until(() => el!.status === 'detecting', 'status detecting again');
      await el.updateComplete;
      // Focus moved from the vanished retry button to cancel.
      expectVisibleFocus(part(el, 'cancel-button')!);
      await sendKeys({ press: 'Enter' });
      await until(() => el!.status === 'idle', 'status idle');
    });

    it('a capture button that is not ready yet is aria-disabled, stays in the Tab order and keeps focus when pressed', async () => {
      const backend = new Backend();
      el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' }, { stableFrames: 100000 });
      await el.start();
      await el.updateComplete;
      const capture = part<HTMLButtonElement>(el, 'capture-button')!;
      expect(capture.getAttribute('aria-disabled')).to.equal('true');
      expect(capture.disabled).to.equal(false);
      // From a button placed before the element, Tab reaches the capture button, which announces itself unavailable.
      const before = document.createElement('button');
      before.textContent = 'before';
      el.before(before);
      try {
        before.focus();
        await sendKeys({ press: 'Tab' });
        expect(el.shadowRoot!.activeElement).to.equal(capture);
        // Pressed while not ready: the press waits for a good frame (none comes), focus stays on the button.
        await sendKeys({ press: 'Enter' });
        await frames(el, 10);
        await el.updateComplete;
        expect(el.status).to.equal('detecting');
        expect(el.shadowRoot!.activeElement).to.equal(capture);
        expect(await backend.requests()).to.deep.equal([]);
      } finally {
        before.remove();
      }
    });
  });

  describe('motion and colours', () => {
    it('prefers-reduced-motion removes the guide and progress transitions', async () => {
      el = await createElement({ endpoint: new Backend().endpoint });
      const guide = part(el, 'guide')!;
      expect(parseFloat(getComputedStyle(guide).transitionDuration)).to.be.greaterThan(0);
      restores.push(matchMedia(el, 'prefers-reduced-motion: reduce'));
      expect(getComputedStyle(guide).transitionDuration).to.equal('0s');
    });

    it('has no animations at all (nothing flashes) and a forced-colors rule that keeps the guide visible', async () => {
      ({ el } = await reach('detecting', { lang: 'en' }));
      // Transitions may run (they are short colour/width changes); no keyframe animation exists.
      const animations = el.shadowRoot!.getAnimations().filter((a) => !(a instanceof CSSTransition));
      expect(animations).to.deep.equal([]);
      const rules = el.shadowRoot!.adoptedStyleSheets.flatMap((s) => [...s.cssRules]);
      expect(rules.some((r) => r instanceof CSSKeyframesRule)).to.equal(false);
      const forced = rules.find((r): r is CSSMediaRule => r instanceof CSSMediaRule && r.conditionText.includes('forced-colors: active'));
      expect(forced, 'a forced-colors media rule').to.exist;
      const guideRule = [...forced!.cssRules].find((r): r is CSSStyleRule => r instanceof CSSStyleRule && r.selectorText === '.guide');
      expect(guideRule?.style.getPropertyValue('border-color')).to.equal('canvastext');
    });
  });
});
