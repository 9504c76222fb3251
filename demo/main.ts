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

async function verify(token: string | undefined): Promise<string> {
  if (!token) return 'no verdict token (simulator, or the server has no LIVENESS_VERDICT_SECRET)';
  const res = await fetch('/api/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const body = (await res.json()) as { valid: boolean; reason?: string; decision?: string };
  return body.valid ? `token verified by the page's server: ${body.decision}` : `token rejected: ${body.reason}`;
}

for (const el of elements) {
  const name = el.id;
  el.addEventListener('liveness-capture', (e) => write(`${name}: captured ${e.detail.width}x${e.detail.height}, ${(e.detail.image.size / 1024).toFixed(0)} KiB`));
  for (const type of ['liveness-pass', 'liveness-fail'] as const) {
    el.addEventListener(type, async (e) => {
      const { probReal, threshold, predIdx, token } = e.detail;
      const outcome = type === 'liveness-pass' ? 'PASS' : 'FAIL';
      const checked = await verify(token);
      verdict.textContent = `${name}: ${outcome} — prob_real ${probReal.toFixed(4)} vs threshold ${threshold} (${predIdx ?? 'no label'}); ${checked}`;
      write(`${name}: ${type} prob_real=${probReal} threshold=${threshold} pred_idx=${predIdx}`);
    });
  }
  el.addEventListener('liveness-error', (e) => {
    verdict.textContent = `${name}: ERROR ${e.detail.code} — ${e.detail.message}`;
    write(`${name}: liveness-error ${e.detail.code}${e.detail.httpStatus ? ` (HTTP ${e.detail.httpStatus})` : ''}`);
  });
}
