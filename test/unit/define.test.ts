// Registration: the package root registers <liveness-capture> once, with the class itself; other tag names get
// a subclass each, and registering a name twice is harmless.
import { expect } from '@open-wc/testing';
import { defineLivenessCapture, LivenessCapture } from '../../src/index.js';

describe('defineLivenessCapture', () => {
  it('the root import registers liveness-capture as LivenessCapture', () => {
    expect(customElements.get('liveness-capture')).to.equal(LivenessCapture);
  });

  it('registers another tag name as a subclass, once', () => {
    defineLivenessCapture('other-liveness');
    const other = customElements.get('other-liveness')!;
    expect(other).to.not.equal(LivenessCapture);
    expect(other.prototype).to.be.instanceOf(LivenessCapture);
    defineLivenessCapture('other-liveness');
    defineLivenessCapture();
    expect(customElements.get('other-liveness')).to.equal(other);
    expect(customElements.get('liveness-capture')).to.equal(LivenessCapture);
  });
});
