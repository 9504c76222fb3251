// Kept out of custom-elements.json (see custom-elements-manifest.config.mjs): the tag name is chosen at run time,
// so the only element the manifest describes is <liveness-capture> itself.

/** Registers a fresh subclass of `base` as `tagName`. */
export function defineSubclass(tagName: string, base: CustomElementConstructor): void {
  customElements.define(tagName, class extends base {});
}
