// A portrait camera (720x1280) in a host the page made 480 px high: the stage gives up height, the host is not
// clipped, and the focused Cancel button is inside the host's box and visible (WCAG 2.4.11).
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/index.js';
import { Backend, createElement, elementPerTest, until } from '../../support/helpers.js';

describe('<liveness-capture> sized by the page, with a portrait camera', () => {
  const t = elementPerTest();

  it('a 480 px high host keeps the focused Cancel button inside its box; only the stage clips', async () => {
    t.el = await createElement({ endpoint: new Backend().endpoint, 'capture-mode': 'manual', lang: 'en', style: 'height: 480px; width: 640px' });
    const shadow = t.el.shadowRoot!;
    shadow.querySelector<HTMLButtonElement>('[part~="start-button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => t.el!.status === 'detecting', 'status detecting');
    const video = shadow.querySelector('video')!;
    await until(() => video.videoHeight > 0, 'the camera picture');
    expect([video.videoWidth, video.videoHeight]).to.deep.equal([720, 1280]);
    await t.el.updateComplete;
    const cancel = shadow.querySelector<HTMLElement>('[part~="cancel-button"]')!;
    expect(shadow.activeElement).to.equal(cancel);
    expect(getComputedStyle(t.el).overflow).to.equal('visible');
    expect(getComputedStyle(shadow.querySelector('[part~="stage"]')!).overflow).to.equal('hidden');
    const host = t.el.getBoundingClientRect();
    const stage = shadow.querySelector('[part~="stage"]')!.getBoundingClientRect();
    const button = cancel.getBoundingClientRect();
    expect(Math.round(host.height)).to.equal(480);
    expect(button.height).to.be.greaterThan(0);
    expect(button.top, 'Cancel below the stage').to.be.at.least(stage.bottom - 0.5);
    expect(button.bottom, 'Cancel inside the host').to.be.at.most(host.bottom + 0.5);
    // The stage is narrower than its portrait ratio asks: the preview covers it, cropped, never stretched.
    expect(stage.height).to.be.lessThan(stage.width * (4 / 3));
    expect(getComputedStyle(video).objectFit).to.equal('cover');
    // Visible on screen at the point the browser would scroll to, not hidden by an ancestor's clip.
    cancel.scrollIntoView({ block: 'nearest' });
    const r = cancel.getBoundingClientRect();
    const hit = shadow.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    expect(hit).to.equal(cancel);
  });
});
