// The face gate (src/gate.ts): the issue-2 capture rules, frame by frame. Pure logic on detector-shaped numbers; the
// same rules on real detector output from the fake-camera frames are in quality.test.ts.
import { expect } from '@open-wc/testing';
import { face } from '../support/faces.js';
import { checkFrame, faceInsideFrame, FaceGate } from '../../src/gate.js';

const W = 1280;
const H = 720;

describe('checkFrame', () => {
  it('passes exactly one face inside the frame and large enough', () => {
    const one = face(494, 227, 304);
    expect(checkFrame([one], W, H, 128)).to.deep.equal({ ok: true, face: one });
    expect(checkFrame([face(100, 100, 128)], W, H, 128).ok).to.equal(true);
  });

  it('reports no face and more than one face', () => {
    expect(checkFrame([], W, H, 128)).to.deep.equal({ ok: false, reason: 'no-face' });
    expect(checkFrame([face(100, 100, 200), face(700, 100, 200)], W, H, 128)).to.deep.equal({
      ok: false,
      reason: 'multiple-faces',
    });
  });

  it('reports a face cut by any edge of the frame, with the face', () => {
    for (const cut of [face(-20, 200, 300), face(400, -5, 300), face(1000, 200, 300), face(400, 500, 300)]) {
      expect(checkFrame([cut], W, H, 128)).to.deep.equal({ ok: false, reason: 'out-of-frame', face: cut });
    }
  });

  it('treats a box touching the edge as cut: the detector clamps the box of a cut face to start at 0', () => {
    // Numbers from the real `edge` camera frame: box clamped to x = 0, right ear tragion at x = -57.
    const edge = face(0, 230, 297);
    edge.keypoints[4] = { x: -57, y: 319 };
    expect(checkFrame([edge], W, H, 128)).to.deep.include({ ok: false, reason: 'out-of-frame' });
    expect(checkFrame([face(0, 230, 297)], W, H, 128)).to.deep.include({ reason: 'out-of-frame' });
    expect(checkFrame([face(W - 300, 100, 300)], W, H, 128)).to.deep.include({ reason: 'out-of-frame' });
    // One pixel in from every edge is inside.
    expect(checkFrame([face(1, 1, W - 2, H - 2)], W, H, 128).ok).to.equal(true);
    expect(checkFrame([face(1, 1, W - 2, H - 2)], W, H, 128, 0).ok).to.equal(true);
    expect(checkFrame([face(0, 0, W, H)], W, H, 128, 0).ok).to.equal(true);
  });

  it('reports a keypoint outside the frame even when the box is inside', () => {
    const f = face(20, 200, 300);
    f.keypoints[4] = { x: -3, y: 300 };
    expect(faceInsideFrame(f, W, H)).to.equal(false);
    expect(checkFrame([f], W, H, 128)).to.deep.include({ reason: 'out-of-frame' });
  });

  it('needs both width and height of at least minFaceSize', () => {
    expect(checkFrame([face(100, 100, 127, 200)], W, H, 128)).to.deep.include({ ok: false, reason: 'too-small' });
    expect(checkFrame([face(100, 100, 200, 127)], W, H, 128)).to.deep.include({ ok: false, reason: 'too-small' });
    expect(checkFrame([face(100, 100, 200, 200)], W, H, 201)).to.deep.include({ reason: 'too-small' });
  });

  it('checks in order: count, then frame edges, then size', () => {
    expect(checkFrame([face(-10, 0, 50), face(0, 0, 50)], W, H, 128)).to.deep.include({ reason: 'multiple-faces' });
    expect(checkFrame([face(-10, 100, 50)], W, H, 128)).to.deep.include({ reason: 'out-of-frame' });
  });

  it('fails closed on garbage numbers', () => {
    expect(checkFrame([face(Number.NaN, 100, 200)], W, H, 128).ok).to.equal(false);
    expect(checkFrame([face(100, 100, Number.NaN)], W, H, 128).ok).to.equal(false);
    expect(checkFrame([face(100, 100, 200)], Number.NaN, H, 128).ok).to.equal(false);
    expect(checkFrame([face(100, 100, 200)], 0, 0, 128).ok).to.equal(false);
  });
});

describe('FaceGate', () => {
  const good = () => [face(494, 227, 304)];

  it('is ready after stableFrames consecutive passing frames (default 5)', () => {
    const gate = new FaceGate({ minFaceSize: 128 });
    const updates = Array.from({ length: 6 }, () => gate.update(good(), W, H));
    expect(updates.map((u) => u.streak)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(updates.map((u) => u.ready)).to.deep.equal([false, false, false, false, true, true]);
    expect(updates[4]!.check.ok).to.equal(true);
  });

  it('honours stableFrames', () => {
    const gate = new FaceGate({ minFaceSize: 128, stableFrames: 2 });
    expect(gate.update(good(), W, H).ready).to.equal(false);
    expect(gate.update(good(), W, H).ready).to.equal(true);
    expect(new FaceGate({ minFaceSize: 128, stableFrames: 1 }).update(good(), W, H).ready).to.equal(true);
  });

  it('starts over after any failing frame', () => {
    const gate = new FaceGate({ minFaceSize: 128, stableFrames: 3 });
    gate.update(good(), W, H);
    gate.update(good(), W, H);
    for (const bad of [[], [face(100, 100, 200), face(700, 100, 200)], [face(-1, 100, 300)], [face(400, 200, 100)]]) {
      const u = gate.update(bad, W, H);
      expect(u).to.deep.include({ streak: 0, ready: false });
      expect(u.check.ok).to.equal(false);
      expect(gate.update(good(), W, H).streak).to.equal(1);
      expect(gate.update(good(), W, H).streak).to.equal(2);
    }
    expect(gate.update(good(), W, H).ready).to.equal(true);
    expect(gate.update([], W, H).ready).to.equal(false);
  });

  it('tolerates detector jitter but starts over when the face jumps', () => {
    const gate = new FaceGate({ minFaceSize: 128, stableFrames: 5 });
    // A few pixels of jitter per frame, as the detector reports on a still face.
    const jitter = [0, 4, -3, 6, -2, 5];
    const streaks = jitter.map((d, i) => gate.update([face(494 + d, 227 - d, 304 + (i % 2) * 6)], W, H).streak);
    expect(streaks).to.deep.equal([1, 2, 3, 4, 5, 6]);
    // A jump of a third of the face width: a new streak, counting this frame.
    expect(gate.update([face(594, 227, 304)], W, H)).to.deep.include({ streak: 1, ready: false });
    // The face grows by a third from one frame to the next: moving, not held.
    gate.update([face(594, 227, 304)], W, H);
    expect(gate.update([face(534, 167, 424)], W, H).streak).to.equal(1);
    // Switched off.
    const loose = new FaceGate({ minFaceSize: 128, maxShift: Number.POSITIVE_INFINITY });
    loose.update([face(100, 100, 300)], W, H);
    expect(loose.update([face(800, 300, 300)], W, H).streak).to.equal(2);
  });

  it('reset() starts over', () => {
    const gate = new FaceGate({ minFaceSize: 128, stableFrames: 2 });
    gate.update(good(), W, H);
    gate.reset();
    expect(gate.update(good(), W, H)).to.deep.include({ streak: 1, ready: false });
    expect(gate.update(good(), W, H).ready).to.equal(true);
  });
});
