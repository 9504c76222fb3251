// @ts-check
// No bundler: the self-contained build (Lit inlined, the detector a lazy chunk, wasm and model in ./assets/).
import './node_modules/liveness-capture/dist/standalone.js';

const el = document.querySelector('liveness-capture');
const result = document.querySelector('#result');
if (!el || !result) throw new Error('markup missing');
el.headers = { 'x-example': 'html' };
el.addEventListener('liveness-pass', (e) => (result.textContent = `pass ${e.detail.probReal}`));
el.addEventListener('liveness-fail', (e) => (result.textContent = `fail ${e.detail.probReal}`));
el.addEventListener('liveness-error', (e) => (result.textContent = `error ${e.detail.code}`));
