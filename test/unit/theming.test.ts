// Themes reach the element from anywhere: custom properties set on :root, on a <body> class or on the element
// itself show in the computed styles of its shadow DOM; with no theme, the documented defaults apply.
import { expect } from '@open-wc/testing';
import '../../src/index.js';
import type { LivenessCapture } from '../../src/liveness-capture.js';
import { createElement } from '../support/helpers.js';

const DEFAULTS = {
  accent: 'rgb(37, 99, 235)',
  accentForeground: 'rgb(255, 255, 255)',
  background: 'rgb(15, 17, 21)',
  guide: 'rgba(255, 255, 255, 0.85)',
  success: 'rgb(31, 157, 85)',
};

describe('<liveness-capture> theming', () => {
  let el: LivenessCapture | undefined;
  let sheet: HTMLStyleElement | undefined;

  afterEach(() => {
    el?.remove();
    el = undefined;
    sheet?.remove();
    sheet = undefined;
    document.body.className = '';
    document.documentElement.removeAttribute('style');
  });

  function addCss(text: string): void {
    sheet = document.createElement('style');
    sheet.textContent = text;
    document.head.append(sheet);
  }

  function part(selector: string): HTMLElement {
    const node = el!.shadowRoot!.querySelector<HTMLElement>(selector);
    expect(node, selector).to.exist;
    return node!;
  }

  const button = () => getComputedStyle(part('[part~="start-button"]'));
  const guide = () => getComputedStyle(part('[part~="guide"]'));
  /** The guide in its ready look (the attribute the view sets while every check passes). */
  function readyGuide(): CSSStyleDeclaration {
    part('[part~="guide"]').toggleAttribute('data-ready', true);
    return getComputedStyle(part('[part~="guide"]'));
  }

  it('with no theme, the defaults apply', async () => {
    el = await createElement({ endpoint: '/api' });
    expect(button().backgroundColor).to.equal(DEFAULTS.accent);
    expect(button().color).to.equal(DEFAULTS.accentForeground);
    expect(button().borderTopLeftRadius).to.equal('999px');
    expect(getComputedStyle(el).backgroundColor).to.equal(DEFAULTS.background);
    expect(getComputedStyle(el).borderTopLeftRadius).to.equal('16px');
    expect(guide().borderTopColor).to.equal(DEFAULTS.guide);
    expect(guide().borderTopWidth).to.equal('4px');
    expect(readyGuide().borderTopColor).to.equal(DEFAULTS.success);
    // Nothing is declared on the element itself, so nothing can shadow an ancestor's theme.
    expect(getComputedStyle(el).getPropertyValue('--liveness-accent')).to.equal('');
  });

  it('a theme on :root reaches the shadow DOM', async () => {
    const root = document.documentElement.style;
    root.setProperty('--liveness-accent', 'rgb(1, 2, 3)');
    root.setProperty('--liveness-accent-foreground', 'rgb(4, 5, 6)');
    root.setProperty('--liveness-background', 'rgb(7, 8, 9)');
    root.setProperty('--liveness-guide-color', 'rgb(10, 11, 12)');
    root.setProperty('--liveness-guide-thickness', '7px');
    el = await createElement({ endpoint: '/api' });
    expect(button().backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(button().color).to.equal('rgb(4, 5, 6)');
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(7, 8, 9)');
    expect(guide().borderTopColor).to.equal('rgb(10, 11, 12)');
    expect(guide().borderTopWidth).to.equal('7px');
  });

  it('a theme class on <body> reaches the shadow DOM', async () => {
    addCss('.theme-sand { --liveness-accent: rgb(120, 60, 150); --liveness-button-radius: 6px; --liveness-radius: 4px; }');
    document.body.classList.add('theme-sand');
    el = await createElement({ endpoint: '/api' });
    expect(button().backgroundColor).to.equal('rgb(120, 60, 150)');
    expect(button().borderTopLeftRadius).to.equal('6px');
    expect(getComputedStyle(el).borderTopLeftRadius).to.equal('4px');
    document.body.classList.remove('theme-sand');
    expect(button().backgroundColor).to.equal(DEFAULTS.accent);
  });

  it('a rule on the element itself wins over an ancestor theme', async () => {
    addCss('.theme-sand { --liveness-accent: rgb(120, 60, 150); } liveness-capture.brand { --liveness-accent: rgb(200, 30, 40); }');
    document.body.classList.add('theme-sand');
    document.documentElement.style.setProperty('--liveness-accent', 'rgb(1, 2, 3)');
    el = await createElement({ endpoint: '/api', class: 'brand' });
    expect(button().backgroundColor).to.equal('rgb(200, 30, 40)');
    el.classList.remove('brand');
    expect(button().backgroundColor).to.equal('rgb(120, 60, 150)');
  });

  it('derived properties follow a theme that sets only the base one', async () => {
    document.documentElement.style.setProperty('--liveness-success', 'rgb(0, 128, 64)');
    document.documentElement.style.setProperty('--liveness-accent', 'rgb(1, 2, 3)');
    el = await createElement({ endpoint: '/api' });
    // --liveness-guide-ready-color defaults to the success colour.
    expect(readyGuide().borderTopColor).to.equal('rgb(0, 128, 64)');
    // --liveness-focus-ring defaults to a 3px outline in the accent colour.
    const start = part('[part~="start-button"]');
    start.focus();
    expect(start.matches(':focus-visible')).to.equal(true);
    const focused = getComputedStyle(start);
    expect(focused.outlineColor).to.equal('rgb(1, 2, 3)');
    expect(focused.outlineWidth).to.equal('3px');
    expect(focused.outlineStyle).to.equal('solid');
  });

  it('a derived property set on its own still overrides its base', async () => {
    document.documentElement.style.setProperty('--liveness-success', 'rgb(0, 128, 64)');
    document.documentElement.style.setProperty('--liveness-guide-ready-color', 'rgb(250, 200, 0)');
    el = await createElement({ endpoint: '/api' });
    expect(readyGuide().borderTopColor).to.equal('rgb(250, 200, 0)');
  });
});
