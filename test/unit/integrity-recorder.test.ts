// The integrity recorder on its own: a stand-in track (an EventTarget with settings) and the document's visibility
// set as the visibility tests set it. Engines differ in whether a script-dispatched event reaches a camera track's
// listeners (Firefox's canvas tracks drop it), so the element tests produce track events by unplugging instead.
import { expect } from '@open-wc/testing';
import { IntegrityRecorder } from '../../src/controllers/integrity-recorder.js';
import { MAX_EVENTS } from '../../src/integrity.js';

class FakeTrack extends EventTarget {
  constructor(private readonly settings: MediaTrackSettings) {
    super();
  }
  getSettings(): MediaTrackSettings {
    return this.settings;
  }
}
const track = (width = 1280, height = 720) => new FakeTrack({ width, height, frameRate: 30 }) as unknown as MediaStreamTrack;
const host = { addController() {}, removeController() {}, requestUpdate() {}, updateComplete: Promise.resolve(true) };

function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('integrity recorder', () => {
  afterEach(() => {
    delete (document as unknown as Record<string, unknown>).visibilityState;
  });

  it('records mute, unmute and ended of the watched track, in order, with times since begin()', () => {
    const r = new IntegrityRecorder(host);
    r.begin();
    const t = track();
    r.watch(t);
    t.dispatchEvent(new Event('mute'));
    t.dispatchEvent(new Event('unmute'));
    t.dispatchEvent(new Event('ended'));
    r.lost(); // the element's own notice of the same loss is not a second event
    expect(r.events.map((e) => e.type)).to.deep.equal(['mute', 'unmute', 'ended']);
    expect(r.events.every((e) => e.t >= 0)).to.equal(true);
  });

  it('a lost camera without an ended event is recorded as ended', () => {
    const r = new IntegrityRecorder(host);
    r.begin();
    r.watch(track());
    r.lost();
    expect(r.events.map((e) => e.type)).to.deep.equal(['ended']);
  });

  it('a second camera with other settings is a settings event; the same settings are not', () => {
    const r = new IntegrityRecorder(host);
    r.begin();
    r.watch(track());
    r.watch(track());
    expect(r.events).to.deep.equal([]);
    r.watch(track(640, 480));
    expect(r.events.map((e) => e.type)).to.deep.equal(['settings']);
  });

  it('records the page hidden, not shown', () => {
    const r = new IntegrityRecorder(host);
    r.begin();
    setVisibility('hidden');
    setVisibility('visible');
    expect(r.events.map((e) => e.type)).to.deep.equal(['hidden']);
    r.end();
  });

  it('stops listening at end(), a track no longer watched is ignored, and begin() starts afresh', () => {
    const r = new IntegrityRecorder(host);
    r.begin();
    const first = track();
    r.watch(first);
    const second = track();
    r.watch(second);
    first.dispatchEvent(new Event('mute'));
    expect(r.events).to.deep.equal([]);
    second.dispatchEvent(new Event('mute'));
    r.end();
    second.dispatchEvent(new Event('unmute'));
    setVisibility('hidden');
    expect(r.events.map((e) => e.type)).to.deep.equal(['mute']);
    r.begin();
    expect(r.events).to.deep.equal([]);
    r.end();
  });

  it('keeps at most MAX_EVENTS events', () => {
    const r = new IntegrityRecorder(host);
    r.begin();
    const t = track();
    r.watch(t);
    for (let i = 0; i < MAX_EVENTS * 2; i++) t.dispatchEvent(new Event(i % 2 ? 'unmute' : 'mute'));
    expect(r.events.length).to.equal(MAX_EVENTS);
    r.end();
  });
});
