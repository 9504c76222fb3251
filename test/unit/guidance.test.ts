// Guided capture (src/guidance.ts): one hint at a time in priority order, the steady hold, and the hysteresis that
// keeps hints from flickering. Pure logic on detector-shaped numbers and small pixel arrays; the same on real
// camera frames through the real detector is in quality.test.ts.
import { expect } from '@open-wc/testing';
import { face } from '../support/faces.js';
import { checkFrame, type FaceDetection, type Point } from '../../src/gate.js';
import { frameHint, Guidance, GUIDANCE_DEFAULTS, type GuidanceState, type HintCode } from '../../src/guidance.js';
import type { PixelRegion } from '../../src/quality.js';

const W = 1280;
const H = 720;

/** A face of `size` px centred on (cx, cy). */
function centred(size = 300, cx = W / 2, cy = H / 2): FaceDetection {
  return face(cx - size / 2, cy - size / 2, size);
}

/** The same face with the nose moved towards the subject's left eye by `yaw` eye distances. */
function turned(f: FaceDetection, yaw: number): FaceDetection {
  const [r, l, n, ...rest] = f.keypoints as [Point, Point, Point, ...Point[]];
  return { ...f, keypoints: [r, l, { x: n.x + yaw * (l.x - r.x), y: n.y }, ...rest] };
}

/** A 128x128 region whose luma is `base` plus a fine texture of +-`amplitude` (sharp when amplitude is large). */
function region(base: number, amplitude: number): PixelRegion {
  const size = 128;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = base + (((x * 7 + y * 13) % 5) - 2) * (amplitude / 2);
      data.set([v, v, v, 255], (y * size + x) * 4);
    }
  }
  return { data, width: size, height: size };
}

const SHARP = region(140, 40);
const DARK = region(20, 15);
const BRIGHT = region(235, 15);
const FLAT = region(140, 1);

const defaults = { minFaceSize: 128 };

