// The configuration check that runs at start(): one block per attribute, each with values that must be refused
// (and the problem naming the attribute and the value) and values that must be accepted.
import { expect } from '@open-wc/testing';
import {
  checksAttribute,
  configError,
  configProblems,
  CONFIG_DEFAULTS,
  keywordAttribute,
  numberAttribute,
  onOffAttribute,
  type LivenessConfig,
} from '../../src/config.js';

const BASE = 'https://shop.example/signup/';

/** A valid configuration: the element's defaults with an endpoint. */
function valid(): LivenessConfig {
  return {
    endpoint: '/api/liveness',
    apiKey: null,
    session: null,
    ...CONFIG_DEFAULTS,
    stableFrames: undefined,
    captureMode: 'auto',
    checks: ['brightness', 'sharpness', 'pose'],
    headers: {},
    minBrightness: undefined,
    maxBrightness: undefined,
    minSharpness: undefined,
    maxRoll: undefined,
    maxYaw: undefined,
    minFaceFraction: undefined,
    camera: null,
    rememberCamera: true,
  };
}

function problemsWith(change: Partial<LivenessConfig>): string[] {
  return configProblems({ ...valid(), ...change }, BASE);
}

/** Exactly one problem, and it names `words` (the attribute and the value as written). */
function refused(change: Partial<LivenessConfig>, ...words: string[]): void {
  const problems = problemsWith(change);
  expect(problems, JSON.stringify(change)).to.have.length(1);
  for (const word of words) expect(problems[0], JSON.stringify(change)).to.contain(word);
}

function accepted(change: Partial<LivenessConfig>): void {
  expect(problemsWith(change), JSON.stringify(change)).to.deep.equal([]);
}

/** What the attribute text becomes on the element. */
const fromAttribute = (converter: ReturnType<typeof numberAttribute>, text: string | null) =>
  converter.fromAttribute!(text, undefined);

describe('config: the defaults', () => {
  it('are valid, and configError is null for them', () => {
    expect(configProblems(valid(), BASE)).to.deep.equal([]);
    expect(configError(valid(), BASE)).to.equal(null);
  });

  it('an invalid configuration is one non-recoverable INVALID_CONFIG naming every problem', () => {
    const error = configError({ ...valid(), threshold: '', requestTimeout: -5 }, BASE)!;
    expect(error.code).to.equal('INVALID_CONFIG');
    expect(error.recoverable).to.equal(false);
    expect(error.message).to.contain('threshold=""');
    expect(error.message).to.contain('request-timeout=-5');
  });
});

describe('config: number attributes keep what the page wrote', () => {
  it('threshold="" and threshold="abc" stay strings (never 0 or NaN), numbers become numbers', () => {
    const threshold = numberAttribute(CONFIG_DEFAULTS.threshold);
    expect(fromAttribute(threshold, '')).to.equal('');
    expect(fromAttribute(threshold, '  ')).to.equal('  ');
    expect(fromAttribute(threshold, 'abc')).to.equal('abc');
    expect(fromAttribute(threshold, '0.7')).to.equal(0.7);
    expect(fromAttribute(threshold, ' 0.7 ')).to.equal(0.7);
  });

  it('a removed attribute returns to its default (or to unset for the tuning numbers)', () => {
    expect(fromAttribute(numberAttribute(CONFIG_DEFAULTS.threshold), null)).to.equal(0.55);
    expect(fromAttribute(numberAttribute(), null)).to.equal(undefined);
  });

  it('capture-mode keeps what the page wrote; removed, it returns to auto', () => {
    const mode = keywordAttribute(CONFIG_DEFAULTS.captureMode);
    expect(mode.fromAttribute!('manual', undefined)).to.equal('manual');
    expect(mode.fromAttribute!('', undefined)).to.equal('');
    expect(mode.fromAttribute!(null, undefined)).to.equal('auto');
  });

  it('checks keeps every word, so an unknown one can be reported', () => {
    const parse = (text: string | null) => checksAttribute.fromAttribute!(text, undefined);
    expect(parse(null)).to.deep.equal(['brightness', 'sharpness', 'pose']);
    expect(parse('')).to.deep.equal([]);
    expect(parse('pose, brightnes')).to.deep.equal(['pose', 'brightnes']);
  });
});

