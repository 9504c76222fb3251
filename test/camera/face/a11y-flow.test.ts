// Accessibility over whole attempts, as a keyboard and screen-reader user lives them, with Chromium's fake camera
// playing a real face and the scripted backend: what the live region says from start to result (recorded with a
// MutationObserver, asserted as a sequence, never on durations), where focus is after every key press, and the
// names and descriptions of the result panels. Runs in every engine.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/index.js';
import type { LivenessProgressEvent } from '../../../src/events.js';
import { en } from '../../../src/i18n/catalog.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { Backend, createElement, elementPerTest, expectCameraOff, matchMedia, nextResult, until } from '../../support/helpers.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.9997915625572205 } } };
const SPOOF = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'spoof', prob_real: 0.00045343424235454 } } };
const FORBIDDEN = { status: 403, body: { message: 'Forbidden' } };

const part = <T extends Element = HTMLElement>(el: LivenessCapture, name: string): T | null =>
  el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const text = (e: Element | null) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Every text the live region holds, in order, as its mutations show it (a rewrite with the same text is kept). */
function recordLive(el: LivenessCapture): { texts: string[]; stop(): void } {
  const live = part(el, 'hint')!;
  const texts: string[] = [];
  const observer = new MutationObserver(() => texts.push(text(live)));
  observer.observe(live, { childList: true, characterData: true, subtree: true });
  return { texts, stop: () => observer.disconnect() };
}

/** Every line an attempt may say: the hints and the steps. */
const LINES = new Set(Object.entries(en).filter(([k]) => k.startsWith('hint.') || k.startsWith('state.')).map(([, v]) => v));

/** One whole attempt as the region said it: known lines only, never silence or a repeat in between, the result last. */
function expectAttempt(texts: string[], result: string): void {
  const said = texts.join(' | ');
  expect(texts.length, said).to.be.greaterThan(0);
  for (const line of texts) expect(LINES.has(line), `${JSON.stringify(line)} in ${said}`).to.equal(true);
  expect(texts.filter((s, i) => i > 0 && s === texts[i - 1]), said).to.deep.equal([]);
  expect(texts.at(-1), said).to.equal(result);
}

/** The element's focused control (through its shadow root), or the page's focused element. */
function focused(el: LivenessCapture): Element | null {
  return el.shadowRoot!.activeElement ?? document.activeElement;
}

/** The text of the elements an `aria-labelledby` / `aria-describedby` list names, joined (accname's rule for them). */
function referenced(el: LivenessCapture, owner: Element, attribute: string): string {
  const ids = (owner.getAttribute(attribute) ?? '').split(/\s+/).filter(Boolean);
  expect(ids.length, attribute).to.be.greaterThan(0);
  return ids.map((id) => {
    const target = el.shadowRoot!.getElementById(id);
    expect(target, `#${id} in the shadow root`).to.exist;
    return text(target);
  }).join(' ');
}

