// The element's template (src/view.ts) rendered on its own with lit's `render`, for every status: which parts and
// slots each state shows, the one live region and its text, the buttons and their actions. No camera involved.
import { expect } from '@open-wc/testing';
import { render } from 'lit';
import type { HintCode } from '../../src/events.js';
import { en } from '../../src/i18n/catalog.js';
import { messagesFor } from '../../src/i18n/localize.js';
import type { LivenessStatus } from '../../src/status.js';
import { hintText, renderView, type ViewActions, type ViewModel } from '../../src/view.js';

const HINTS: HintCode[] = [
  'no-face', 'multiple-faces', 'move-back', 'move-closer', 'center-face',
  'too-dark', 'too-bright', 'too-blurry', 'face-turned', 'hold-still',
];
const STATUSES: LivenessStatus[] = ['idle', 'starting', 'detecting', 'capturing', 'submitting', 'passed', 'failed', 'error'];
/** Every part the element documents (JSDoc @csspart, and so custom-elements.json). */
const PARTS = [
  'stage', 'video', 'snapshot', 'guide', 'progress', 'progress-bar', 'body', 'hint', 'panel', 'result-pass',
  'result-fail', 'result-error', 'button', 'start-button', 'capture-button', 'retry-button', 'cancel-button',
  'camera-select',
];

const TWO_CAMERAS = [{ deviceId: 'a', label: 'Integrated Webcam' }, { deviceId: 'b', label: 'USB Camera' }];

function model(overrides: Partial<ViewModel> = {}): ViewModel {
  return {
    status: 'idle',
    lang: 'en',
    rtl: false,
    t: messagesFor('en'),
    captureMode: 'auto',
    snapshotUrl: null,
    hint: null,
    progress: 0,
    ready: false,
    loading: false,
    ...overrides,
  };
}

const calls: string[] = [];
const actions: ViewActions = {
  start: () => calls.push('start'),
  stop: () => calls.push('stop'),
  capture: () => calls.push('capture'),
  chooseCamera: (deviceId) => calls.push(`camera ${deviceId}`),
};

function show(overrides: Partial<ViewModel> = {}): HTMLElement {
  const host = document.createElement('div');
  render(renderView(model(overrides), actions), host);
  return host;
}

const parts = (host: HTMLElement): string[] =>
  [...host.querySelectorAll('[part]')].flatMap((e) => e.getAttribute('part')!.split(/\s+/));
