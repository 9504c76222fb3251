import { css } from 'lit';

// Every custom property is read with its default at the use site and never declared on :host, so a theme set on
// :root, on <body> or on any ancestor reaches the element through inheritance, and a rule on the element itself
// still wins (it is the nearest). Derived defaults nest: a theme that sets only --liveness-success also colours
// the ready guide, one that sets only --liveness-accent also colours the focus ring.
export const styles = css`
  :host {
    display: block;
    position: relative;
    box-sizing: border-box;
    max-width: 640px;
    font-family: var(--liveness-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif);
    color: var(--liveness-foreground, #f5f6f8);
    background: var(--liveness-background, #0f1115);
    border-radius: var(--liveness-radius, 16px);
  }
  :host([hidden]),
  [hidden] {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  /* The host is never clipped, so the controls and a focused button stay visible whatever height the page gives it.
     In a host of fixed height the stage gives up height first (the preview is cropped to cover it), and only the
     stage clips, with the host's rounded top corners. */
  .root {
    display: flex;
    flex-direction: column;
    height: 100%;
    border-radius: inherit;
  }
  .stage {
    position: relative;
    flex: 0 1 auto;
    min-height: 0;
    aspect-ratio: var(--liveness-aspect-ratio, 4 / 3);
    background: #000;
    overflow: hidden;
    border-start-start-radius: inherit;
    border-start-end-radius: inherit;
  }
  video,
  .snapshot {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
    /* Mirrored preview, like a mirror; the captured image is never mirrored. */
    transform: scaleX(-1);
  }
  .guide {
    position: absolute;
    left: 50%;
    top: 50%;
    width: var(--liveness-guide-width, 46%);
    height: var(--liveness-guide-height, 78%);
    transform: translate(-50%, -50%);
    border-radius: var(--liveness-guide-radius, 50%);
    border: var(--liveness-guide-thickness, 4px) solid var(--liveness-guide-color, rgba(255, 255, 255, 0.85));
    box-shadow: 0 0 0 100vmax var(--liveness-mask, rgba(0, 0, 0, 0.5));
    transition: border-color 200ms ease;
    pointer-events: none;
  }
  .guide[data-ready] {
    border-color: var(--liveness-guide-ready-color, var(--liveness-success, #1f9d55));
  }
  .progress {
    position: absolute;
    left: 50%;
    bottom: 6%;
    width: 40%;
    height: 6px;
    transform: translateX(-50%);
    border-radius: 3px;
    /* Opaque, so the fill's contrast with it is known whatever the camera shows: the default fill on black is 6:1
       (WCAG 1.4.11 asks 3:1); the light edge sets the track apart from a dark picture. */
    background: #000;
    box-shadow: 0 0 0 1px rgba(255, 255, 255, 0.7);
    overflow: hidden;
  }
  .progress > span {
    display: block;
    height: 100%;
    background: var(--liveness-guide-ready-color, var(--liveness-success, #1f9d55));
    transition: width 120ms linear;
  }
  .body {
    flex: none;
    padding: 16px 20px 20px;
    display: grid;
    gap: 12px;
    justify-items: center;
    text-align: center;
  }
  .hint {
    margin: 0;
    min-height: 1.5em;
    font-size: 1.1rem;
    font-weight: 600;
  }
  .panel {
    display: grid;
    gap: 8px;
    justify-items: center;
    outline: none;
  }
  .panel h2 {
    margin: 0;
    font-size: 1.25rem;
  }
  .panel p {
    margin: 0;
    color: var(--liveness-muted, #b7bcc6);
  }
  .panel .code {
    font-size: 0.8rem;
    font-family: ui-monospace, monospace;
  }
  .panel[data-kind='pass'] h2 {
    color: var(--liveness-success, #1f9d55);
  }
  .panel[data-kind='fail'] h2,
  .panel[data-kind='error'] h2 {
    color: var(--liveness-danger, #d64545);
  }
  .panel:focus-visible {
    outline: var(--liveness-focus-ring, 3px solid var(--liveness-accent, #2563eb));
    outline-offset: 4px;
  }
  button {
    font: inherit;
    font-weight: 600;
    min-height: 44px;
    padding: 10px 24px;
    border: 2px solid transparent;
    border-radius: var(--liveness-button-radius, 999px);
    /* #2563eb: white text on it is 5.2:1 (WCAG AA); as a focus ring on the background, 3.7:1. */
    background: var(--liveness-accent, #2563eb);
    color: var(--liveness-accent-foreground, #ffffff);
    cursor: pointer;
  }
  button[aria-disabled='true'] {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button:focus-visible {
    outline: var(--liveness-focus-ring, 3px solid var(--liveness-accent, #2563eb));
    outline-offset: 3px;
  }
  .secondary {
    background: transparent;
    color: var(--liveness-foreground, #f5f6f8);
    border-color: currentColor;
  }
  .camera {
    display: flex;
    gap: 8px;
    align-items: center;
    justify-content: center;
    flex-wrap: wrap;
    margin-block-end: 12px;
  }
  .camera select {
    font: inherit;
    min-height: 44px;
    max-width: 100%;
    padding: 8px 12px;
    border: 2px solid currentColor;
    border-radius: 8px;
    background: var(--liveness-background, #0f1115);
    color: var(--liveness-foreground, #f5f6f8);
  }
  .camera select:focus-visible {
    outline: var(--liveness-focus-ring, 3px solid var(--liveness-accent, #2563eb));
    outline-offset: 3px;
  }
  .actions {
    display: flex;
    gap: 12px;
    flex-wrap: wrap;
    justify-content: center;
  }
  @media (prefers-reduced-motion: reduce) {
    .guide,
    .progress > span {
      transition: none;
    }
  }
  @media (forced-colors: active) {
    .guide {
      border-color: CanvasText;
      box-shadow: none;
      forced-color-adjust: none;
    }
    .guide[data-ready] {
      border-color: Highlight;
    }
    /* The fill would be forced to the track's Canvas colour: both keep system colours of full contrast. */
    .progress {
      forced-color-adjust: none;
      background: Canvas;
      box-shadow: none;
      border: 1px solid CanvasText;
    }
    .progress > span {
      forced-color-adjust: none;
      background: CanvasText;
    }
    button {
      border-color: ButtonText;
    }
  }
`;
