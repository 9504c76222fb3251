// The guide's geometry (src/guide.ts): the oval is where a face the rules accept sits, for the camera's
// resolution and the stage's cover crop. Pure numbers.
import { expect } from '@open-wc/testing';
import { face } from '../support/faces.js';
import { faceSizeRange, frameHint } from '../../src/guidance.js';
import { guideGeometry, HEAD, stageAspectRatio, type GuideGeometry } from '../../src/guide.js';

const rules = { minFaceSize: 128 };

function geometry(videoWidth: number, videoHeight: number, stageWidth = 480, stageHeight = 360): GuideGeometry {
  const g = guideGeometry({ videoWidth, videoHeight, stageWidth, stageHeight, rules });
  if (!g) throw new Error('no geometry');
  return g;
}

/** The face box (video px) the oval is drawn for, centred in the frame. */
function targetFace(g: GuideGeometry, w: number, h: number) {
  const t = g.face.target;
  return face(w / 2 - t / 2, h / 2 - t / 2, t);
}

const CAMERAS: [number, number][] = [[640, 480], [1280, 720], [1920, 1080], [720, 1280], [480, 640], [320, 240]];

describe('guideGeometry', () => {
  it('is null until the video and the stage have a size', () => {
    expect(guideGeometry({ videoWidth: 0, videoHeight: 0, stageWidth: 480, stageHeight: 360, rules })).to.equal(null);
    expect(guideGeometry({ videoWidth: 640, videoHeight: 480, stageWidth: 0, stageHeight: 0, rules })).to.equal(null);
  });

  it('draws the oval for the geometric middle of the accepted face sizes', () => {
    // 1280x720: from max(128 * 1.05, 0.18 * 1280) = 230.4 to 0.7 * 720 = 504 px.
    const g = geometry(1280, 720);
    expect(g.face.min).to.be.closeTo(230.4, 1e-9);
    expect(g.face.max).to.be.closeTo(504, 1e-9);
    expect(g.face.target).to.be.closeTo(Math.sqrt(230.4 * 504), 1e-9);
    // 640x480: the 128 px floor with its margin decides, 134.4 to 336 px.
    const small = geometry(640, 480);
    expect(small.face.min).to.be.closeTo(134.4, 1e-9);
    expect(small.face.max).to.be.closeTo(336, 1e-9);
  });

  it('a face that fills the oval passes the size and centring rules on every camera, with room either way', () => {
    for (const [w, h] of CAMERAS.filter(([cw, ch]) => Math.max(cw, ch) >= 640)) {
      const g = geometry(w, h, w > h ? 480 : 360, w > h ? 360 : 480);
      expect(g.face.target / g.face.min, `${w}x${h}`).to.be.greaterThan(1.3);
      expect(g.face.max / g.face.target, `${w}x${h}`).to.be.greaterThan(1.3);
      for (const scale of [0.8, 1, 1.25]) {
        const t = g.face.target * scale;
        const hint = frameHint([face(w / 2 - t / 2, h / 2 - t / 2, t)], w, h, null, rules).hint;
        expect(hint, `${w}x${h} at ${scale}`).to.equal('hold-still');
      }
    }
    // A camera too small for the rules: the oval is drawn for the smallest accepted face.
    const tiny = geometry(160, 120);
    expect(tiny.face.target).to.equal(tiny.face.min);
  });

  it('maps the oval through object-fit: cover, centred, at the size of a head around the target box', () => {
    // 1920x1080 into a 480x360 stage: scale max(480/1920, 360/1080) = 1/3, the sides are cropped.
    const g = geometry(1920, 1080);
    expect(g.scale).to.be.closeTo(1 / 3, 1e-9);
    expect(g.px.width).to.be.closeTo(g.face.target * HEAD.width / 3, 1e-6);
    expect(g.px.height).to.be.closeTo(g.face.target * HEAD.height / 3, 1e-6);
    expect(g.px.left + g.px.width / 2).to.be.closeTo(240, 1e-6);
    expect(g.px.top + g.px.height / 2).to.be.closeTo(180 - g.face.target * HEAD.lift / 3, 1e-6);
    expect(g.percent.width).to.be.closeTo((g.px.width / 480) * 100, 1e-9);
    expect(g.percent.top).to.be.closeTo((g.px.top / 360) * 100, 1e-9);
  });

  it('the same share of the stage for the same share of the frame: the oval depends on the stage size only by scale', () => {
    const a = geometry(1280, 720, 480, 360);
    const b = geometry(1280, 720, 960, 720);
    for (const k of ['left', 'top', 'width', 'height'] as const) expect(a.percent[k]).to.be.closeTo(b.percent[k], 1e-9);
  });

  it('the target box, mapped to the stage, lies inside the oval on every camera and stage', () => {
    for (const [w, h] of CAMERAS) {
      for (const [sw, sh] of [[480, 360], [360, 480], [640, 360]] as const) {
        const g = geometry(w, h, sw, sh);
        const box = targetFace(g, w, h).box;
        const offX = (sw - w * g.scale) / 2;
        const offY = (sh - h * g.scale) / 2;
        const cx = offX + (box.x + box.width / 2) * g.scale;
        const cy = offY + (box.y + box.height / 2) * g.scale;
        const ex = (cx - (g.px.left + g.px.width / 2)) / (g.px.width / 2);
        const ey = (cy - (g.px.top + g.px.height / 2)) / (g.px.height / 2);
        expect(ex * ex + ey * ey, `${w}x${h} in ${sw}x${sh}`).to.be.lessThan(0.1);
        expect(g.px.left).to.be.at.least(0);
        expect(g.px.top).to.be.at.least(0);
        expect(g.px.left + g.px.width).to.be.at.most(sw + 1e-9);
        expect(g.px.top + g.px.height).to.be.at.most(sh + 1e-9);
      }
    }
  });

  it('never grows past the stage: a portrait stream in a landscape stage gets an oval that fits', () => {
    const g = geometry(720, 1280, 480, 360);
    expect(g.px.height).to.be.at.most(0.96 * 360 + 1e-9);
    expect(g.px.width).to.be.at.most(0.96 * 480 + 1e-9);
  });

  it('follows the rules: a larger minimum face size gives a larger oval', () => {
    const base = geometry(640, 480);
    const strict = guideGeometry({ videoWidth: 640, videoHeight: 480, stageWidth: 480, stageHeight: 360, rules: { minFaceSize: 200 } })!;
    expect(strict.face.min).to.equal(faceSizeRange(640, 480, { minFaceSize: 200 }).min);
    expect(strict.px.height).to.be.greaterThan(base.px.height);
  });
});

describe('stageAspectRatio', () => {
  it('a portrait stream gets a portrait stage unless the page chose a ratio', () => {
    expect(stageAspectRatio(720, 1280, '')).to.equal('3 / 4');
    expect(stageAspectRatio(720, 1280, ' 4 / 3')).to.equal('3 / 4'); // the default, as :host declares it
    expect(stageAspectRatio(720, 1280, '1 / 1')).to.equal(null);
    expect(stageAspectRatio(1280, 720, '')).to.equal(null);
    expect(stageAspectRatio(640, 480, '16 / 9')).to.equal(null);
  });
});
