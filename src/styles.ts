import { css } from 'lit';

export const styles = css`
  :host {
    --liveness-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif;
    --liveness-background: #0f1115;
    --liveness-foreground: #f5f6f8;
    --liveness-muted: #b7bcc6;
    /* #2563eb: white text on it is 5.2:1 (WCAG AA); as a focus ring on the background, 3.7:1. */
    --liveness-accent: #2563eb;
    --liveness-accent-foreground: #ffffff;
    --liveness-success: #1f9d55;
    --liveness-danger: #d64545;
    --liveness-radius: 16px;
    --liveness-button-radius: 999px;
    --liveness-aspect-ratio: 4 / 3;
    --liveness-guide-width: 46%;
    --liveness-guide-height: 78%;
    --liveness-guide-radius: 50%;
    --liveness-guide-color: rgba(255, 255, 255, 0.85);
    --liveness-guide-ready-color: var(--liveness-success);
    --liveness-guide-thickness: 4px;
    --liveness-mask: rgba(0, 0, 0, 0.5);
    --liveness-focus-ring: 3px solid var(--liveness-accent);

    display: block;
    position: relative;
    box-sizing: border-box;
    max-width: 640px;
    font-family: var(--liveness-font);
    color: var(--liveness-foreground);
    background: var(--liveness-background);
    border-radius: var(--liveness-radius);
    overflow: hidden;
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
  .stage {
    position: relative;
    aspect-ratio: var(--liveness-aspect-ratio);
    background: #000;
    overflow: hidden;
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
    width: var(--liveness-guide-width);
    height: var(--liveness-guide-height);
    transform: translate(-50%, -50%);
    border-radius: var(--liveness-guide-radius);
    border: var(--liveness-guide-thickness) solid var(--liveness-guide-color);
    box-shadow: 0 0 0 100vmax var(--liveness-mask);
    transition: border-color 200ms ease;
    pointer-events: none;
  }
  .guide[data-ready] {
    border-color: var(--liveness-guide-ready-color);
  }
  .progress {
    position: absolute;
    left: 50%;
    bottom: 6%;
    width: 40%;
    height: 6px;
    transform: translateX(-50%);
    border-radius: 3px;
    background: rgba(255, 255, 255, 0.3);
    overflow: hidden;
  }
  .progress > span {
    display: block;
    height: 100%;
    background: var(--liveness-guide-ready-color);
    transition: width 120ms linear;
  }
  .body {
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
    color: var(--liveness-muted);
  }
  .panel .code {
    font-size: 0.8rem;
    font-family: ui-monospace, monospace;
  }
  .panel[data-kind='pass'] h2 {
    color: var(--liveness-success);
  }
  .panel[data-kind='fail'] h2,
  .panel[data-kind='error'] h2 {
    color: var(--liveness-danger);
  }
  .panel:focus-visible {
    outline: var(--liveness-focus-ring);
    outline-offset: 4px;
  }
  button {
    font: inherit;
    font-weight: 600;
    min-height: 44px;
    padding: 10px 24px;
    border: 2px solid transparent;
    border-radius: var(--liveness-button-radius);
    background: var(--liveness-accent);
    color: var(--liveness-accent-foreground);
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  button:focus-visible {
    outline: var(--liveness-focus-ring);
    outline-offset: 3px;
  }
  .secondary {
    background: transparent;
    color: var(--liveness-foreground);
    border-color: currentColor;
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
    .progress > span {
      background: Highlight;
    }
    button {
      border-color: ButtonText;
    }
  }
`;
