// The request body has one legal shape, {"data":"<base64>"}, checked on the bytes before anything parses it:
// JSON structure bombs (10 MB of nested arrays or objects, in `data` or beside it) are refused as
// INVALID_IMAGE_PAYLOAD, without an upstream call, while the server keeps answering other requests.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BODY_LIMIT_BYTES } from '../../../dist/server/index.js';
import { SAMPLE_IMAGE, postJson, proxyFixture } from './support.mjs';

const DATA = SAMPLE_IMAGE.toString('base64');

/** `open` repeated, then `close` repeated, in `prefix` … `suffix`, as close to the body limit as fits. */
function nested(prefix, open, close, suffix) {
  const depth = Math.floor((BODY_LIMIT_BYTES - 64 - prefix.length - suffix.length) / (open.length + close.length));
  return prefix + open.repeat(depth) + close.repeat(depth) + suffix;
}

const BOMBS = {
  'nested arrays as data': nested('{"data":', '[', ']', '}'),
  'nested objects as data': nested('{"data":', '{"a":', '}', '}'),
  'nested arrays beside a valid data': nested(`{"data":"${DATA}","x":`, '[', ']', '}'),
  'nested arrays before a valid data': nested('{"x":', '[', ']', `,"data":"${DATA}"}`),
};

describe('JSON structure bombs', () => {
  const fixture = proxyFixture();
  let upstream;
  let app;
  beforeEach(() => {
    ({ upstream, app } = fixture);
    upstream.state.requests.length = 0;
  });

  for (const [name, body] of Object.entries(BOMBS)) {
    it(`refuses ${name} (${(body.length / 1e6).toFixed(1)} MB) as INVALID_IMAGE_PAYLOAD without an upstream call`, async () => {
      assert.ok(body.length <= BODY_LIMIT_BYTES);
      const started = performance.now();
      const res = await postJson(app.url, body);
      const answer = await res.json();
      console.log(`${name}: answered in ${Math.round(performance.now() - started)} ms, ${app.logs.at(-1).latencyMs} ms in the handler`);
      assert.equal(res.status, 200);
      assert.equal(answer.error_code, 'INVALID_IMAGE_PAYLOAD');
      assert.equal(upstream.state.requests.length, 0);
    });
  }

  it('four bombs at once, and /healthz asked meanwhile is answered', async () => {
    const bombs = Object.values(BOMBS).map((body) => postJson(app.url, body).then(async (r) => (await r.json()).error_code));
    const health = await fetch(`${app.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await health.json()).ok, true);
    assert.deepEqual(await Promise.all(bombs), Array(4).fill('INVALID_IMAGE_PAYLOAD'));
    assert.equal(upstream.state.requests.length, 0);
    console.log(`rss after the bombs: ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
  });

  for (const body of [
    `{"data":"${DATA}"}`,
    ` \t\r\n{\n  "data": "${DATA}"\n}\n`,
    `{"data":"${DATA.replaceAll('/', '\\/')}"}`,
  ]) {
    it(`accepts ${JSON.stringify(body.slice(0, 24))}…, and forwards exactly {"data":"…"}`, async () => {
      const res = await postJson(app.url, body);
      assert.equal(res.status, 200);
      assert.equal((await res.json()).success, true);
      assert.equal(upstream.state.requests.length, 1);
      assert.equal(upstream.state.requests[0].body.toString(), `{"data":"${DATA}"}`);
    });
  }

  for (const body of [
    `{"data":"${DATA}",}`,
    `{"data":"${DATA}"}x`,
    `{"data":"${DATA}"`,
    `["data","${DATA}"]`,
    `{"\\u0064ata":"${DATA}"}`,
    `{"data":"${DATA.slice(0, 8)}\\u0041${DATA.slice(9)}"}`,
    `{"data":"${DATA.slice(0, 8)}\\"${DATA.slice(9)}"}`,
    `{"data":"data:image/jpeg;base64,${DATA}"}`,
    `{"data":null}`,
    `{"data":""}`,
    `\ufeff{"data":"${DATA}"}`,
  ]) {
    it(`refuses ${JSON.stringify(body.slice(0, 40))} without an upstream call`, async () => {
      const res = await postJson(app.url, body);
      assert.equal((await res.json()).error_code, 'INVALID_IMAGE_PAYLOAD');
      assert.equal(upstream.state.requests.length, 0);
    });
  }
});
