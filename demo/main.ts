import '../src/index.js';
import type { LivenessCapture } from '../src/liveness-capture.js';

const backend = document.querySelector<HTMLSelectElement>('#backend')!;
const lang = document.querySelector<HTMLSelectElement>('#lang')!;
const mode = document.querySelector<HTMLSelectElement>('#mode')!;
const note = document.querySelector<HTMLElement>('#simulator-note')!;
const log = document.querySelector<HTMLOListElement>('#log')!;
const verdict = document.querySelector<HTMLElement>('#verdict')!;
const elements = [...document.querySelectorAll<LivenessCapture>('liveness-capture')];

function apply(): void {
  note.hidden = !backend.value.startsWith('/api/simulate/');
  for (const el of elements) {
    el.endpoint = backend.value;
    if (lang.value) el.setAttribute('lang', lang.value);
    else el.removeAttribute('lang');
    el.captureMode = mode.value === 'manual' ? 'manual' : 'auto';
  }
}
backend.addEventListener('change', apply);
lang.addEventListener('change', apply);
mode.addEventListener('change', apply);
apply();

function write(text: string): void {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  log.prepend(item);
}

/** Opens a session from the page's own server route, as a real page's server does before showing the element. */
async function openSession(el: LivenessCapture): Promise<void> {
  try {
    const res = await fetch('/api/session', { method: 'POST' });
    el.session = ((await res.json()) as { id: string }).id;
  } catch {
    el.session = null;
  }
}

/** What the page's server reads about the session: the trusted result, not the browser's event. */
async function sessionResult(el: LivenessCapture): Promise<string> {
  if (!el.session) return 'no session';
  const res = await fetch(`/api/session/${encodeURIComponent(el.session)}`);
  if (!res.ok) {
    await openSession(el);
    return 'session unknown to the server (a new one is open)';
  }
  const result = (await res.json()) as { state: string; attempts: number; probReal?: number };
  if (result.state !== 'open') await openSession(el); // decided: the next try needs a new session
  return `session read by the server: ${result.state} after ${result.attempts} attempt(s)` +
    (result.probReal !== undefined ? `, prob_real ${result.probReal.toFixed(4)}` : '');
}

async function verify(token: string | undefined, session: string | null): Promise<string> {
  if (!token) return 'no verdict token (simulator, or the server has no LIVENESS_VERDICT_SECRET)';
  const res = await fetch('/api/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, session }) });
  const body = (await res.json()) as { valid: boolean; reason?: string; decision?: string };
  return body.valid ? `token verified: ${body.decision}` : `token rejected: ${body.reason}`;
}

for (const el of elements) {
  const name = el.id;
  void openSession(el);
  el.addEventListener('liveness-capture', (e) => write(`${name}: captured ${e.detail.width}x${e.detail.height}, ${(e.detail.image.size / 1024).toFixed(0)} KiB`));
  for (const type of ['liveness-pass', 'liveness-fail'] as const) {
    el.addEventListener(type, async (e) => {
      const { probReal, threshold, predIdx, token } = e.detail;
      const outcome = type === 'liveness-pass' ? 'PASS' : 'FAIL';
      const session = el.session;
      const checked = await verify(token, session);
      const read = await sessionResult(el);
      verdict.textContent = `${name}: ${outcome} — prob_real ${probReal.toFixed(4)} vs threshold ${threshold} (${predIdx ?? 'no label'}); ${read}; ${checked}`;
      write(`${name}: ${type} prob_real=${probReal} threshold=${threshold} pred_idx=${predIdx}`);
    });
  }
  el.addEventListener('liveness-error', async (e) => {
    const read = e.detail.code === 'SESSION_INVALID' || e.detail.code === 'IMAGE_REPLAYED' ? await sessionResult(el) : '';
    verdict.textContent = `${name}: ERROR ${e.detail.code} — ${e.detail.message}${read ? `; ${read}` : ''}`;
    write(`${name}: liveness-error ${e.detail.code}${e.detail.httpStatus ? ` (HTTP ${e.detail.httpStatus})` : ''}`);
  });
}