describe('config: each attribute', () => {
  it('endpoint: required, and must resolve to an http(s) URL against the document', () => {
    refused({ endpoint: '' }, 'endpoint is required');
    refused({ endpoint: '   ' }, 'endpoint is required');
    refused({ endpoint: undefined }, 'endpoint is required');
    refused({ endpoint: 'ftp://example.test/x' }, 'endpoint="ftp://example.test/x"');
    refused({ endpoint: 'javascript:alert(1)' }, 'endpoint="javascript:alert(1)"');
    refused({ endpoint: 'http://[bad' }, 'endpoint="http://[bad"');
    accepted({ endpoint: '/api/liveness' });
    accepted({ endpoint: 'antispoofing' });
    accepted({ endpoint: 'https://api.example/antispoofing' });
    accepted({ endpoint: 'http://localhost:8080/robust' });
    // Against a base that cannot resolve a relative URL, a relative endpoint is refused.
    expect(configProblems({ ...valid(), endpoint: '/api' }, 'about:blank')).to.have.length(1);
  });

  it('threshold: a number from 0 to 1; empty, text, NaN and out of range are refused', () => {
    refused({ threshold: '' }, 'threshold=""');
    refused({ threshold: 'abc' }, 'threshold="abc"');
    refused({ threshold: Number.NaN }, 'threshold=NaN');
    refused({ threshold: -0.01 }, 'threshold=-0.01');
    refused({ threshold: 1.5 }, 'threshold=1.5');
    refused({ threshold: Number.POSITIVE_INFINITY }, 'threshold=Infinity');
    refused({ threshold: null }, 'threshold=null');
    refused({ threshold: '0.5' }, 'threshold="0.5"');
    for (const threshold of [0, 0.5, 0.55, 1]) accepted({ threshold });
  });

  it('min-face-size: a finite number of pixels >= 1 (below the backend floor of 128 is allowed)', () => {
    refused({ minFaceSize: 0 }, 'min-face-size=0');
    refused({ minFaceSize: -128 }, 'min-face-size=-128');
    refused({ minFaceSize: '' }, 'min-face-size=""');
    refused({ minFaceSize: Number.NaN }, 'min-face-size=NaN');
    refused({ minFaceSize: Number.POSITIVE_INFINITY }, 'min-face-size=Infinity');
    for (const minFaceSize of [1, 64, 128, 300.5]) accepted({ minFaceSize });
  });

  it('hold-ms: milliseconds >= 0; max-fps: more than 0', () => {
    refused({ holdMs: -1 }, 'hold-ms=-1');
    refused({ holdMs: '' }, 'hold-ms=""');
    for (const holdMs of [0, 500, 2000]) accepted({ holdMs });
    refused({ maxFps: 0 }, 'max-fps=0');
    refused({ maxFps: 'fast' }, 'max-fps="fast"');
    for (const maxFps of [1, 15, 60]) accepted({ maxFps });
  });

  it('stable-frames (deprecated, unset by default): a whole number >= 1', () => {
    refused({ stableFrames: 0 }, 'stable-frames=0');
    refused({ stableFrames: 2.5 }, 'stable-frames=2.5');
    refused({ stableFrames: 'ten' }, 'stable-frames="ten"');
    refused({ stableFrames: -1 }, 'stable-frames=-1');
    for (const stableFrames of [1, 10, 60, undefined]) accepted({ stableFrames });
  });

  it('request-timeout: milliseconds >= 0, 0 meaning no limit; negative is refused, not read as "no limit"', () => {
    refused({ requestTimeout: -5 }, 'request-timeout=-5');
    refused({ requestTimeout: '' }, 'request-timeout=""');
    refused({ requestTimeout: Number.POSITIVE_INFINITY }, 'request-timeout=Infinity');
    refused({ requestTimeout: Number.NaN }, 'request-timeout=NaN');
    for (const requestTimeout of [0, 1, 30_000]) accepted({ requestTimeout });
  });

  it('capture-mode: auto or manual', () => {
    refused({ captureMode: 'automatic' }, 'capture-mode="automatic"');
    refused({ captureMode: '' }, 'capture-mode=""');
    refused({ captureMode: 'AUTO' }, 'capture-mode="AUTO"');
    accepted({ captureMode: 'auto' });
    accepted({ captureMode: 'manual' });
  });

  it('politeness: polite, assertive or off', () => {
    refused({ politeness: 'rude' }, 'politeness="rude"');
    refused({ politeness: '' }, 'politeness=""');
    for (const politeness of ['polite', 'assertive', 'off']) accepted({ politeness });
  });

  it('checks: only brightness, sharpness and pose; the empty list turns them off', () => {
    refused({ checks: ['pose', 'brightnes'] }, 'checks="pose brightnes"', '"brightnes"');
    refused({ checks: ['blink', 'smile'] }, '"blink"', '"smile"');
    refused({ checks: 'pose' }, 'checks must be a list');
    accepted({ checks: [] });
    accepted({ checks: ['pose'] });
    accepted({ checks: ['brightness', 'sharpness', 'pose'] });
  });

  it('min-brightness and max-brightness: mean luma 0-255 when set, min not above max', () => {
    refused({ minBrightness: -1 }, 'min-brightness=-1');
    refused({ maxBrightness: 256 }, 'max-brightness=256');
    refused({ minBrightness: '' }, 'min-brightness=""');
    refused({ maxBrightness: 'bright' }, 'max-brightness="bright"');
    refused({ minBrightness: 200, maxBrightness: 100 }, 'min-brightness=200', 'max-brightness=100');
    accepted({ minBrightness: 0, maxBrightness: 255 });
    accepted({ minBrightness: 60 });
    accepted({ minBrightness: null, maxBrightness: null });
  });

  it('min-sharpness: a number >= 0 when set', () => {
    refused({ minSharpness: -3 }, 'min-sharpness=-3');
    refused({ minSharpness: Number.NaN }, 'min-sharpness=NaN');
    accepted({ minSharpness: 0 });
    accepted({ minSharpness: 80 });
  });

  it('max-roll: degrees from 0 to 180 when set', () => {
    refused({ maxRoll: -1 }, 'max-roll=-1');
    refused({ maxRoll: 181 }, 'max-roll=181');
    refused({ maxRoll: '' }, 'max-roll=""');
    accepted({ maxRoll: 20 });
  });

  it('max-yaw: a number >= 0 when set', () => {
    refused({ maxYaw: -0.1 }, 'max-yaw=-0.1');
    refused({ maxYaw: 'x' }, 'max-yaw="x"');
    accepted({ maxYaw: 0.25 });
  });

  it('min-face-fraction: a share from 0 to 1 when set; "" is refused, not read as 0 (off)', () => {
    refused({ minFaceFraction: '' }, 'min-face-fraction=""');
    refused({ minFaceFraction: 1.2 }, 'min-face-fraction=1.2');
    refused({ minFaceFraction: -0.1 }, 'min-face-fraction=-0.1');
    accepted({ minFaceFraction: 0 });
    accepted({ minFaceFraction: 0.18 });
  });

  it('camera: a deviceId string when set; remember-camera: on or off, absent is on', () => {
    accepted({ camera: 'a1b2' });
    accepted({ camera: '' });
    refused({ camera: 42 }, 'camera', 'number');
    accepted({ rememberCamera: false });
    refused({ rememberCamera: 'sometimes' }, 'remember-camera', '"sometimes"', '"off"');
    const read = (text: string | null) => onOffAttribute.fromAttribute!(text, undefined);
    expect([read(null), read(''), read('on'), read('TRUE'), read('off'), read('false')]).to.deep.equal([true, true, true, true, false, false]);
    expect(read('sometimes')).to.equal('sometimes');
  });

  it('virtual-camera: allow, flag or block', () => {
    for (const virtualCamera of ['allow', 'flag', 'block']) accepted({ virtualCamera });
    refused({ virtualCamera: 'deny' }, 'virtual-camera', '"deny"', '"block"');
  });

  it('api-key: any value the Fetch API accepts in a header; the key itself is never quoted', () => {
    refused({ apiKey: 'secret\nInjected: 1' }, 'api-key');
    refused({ apiKey: 'clé-€' }, 'api-key');
    expect(problemsWith({ apiKey: 'secret\nInjected: 1' })[0]).to.not.contain('secret');
    refused({ apiKey: 42 }, 'api-key');
    accepted({ apiKey: null });
    accepted({ apiKey: '' });
    accepted({ apiKey: 'sk_live_0123456789' });
  });

  it('session: a value that can travel in the x-liveness-session header', () => {
    refused({ session: 'abc\r\nX-Evil: 1' }, 'session');
    refused({ session: 42 }, 'session=42');
    accepted({ session: null });
    accepted({ session: '' });
    accepted({ session: 'q3Zr0m2XoFt6nB9Yy5aL1w' });
  });

  it('headers: names and values by the Fetch rules, values strings; values are never quoted', () => {
    refused({ headers: { 'X Token': '1' } }, '"X Token"', 'name');
    refused({ headers: { 'X-Token(': '1' } }, '"X-Token("', 'name');
    refused({ headers: { '': '1' } }, '""', 'name');
    refused({ headers: { 'X-Token': 'a\r\nb' } }, '"X-Token"', 'value');
    expect(problemsWith({ headers: { 'X-Token': 'hidden\nvalue' } })[0]).to.not.contain('hidden');
    refused({ headers: { 'X-Count': 3 } }, '"X-Count"', 'string');
    refused({ headers: null }, 'headers must be an object');
    refused({ headers: [['X-Token', '1']] }, 'headers must be an object');
    accepted({ headers: { Authorization: 'Bearer abc.def', 'X-Request-Id': '  padded  ' } });
  });
});
