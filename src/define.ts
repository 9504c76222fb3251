import { LivenessCapture } from './liveness-capture.js';

/** Registers `<liveness-capture>` once; a second copy of the package on the page is ignored. */
export function defineLivenessCapture(tagName = 'liveness-capture'): void {
  if (!customElements.get(tagName)) customElements.define(tagName, tagName === 'liveness-capture' ? LivenessCapture : class extends LivenessCapture {});
}

defineLivenessCapture();

declare global {
  interface HTMLElementTagNameMap {
    'liveness-capture': LivenessCapture;
  }
}
