import { LivenessCapture } from './liveness-capture.js';
import { defineSubclass } from './define-subclass.js';

// Guarded: a second copy of the package on the page leaves the first registration in place.
if (!customElements.get('liveness-capture')) customElements.define('liveness-capture', LivenessCapture);

/**
 * Registers the element under another tag name too (a subclass, since one class can be registered only once).
 * Guarded like the default registration; `liveness-capture` itself is already registered by this module.
 */
export function defineLivenessCapture(tagName = 'liveness-capture'): void {
  if (!customElements.get(tagName)) defineSubclass(tagName, LivenessCapture);
}

declare global {
  interface HTMLElementTagNameMap {
    'liveness-capture': LivenessCapture;
  }
}
