// Proxy mode against a fake upstream on loopback: the key, the bytes, the timeout and every upstream failure.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { verifyVerdict } from '../../../dist/server/index.js';
import { SAMPLE_BODY, SAMPLE_IMAGE, close, listen, postJson, startHandler, startUpstream } from './support.mjs';

const KEY = 'server-key-0123456789';
const SECRET = 'verdict-secret-0123456789abcdef-0123456789';

describe('proxy mode', () => {
  let upstream;
  let app;

  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: KEY, baseUrl: `${upstream.url}/prod` });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });
  beforeEach(() => {
    upstream.state.requests.length = 0;
    upstream.state.script = { status: 200, body: '{"success": true}', headers: {} };
    app.logs.length = 0;
  });

  it('is the mode chosen when a key is configured', () => {
    assert.equal(app.handler.mode, 'proxy');
  });

  it('adds the server key, drops the browser key, forwards a body rebuilt from the validated data', async () => {
    // Odd spacing and an escaped slash: the upstream sees exactly {"data":"..."}.
    const body = `\r\n{ "data" :\t"${SAMPLE_IMAGE.toString('base64').replaceAll('/', '\\/')}"   }\n`;
    assert.ok(body.includes('\\/'), 'the sample has a slash to escape');
    const answer =
      '{"success": true, "message": "Process finished successfully", "model_output": {"pred_idx": "real", "prob_real": 0.9997915625572205}}';
    upstream.state.script.body = answer;
    const res = await postJson(app.url, body, { 'x-api-key': 'browser-key', authorization: 'Bearer page-session' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), answer, 'the upstream body passes through unchanged');
    assert.equal(upstream.state.requests.length, 1);
    const seen = upstream.state.requests[0];
    assert.equal(seen.method, 'POST');
    assert.equal(seen.path, '/prod/antispoofing');
    assert.equal(seen.headers['x-api-key'], KEY);
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.headers.authorization, undefined, 'browser credentials are not forwarded');
    assert.equal(seen.body.toString(), JSON.stringify({ data: SAMPLE_IMAGE.toString('base64') }));
  });

  it('refuses a duplicate data key or extra keys without an upstream call: the body has one shape', async () => {
    const a = Buffer.from('image A').toString('base64');
    const b = Buffer.from('image B').toString('base64');
    const before = upstream.state.requests.length;
    for (const body of [`{"data":"${a}","data":"${b}"}`, `{"data":"${a}","threshold":0}`, `{"model":"other","data":"${a}"}`]) {
      const res = await postJson(app.url, body);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).error_code, 'INVALID_IMAGE_PAYLOAD', body);
    }
    assert.equal(upstream.state.requests.length, before);
  });

  it('routes /robust and /antispoofing to the matching upstream path', async () => {
    await postJson(`${app.url}/robust`, SAMPLE_BODY);
    await postJson(`${app.url}/antispoofing`, SAMPLE_BODY);
    assert.deepEqual(
      upstream.state.requests.map((r) => r.path),
      ['/prod/robust', '/prod/antispoofing'],
    );
  });

  it('passes contract error rows through unchanged', async () => {
    const row = '{"success": false, "message": "Face detection failed", "error_code": "FACE_NOT_DETECTED"}';
    upstream.state.script.body = row;
    const res = await postJson(app.url, SAMPLE_BODY);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), row);
    assert.equal(app.logs[0].outcome, 'face-not-detected');
  });

  it('refuses a bad payload itself, without a paid upstream call', async () => {
    for (const body of ['not json', '{"data": 5}', '{"data": "data:image/jpeg;base64,AAAA"}', '{"data": "abc"}', '[]', '{"data": ""}']) {
      const res = await postJson(app.url, body);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        success: false,
        message: 'Invalid input image payload',
        error_code: 'INVALID_IMAGE_PAYLOAD',
      });
    }
    assert.equal(upstream.state.requests.length, 0);
  });

  const mapped = [
    { status: 403, body: '{"message":"Forbidden"}', expect: 502, code: 'UPSTREAM_AUTH' },
    { status: 500, body: 'Internal Server Error', expect: 502, code: 'UPSTREAM_ERROR' },
    { status: 502, body: '{"message": "Internal server error"}', expect: 502, code: 'UPSTREAM_ERROR' },
    { status: 503, body: '', expect: 502, code: 'UPSTREAM_ERROR' },
    { status: 504, body: '{"message": "Endpoint request timed out"}', expect: 504, code: 'UPSTREAM_TIMEOUT' },
    { status: 400, body: '{"message": "Bad request"}', expect: 502, code: 'UPSTREAM_ERROR' },
    { status: 200, body: '<html>gateway page</html>', expect: 502, code: 'UPSTREAM_BAD_RESPONSE' },
    { status: 200, body: '[1, 2]', expect: 502, code: 'UPSTREAM_BAD_RESPONSE' },
  ];
  for (const m of mapped) {
    it(`maps upstream ${m.status} ${JSON.stringify(m.body).slice(0, 30)} to ${m.expect} ${m.code}`, async () => {
      upstream.state.script = { status: m.status, body: m.body, headers: {} };
      const res = await postJson(app.url, SAMPLE_BODY);
      assert.equal(res.status, m.expect);
      assert.match(res.headers.get('content-type'), /application\/json/);
      const json = await res.json();
      assert.equal(json.success, false);
      assert.equal(json.error_code, m.code);
      assert.equal(typeof json.message, 'string');
      assert.equal(app.logs.length, 1);
      assert.equal(app.logs[0].upstreamStatus, m.status);
      assert.equal(app.logs[0].level, 'error');
    });
  }

  it("on upstream 403 blames the server's key in the log, not the user", async () => {
    upstream.state.script = { status: 403, body: '{"message":"Forbidden"}', headers: {} };
    const res = await postJson(app.url, SAMPLE_BODY);
    const json = await res.json();
    assert.equal(res.status, 502);
    assert.deepEqual(json, {
      success: false,
      message: "Liveness service rejected the server's credentials",
      error_code: 'UPSTREAM_AUTH',
    });
    const [record] = app.logs;
    assert.equal(record.outcome, 'upstream-auth');
    assert.match(record.detail, /SPOOFSENSE_API_KEY/);
    assert.ok(!JSON.stringify(record).includes(KEY), 'the key itself is never logged');
  });

  it('passes upstream 429 through with its Retry-After', async () => {
    upstream.state.script = { status: 429, body: '{"message":"Too Many Requests"}', headers: { 'retry-after': '7' } };
    const res = await postJson(app.url, SAMPLE_BODY);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
    assert.equal((await res.json()).error_code, 'UPSTREAM_THROTTLED');
  });

  it('passes upstream 413 through as the contract plain text', async () => {
    upstream.state.script = { status: 413, body: 'HTTP content length exceeded 10485760 bytes.', headers: {} };
    const res = await postJson(app.url, SAMPLE_BODY);
    assert.equal(res.status, 413);
    assert.equal(await res.text(), 'HTTP content length exceeded 10485760 bytes.');
  });

  it('times out a silent upstream with 504 JSON', async () => {
    // A short timeout on an instance of its own: here the timeout is what is tested; the other tests keep the
    // default, so that a slow machine never turns their answers into 504s.
    const impatient = await startHandler({ apiKey: KEY, baseUrl: `${upstream.url}/prod`, upstreamTimeoutMs: 500 });
    try {
      upstream.state.script = { hang: true };
      const res = await postJson(impatient.url, SAMPLE_BODY);
      assert.equal(res.status, 504);
      assert.equal((await res.json()).error_code, 'UPSTREAM_TIMEOUT');
      assert.equal(impatient.logs[0].outcome, 'upstream-timeout');
      assert.equal(upstream.state.requests.length, 1);
    } finally {
      await impatient.close();
    }
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const { createServer } = await import('node:http');
    const gone = createServer();
    const goneUrl = await listen(gone);
    await close(gone); // nothing listens on this port any more
    const lonely = await startHandler({ apiKey: KEY, baseUrl: goneUrl });
    try {
      const res = await postJson(lonely.url, SAMPLE_BODY);
      assert.equal(res.status, 502);
      assert.equal((await res.json()).error_code, 'UPSTREAM_UNREACHABLE');
      assert.equal(lonely.logs[0].outcome, 'upstream-unreachable');
    } finally {
      await lonely.close();
    }
  });

  it('logs one line per request with no key and no image bytes', async () => {
    upstream.state.script = { status: 200, body: '{"success": true, "model_output": {"pred_idx": "real", "prob_real": 0.8}}', headers: {} };
    await postJson(app.url, SAMPLE_BODY, { 'x-api-key': 'browser-key-secret' });
    await postJson(app.url, 'garbage');
    assert.equal(app.logs.length, 2);
    const text = JSON.stringify(app.logs);
    for (const secret of [KEY, 'browser-key-secret', SAMPLE_IMAGE.toString('base64').slice(0, 16)]) {
      assert.ok(!text.includes(secret), `log must not contain ${secret}`);
    }
    const [first] = app.logs;
    assert.equal(first.mode, 'proxy');
    assert.equal(first.status, 200);
    assert.equal(first.outcome, 'scored');
    assert.equal(first.bodyBytes, Buffer.byteLength(SAMPLE_BODY));
    assert.equal(typeof first.latencyMs, 'number');
  });
});

