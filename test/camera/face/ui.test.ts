// The guided-capture interface of the real element with Chromium's fake camera playing a real face (astronaut,
// ~300 px, centred), against the scripted contract handler on the test server: manual capture, progress events,
// languages, message overrides, slots, focus after a result, the live region, and capture with every check off.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { LivenessProgressDetail, LivenessProgressEvent } from '../../../src/events.js';
import { en } from '../../../src/i18n/catalog.js';
import { ar } from '../../../src/i18n/locales/ar.js';
import { de } from '../../../src/i18n/locales/de.js';
import { es } from '../../../src/i18n/locales/es.js';
import { fr } from '../../../src/i18n/locales/fr.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { Backend, createElement, frames, nextResult, until } from '../../support/helpers.js';
import { withinFrames } from '../guidance-case.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.9997915625572205 } } };
const SPOOF = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'spoof', prob_real: 0.00045343424235454 } } };
const FORBIDDEN = { status: 403, body: { message: 'Forbidden' } };

const part = <T extends Element = HTMLElement>(el: LivenessCapture, name: string): T | null =>
  el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const text = (node: Element | null | undefined): string => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Records every liveness-progress detail and every liveness-capture event of `el`. */
function record(el: LivenessCapture) {
  const progress: LivenessProgressDetail[] = [];
  const captures: Event[] = [];
  el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => progress.push(e.detail));
  el.addEventListener('liveness-capture', (e) => captures.push(e));
  return { progress, captures };
}