describe('frameHint: one hint per frame, in priority order', () => {
  const hint = (detections: FaceDetection[], r: PixelRegion | null = SHARP, options = {}, w = W, h = H): HintCode =>
    frameHint(detections, w, h, r, { ...defaults, ...options }).hint;

  it('hold-still when everything is right', () => {
    expect(hint([centred()])).to.equal('hold-still');
    const state = frameHint([centred()], W, H, SHARP, defaults);
    expect(state.face).to.deep.equal(centred());
    expect(state.quality?.issues).to.deep.equal([]);
  });

  it('no-face and multiple-faces', () => {
    expect(hint([])).to.equal('no-face');
    expect(hint([centred(250, 400), centred(250, 900)])).to.equal('multiple-faces');
  });

  it('move-back when the face is cut by the frame edge or too large', () => {
    expect(hint([face(-30, 200, 300)])).to.equal('move-back');
    expect(hint([face(0, 200, 300)])).to.equal('move-back'); // box clamped by the detector: cut
    expect(hint([face(1000, 200, 300)])).to.equal('move-back');
    expect(hint([centred(520)])).to.equal('move-back'); // 520 / 720 > 0.7
    expect(hint([centred(500)])).to.equal('hold-still');
    expect(hint([centred(520)], SHARP, { maxFaceFraction: 0.8 })).to.equal('hold-still');
  });

  it('move-closer below minFaceSize with a margin, or when the face is a small part of the frame', () => {
    const noFraction = { minFaceFraction: 0 };
    expect(hint([centred(120)], SHARP, noFraction)).to.equal('move-closer');
    expect(hint([centred(132)], SHARP, noFraction)).to.equal('move-closer'); // 128 * 1.05 = 134.4
    expect(hint([centred(135)], SHARP, noFraction)).to.equal('hold-still');
    expect(hint([centred(132)], SHARP, { ...noFraction, closerMargin: 1 })).to.equal('hold-still');
    expect(hint([centred(140)], SHARP, { ...noFraction, closerMargin: 1.15 })).to.equal('move-closer');
    expect(hint([face(500, 300, 200, 130)], SHARP, noFraction)).to.equal('move-closer');
    // 0.18 of 1280 is 230.4 px.
    expect(hint([centred(220)])).to.equal('move-closer');
    expect(hint([centred(232)])).to.equal('hold-still');
    // In a 640x480 frame a 150 px face is large enough, and so is a 136 px one.
    expect(hint([centred(150, 320, 240)], SHARP, {}, 640, 480)).to.equal('hold-still');
    expect(hint([centred(136, 320, 240)], SHARP, {}, 640, 480)).to.equal('hold-still');
    expect(hint([centred(300)], SHARP, { minFaceSize: 400 })).to.equal('move-closer');
  });

  it('center-face when the face centre is off by more than the tolerance (of the shorter side) on either axis', () => {
    // 254 px off, as in the `offcentre` camera frame; the tolerance is 0.2 * 720 = 144 px on both axes.
    expect(hint([centred(297, 386)])).to.equal('center-face');
    expect(hint([centred(300, W / 2 + 140)])).to.equal('hold-still');
    expect(hint([centred(300, W / 2 - 150)])).to.equal('center-face');
    expect(hint([centred(300, W / 2, H / 2 + 150)])).to.equal('center-face');
    expect(hint([centred(300, W / 2, H / 2 - 140)])).to.equal('hold-still');
    expect(hint([centred(300, 386)], SHARP, { centerTolerance: 0.36 })).to.equal('hold-still');
    // The same share of a portrait frame: 0.2 * 720 px again.
    expect(hint([centred(300, 360 + 140, 640)], SHARP, {}, 720, 1280)).to.equal('hold-still');
    expect(hint([centred(300, 360, 640 + 150)], SHARP, {}, 720, 1280)).to.equal('center-face');
  });

  it('quality hints from the region and the keypoints', () => {
    expect(hint([centred()], DARK)).to.equal('too-dark');
    expect(hint([centred()], BRIGHT)).to.equal('too-bright');
    expect(hint([centred()], FLAT)).to.equal('too-blurry');
    expect(hint([turned(centred(), 0.4)])).to.equal('face-turned');
    expect(hint([turned(centred(), -0.4)])).to.equal('face-turned');
    expect(hint([turned(centred(), 0.1)])).to.equal('hold-still');
  });

  it('quality checks can be tuned or switched off; a null region skips the pixel checks', () => {
    expect(hint([centred()], DARK, { brightness: false })).to.equal('hold-still');
    expect(hint([centred()], DARK, { minBrightness: 10 })).to.equal('hold-still');
    expect(hint([centred()], FLAT, { sharpness: false })).to.equal('hold-still');
    expect(hint([turned(centred(), 0.4)], SHARP, { pose: false })).to.equal('hold-still');
    expect(hint([turned(centred(), 0.4)], SHARP, { maxYaw: 0.5 })).to.equal('hold-still');
    expect(hint([centred()], null)).to.equal('hold-still');
    expect(hint([turned(centred(), 0.4)], null)).to.equal('face-turned');
  });

  it('reports the first problem in priority order', () => {
    const small = centred(100, 300, 200);
    expect(hint([small, centred()], DARK)).to.equal('multiple-faces');
    expect(hint([turned(face(-20, 100, 600), 0.5)], DARK)).to.equal('move-back');
    expect(hint([turned(small, 0.5)], DARK)).to.equal('move-closer');
    expect(hint([turned(centred(300, 300), 0.5)], DARK)).to.equal('center-face');
    expect(hint([turned(centred(), 0.5)], DARK)).to.equal('too-dark');
    expect(hint([turned(centred(), 0.5)], region(20, 0))).to.equal('too-dark');
    expect(hint([turned(centred(), 0.5)], FLAT)).to.equal('too-blurry');
  });

  it('keeps the defaults for options given as undefined', () => {
    expect(hint([centred(297, 386)], SHARP, { centerTolerance: undefined })).to.equal('center-face');
  });
});

