// A real HTTP handler, mounted on the test server (loopback), that speaks the backend contract
// (../shared/spec/backend-contract.md) with an answer scripted by each test.
//
//   POST /__backend/<session>/script   body: {"status":200,"body":"...","contentType":"application/json","hang":false,
//                                            "padBytes":0}  (padBytes: that many spaces streamed after the body,
//                                            chunked, with no Content-Length: a huge answer that is still JSON;
//                                            -1: spaces without end, until the client goes away)
//   POST /__backend/<session>/<any>    the endpoint the element calls: records the request, answers with the script
//   GET  /__backend/<session>/requests what arrived so far (headers, size, JSON shape, decoded JPEG size)
//   POST /__backend/<session>/reset    forget script and requests
//
// Each test uses its own <session> so test files running side by side never see each other's requests.
// The 10 MiB body limit is enforced as the contract says: 413 with its plain-text message.

import { Readable } from 'node:stream';

const LIMIT = 10_485_760;
const sessions = new Map();

function session(id) {
  let s = sessions.get(id);
  if (!s) {
    s = { script: null, requests: [] };
    sessions.set(id, s);
  }
  return s;
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let over = false;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) over = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ buffer: Buffer.concat(chunks), size, over }));
    req.on('error', reject);
  });
}

/** Width and height from a JPEG's first SOFn marker, or null when the bytes are not a JPEG. */
export function jpegSize(buf) {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < buf.length) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1];
    const len = buf.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: buf.readUInt16BE(i + 5), width: buf.readUInt16BE(i + 7) };
    }
    i += 2 + len;
  }
  return null;
}

function describeBody(buffer) {
  const info = { json: false, keys: [], base64: false, prefixed: false, jpeg: null, imageBytes: 0 };
  let parsed;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
    info.json = true;
  } catch {
    return info;
  }
  if (parsed && typeof parsed === 'object') info.keys = Object.keys(parsed).sort();
  const data = parsed?.data;
  if (typeof data === 'string') {
    info.prefixed = data.startsWith('data:');
    info.base64 = /^[A-Za-z0-9+/]*={0,2}$/.test(data) && data.length % 4 === 0;
    if (info.base64) {
      const bytes = Buffer.from(data, 'base64');
      info.imageBytes = bytes.length;
      info.jpeg = jpegSize(bytes);
    }
  }
  return info;
}

export function mockBackend() {
  return async function mockBackendMiddleware(ctx, next) {
    const m = /^\/__backend\/([\w-]+)\/([\w-]+)$/.exec(ctx.path);
    if (!m) return next();
    const [, id, action] = m;
    const s = session(id);
    if (action === 'script' && ctx.method === 'POST') {
      const { buffer } = await readBody(ctx.req, 1_000_000);
      s.script = JSON.parse(buffer.toString('utf8'));
      ctx.status = 204;
      return;
    }
    if (action === 'requests' && ctx.method === 'GET') {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(s.requests);
      return;
    }
    if (action === 'reset' && ctx.method === 'POST') {
      sessions.delete(id);
      ctx.status = 204;
      return;
    }
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      return;
    }
    const record = { path: action, headers: { ...ctx.req.headers }, bodyBytes: 0, aborted: false };
    s.requests.push(record);
    // Node fires the request's 'close' as soon as its body is read; the response's 'close' before it finished
    // writing is what an abort by the client looks like.
    ctx.res.on('close', () => {
      if (!ctx.res.writableFinished) record.aborted = true;
    });
    const { buffer, size, over } = await readBody(ctx.req, LIMIT);
    record.bodyBytes = size;
    if (over) {
      ctx.status = 413;
      ctx.type = 'text/plain';
      ctx.body = `HTTP content length exceeded ${LIMIT} bytes.`;
      return;
    }
    Object.assign(record, describeBody(buffer));
    const script = s.script ?? { status: 500, body: 'no script for this session', contentType: 'text/plain' };
    if (script.hang) {
      // Never answer: the test removes the element and expects the request to be aborted.
      await new Promise((resolve) => ctx.res.on('close', resolve));
      record.aborted = true;
      ctx.respond = false;
      return;
    }
    ctx.status = script.status ?? 200;
    ctx.type = script.contentType ?? 'application/json';
    const text = typeof script.body === 'string' ? script.body : JSON.stringify(script.body);
    ctx.body = script.padBytes ? padded(text, script.padBytes, record) : text;
  };
}

/**
 * `text` followed by `padBytes` spaces (-1: without end), produced lazily in 64 KiB chunks; records how much the
 * client took.
 */
function padded(text, padBytes, record) {
  const chunk = Buffer.alloc(65_536, 0x20);
  let left = padBytes < 0 ? Infinity : padBytes;
  record.sentBytes = 0;
  return Readable.from((function* () {
    yield Buffer.from(text);
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      record.sentBytes += piece.length;
      yield piece;
    }
  })());
}
