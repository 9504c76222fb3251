// The preview as a phone shows it: inline, muted, playing without a tap (iOS plays a video inline and without a
// gesture only when it is muted and marked playsinline), and showing the camera's picture, not a black box.
import { expect } from '@open-wc/testing';
import '../../../src/index.js';
import type { LivenessCapture } from '../../../src/liveness-capture.js';
import { Backend, createElement, frames } from '../../support/helpers.js';

describe('<liveness-capture> preview', () => {
  let el: LivenessCapture | undefined;

  afterEach(() => {
    el?.remove();
    el = undefined;
  });

  it('is inline, muted and autoplaying, and shows the camera picture', async () => {
    el = await createElement({ endpoint: new Backend().endpoint, 'capture-mode': 'manual' });
    await el.start();
    const video = el.shadowRoot!.querySelector('video')!;
    for (const attribute of ['playsinline', 'muted', 'autoplay']) expect(video.hasAttribute(attribute), attribute).to.equal(true);
    expect(video.playsInline).to.equal(true);
    expect(video.muted).to.equal(true);
    expect(video.autoplay).to.equal(true);
    expect(video.paused).to.equal(false);
    await frames(el, 3);
    // The astronaut photo fills the middle of the frame: its mean brightness is far from black.
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 36;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(video, 0, 0, 64, 36);
    const { data } = ctx.getImageData(0, 0, 64, 36);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
    expect(sum / (data.length / 4)).to.be.greaterThan(60);
  });
});