describe('<liveness-capture> interface with a face in view', () => {
  let el: LivenessCapture | undefined;
  const pageLang = document.documentElement.getAttribute('lang');
  let extra: Element | undefined;

  afterEach(() => {
    el?.remove();
    el = undefined;
    extra?.remove();
    extra = undefined;
    if (pageLang === null) document.documentElement.removeAttribute('lang');
    else document.documentElement.setAttribute('lang', pageLang);
  });

  describe('capture-mode="manual"', () => {
    it('captures nothing without a click, enables the button once ready, and a click captures, sends once and ends in a result', async () => {
      const backend = await new Backend().script(LIVE);
      el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' });
      const { progress, captures } = record(el);
      // The button state as rendered after each progress event.
      const rendered: { ready: boolean; disabled: boolean }[] = [];
      el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => {
        void el!.updateComplete.then(() => {
          const button = part<HTMLButtonElement>(el!, 'capture-button');
          if (button && el!.status === 'detecting') rendered.push({ ready: e.detail.ready, disabled: button.getAttribute('aria-disabled') === 'true' });
        });
      });

      await el.start();
      await el.updateComplete;
      const button = part<HTMLButtonElement>(el, 'capture-button')!;
      expect(button, 'capture button').to.exist;
      expect(button.tagName).to.equal('BUTTON');
      expect(text(button)).to.equal(en['button.capture']);
      expect(button.getAttribute('aria-disabled') === 'true', 'aria-disabled before the face is right').to.equal(true);
      expect(button.disabled, 'never disabled: it keeps focus').to.equal(false);

      await withinFrames(el, 150, () => progress.some((p) => p.ready), 'ready');
      await el.updateComplete;
      expect(part<HTMLButtonElement>(el, 'capture-button')!.getAttribute('aria-disabled') === 'true', 'enabled once ready').to.equal(false);
      expect(el.getAttribute('hint')).to.equal('hold-still');

      // Ready, and it stays so, but nothing is captured until the user asks.
      await frames(el, 30);
      expect(el.status).to.equal('detecting');
      expect(captures).to.deep.equal([]);
      expect(await backend.requests()).to.deep.equal([]);
      expect(rendered.length).to.be.greaterThan(0);
      for (const r of rendered) expect(r.disabled, JSON.stringify(rendered)).to.equal(!r.ready);

      const result = nextResult(el);
      part<HTMLButtonElement>(el, 'capture-button')!.click();
      const event = await result;
      expect(event.type, JSON.stringify(event.detail)).to.equal('liveness-pass');
      expect(el.status).to.equal('passed');
      expect(captures.length).to.equal(1);
      const requests = await backend.requests();
      expect(requests.length).to.equal(1);
      expect(requests[0]!.jpeg).to.deep.equal({ width: 1280, height: 720 });
    });
  });

  describe('progress', () => {
    it('goes to hold-still with the progress rising to ready before the capture (auto mode)', async () => {
      const backend = await new Backend().script(LIVE);
      // The hold is a duration; a count of frames on top makes the number of steps independent of the machine.
      el = await createElement({ endpoint: backend.endpoint, 'stable-frames': '5' });
      const log: (LivenessProgressDetail & { attr: string | null })[] = [];
      let atCapture: { index: number; hint: string | null; status: string } | null = null;
      let progressAfterCapture = 0;
      el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => {
        if (atCapture) progressAfterCapture++;
        log.push({ ...e.detail, attr: el!.getAttribute('hint') });
      });
      el.addEventListener('liveness-capture', () => {
        atCapture = { index: log.length, hint: el!.getAttribute('hint'), status: el!.status };
      });
      const result = nextResult(el);
      await el.start();
      expect((await result).type).to.equal('liveness-pass');

      const capture = atCapture as { index: number; hint: string | null; status: string } | null;
      expect(capture, 'a capture happened').to.not.equal(null);
      expect(capture!.status).to.equal('capturing');
      expect(progressAfterCapture).to.equal(0);
      const before = log.slice(0, capture!.index);
      const summary = JSON.stringify(before.map((p) => [p.hint, p.progress, p.ready]));
      // Each event's detail matches the reflected attribute.
      for (const p of before) expect(p.attr, summary).to.equal(p.hint);
      // The last event before the capture: hold-still, complete, ready.
      const last = before.at(-1)!;
      expect(last, summary).to.deep.include({ hint: 'hold-still', progress: 1, ready: true });
      expect(capture!.hint).to.equal('hold-still');
      // The hold that led to it: progress rising step by step from the last reset, ready only at the end.
      const start = before.map((p) => p.progress).lastIndexOf(0) + 1;
      const hold = before.slice(start);
      expect(hold.length, summary).to.be.at.least(3);
      expect(hold[0]!.progress, summary).to.be.lessThan(0.5);
      for (let i = 1; i < hold.length; i++) expect(hold[i]!.progress, summary).to.be.greaterThan(hold[i - 1]!.progress);
      expect(hold.slice(0, -1).every((p) => !p.ready), summary).to.equal(true);
      expect(hold.slice(-3).every((p) => p.hint === 'hold-still'), summary).to.equal(true);
      // The stage shows the progress bar only while the hold counts; after the result it is gone.
      await el.updateComplete;
      expect(part(el, 'progress')).to.equal(null);
    });

    it('shows a progressbar with the percentage while the hold counts', async () => {
      const backend = await new Backend().script(LIVE);
      el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' });
      const { progress } = record(el);
      await el.start();
      await withinFrames(el, 150, () => progress.some((p) => p.ready), 'ready');
      await el.updateComplete;
      const bar = part(el, 'progress')!;
      expect(bar).to.exist;
      expect(bar.getAttribute('role')).to.equal('progressbar');
      expect(bar.getAttribute('aria-valuenow')).to.equal('100');
      expect(bar.getAttribute('aria-label')).to.equal(en['label.progress']);
      expect(bar.getAttribute('aria-valuetext')).to.equal(en.progress.replace('{percent}', '100'));
      expect(part(el, 'progress-bar')).to.exist;
      expect(part(el, 'guide')!.hasAttribute('data-ready')).to.equal(true);
    });
  });

  describe('languages', () => {
    it('lang="ar" renders right to left, in Arabic', async () => {
      const backend = await new Backend().script(LIVE);
      el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'ar' });
      const root = el.shadowRoot!.querySelector('.root')!;
      expect(root.getAttribute('dir')).to.equal('rtl');
      expect(root.getAttribute('lang')).to.equal('ar');
      expect(getComputedStyle(part(el, 'body')!).direction).to.equal('rtl');
      expect(text(part(el, 'start-button'))).to.equal(ar['button.start']);
      expect(text(part(el, 'panel'))).to.contain(ar['state.idle']);

      const { progress } = record(el);
      await el.start();
      await withinFrames(el, 150, () => progress.some((p) => p.ready), 'ready');
      await el.updateComplete;
      await until(() => text(part(el!, 'hint')) === ar['hint.hold-still'], 'the Arabic hold-still hint');
      expect(text(part(el, 'capture-button'))).to.equal(ar['button.capture']);
      expect(text(part(el, 'cancel-button'))).to.equal(ar['button.cancel']);
      expect(part(el, 'video')!.getAttribute('aria-label')).to.equal(ar['label.preview']);
    });

    it('lang="es" renders in Spanish, left to right', async () => {
      el = await createElement({ endpoint: new Backend().endpoint, lang: 'es-MX' });
      const root = el.shadowRoot!.querySelector('.root')!;
      expect(root.getAttribute('dir')).to.equal('ltr');
      expect(root.getAttribute('lang')).to.equal('es');
      expect(text(part(el, 'start-button'))).to.equal(es['button.start']);
      expect(text(part(el, 'panel'))).to.contain(es['state.idle']);
    });

    it('follows a change of the lang attribute', async () => {
      el = await createElement({ endpoint: new Backend().endpoint, lang: 'es' });
      el.setAttribute('lang', 'ar');
      await el.updateComplete;
      expect(text(part(el, 'start-button'))).to.equal(ar['button.start']);
      expect(el.shadowRoot!.querySelector('.root')!.getAttribute('dir')).to.equal('rtl');
    });

    it("falls back to an ancestor's lang, then the page's <html lang>", async () => {
      document.documentElement.setAttribute('lang', 'de');
      el = await createElement({ endpoint: new Backend().endpoint });
      expect(el.shadowRoot!.querySelector('.root')!.getAttribute('lang')).to.equal('de');
      expect(text(part(el, 'start-button'))).to.equal(de['button.start']);

      extra = document.createElement('div');
      extra.setAttribute('lang', 'fr-CA');
      document.body.append(extra);
      const inFrench = document.createElement('liveness-capture');
      extra.append(inFrench);
      await inFrench.updateComplete;
      expect(text(part(inFrench, 'start-button'))).to.equal(fr['button.start']);

      // The element's own lang wins over both.
      inFrench.setAttribute('lang', 'es');
      await inFrench.updateComplete;
      expect(text(part(inFrench, 'start-button'))).to.equal(es['button.start']);
    });

    it('follows the page: a switch of <html lang> or of a container\'s lang re-renders it', async () => {
      document.documentElement.setAttribute('lang', 'de');
      extra = document.createElement('div');
      const inner = document.createElement('div');
      extra.append(inner);
      document.body.append(extra);
      el = document.createElement('liveness-capture');
      inner.append(el);
      await el.updateComplete;
      expect(text(part(el, 'start-button'))).to.equal(de['button.start']);
      const shows = (messages: typeof en, dir: string) => () =>
        text(part(el!, 'start-button')) === messages['button.start'] && el!.shadowRoot!.querySelector('.root')!.getAttribute('dir') === dir;

      // A single-page app switches the page's language.
      document.documentElement.setAttribute('lang', 'ar');
      await until(shows(ar, 'rtl'), 'Arabic after <html lang="ar">');
      // A container gains a lang, then the one nearer the element does, which wins.
      extra.setAttribute('lang', 'es');
      await until(shows(es, 'ltr'), 'Spanish after the container\'s lang="es"');
      inner.setAttribute('lang', 'fr');
      await until(shows(fr, 'ltr'), 'French after the nearer lang="fr"');
      // Removed, the next one decides again.
      inner.removeAttribute('lang');
      await until(shows(es, 'ltr'), 'Spanish again');
      extra.removeAttribute('lang');
      await until(shows(ar, 'rtl'), 'Arabic again, from <html lang>');
      // Moved into another container, it takes that container's language.
      const german = document.createElement('div');
      german.setAttribute('lang', 'de');
      extra.append(german);
      german.append(el);
      await until(shows(de, 'ltr'), 'German after the move');
    });

    it('the messages property overrides single strings and leaves the rest', async () => {
      const backend = await new Backend().script(LIVE);
      el = await createElement(
        { endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en' },
        { messages: { 'button.start': 'Begin the check' } },
      );
      expect(text(part(el, 'start-button'))).to.equal('Begin the check');
      expect(text(part(el, 'panel'))).to.contain(en['state.idle']);

      // A new object re-renders; an override applies on top of any language.
      el.messages = { 'hint.hold-still': 'Stay right there' };
      el.setAttribute('lang', 'es');
      await el.updateComplete;
      expect(text(part(el, 'start-button'))).to.equal(es['button.start']);
      const { progress } = record(el);
      await el.start();
      await withinFrames(el, 150, () => progress.some((p) => p.ready), 'ready');
      await el.updateComplete;
      await until(() => text(part(el!, 'hint')) === 'Stay right there', 'the overridden hint');
      expect(text(part(el, 'capture-button'))).to.equal(es['button.capture']);
    });
  });

  describe('slots', () => {
    it('shows the slotted content of start, pass, fail and error in that state only', async () => {
      const backend = await new Backend().script(LIVE);
      el = document.createElement('liveness-capture');
      el.setAttribute('endpoint', backend.endpoint);
      el.setAttribute('lang', 'en');
      for (const name of ['start', 'pass', 'fail', 'error']) {
        const p = document.createElement('p');
        p.slot = name;
        p.id = `slotted-${name}`;
        p.textContent = `Custom ${name} content`;
        el.append(p);
      }
      document.body.append(el);
      await el.updateComplete;
      const slotted = (name: string) => el!.querySelector(`#slotted-${name}`)!;
      const shown = () => ['start', 'pass', 'fail', 'error'].filter((n) => slotted(n).checkVisibility());
      const assigned = (name: string) => el!.shadowRoot!.querySelector<HTMLSlotElement>(`slot[name="${name}"]`)?.assignedElements() ?? [];

      expect(shown()).to.deep.equal(['start']);
      expect(assigned('start')).to.deep.equal([slotted('start')]);
      // The start button stays, outside the slot.
      expect(part(el, 'start-button')!.checkVisibility()).to.equal(true);

      let result = nextResult(el);
      await el.start();
      expect((await result).type).to.equal('liveness-pass');
      await el.updateComplete;
      expect(shown()).to.deep.equal(['pass']);
      expect(assigned('pass')).to.deep.equal([slotted('pass')]);
      // The default heading of the panel is replaced, not shown beside the slotted content.
      const fallback = part(el, 'result-pass')!.querySelector('h2')!;
      expect(text(fallback)).to.equal(en['result.pass.title']);
      expect(fallback.checkVisibility()).to.equal(false);

      await backend.script(SPOOF);
      result = nextResult(el);
      await el.start();
      expect((await result).type).to.equal('liveness-fail');
      await el.updateComplete;
      expect(shown()).to.deep.equal(['fail']);
      expect(part(el, 'retry-button')!.checkVisibility()).to.equal(true);

      await backend.script(FORBIDDEN);
      result = nextResult(el);
      await el.start();
      const error = await result;
      expect(error.type).to.equal('liveness-error');
      expect(error.detail.code).to.equal('UNAUTHORIZED');
      await el.updateComplete;
      expect(shown()).to.deep.equal(['error']);
    });
  });

  describe('result panels', () => {
    const cases: [string, object, string, string][] = [
      ['pass', LIVE, 'liveness-pass', 'result-pass'],
      ['fail', SPOOF, 'liveness-fail', 'result-fail'],
      ['error', FORBIDDEN, 'liveness-error', 'result-error'],
    ];
    for (const [name, script, type, panelPart] of cases) {
      it(`moves focus to the ${name} panel`, async () => {
        const backend = await new Backend().script(script);
        el = await createElement({ endpoint: backend.endpoint, lang: 'en' });
        const result = nextResult(el);
        await el.start();
        expect((await result).type).to.equal(type);
        await el.updateComplete;
        const panel = part(el, panelPart)!;
        expect(panel).to.exist;
        expect(el.shadowRoot!.activeElement).to.equal(panel);
        expect(document.activeElement).to.equal(el);
        expect(panel.getAttribute('tabindex')).to.equal('-1');
        // Named by its heading (see a11y-flow.test.ts for the description).
        const heading = panel.querySelector('h2');
        expect(heading && panel.getAttribute('aria-labelledby')).to.equal(heading!.id);
        // No stale hint remains once the check is over: the live region says the result.
        expect(el.hasAttribute('hint')).to.equal(false);
        expect(text(part(el, 'hint'))).to.equal(en[`state.${el.status as 'passed' | 'failed' | 'error'}`]);
      });
    }

    it('the retry button of the fail panel starts a new attempt', async () => {
      const backend = await new Backend().script(SPOOF);
      el = await createElement({ endpoint: backend.endpoint, lang: 'en' });
      let result = nextResult(el);
      await el.start();
      expect((await result).type).to.equal('liveness-fail');
      await el.updateComplete;
      await backend.script(LIVE);
      result = nextResult(el);
      part<HTMLButtonElement>(el, 'retry-button')!.click();
      expect((await result).type).to.equal('liveness-pass');
      expect((await backend.requests()).length).to.equal(2);
    });

    it('a store outage (503 STORE_UNAVAILABLE) says so and offers Try again, which passes once the store is back', async () => {
      const backend = await new Backend().script({
        status: 503,
        body: { success: false, message: 'The session store cannot be reached; try again shortly', error_code: 'STORE_UNAVAILABLE' },
      });
      el = await createElement({ endpoint: backend.endpoint, lang: 'en' });
      let result = nextResult(el);
      await el.start();
      const event = await result;
      expect(event.detail.code).to.equal('STORE_UNAVAILABLE');
      expect(event.detail.httpStatus).to.equal(503);
      expect(event.detail.recoverable).to.equal(true);
      await el.updateComplete;
      expect(text(part(el, 'result-error')!)).to.contain(en['error.STORE_UNAVAILABLE']);
      await backend.script(LIVE);
      result = nextResult(el);
      part<HTMLButtonElement>(el, 'retry-button')!.click();
      expect((await result).type).to.equal('liveness-pass');
      expect((await backend.requests()).length).to.equal(2);
    });

    it('the error panel names the error and offers retry only when it can help', async () => {
      const backend = await new Backend().script(FORBIDDEN);
      el = await createElement({ endpoint: backend.endpoint, lang: 'en' });
      const result = nextResult(el);
      await el.start();
      const event = await result;
      expect(event.detail.code).to.equal('UNAUTHORIZED');
      await el.updateComplete;
      const panel = part(el, 'result-error')!;
      expect(text(panel)).to.contain(en['result.error.title']);
      expect(text(panel)).to.contain(en['error.UNAUTHORIZED']);
      expect(text(panel)).to.contain(en['label.error-code'].replace('{code}', 'UNAUTHORIZED'));
      expect(!!part(el, 'retry-button')).to.equal(event.detail.recoverable);
    });
  });

  describe('live region', () => {
    it('is one polite region whose text changes only when the hint or status changes, ending on the current hint', async () => {
      const backend = await new Backend().script(LIVE);
      // Steps of the hold counted in frames too (see the progress test), so several are seen on any machine.
      el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', lang: 'en', 'stable-frames': '5' });
      const shadow = el.shadowRoot!;
      const regions = shadow.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"]');
      expect(regions.length).to.equal(1);
      const live = part(el, 'hint')!;
      expect(regions[0]).to.equal(live);
      expect(live.getAttribute('aria-live')).to.equal('polite');
      expect(live.getAttribute('aria-atomic')).to.equal('true');

      // Every text the region ever holds, as mutations see it, and the text after each progress event.
      const texts: string[] = [];
      const observer = new MutationObserver(() => {
        const now = text(live);
        if (texts.at(-1) !== now) texts.push(now);
        else texts.push(`(rewritten) ${now}`);
      });
      observer.observe(live, { childList: true, characterData: true, subtree: true });
      const { progress } = record(el);

      await el.start();
      await withinFrames(el, 150, () => progress.some((p) => p.ready), 'ready');
      // The region holds each line long enough to be heard, so the last hint arrives a moment later.
      await until(() => text(live) === en['hint.hold-still'], 'the hold-still hint in the region');
      await frames(el, 30);
      await el.updateComplete;
      observer.disconnect();

      // The region was never re-written with the same text, so nothing is announced twice.
      expect(texts.filter((t) => t.startsWith('(rewritten)')), texts.join(' | ')).to.deep.equal([]);
      // One text per hint, whatever the progress did meanwhile.
      const holdEvents = progress.filter((p) => p.hint === 'hold-still').length;
      expect(holdEvents, 'several progress events while holding still').to.be.at.least(3);
      // Each line is a hint seen in a progress event or a step of the attempt.
      const lines = new Set([...progress.map((p) => en[`hint.${p.hint}` as keyof typeof en]), en['state.starting'], en['state.loading'], en['state.detecting']]);
      for (const t of texts) expect(lines.has(t), `${t} in ${texts.join(' | ')}`).to.equal(true);
      const changes = texts.length;
      const distinctHints = new Set(progress.map((p) => p.hint)).size;
      // At most: starting, loading, detecting, then one per distinct hint.
      expect(changes, texts.join(' | ')).to.be.at.most(3 + distinctHints);
      expect(texts.at(-1)).to.equal(en['hint.hold-still']);
      // The progress bar is not a live region.
      expect(part(el, 'progress')!.hasAttribute('aria-live')).to.equal(false);
    });
  });

  describe('quality checks', () => {
    it('checks="" (every quality check off) still captures the face', async () => {
      const backend = await new Backend().script(LIVE);
      el = await createElement({ endpoint: backend.endpoint, checks: '' });
      expect(el.checks).to.deep.equal([]);
      const { captures } = record(el);
      const result = nextResult(el);
      await el.start();
      expect((await result).type).to.equal('liveness-pass');
      expect(captures.length).to.equal(1);
      expect((await backend.requests()).length).to.equal(1);
    });
  });
});
