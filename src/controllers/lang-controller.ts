import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Re-renders the host when the language it inherits changes: a single-page app that switches `<html lang>`, or the
 * `lang` of a container, switches the element too (Shoelace's localize controller watches `<html lang>` the same
 * way). One `MutationObserver` watches the `lang` attribute of every ancestor, across shadow roots up to `<html>`:
 * the nearest one with `lang` decides, and the next one does when its `lang` is removed or a nearer one gains one.
 * The host's own `lang` is an observed attribute of the element. The host adds it (`addController`).
 */
export class LangController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #observer: MutationObserver | null = null;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
  }

  hostConnected(): void {
    if (typeof MutationObserver === 'undefined') return;
    this.#observer ??= new MutationObserver(() => this.#host.requestUpdate());
    // Moved into another container since the last render: its language may differ.
    this.#host.requestUpdate();
    for (let node = this.#host.parentNode; node; node = node instanceof ShadowRoot ? node.host : node.parentNode) {
      if (node instanceof Element) this.#observer.observe(node, { attributes: true, attributeFilter: ['lang'] });
    }
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
  }
}
