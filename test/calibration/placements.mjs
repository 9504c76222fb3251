// The calibration set: real face photographs (test/fixtures/faces/SOURCES.md) placed at several sizes and
// positions in fake-camera frames of the four camera resolutions a page meets, and frames that must never be
// captured. Pure data: scripts/make-fixtures.mjs turns each placement into a video, the calibration test plays it.

/**
 * The people: the photo and the face box BlazeFace reports in it (x, y, side, photo pixels), measured once on the
 * whole photo. A placement scales the photo so that this box gets the wanted size and moves it to the wanted spot.
 */
export const PEOPLE = {
  astronaut: { file: 'astronaut.png', box: [176, 75, 101] },
  hopper: { file: 'faces/hopper.jpg', box: [168, 140, 198] },
  obama: { file: 'faces/obama.jpg', box: [0, 0, 268] },
  franck: { file: 'faces/franck.jpg', box: [142, 197, 296] },
  'fa6-left': { file: 'faces/fa6-left.jpg', box: [107, 135, 230] },
  'fa6-mid': { file: 'faces/fa6-mid.jpg', box: [90, 123, 245] },
  'fa6-right': { file: 'faces/fa6-right.jpg', box: [72, 88, 237] },
  'fa3-right': { file: 'faces/fa3-right.jpg', box: [71, 111, 244] },
};

/** A face turned well away from the camera (about 40 degrees): "look straight", never captured. */
export const TURNED = { 'fa5-mid': { file: 'faces/fa5-mid.jpg', box: [77, 110, 204] } };

/** Things that are not a face: a cat's face, a cup of coffee, a rocket. */
export const NEGATIVES = { cat: 'faces/cat.jpg', coffee: 'coffee.png', rocket: 'faces/rocket.jpg' };

export const RESOLUTIONS = {
  '480p': [640, 480],
  '720p': [1280, 720],
  '1080p': [1920, 1080],
  portrait: [720, 1280],
};

/**
 * Good placements, as the face box's side relative to the frame's shorter side and the box centre's offset from
 * the frame centre (same unit): a face that comfortably fills the view. Each person gets one of them per
 * resolution, taken in turn, so every size and position is played by two people on every resolution.
 */
export const GOOD = {
  near: { size: 0.5, dx: 0, dy: 0 },
  mid: { size: 0.42, dx: 0, dy: 0 },
  far: { size: 0.36, dx: 0, dy: 0 },
  aside: { size: 0.42, dx: 0.07, dy: -0.04 },
};

/** The field cases: a face ~150 px wide at 640x480 and ~440 px wide at 1920x1080, both filling the guide. */
export const FIELD = [
  { person: 'fa6-mid', res: '480p', place: { size: 150 / 480, dx: 0, dy: 0 }, name: 'fa6-mid-480p-150px' },
  { person: 'fa6-left', res: '1080p', place: { size: 440 / 1080, dx: 0, dy: 0 }, name: 'fa6-left-1080p-440px' },
];

/** The placements that must be captured. */
export function goodPlacements() {
  const out = [];
  const people = Object.keys(PEOPLE);
  const kinds = Object.keys(GOOD);
  Object.keys(RESOLUTIONS).forEach((res, r) => {
    people.forEach((person, p) => {
      const kind = kinds[(p + r) % kinds.length];
      out.push({ name: `${person}-${res}-${kind}`, person, res, place: GOOD[kind], good: true });
    });
  });
  for (const f of FIELD) out.push({ ...f, good: true });
  return out;
}

/**
 * The placements that must never be captured: a face under 128 px, a face cut by the frame edge, two faces, no
 * face, and (on two resolutions) a face turned away.
 */
export function badPlacements() {
  const out = [];
  const people = Object.keys(PEOPLE);
  Object.entries(RESOLUTIONS).forEach(([res, [w, h]], r) => {
    const m = Math.min(w, h);
    const a = people[(2 * r) % people.length];
    const b = people[(2 * r + 1) % people.length];
    out.push({ name: `${a}-${res}-tiny`, person: a, res, place: { size: 110 / m, dx: 0, dy: 0 }, good: false, why: 'face < 128 px' });
    // A quarter of the face box beyond the left edge: still found by the detector, but cut.
    out.push({ name: `${b}-${res}-cut`, person: b, res, place: { size: 0.45, dx: -(w / 2) / m + 0.45 / 4, dy: 0 }, good: false, why: 'cut by the frame edge' });
    // Side by side in a landscape frame, one above the other in a portrait one.
    const [sx, sy] = w >= h ? [0.3, 0] : [0, 0.3];
    out.push({ name: `${a}+${b}-${res}-two`, person: a, res, place: { size: 0.36, dx: -sx, dy: -sy }, second: { person: b, size: 0.36, dx: sx, dy: sy }, good: false, why: 'two faces' });
    const neg = Object.keys(NEGATIVES)[r % 3];
    out.push({ name: `${neg}-${res}-none`, negative: neg, res, good: false, why: 'no face' });
    if (r % 2 === 0) out.push({ name: `fa5-mid-${res}-turned`, person: 'fa5-mid', res, place: GOOD.mid, good: false, why: 'face turned away' });
  });
  return out;
}