describe('proxy mode with verdicts', () => {
  let upstream;
  let app;
  before(async () => {
    upstream = await startUpstream();
    app = await startHandler({ apiKey: KEY, baseUrl: upstream.url, verdictSecret: SECRET, sessions: 'off' });
  });
  after(async () => {
    await app.close();
    await upstream.close();
  });

  it('appends a signed verdict and keeps the upstream bytes before it', async () => {
    const answer = '{"success": true, "message": "Process finished successfully", "model_output": {"pred_idx": "real", "prob_real": 0.9}}';
    upstream.state.script = { status: 200, body: answer, headers: {} };
    const res = await postJson(app.url, SAMPLE_BODY);
    const text = await res.text();
    assert.ok(text.startsWith(answer.slice(0, -1)), 'upstream bytes kept');
    const json = JSON.parse(text);
    assert.equal(json.verdict.decision, 'pass');
    assert.equal(json.verdict.threshold, 0.55);
    const verified = await verifyVerdict(json.verdict.token, SECRET, { session: null });
    assert.equal(verified.valid, true);
    assert.equal(verified.decision, 'pass');
    assert.equal(verified.probReal, 0.9);
    assert.equal(verified.variant, 'antispoofing');
    assert.equal(verified.imageSha256, createHash('sha256').update(SAMPLE_IMAGE).digest('hex'));
  });

  it('uses the robust threshold on /robust', async () => {
    upstream.state.script = { status: 200, body: '{"success":true,"model_output":{"pred_idx":"real","prob_real":0.52}}', headers: {} };
    const json = await (await postJson(`${app.url}/robust`, SAMPLE_BODY)).json();
    assert.equal(json.verdict.decision, 'pass');
    assert.equal(json.verdict.threshold, 0.5);
    assert.equal((await verifyVerdict(json.verdict.token, SECRET, { session: null })).variant, 'robust');
    const strict = await (await postJson(`${app.url}/antispoofing`, SAMPLE_BODY)).json();
    assert.equal(strict.verdict.decision, 'fail', '0.52 is not above 0.55');
  });

  it('fails without a token when prob_real is not a valid probability', async () => {
    for (const output of ['{}', '{"prob_real": "0.9"}', '{"prob_real": 1.5}', '{"prob_real": null}']) {
      upstream.state.script = { status: 200, body: `{"success": true, "model_output": ${output}}`, headers: {} };
      const json = await (await postJson(app.url, SAMPLE_BODY)).json();
      assert.equal(json.verdict.decision, 'fail', output);
      assert.equal(json.verdict.token, undefined, output);
    }
  });

  it('adds no verdict to an unscored answer', async () => {
    upstream.state.script = { status: 200, body: '{"success": false, "message": "Face detection failed", "error_code": "FACE_NOT_DETECTED"}', headers: {} };
    const json = await (await postJson(app.url, SAMPLE_BODY)).json();
    assert.equal(json.verdict, undefined);
  });
});

