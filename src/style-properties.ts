// Inline styles set through the CSSOM (`element.style.setProperty`), never as a `style` attribute: a page whose
// Content-Security-Policy has `style-src 'self'` without 'unsafe-inline' refuses every `style="…"` (Lit's own
// `styleMap` writes the attribute on its first render) and reports a violation for each, while the CSSOM is
// allowed. Nothing renders on the server: the styles come from the camera and the layout, known only in a browser.
import { nothing } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

class StylePropertiesDirective extends Directive {
  #previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('styleProperties() belongs in an element binding: <div ${styleProperties(…)}>');
  }

  render(_properties: Readonly<Record<string, string>>): typeof nothing {
    return nothing;
  }

  override update(part: ElementPart, [properties]: [Readonly<Record<string, string>>]): typeof nothing {
    const { style } = part.element as HTMLElement;
    for (const name of this.#previous) if (!(name in properties)) style.removeProperty(name);
    for (const [name, value] of Object.entries(properties)) style.setProperty(name, value);
    this.#previous = new Set(Object.keys(properties));
    return nothing;
  }
}

/** Sets these properties (CSS names, custom properties too) on the element, and removes those it set before. */
export const styleProperties = directive(StylePropertiesDirective);