const part = <T extends Element = HTMLElement>(host: HTMLElement, name: string) => host.querySelector<T>(`[part~="${name}"]`);
const visible = (e: Element | null) => !!e && !e.closest('[hidden]');
const text = (e: Element | null) => (e?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('view: hintText', () => {
  const t = messagesFor('en');

  it('is the hint message while detecting, or "looking for your face" before the first hint', () => {
    for (const hint of HINTS) expect(hintText({ status: 'detecting', loading: false, hint, t })).to.equal(en[`hint.${hint}`]);
    expect(hintText({ status: 'detecting', loading: false, hint: null, t })).to.equal(en['state.detecting']);
  });

  it('is one line per busy status, the result once the check is over, and empty when idle', () => {
    expect(hintText({ status: 'starting', loading: true, hint: null, t })).to.equal(en['state.loading']);
    expect(hintText({ status: 'starting', loading: false, hint: null, t })).to.equal(en['state.starting']);
    expect(hintText({ status: 'capturing', loading: false, hint: 'hold-still', t })).to.equal(en['state.capturing']);
    expect(hintText({ status: 'submitting', loading: false, hint: null, t })).to.equal(en['state.submitting']);
    expect(hintText({ status: 'idle', loading: false, hint: 'no-face', t })).to.equal('');
    expect(hintText({ status: 'passed', loading: false, hint: 'no-face', t })).to.equal(en['state.passed']);
    expect(hintText({ status: 'failed', loading: false, hint: 'no-face', t })).to.equal(en['state.failed']);
    expect(hintText({ status: 'error', loading: false, hint: 'no-face', t })).to.equal(en['state.error']);
  });

  it('depends only on the hint and status, not on the progress', () => {
    const a = show({ status: 'detecting', hint: 'hold-still', progress: 0.1 });
    const b = show({ status: 'detecting', hint: 'hold-still', progress: 0.9, ready: false });
    const c = show({ status: 'detecting', hint: 'hold-still', progress: 1, ready: true });
    expect(text(part(a, 'hint'))).to.equal(en['hint.hold-still']);
    expect(text(part(b, 'hint'))).to.equal(en['hint.hold-still']);
    expect(text(part(c, 'hint'))).to.equal(en['hint.hold-still']);
  });
});

describe('view: renderView', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('has exactly one live region, polite and atomic, in every status', () => {
    for (const status of STATUSES) {
      const host = show({ status, hint: status === 'detecting' ? 'no-face' : null, captureMode: 'manual' });
      const regions = host.querySelectorAll('[aria-live], [role="status"], [role="alert"], [role="log"]');
      expect(regions.length, status).to.equal(1);
      expect(regions[0]).to.equal(part(host, 'hint'));
      expect(regions[0]!.getAttribute('aria-live')).to.equal('polite');
      expect(regions[0]!.getAttribute('aria-atomic')).to.equal('true');
    }
  });

  it('renders every documented part in some state', () => {
    const seen = new Set<string>();
    const states: Partial<ViewModel>[] = [
      { status: 'idle' },
      { status: 'detecting', captureMode: 'manual', hint: 'hold-still', progress: 0.5, cameras: TWO_CAMERAS, camera: 'b' },
      { status: 'submitting', snapshotUrl: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' },
      { status: 'passed' },
      { status: 'failed' },
      { status: 'error', error: { code: 'RATE_LIMITED', message: 'x', recoverable: true } },
    ];
    for (const s of states) for (const p of parts(show(s))) seen.add(p);
    expect([...seen].sort()).to.deep.equal([...PARTS].sort());
  });

  it('idle: the start panel with its slot and a start button; the stage is hidden', () => {
    const host = show();
    expect(visible(part(host, 'stage'))).to.equal(false);
    const panel = part(host, 'panel')!;
    expect(panel.querySelector('slot[name="start"]')).to.exist;
    expect(text(panel)).to.contain(en['state.idle']);
    const start = part<HTMLButtonElement>(host, 'start-button')!;
    expect(start.tagName).to.equal('BUTTON');
    expect(part(host, 'button')).to.equal(start);
    start.click();
    expect(calls).to.deep.equal(['start']);
  });

  it('detecting: the preview, the guide (hidden from assistive tech), and cancel', () => {
    const host = show({ status: 'detecting', hint: 'move-closer' });
    expect(visible(part(host, 'video'))).to.equal(true);
    expect(part(host, 'video')!.getAttribute('aria-label')).to.equal(en['label.preview']);
    expect(part(host, 'guide')!.getAttribute('aria-hidden')).to.equal('true');
    expect(part(host, 'guide')!.hasAttribute('data-ready')).to.equal(false);
    expect(part(host, 'capture-button')).to.equal(null);
    expect(part(host, 'progress')).to.equal(null);
    expect(text(part(host, 'hint'))).to.equal(en['hint.move-closer']);
    part<HTMLButtonElement>(host, 'cancel-button')!.click();
    expect(calls).to.deep.equal(['stop']);
  });

  it('detecting in manual mode: the capture button is aria-disabled (still focusable) until ready', () => {
    const waiting = show({ status: 'detecting', captureMode: 'manual', hint: 'hold-still', progress: 0.4 });
    const waitingButton = part<HTMLButtonElement>(waiting, 'capture-button')!;
    expect(waitingButton.getAttribute('aria-disabled')).to.equal('true');
    expect(waitingButton.disabled, 'never disabled: it keeps focus').to.equal(false);
    const ready = show({ status: 'detecting', captureMode: 'manual', hint: 'hold-still', progress: 1, ready: true });
    const button = part<HTMLButtonElement>(ready, 'capture-button')!;
    expect(button.getAttribute('aria-disabled')).to.equal('false');
    expect(button.disabled).to.equal(false);
    expect(text(button)).to.equal(en['button.capture']);
    button.click();
    expect(calls).to.deep.equal(['capture']);
  });

  it('shows the progress bar only while the hold counts, with its percentage', () => {
    expect(part(show({ status: 'detecting', hint: 'hold-still', progress: 0 }), 'progress')).to.equal(null);
    const host = show({ status: 'detecting', hint: 'hold-still', progress: 0.3 });
    const bar = part(host, 'progress')!;
    expect(bar.getAttribute('role')).to.equal('progressbar');
    expect(bar.getAttribute('aria-valuenow')).to.equal('30');
    // Named once, not by its changing value, which is the value text.
    expect(bar.getAttribute('aria-label')).to.equal(en['label.progress']);
    expect(bar.getAttribute('aria-valuetext')).to.equal('30% ready');
    expect(part(host, 'progress-bar')!.style.width).to.equal('30%');
    expect(part(host, 'guide')!.hasAttribute('data-ready')).to.equal(true);
    // Not while submitting, even with progress left over.
    expect(part(show({ status: 'submitting', progress: 1 }), 'progress')).to.equal(null);
  });

  it('submitting: the captured frame replaces the preview', () => {
    const host = show({ status: 'submitting', snapshotUrl: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' });
    expect(visible(part(host, 'video'))).to.equal(false);
    const snapshot = part<HTMLImageElement>(host, 'snapshot')!;
    expect(snapshot.getAttribute('alt')).to.equal('');
    expect(text(part(host, 'hint'))).to.equal(en['state.submitting']);
    // The person can still cancel while the frame is checked; nothing else to press.
    const buttons = [...host.querySelectorAll('button')];
    expect(buttons.map((b) => b.getAttribute('part'))).to.deep.equal(['button cancel-button']);
  });

  it('passed and failed: a focusable, labelled panel with its slot; retry only after a fail', () => {
    for (const [status, kind] of [['passed', 'pass'], ['failed', 'fail']] as const) {
      const host = show({ status });
      const panel = part(host, `result-${kind}`)!;
      expect(panel.getAttribute('part')).to.equal(`panel result-${kind}`);
      expect(panel.getAttribute('tabindex')).to.equal('-1');
      // Named by the default heading and described by the message; with slotted content, labelled by the result.
      expect(panel.getAttribute('aria-labelledby')).to.equal('result-title');
      expect(text(host.querySelector('#result-title'))).to.equal(en[`result.${kind}.title`]);
      expect(text(host.querySelector(`#${panel.getAttribute('aria-describedby')!}`))).to.equal(en[`result.${kind}.body`]);
      const slotted = part(show({ status, slotted: [kind] }), `result-${kind}`)!;
      expect(slotted.getAttribute('aria-label')).to.equal(en[`state.${status}`]);
      expect(slotted.hasAttribute('aria-labelledby') || slotted.hasAttribute('aria-describedby')).to.equal(false);
      expect(panel.querySelector(`slot[name="${kind}"]`)).to.exist;
      expect(visible(part(host, 'stage'))).to.equal(false);
      expect(!!part(host, 'retry-button')).to.equal(kind === 'fail');
    }
  });

  it('error: the localized message and code, retry only when recoverable', () => {
    const recoverable = show({ status: 'error', error: { code: 'RATE_LIMITED', message: 'x', recoverable: true } });
    const panel = part(recoverable, 'result-error')!;
    expect(panel.querySelector('slot[name="error"]')).to.exist;
    expect(text(panel)).to.contain(en['error.RATE_LIMITED']);
    expect(text(panel)).to.contain('Error code: RATE_LIMITED');
    part<HTMLButtonElement>(recoverable, 'retry-button')!.click();
    expect(calls).to.deep.equal(['start']);
    const final = show({ status: 'error', error: { code: 'CAMERA_DENIED', message: 'x', recoverable: false } });
    expect(part(final, 'retry-button')).to.equal(null);
    expect(text(final)).to.contain(en['error.CAMERA_DENIED']);
    // A refused session says "reload" unless the page can renew it (then it is recoverable and says "try again").
    const expired = show({ status: 'error', error: { code: 'SESSION_INVALID', message: 'x', recoverable: false } });
    expect(text(expired)).to.contain(en['error.SESSION_INVALID']);
    const renewable = show({ status: 'error', error: { code: 'SESSION_INVALID', message: 'x', recoverable: true } });
    expect(text(renewable)).to.contain(en['error.SESSION_INVALID.renew']);
    expect(part(renewable, 'retry-button')).to.exist;
  });

  it('sets dir and lang on its root', () => {
    const rtl = show({ lang: 'ar', rtl: true, t: messagesFor('ar') });
    expect(rtl.querySelector('.root')!.getAttribute('dir')).to.equal('rtl');
    expect(rtl.querySelector('.root')!.getAttribute('lang')).to.equal('ar');
    expect(show().querySelector('.root')!.getAttribute('dir')).to.equal('ltr');
  });

  it('every button is a real <button> in the "button" part', () => {
    for (const status of STATUSES) {
      const host = show({ status, captureMode: 'manual', error: { code: 'RATE_LIMITED', message: 'x', recoverable: true } });
      for (const b of host.querySelectorAll('[part~="button"]')) expect(b.tagName, status).to.equal('BUTTON');
      for (const b of host.querySelectorAll('button')) expect(b.getAttribute('part')!.split(' ')).to.include('button');
    }
  });
});

describe('view: the guide follows the layout the element computes', () => {
  it('sets the guide size and place and the stage ratio inline, and nothing without a layout', () => {
    const host = show({
      status: 'detecting',
      layout: {
        stage: { 'aspect-ratio': '3 / 4' },
        guide: { '--liveness-guide-width': '40.50%', '--liveness-guide-height': '60.25%', top: '45.00%' },
      },
    });
    const guide = part(host, 'guide')!;
    expect(guide.style.getPropertyValue('--liveness-guide-width')).to.equal('40.50%');
    expect(guide.style.getPropertyValue('--liveness-guide-height')).to.equal('60.25%');
    expect(guide.style.top).to.equal('45%');
    expect(part(host, 'stage')!.style.aspectRatio).to.equal('3 / 4');
    const plain = show({ status: 'detecting' });
    expect(part(plain, 'guide')!.getAttribute('style') ?? '').to.equal('');
    expect(part(plain, 'stage')!.style.aspectRatio).to.equal('');
  });

  it('shows the camera picker only while detecting with two or more cameras, labelled, the open one selected', () => {
    for (const status of STATUSES) {
      const host = show({ status, cameras: TWO_CAMERAS, camera: 'b' });
      expect(!!part(host, 'camera-select'), status).to.equal(status === 'detecting');
    }
    expect(part(show({ status: 'detecting', cameras: TWO_CAMERAS.slice(0, 1) }), 'camera-select')).to.equal(null);
    const host = show({ status: 'detecting', cameras: TWO_CAMERAS, camera: 'b' });
    document.body.append(host);
    try {
      const select = part(host, 'camera-select') as HTMLSelectElement;
      expect(select.labels[0]!.textContent).to.equal(en['label.camera']);
      expect([...select.options].map((o) => o.text)).to.deep.equal(['Integrated Webcam', 'USB Camera']);
      expect(select.value).to.equal('b');
      select.value = 'a';
      select.dispatchEvent(new Event('change'));
      expect(calls).to.deep.equal(['camera a']);
    } finally {
      host.remove();
    }
  });
});