describe('proxy mode loads no models', () => {
  it('never imports the local backend, sharp or human', async () => {
    const upstream = await startUpstream();
    try {
      // A child process records every module it resolves, imports the package, serves one proxied request.
      const hooks = `export async function resolve(specifier, context, next) {
        const r = await next(specifier, context);
        process.stderr.write('RESOLVED ' + r.url + '\\n');
        return r;
      }`;
      const script = `
        import { register } from 'node:module';
        register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
        const { createLivenessHandler } = await import(${JSON.stringify(new URL('../../../dist/server/index.js', import.meta.url).href)});
        const handler = createLivenessHandler({ env: {}, apiKey: 'k', baseUrl: ${JSON.stringify(upstream.url)}, log: false });
        const res = await handler(new Request('http://local.test/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(SAMPLE_BODY)} }));
        process.stdout.write(String(res.status));
      `;
      const { spawn } = await import('node:child_process');
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      const code = await new Promise((resolve) => child.on('exit', resolve));
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '200');
      const resolved = stderr.split('\n').filter((l) => l.startsWith('RESOLVED '));
      assert.ok(resolved.some((l) => l.includes('dist/server/handler/handler.js')), 'the hook saw the package load');
      for (const heavy of ['local-backend', 'sharp', '@vladmandic/human', '@tensorflow']) {
        assert.ok(!resolved.some((l) => l.includes(heavy)), `${heavy} was loaded`);
      }
    } finally {
      await upstream.close();
    }
  });
});
