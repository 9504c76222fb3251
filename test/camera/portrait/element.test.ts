// A phone's front camera held upright: 720x1280 frames go through detection, the gate, the encoder and the
// preview's crop. The camera plays a portrait video made from the astronaut photo (face about 290 px, centred).
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import { Backend, createElement, elementPerTest, expectCameraOff, nextResult, until } from '../../support/helpers.js';

const LIVE = { body: { success: true, message: 'Process finished successfully', model_output: { pred_idx: 'real', prob_real: 0.99 } } };

describe('<liveness-capture> with a portrait camera (720x1280)', () => {
  const t = elementPerTest();

  it('detects the face, captures the full upright frame and sends it at 720x1280', async () => {
    const backend = await new Backend().script(LIVE);
    t.el = await createElement({ endpoint: backend.endpoint });
    const captured = new Promise<Event & { detail: any }>((resolve) => t.el!.addEventListener('liveness-capture', resolve as EventListener, { once: true }));
    const result = nextResult(t.el);
    await t.el.start();
    const video = t.el.shadowRoot!.querySelector('video')!;
    expect([video.videoWidth, video.videoHeight]).to.deep.equal([720, 1280]);
    const event = await result;
    expect(event.type, JSON.stringify(event.detail)).to.equal('liveness-pass');
    const capture = (await captured).detail;
    expect([capture.width, capture.height]).to.deep.equal([720, 1280]);
    const box = capture.faceBox;
    expect(box.width).to.be.within(200, 400);
    expect(box.x + box.width / 2).to.be.within(260, 460);
    expect(box.y + box.height / 2).to.be.within(500, 780);
    const [req] = await backend.requests();
    expect(req!.jpeg).to.deep.equal({ width: 720, height: 1280 });
    expectCameraOff(t.camera.tracks);
  });

  it('the preview covers the stage without distortion and shows the face inside the guide', async () => {
    t.el = await createElement({ endpoint: new Backend().endpoint, 'capture-mode': 'manual' });
    await t.el.start();
    await until(() => t.el!.getAttribute('hint'), 'a hint');
    const shadow = t.el.shadowRoot!;
    const video = shadow.querySelector('video')!;
    const stage = shadow.querySelector<HTMLElement>('[part~="stage"]')!.getBoundingClientRect();
    const guide = shadow.querySelector<HTMLElement>('[part~="guide"]')!.getBoundingClientRect();
    const shown = video.getBoundingClientRect();
    expect(getComputedStyle(video).objectFit).to.equal('cover');
    expect(shown.width).to.be.closeTo(stage.width, 1);
    expect(shown.height).to.be.closeTo(stage.height, 1);
    // object-fit: cover scales by the larger ratio and centres: the portrait frame is cropped top and bottom.
    const scale = Math.max(shown.width / video.videoWidth, shown.height / video.videoHeight);
    expect(scale * video.videoWidth).to.be.closeTo(shown.width, 1);
    expect(scale * video.videoHeight).to.be.greaterThan(shown.height);
    // The face's centre (the frame's centre, about 360, 640) lands inside the guide.
    const faceX = shown.left + shown.width / 2 + (360 - video.videoWidth / 2) * scale;
    const faceY = shown.top + shown.height / 2 + (640 - video.videoHeight / 2) * scale;
    const rects = JSON.stringify({ stage, guide, shown });
    expect(faceX, rects).to.be.within(guide.left, guide.right);
    expect(faceY, rects).to.be.within(guide.top, guide.bottom);
  });
});