/** WCAG contrast ratio of two opaque computed colours (`rgb(r, g, b)`). */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const parts = color.match(/[\d.]+/g)!.map(Number);
    expect(parts.length === 3 || parts[3] === 1, `${color} is opaque`).to.equal(true);
    const [r, g, bl] = parts.slice(0, 3).map((v) => {
      const c = v / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Focus nothing, so that the next Tab starts at the top of the page. */
function blurAll(): void {
  (document.activeElement as HTMLElement | null)?.blur();
}

describe('<liveness-capture> accessibility over whole attempts', () => {
  const t = elementPerTest();

  describe('results are announced without moving focus', () => {
    const cases: [string, object, 'passed' | 'failed' | 'error'][] = [['pass', LIVE, 'passed'], ['fail', SPOOF, 'failed'], ['error', FORBIDDEN, 'error']];
    for (const [name, script, status] of cases) {
      it(`a ${name} is said by the live region while the person types in a page field, which keeps focus`, async () => {
        const backend = await new Backend().script(script);
        const field = document.createElement('input');
        field.setAttribute('aria-label', 'Name');
        document.body.prepend(field);
        t.restores.push(() => field.remove());
        t.el = await createElement({ endpoint: backend.endpoint, lang: 'en' });
        const live = recordLive(t.el);
        t.restores.push(live.stop);
        field.focus();
        await sendKeys({ type: 'Ada' });
        const result = nextResult(t.el);
        await t.el.start();
        await result;
        await t.el.updateComplete;
        expect(t.el.status).to.equal(status);
        expect(document.activeElement, 'focus stays in the field').to.equal(field);
        await sendKeys({ type: ' L' });
        expect(field.value).to.equal('Ada L');
        // The result is the last thing said, politely.
        expectAttempt(live.texts, en[`state.${status}`]);
        expect(part(t.el, 'hint')!.getAttribute('aria-live')).to.equal('polite');
      });
    }
  });

  describe('the live region is not chatty', () => {
    it('a manual attempt says known lines, each once in a row, and ends on the result', async () => {
      const backend = await new Backend().script(SPOOF);
      t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' });
      const live = recordLive(t.el);
      t.restores.push(live.stop);
      const ready = new Promise<void>((resolve) => {
        t.el!.addEventListener('liveness-progress', (e: LivenessProgressEvent) => e.detail.ready && resolve());
      });
      const result = nextResult(t.el);
      await t.el.start();
      await ready;
      t.el.capture();
      expect((await result).type).to.equal('liveness-fail');
      await t.el.updateComplete;
      expectAttempt(live.texts, en['state.failed']);
      // Back to idle: the region falls silent.
      t.el.stop();
      await t.el.updateComplete;
      expect(live.texts.at(-1)).to.equal('');
    });

    for (const politeness of ['assertive', 'off'] as const) {
      it(`politeness="${politeness}" sets the region's aria-live (no implicit status role)`, async () => {
        t.el = await createElement({ endpoint: new Backend().endpoint, politeness, lang: 'en' });
        const region = part(t.el, 'hint')!;
        expect(region.getAttribute('aria-live')).to.equal(politeness);
        expect(region.hasAttribute('role')).to.equal(false);
        t.el.politeness = 'polite';
        await t.el.updateComplete;
        expect(region.getAttribute('aria-live')).to.equal('polite');
        expect(region.getAttribute('role')).to.equal('status');
      });
    }

    it('an unknown politeness is INVALID_CONFIG at start', async () => {
      t.el = await createElement({ endpoint: new Backend().endpoint, politeness: 'loud', lang: 'en' });
      const result = nextResult(t.el);
      await t.el.start();
      const event = await result;
      expect(event.detail.code).to.equal('INVALID_CONFIG');
      expect(event.detail.message).to.contain('politeness="loud"');
    });
  });

  describe('result panels are named by their heading and described by their message', () => {
    const cases: [string, object, string, string, string][] = [
      ['pass', LIVE, 'result-pass', en['result.pass.title'], en['result.pass.body']],
      ['fail', SPOOF, 'result-fail', en['result.fail.title'], en['result.fail.body']],
      ['error', FORBIDDEN, 'result-error', en['result.error.title'], en['error.UNAUTHORIZED']],
    ];
    for (const [name, script, panelPart, title, message] of cases) {
      it(`the ${name} panel`, async () => {
        const backend = await new Backend().script(script);
        t.el = await createElement({ endpoint: backend.endpoint, lang: 'en' });
        blurAll();
        await sendKeys({ press: 'Tab' });
        const result = nextResult(t.el);
        await sendKeys({ press: 'Enter' });
        await result;
        await t.el.updateComplete;
        const panel = part(t.el, panelPart)!;
        expect(focused(t.el)).to.equal(panel);
        expect(panel.hasAttribute('aria-label')).to.equal(false);
        expect(referenced(t.el, panel, 'aria-labelledby')).to.equal(title);
        expect(referenced(t.el, panel, 'aria-describedby')).to.equal(message);
        expect(panel.querySelector('h2')!.id).to.equal(panel.getAttribute('aria-labelledby'));
      });
    }

    it('a panel with slotted content is labelled by the result and has no description pointing at hidden text', async () => {
      const backend = await new Backend().script(LIVE);
      t.el = document.createElement('liveness-capture');
      t.el.setAttribute('endpoint', backend.endpoint);
      t.el.setAttribute('lang', 'en');
      t.el.innerHTML = '<div slot="pass"><h2>All set</h2><p>You can continue.</p></div>';
      document.body.append(t.el);
      const result = nextResult(t.el);
      await t.el.start();
      await result;
      await t.el.updateComplete;
      const panel = part(t.el, 'result-pass')!;
      expect(panel.getAttribute('aria-label')).to.equal(en['state.passed']);
      expect(panel.hasAttribute('aria-labelledby')).to.equal(false);
      expect(panel.hasAttribute('aria-describedby')).to.equal(false);
    });
  });

  describe('Escape', () => {
    it('cancels while the camera runs with focus on Take photo; focus goes to Start', async () => {
      const backend = await new Backend().script(LIVE);
      t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' });
      part<HTMLButtonElement>(t.el, 'start-button')!.focus();
      await sendKeys({ press: 'Enter' });
      await until(() => t.el!.status === 'detecting', 'status detecting');
      await t.el.updateComplete;
      part<HTMLButtonElement>(t.el, 'capture-button')!.focus();
      await sendKeys({ press: 'Escape' });
      await until(() => t.el!.status === 'idle', 'status idle');
      await t.el.updateComplete;
      expect(focused(t.el)).to.equal(part(t.el, 'start-button'));
      expect(await backend.requests()).to.deep.equal([]);
    });

    it('does nothing when idle or on a result, and lets the page have the key', async () => {
      const backend = await new Backend().script(SPOOF);
      t.el = await createElement({ endpoint: backend.endpoint, lang: 'en' });
      const prevented: boolean[] = [];
      const onKey = (e: KeyboardEvent) => prevented.push(e.defaultPrevented);
      document.addEventListener('keydown', onKey);
      t.restores.push(() => document.removeEventListener('keydown', onKey));
      part<HTMLButtonElement>(t.el, 'start-button')!.focus();
      await sendKeys({ press: 'Escape' });
      expect(t.el.status).to.equal('idle');
      const result = nextResult(t.el);
      await sendKeys({ press: 'Enter' });
      await result;
      await t.el.updateComplete;
      expect(focused(t.el)).to.equal(part(t.el, 'result-fail'));
      await sendKeys({ press: 'Escape' });
      expect(t.el.status).to.equal('failed');
      expect(prevented).to.deep.equal([false, false, false]);
    });
  });

  describe('the progress bar', () => {
    it('is named once (its changing value is the value text) and its fill has 3:1 against the track, also in forced colours', async () => {
      const backend = await new Backend().script(LIVE);
      // Steps of the hold counted in frames too, so several values are seen on any machine.
      t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', 'stable-frames': '5', lang: 'en' });
      const seen: { name: string | null; value: string | null; text: string | null }[] = [];
      const ready = new Promise<void>((resolve) => {
        t.el!.addEventListener('liveness-progress', (e: LivenessProgressEvent) => {
          void t.el!.updateComplete.then(() => {
            const bar = part(t.el!, 'progress');
            if (bar) seen.push({ name: bar.getAttribute('aria-label'), value: bar.getAttribute('aria-valuenow'), text: bar.getAttribute('aria-valuetext') });
            if (e.detail.ready && bar) resolve();
          });
        });
      });
      await t.el.start();
      await ready;
      expect(new Set(seen.map((s) => s.value)).size, JSON.stringify(seen)).to.be.at.least(2);
      expect(new Set(seen.map((s) => s.name)), JSON.stringify(seen)).to.deep.equal(new Set([en['label.progress']]));
      for (const s of seen) expect(s.text).to.equal(en.progress.replace('{percent}', s.value!));

      const track = part(t.el, 'progress')!;
      const fill = part(t.el, 'progress-bar')!;
      const ratio = () => contrast(getComputedStyle(fill).backgroundColor, getComputedStyle(track).backgroundColor);
      expect(ratio(), 'default theme').to.be.at.least(3);
      t.restores.push(matchMedia(t.el, 'forced-colors: active'));
      // WebKit has no forced-colours mode (nor the property); the engines that have it must keep the fill's colour.
      if (CSS.supports('forced-color-adjust', 'none')) expect(getComputedStyle(fill).forcedColorAdjust).to.equal('none');
      expect(ratio(), 'forced colours').to.be.at.least(3);
    });
  });

  describe('an expired session', () => {
    const EXPIRED = { status: 410, body: { success: false, error_code: 'SESSION_EXPIRED', message: 'The session expired.' } };

    it('without a sessionProvider: SESSION_INVALID, "reload the page", no retry', async () => {
      const backend = await new Backend().script(EXPIRED);
      t.el = await createElement({ endpoint: backend.endpoint, session: 'old', lang: 'en' });
      const result = nextResult(t.el);
      await t.el.start();
      const event = await result;
      expect([event.detail.code, event.detail.recoverable]).to.deep.equal(['SESSION_INVALID', false]);
      await t.el.updateComplete;
      expect(referenced(t.el, part(t.el, 'result-error')!, 'aria-describedby')).to.equal(en['error.SESSION_INVALID']);
      expect(part(t.el, 'retry-button')).to.equal(null);
    });

    it('with a sessionProvider: retry is offered, asks for a fresh session and the check goes on, by keyboard alone', async () => {
      const backend = await new Backend().script(EXPIRED);
      const asked: { previous: string | null; aborted: boolean }[] = [];
      t.el = await createElement({ endpoint: backend.endpoint, session: 'old', lang: 'en' }, {
        sessionProvider: async ({ previous, signal }) => {
          asked.push({ previous, aborted: signal.aborted });
          await backend.script(LIVE);
          return 'fresh';
        },
      });
      const live = recordLive(t.el);
      t.restores.push(live.stop);
      blurAll();
      await sendKeys({ press: 'Tab' });
      let result = nextResult(t.el);
      await sendKeys({ press: 'Enter' });
      const event = await result;
      expect([event.detail.code, event.detail.recoverable]).to.deep.equal(['SESSION_INVALID', true]);
      await t.el.updateComplete;
      const panel = part(t.el, 'result-error')!;
      expect(focused(t.el)).to.equal(panel);
      expect(referenced(t.el, panel, 'aria-describedby')).to.equal(en['error.SESSION_INVALID.renew']);
      expect(asked, 'asked only on retry').to.deep.equal([]);
      await sendKeys({ press: 'Tab' });
      expect(focused(t.el)).to.equal(part(t.el, 'retry-button'));
      result = nextResult(t.el);
      await sendKeys({ press: 'Enter' });
      expect((await result).type).to.equal('liveness-pass');
      expect(asked).to.deep.equal([{ previous: 'old', aborted: false }]);
      expect(t.el.session).to.equal('fresh');
      const requests = await backend.requests();
      expect(requests.map((r) => r.headers['x-liveness-session'])).to.deep.equal(['old', 'fresh']);
      expect(live.texts.at(-1)).to.equal(en['state.passed']);
    });

    it('a provider that fails ends the retry with SESSION_INVALID, its cause kept, and offers retry again', async () => {
      const backend = await new Backend().script(EXPIRED);
      t.el = await createElement({ endpoint: backend.endpoint, session: 'old', lang: 'en' }, {
        sessionProvider: () => Promise.reject(new Error('the session service is down')),
      });
      let result = nextResult(t.el);
      await t.el.start();
      await result;
      await t.el.updateComplete;
      result = nextResult(t.el);
      part<HTMLButtonElement>(t.el, 'retry-button')!.click();
      const event = await result;
      expect([event.detail.code, event.detail.recoverable]).to.deep.equal(['SESSION_INVALID', true]);
      expect(event.detail.message).to.contain('the session service is down');
      await t.el.updateComplete;
      expect(part(t.el, 'retry-button')).to.exist;
      expect((await backend.requests()).length, 'no request without a session').to.equal(1);
    });
  });

  describe('focus is never lost', () => {
    for (const key of ['Enter', 'Escape']) {
      it(`${key} on Cancel puts focus on Start and turns the camera off`, async () => {
        const backend = await new Backend().script(LIVE);
        t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' });
        blurAll();
        await sendKeys({ press: 'Tab' });
        expect(focused(t.el)).to.equal(part(t.el, 'start-button'));
        await sendKeys({ press: 'Enter' });
        await until(() => t.el!.status === 'detecting', 'status detecting');
        await t.el.updateComplete;
        expect(focused(t.el)).to.equal(part(t.el, 'cancel-button'));
        await sendKeys({ press: key });
        await until(() => t.el!.status === 'idle', 'status idle');
        await t.el.updateComplete;
        expect(focused(t.el)).to.equal(part(t.el, 'start-button'));
        expect(document.activeElement).to.equal(t.el);
        expectCameraOff(t.camera.tracks);
      });
    }

    it('a press on "Take photo" before the face is right is queued; after the capture focus is on Cancel', async () => {
      const backend = await new Backend().script({ hang: true });
      // Several steady frames before ready, so the first press comes before the face is right.
      t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', 'stable-frames': '20', lang: 'en' });
      const progress: boolean[] = [];
      t.el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => progress.push(e.detail.ready));
      blurAll();
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Enter' });
      await t.el.updateComplete;
      // Shift+Tab is browser-specific to send; the capture button comes right before Cancel in the Tab order.
      part<HTMLButtonElement>(t.el, 'capture-button')!.focus();
      const capture = part<HTMLButtonElement>(t.el, 'capture-button')!;
      expect(focused(t.el)).to.equal(capture);
      expect(capture.getAttribute('aria-disabled'), 'not ready when pressed').to.equal('true');
      expect(progress.includes(true), 'not ready when pressed').to.equal(false);
      await sendKeys({ press: 'Enter' });
      await until(() => t.el!.status === 'submitting', 'the queued press to capture');
      await t.el.updateComplete;
      expect(progress.includes(true), 'captured once the face was right').to.equal(true);
      expect(focused(t.el)).to.equal(part(t.el, 'cancel-button'));
      await until(async () => (await backend.requests()).length === 1, 'one request');
    });
  });
});
