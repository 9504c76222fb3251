// The element's `x-liveness-capture` header as the server reads it: what src/integrity.ts writes (built into dist/)
// is parsed by the server's parseCaptureHeader (dist/server) as `ok`, with every field kept, within 4 KB, however
// long the camera's label or however many track events the attempt had.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CAPTURE_HEADER, CAPTURE_HEADER_LIMIT, captureHeader, INTEGRITY_FLAGS, integrityReport, MAX_EVENTS } from '../../dist/integrity.js';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../dist/version.js';
import { CAPTURE_HEADER as SERVER_HEADER, CAPTURE_HEADER_LIMIT as SERVER_LIMIT, parseCaptureHeader, refusesCapture } from '../../dist/server/contract/capture-header.js';

const quality = { faceBox: { x: 101.4, y: 80.6, width: 300.2, height: 380 }, brightness: 128.37, sharpness: 61.04, roll: 2.26, yaw: 0.0412 };

const report = (label, kind, events = [], virtualCamera = 'flag', frames) =>
  integrityReport({ camera: { label, kind }, settings: { width: 1280, height: 720, frameRate: 30.000030517578125, resizeMode: 'none', deviceId: 'x' }, events, virtualCamera, ...(frames ? { frames } : {}) });

/** The worker's frame report (src/frame-measure.ts) with `flags`; the largest numbers an hour-long attempt could give. */
const frameReport = (flags = []) => ({ frames: { count: 1_000_000, intervalMean: 33.3, intervalJitter: 1234.5, duplicates: 999_999, stillScore: 0.999 }, flags });

test('the element and the server name the same header and limit; the version sent is the package version', () => {
  assert.equal(CAPTURE_HEADER, SERVER_HEADER);
  assert.equal(CAPTURE_HEADER_LIMIT, SERVER_LIMIT);
  assert.equal(VERSION, JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  // Every flag the element may raise is a name the server accepts.
  for (const flag of INTEGRITY_FLAGS) assert.equal(parseCaptureHeader(captureHeader(VERSION, { v: 1, camera: { label: '', kind: 'unknown' }, settings: {}, events: [], flags: [flag] })).status, 'ok');
});

test('a report parses as ok on the server, fields kept, flags as the element raised them', () => {
  const integrity = report('OBS Virtual Camera', 'virtual', [{ type: 'mute', t: 1200.4 }, { type: 'unmute', t: 1300 }]);
  assert.deepEqual(integrity.flags, ['virtual-camera', 'track-interrupted']);
  const parsed = parseCaptureHeader(captureHeader('0.1.0', integrity, quality));
  assert.equal(parsed.status, 'ok');
  assert.equal(parsed.version, '0.1.0');
  assert.deepEqual(parsed.integrity, {
    v: 1,
    camera: { label: 'OBS Virtual Camera', kind: 'virtual' },
    settings: { width: 1280, height: 720, frameRate: 30, resizeMode: 'none' },
    events: [{ type: 'mute', t: 1200 }, { type: 'unmute', t: 1300 }],
    flags: ['virtual-camera', 'track-interrupted'],
  });
  assert.deepEqual(parsed.quality, { faceBox: { x: 101, y: 81, width: 300, height: 380 }, brightness: 128.4, sharpness: 61, roll: 2.3, yaw: 0.041 });
  // The server's camera policies act on the element's flags.
  assert.equal(refusesCapture('no-virtual', parsed), 'flagged virtual-camera');
  assert.equal(refusesCapture('no-virtual', parseCaptureHeader(captureHeader('0.1.0', report('Integrated Webcam', 'physical'), quality))), null);
});

test('flags both ways: allow does not flag a virtual camera, infrared is flagged, a physical camera has none', () => {
  assert.deepEqual(report('OBS Virtual Camera', 'virtual', [], 'allow').flags, []);
  assert.deepEqual(report('Integrated IR Camera', 'infrared').flags, ['infrared-camera']);
  assert.deepEqual(report('Integrated Webcam', 'physical', [{ type: 'hidden', t: 5 }, { type: 'settings', t: 9 }]).flags, []);
  assert.deepEqual(report('Integrated Webcam', 'physical', [{ type: 'ended', t: 5 }]).flags, ['track-interrupted']);
});

test('stays within 4 KB with the longest label and the most events, and parses', () => {
  const label = 'Ünïcødé 📷 camera '.repeat(40);
  const events = Array.from({ length: MAX_EVENTS * 3 }, (_, i) => ({ type: i % 2 ? 'unmute' : 'mute', t: i * 1000.5 }));
  const integrity = report(label, 'physical', events, 'flag', frameReport(['still-image', 'frozen', 'looped-video']));
  assert.equal(integrity.events.length, MAX_EVENTS);
  assert.ok(integrity.camera.label.length <= 120);
  const value = captureHeader('0.1.0', integrity, quality);
  assert.ok(value.length <= CAPTURE_HEADER_LIMIT, `${value.length} characters`);
  assert.match(value, /^[A-Za-z0-9_-]+$/);
  const parsed = parseCaptureHeader(value);
  assert.equal(parsed.status, 'ok');
  assert.equal(parsed.integrity.camera.label, integrity.camera.label);
  assert.deepEqual(parsed.integrity.frames, integrity.frames);
});

test('frame measurements travel in the report; their flags join the others in INTEGRITY_FLAGS order; strict refuses them', () => {
  const integrity = report('OBS Virtual Camera', 'virtual', [{ type: 'ended', t: 3 }], 'flag', frameReport(['looped-video', 'still-image', 'frozen']));
  assert.deepEqual(integrity.flags, ['virtual-camera', 'still-image', 'looped-video', 'frozen', 'track-interrupted']);
  assert.deepEqual(integrity.frames, frameReport().frames);
  for (const flag of ['still-image', 'looped-video', 'frozen']) {
    const parsed = parseCaptureHeader(captureHeader('0.1.0', report('Integrated Webcam', 'physical', [], 'flag', frameReport([flag])), quality));
    assert.equal(parsed.status, 'ok');
    assert.deepEqual(parsed.integrity.flags, [flag]);
    assert.equal(parsed.integrity.frames.stillScore, 0.999);
    assert.equal(refusesCapture('strict', parsed), `flagged ${flag}`);
    // no-virtual refuses only a virtual camera.
    assert.equal(refusesCapture('no-virtual', parsed), null);
  }
  // Measured and unflagged: strict lets it through.
  const genuine = parseCaptureHeader(captureHeader('0.1.0', report('Integrated Webcam', 'physical', [], 'flag', frameReport()), quality));
  assert.equal(refusesCapture('strict', genuine), null);
  // No frames measured (detection on the main thread): no frames object, nothing invented.
  assert.equal('frames' in report('Integrated Webcam', 'physical'), false);
});

test('a report too large for 4 KB drops its events first, and keeps its flags', () => {
  const integrity = { ...report('Integrated Webcam', 'physical', [{ type: 'ended', t: 1 }]), events: Array.from({ length: 400 }, (_, i) => ({ type: 'mute', t: i })) };
  const value = captureHeader('0.1.0', integrity, quality);
  assert.ok(value.length <= CAPTURE_HEADER_LIMIT);
  const parsed = parseCaptureHeader(value);
  assert.equal(parsed.status, 'ok');
  assert.deepEqual(parsed.integrity.events, []);
  assert.deepEqual(parsed.integrity.flags, ['track-interrupted']);
  assert.ok(parsed.quality);
});