describe('Guidance: steady hint, progress and ready', () => {
  const good = () => [centred()];
  const run = (g: Guidance, frames: FaceDetection[][], r: PixelRegion | null = SHARP): GuidanceState[] =>
    frames.map((d) => g.update(d, W, H, r));

  it('counts the steady hold up to ready over stableFrames good frames', () => {
    const states = run(new Guidance(defaults), Array.from({ length: 6 }, good));
    expect(states.map((s) => s.hint)).to.deep.equal(Array(6).fill('hold-still'));
    expect(states.map((s) => s.progress)).to.deep.equal([0.2, 0.4, 0.6, 0.8, 1, 1]);
    expect(states.map((s) => s.ready)).to.deep.equal([false, false, false, false, true, true]);
    expect(states[4]!.face).to.deep.equal(centred());
    expect(states[4]!.quality?.issues).to.deep.equal([]);
    const quick = run(new Guidance({ ...defaults, stableFrames: 2 }), [good(), good()]);
    expect(quick.map((s) => s.ready)).to.deep.equal([false, true]);
  });

  it('any bad frame resets the progress', () => {
    const g = new Guidance(defaults);
    run(g, [good(), good(), good()]);
    const bad = g.update([centred()], W, H, DARK);
    expect(bad).to.deep.include({ hint: 'too-dark', observed: 'too-dark', progress: 0, ready: false });
    expect(g.update(good(), W, H, SHARP).progress).to.equal(0.2);
  });

  it('shows a problem at once after hold-still', () => {
    const g = new Guidance(defaults);
    run(g, [good(), good()]);
    expect(g.update([], W, H, null)).to.deep.include({ hint: 'no-face', progress: 0, ready: false });
  });

  it('switches from one problem to another only after hintFrames frames (default 3)', () => {
    const g = new Guidance(defaults);
    expect(g.update([], W, H, null).hint).to.equal('no-face');
    const off = [centred(300, 300)];
    const states = run(g, [off, off, off, off]);
    expect(states.map((s) => s.observed)).to.deep.equal(Array(4).fill('center-face'));
    expect(states.map((s) => s.hint)).to.deep.equal(['no-face', 'no-face', 'center-face', 'center-face']);
    expect(GUIDANCE_DEFAULTS.hintFrames).to.equal(3);
  });

  it('switches to hold-still after hintFrames frames while the progress already counts', () => {
    const g = new Guidance(defaults);
    g.update([centred(300, 300)], W, H, SHARP);
    const states = run(g, Array.from({ length: 5 }, good));
    expect(states.map((s) => s.hint)).to.deep.equal([
      'center-face',
      'center-face',
      'hold-still',
      'hold-still',
      'hold-still',
    ]);
    expect(states.map((s) => s.progress)).to.deep.equal([0.2, 0.4, 0.6, 0.8, 1]);
    expect(states[4]!.ready).to.equal(true);
  });

  it('does not flicker when the frames alternate', () => {
    // Good and bad frames alternating: the problem stays shown, the progress never completes.
    const g = new Guidance(defaults);
    const seq = Array.from({ length: 20 }, (_, i) => (i % 2 ? good() : [centred(120)]));
    const states = run(g, seq);
    expect(new Set(states.map((s) => s.hint))).to.deep.equal(new Set(['move-closer']));
    expect(states.some((s) => s.ready)).to.equal(false);
    expect(Math.max(...states.map((s) => s.progress))).to.equal(0.2);
    // Two problems alternating: the first one shown stays.
    const h = new Guidance(defaults);
    const two = run(h, Array.from({ length: 20 }, (_, i) => (i % 2 ? [centred(300, 300)] : [centred(120)])));
    expect(new Set(two.map((s) => s.hint))).to.deep.equal(new Set(['move-closer']));
    // Three problems in turn: never stuck on a stale one, and it settles on one that is really seen.
    const k = new Guidance(defaults);
    const cycle = [[centred(120)], [centred(300, 300)], []];
    const three = run(k, Array.from({ length: 12 }, (_, i) => cycle[i % 3]!));
    expect(new Set(three.map((s) => s.observed)).has(three.at(-1)!.hint)).to.equal(true);
  });

  it('ready always comes with the hold-still hint, even when hintFrames exceeds stableFrames', () => {
    const g = new Guidance({ ...defaults, stableFrames: 2, hintFrames: 10 });
    g.update([], W, H, null);
    const states = run(g, [good(), good()]);
    expect(states.map((s) => [s.hint, s.ready])).to.deep.equal([
      ['no-face', false],
      ['hold-still', true],
    ]);
  });

  it('hintFrames 1 shows every frame as it is', () => {
    const g = new Guidance({ ...defaults, hintFrames: 1 });
    const seq = [[], [centred(120)], good(), [centred(300, 300)]];
    expect(run(g, seq).map((s) => s.hint)).to.deep.equal(['no-face', 'move-closer', 'hold-still', 'center-face']);
  });

  it('reset() forgets the hint and the progress', () => {
    const g = new Guidance(defaults);
    run(g, [good(), good(), good()]);
    g.reset();
    expect(g.update([centred(300, 300)], W, H, SHARP)).to.deep.include({ hint: 'center-face', progress: 0 });
    g.reset();
    expect(g.update(good(), W, H, SHARP)).to.deep.include({ hint: 'hold-still', progress: 0.2 });
  });

  it('ready implies the gate: one face inside the frame, large enough, for stableFrames frames', () => {
    // A long pseudo-random walk through good and bad frames (seeded, so the run is the same every time).
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const g = new Guidance(defaults);
    const history: boolean[] = [];
    let readyCount = 0;
    for (let i = 0; i < 3000; i++) {
      const pick = random();
      const jitter = (random() - 0.5) * 10;
      const detections =
        pick < 0.05 ? [] :
        pick < 0.1 ? [centred(250, 400), centred(250, 900)] :
        pick < 0.15 ? [face(-5 + jitter, 200, 300)] :
        pick < 0.2 ? [centred(110 + jitter)] :
        [centred(300 + jitter, W / 2 + jitter, H / 2 - jitter)];
      const r = random() < 0.05 ? DARK : SHARP;
      const state = g.update(detections, W, H, r);
      history.push(checkFrame(detections, W, H, 128).ok && r === SHARP);
      if (state.ready) {
        readyCount++;
        expect(state.hint).to.equal('hold-still');
        expect(history.slice(-5).every(Boolean), `frame ${i}`).to.equal(true);
      }
    }
    expect(readyCount).to.be.greaterThan(100);
  });
});
