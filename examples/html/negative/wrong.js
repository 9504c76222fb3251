// @ts-check
// Must not type-check: every line marked "rejected" misuses the element.
import '../node_modules/liveness-capture/dist/standalone.js';

const el = document.querySelector('liveness-capture');
if (el) {
  el.threshold = 'high'; // rejected
  el.captureMode = 'sometimes'; // rejected
  el.headers = { retries: 3 }; // rejected
  el.addEventListener('liveness-error', (e) => console.log(e.detail.probReal)); // rejected
  el.addEventListener('liveness-pass', (/** @type {KeyboardEvent} */ e) => console.log(e.key)); // rejected
}
