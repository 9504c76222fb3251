// The class module (the package's `liveness-capture/element` export) registers nothing: a page that imports only
// it picks its own tag name. This file imports nothing else from the package, and each test file runs in its own page.
import { expect } from '@open-wc/testing';
import { LivenessCapture } from '../../src/liveness-capture.js';

describe('liveness-capture/element', () => {
  it('imports the class without registering <liveness-capture>', () => {
    expect(LivenessCapture).to.be.a('function');
    expect(customElements.get('liveness-capture')).to.equal(undefined);
  });

  it('the class can be registered under a tag name of the page', async () => {
    customElements.define('acme-liveness', LivenessCapture);
    const el = document.createElement('acme-liveness') as LivenessCapture;
    document.body.append(el);
    try {
      await el.updateComplete;
      expect(el).to.be.instanceOf(LivenessCapture);
      expect(el.status).to.equal('idle');
      expect(el.shadowRoot!.querySelector('[part~="start-button"]')).to.exist;
      expect(customElements.get('liveness-capture')).to.equal(undefined);
    } finally {
      el.remove();
    }
  });
});
