// Choosing the camera, with several cameras made from the one real camera (test/support/cameras.ts): the element's
// own choice skips infrared and virtual cameras, the `camera` attribute opens one exactly or falls back and says
// so, the picker switches inside the same attempt, the person's choice is remembered, and an unplugged camera is
// replaced or ends the attempt with CAMERA_LOST. Every camera is a real track playing the real face.
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/index.js';
import { REMEMBERED_CAMERA_KEY } from '../../../src/controllers/camera-choice.js';
import type { LivenessCameraDetail, LivenessProgressEvent } from '../../../src/events.js';
import { LivenessCapture } from '../../../src/liveness-capture.js';
import { installCameras, type TestCamera } from '../../support/cameras.js';
import { Backend, createElement, elementPerTest, nextResult, until } from '../../support/helpers.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.99 } } };

const IR: TestCamera = { deviceId: 'ir', label: 'Integrated IR Camera' };
const OBS: TestCamera = { deviceId: 'obs', label: 'OBS Virtual Camera' };
const WEBCAM: TestCamera = { deviceId: 'webcam', label: 'Integrated Webcam', facingMode: 'user' };
const USB: TestCamera = { deviceId: 'usb', label: 'Logitech BRIO (046d:085e)' };

/** Every `liveness-camera` detail the element fires. */
function cameraEvents(el: HTMLElement): LivenessCameraDetail[] {
  const seen: LivenessCameraDetail[] = [];
  el.addEventListener('liveness-camera', (e) => seen.push(e.detail));
  return seen;
}

/** The status attribute's every value from now on (a new attempt would pass through `starting`). */
function statuses(el: HTMLElement): { list: string[]; stop(): void } {
  const list: string[] = [];
  const watch = new MutationObserver(() => list.push(el.getAttribute('status') ?? ''));
  watch.observe(el, { attributes: true, attributeFilter: ['status'] });
  return { list, stop: () => watch.disconnect() };
}

const select = (el: LivenessCapture) => el.shadowRoot!.querySelector<HTMLSelectElement>('[part~="camera-select"]');

/** Picks `deviceId` in the picker as a person does (the value changes, then `change` fires). */
function pick(el: LivenessCapture, deviceId: string): void {
  const s = select(el)!;
  s.value = deviceId;
  s.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Resolves with the next `liveness-camera` detail. */
function nextCamera(el: HTMLElement): Promise<LivenessCameraDetail> {
  return new Promise((resolve) => el.addEventListener('liveness-camera', (e) => resolve(e.detail), { once: true }));
}

/**
 * The attempt goes on after a camera change: the new camera's frames reach "ready", the capture passes, the status
 * never went back to starting or idle, and one request was sent, with the session set at the start.
 */
async function passesInSameAttempt(el: LivenessCapture, statusesSeen: readonly string[], backend: Backend): Promise<void> {
  const ready = new Promise<void>((resolve) => el.addEventListener('liveness-progress', (e: LivenessProgressEvent) => e.detail.ready && resolve()));
  const result = nextResult(el);
  await ready;
  el.capture();
  expect((await result).type).to.equal('liveness-pass');
  expect(statusesSeen).to.not.include('starting');
  expect(statusesSeen).to.not.include('idle');
  const requests = await backend.requests();
  expect(requests).to.have.length(1);
  expect(requests[0]!.headers['x-liveness-session']).to.equal('session-kept');
}

describe('<liveness-capture> camera choice', () => {
  const t = elementPerTest();
  beforeEach(() => localStorage.removeItem(REMEMBERED_CAMERA_KEY));
  afterEach(() => localStorage.removeItem(REMEMBERED_CAMERA_KEY));

  function cameras(list: readonly TestCamera[], granted = false) {
    const c = installCameras(list, { granted });
    t.restores.push(() => c.restore());
    return c;
  }

  it('own choice before permission: the browser default (IR) opens first, then the physical camera; one event', async () => {
    const c = cameras([IR, OBS, WEBCAM]);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    const events = cameraEvents(t.el);
    await t.el.start();
    expect(t.el.status).to.equal('detecting');
    expect(c.opened).to.deep.equal(['ir', 'webcam']);
    expect(c.tracks[0]!.track.readyState).to.equal('ended');
    expect(events).to.deep.equal([{ deviceId: 'webcam', label: 'Integrated Webcam', kind: 'physical', fellBack: false }]);
    const video = t.el.shadowRoot!.querySelector('video')!;
    expect((video.srcObject as MediaStream).getVideoTracks()[0]).to.equal(c.current());
  });

  it('own choice with permission: physical first, then virtual; infrared only when it is the only camera', async () => {
    let c = cameras([IR, OBS, WEBCAM], true);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    let events = cameraEvents(t.el);
    await t.el.start();
    expect(c.opened).to.deep.equal(['webcam']);
    expect(events.map((e) => e.deviceId)).to.deep.equal(['webcam']);
    t.el.stop();
    c.restore();

    c = cameras([IR, OBS], true);
    await t.el.start();
    expect(c.opened).to.deep.equal(['obs']);
    expect(events.at(-1)).to.deep.equal({ deviceId: 'obs', label: 'OBS Virtual Camera', kind: 'virtual', fellBack: false });
    t.el.stop();
    c.restore();

    c = cameras([IR], true);
    events = cameraEvents(t.el);
    await t.el.start();
    expect(c.opened).to.deep.equal(['ir']);
    expect(events).to.deep.equal([{ deviceId: 'ir', label: 'Integrated IR Camera', kind: 'infrared', fellBack: false }]);
  });

  const asked = [
    { what: 'camera="<deviceId>" opens exactly that camera, even a virtual one', camera: 'obs', opens: OBS, fellBack: false },
    { what: 'a camera that is gone falls back to the own choice and says so (fellBack)', camera: 'unplugged-yesterday', opens: WEBCAM, fellBack: true },
  ];
  for (const { what, camera, opens, fellBack } of asked) {
    it(what, async () => {
      const c = cameras([OBS, WEBCAM], true);
      t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual', camera });
      const events = cameraEvents(t.el);
      await t.el.start();
      expect(t.el.status).to.equal('detecting');
      expect(c.opened).to.deep.equal([opens.deviceId]);
      const kind = opens === OBS ? 'virtual' : 'physical';
      expect(events).to.deep.equal([{ deviceId: opens.deviceId, label: opens.label, kind, fellBack }]);
    });
  }

  it('the picker shows with two usable cameras (IR left out), is labelled, and a switch keeps the attempt and its session', async () => {
    const c = cameras([WEBCAM, IR, USB]);
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', session: 'session-kept', lang: 'en' });
    const events = cameraEvents(t.el);
    await t.el.start();
    await t.el.updateComplete;
    const s = select(t.el);
    expect(s, 'the picker').to.exist;
    expect([...s!.options].map((o) => [o.value, o.text])).to.deep.equal([['webcam', 'Integrated Webcam'], ['usb', 'Logitech BRIO (046d:085e)']]);
    expect(s!.value).to.equal('webcam');
    expect(s!.labels[0]!.textContent!.trim()).to.equal('Camera');
    await expect(t.el).to.be.accessible();

    const seen = statuses(t.el);
    t.restores.push(() => seen.stop());
    const switched = nextCamera(t.el);
    pick(t.el, 'usb');
    expect(await switched).to.deep.equal({ deviceId: 'usb', label: 'Logitech BRIO (046d:085e)', kind: 'physical', fellBack: false });
    expect(c.opened).to.deep.equal(['webcam', 'usb']);
    expect(c.tracks[0]!.track.readyState).to.equal('ended');
    await t.el.updateComplete;
    expect(select(t.el)).to.equal(s);
    expect(s!.value).to.equal('usb');

    await passesInSameAttempt(t.el, seen.list, backend);
    expect(events.map((e) => e.deviceId)).to.deep.equal(['webcam', 'usb']);
  });

  it('the picker is operated with the keyboard: Tab reaches it, arrow keys switch the camera', async () => {
    cameras([WEBCAM, USB], true);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual', lang: 'en' });
    await t.el.start();
    await t.el.updateComplete;
    const s = select(t.el)!;
    // From nowhere, Tab reaches the picker first: it comes before the capture and cancel buttons.
    (t.el.shadowRoot!.activeElement as HTMLElement | null)?.blur();
    (document.activeElement as HTMLElement | null)?.blur();
    await sendKeys({ press: 'Tab' });
    expect(t.el.shadowRoot!.activeElement).to.equal(s);
    const switched = nextCamera(t.el);
    // A closed select changes with the arrow keys in Chromium and Firefox; WebKit opens its menu on them, and Enter
    // there picks the highlighted option.
    await sendKeys({ press: 'ArrowDown' });
    if (s.value === 'webcam') await sendKeys({ press: 'Enter' });
    expect((await switched).deviceId).to.equal('usb');
    expect(t.el.shadowRoot!.activeElement).to.equal(s);
  });

  it('no picker with one usable camera (an infrared one does not count)', async () => {
    cameras([WEBCAM, IR], true);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    await t.el.start();
    await t.el.updateComplete;
    expect(t.el.status).to.equal('detecting');
    expect(select(t.el)).to.equal(null);
  });

  it("remembers the person's choice for the origin, unless remember-camera is off or the page sets camera", async () => {
    let c = cameras([WEBCAM, USB], true);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    await t.el.start();
    await t.el.updateComplete;
    const switched = nextCamera(t.el);
    pick(t.el, 'usb');
    await switched;
    expect(JSON.parse(localStorage.getItem(REMEMBERED_CAMERA_KEY)!)).to.deep.equal({ deviceId: 'usb', label: 'Logitech BRIO (046d:085e)' });
    t.el.remove();

    // A new element (a new page visit) opens the remembered camera first.
    c.restore();
    c = cameras([WEBCAM, USB], true);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    await t.el.start();
    expect(c.opened).to.deep.equal(['usb']);
    t.el.remove();

    // The page's own camera wins over the remembered one.
    c.restore();
    c = cameras([WEBCAM, USB], true);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual', camera: 'webcam' });
    await t.el.start();
    expect(c.opened).to.deep.equal(['webcam']);
    t.el.remove();

    // remember-camera="off": the remembered camera is not used, and a pick is not kept.
    c.restore();
    c = cameras([WEBCAM, USB], true);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual', 'remember-camera': 'off' });
    expect(t.el.rememberCamera).to.equal(false);
    await t.el.start();
    expect(c.opened).to.deep.equal(['webcam']);
    await t.el.updateComplete;
    localStorage.removeItem(REMEMBERED_CAMERA_KEY);
    const again = nextCamera(t.el);
    pick(t.el, 'usb');
    await again;
    expect(localStorage.getItem(REMEMBERED_CAMERA_KEY)).to.equal(null);
  });

  it('a remembered camera that is gone is forgotten, and the own choice opens', async () => {
    localStorage.setItem(REMEMBERED_CAMERA_KEY, JSON.stringify({ deviceId: 'old', label: 'Old camera' }));
    const c = cameras([OBS, WEBCAM], true);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    const events = cameraEvents(t.el);
    await t.el.start();
    expect(c.opened).to.deep.equal(['webcam']);
    expect(events[0]!.fellBack).to.equal(false);
    expect(localStorage.getItem(REMEMBERED_CAMERA_KEY)).to.equal(null);
  });

  for (const how of ['track ended', 'devicechange only'] as const) {
    it(`an unplugged camera (${how}) is replaced by another in the same attempt`, async () => {
      const c = cameras([WEBCAM, OBS, USB], true);
      const backend = await new Backend().script(LIVE);
      t.el = await createElement({ endpoint: backend.endpoint, 'capture-mode': 'manual', session: 'session-kept' });
      await t.el.start();
      const seen = statuses(t.el);
      t.restores.push(() => seen.stop());
      const replaced = nextCamera(t.el);
      c.unplug('webcam', how === 'track ended' ? {} : { ended: false });
      expect(await replaced).to.deep.equal({ deviceId: 'usb', label: 'Logitech BRIO (046d:085e)', kind: 'physical', fellBack: false });
      expect(t.el.status).to.equal('detecting');
      expect(c.tracks[0]!.track.readyState).to.equal('ended');
      await t.el.updateComplete;
      // The picker lists what is left.
      expect([...select(t.el)!.options].map((o) => o.value)).to.deep.equal(['obs', 'usb']);
      await passesInSameAttempt(t.el, seen.list, backend);
    });
  }

  it('the last camera unplugged ends the attempt with CAMERA_LOST, and a retry is offered', async () => {
    const c = cameras([WEBCAM], true);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    await t.el.start();
    const result = nextResult(t.el);
    c.unplug('webcam');
    const event = await result;
    expect(event.type).to.equal('liveness-error');
    expect(event.detail.code).to.equal('CAMERA_LOST');
    expect(event.detail.recoverable).to.equal(true);
    expect(t.el.status).to.equal('error');
    expect(c.tracks.map((x) => x.track.readyState)).to.deep.equal(['ended']);
    await t.el.updateComplete;
    expect(t.el.shadowRoot!.querySelector('[part~="retry-button"]')).to.exist;
  });

  it('LivenessCapture.cameras() lists the usable cameras once a camera was allowed, none before', async () => {
    const c = cameras([IR, OBS, WEBCAM]);
    expect(await LivenessCapture.cameras()).to.deep.equal([]);
    t.el = await createElement({ endpoint: '/__backend/unused/antispoofing', 'capture-mode': 'manual' });
    await t.el.start();
    expect(c.opened.length).to.be.greaterThan(0);
    expect(await LivenessCapture.cameras()).to.deep.equal([
      { deviceId: 'obs', label: 'OBS Virtual Camera', kind: 'virtual', facing: null },
      { deviceId: 'webcam', label: 'Integrated Webcam', kind: 'physical', facing: 'user' },
    ]);
    await until(() => t.el!.status === 'detecting', 'detecting');
  });
});
