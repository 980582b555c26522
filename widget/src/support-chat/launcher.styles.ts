// Styles of the first load: the host, the floating launcher and its badge (plain CSS text: no Lit
// in the first load).
import { tokenRules } from '../shared/tokens.styles.js';

export const launcherStyles =
  tokenRules +
  `
    :host {
      all: initial;
      display: contents;
      font-family: var(--_font);
      color: var(--_text);
    }
    .launcher {
      position: fixed;
      z-index: var(--_z);
      /* The inline end: bottom right, or bottom left when the widget's language is right-to-left. */
      inset-inline-end: calc(var(--_x) + max(env(safe-area-inset-left, 0px), env(safe-area-inset-right, 0px)));
      bottom: calc(var(--_y) + env(safe-area-inset-bottom, 0px));
      width: var(--support-launcher-size, 60px);
      height: var(--support-launcher-size, 60px);
      border: 0;
      border-radius: 50%;
      padding: 0;
      cursor: pointer;
      background: var(--_primary);
      color: var(--_on-primary);
      box-shadow:
        0 6px 16px -4px color-mix(in srgb, var(--_primary) 55%, transparent),
        0 2px 6px rgb(16 24 40 / 0.16);
      transition:
        transform 0.2s ease,
        box-shadow 0.2s ease;
      -webkit-tap-highlight-color: transparent;
    }
    :host([position='left']) .launcher {
      inset-inline-end: auto;
      left: calc(var(--_x) + env(safe-area-inset-left, 0px));
    }
    :host([position='right']) .launcher {
      inset-inline-end: auto;
      right: calc(var(--_x) + env(safe-area-inset-right, 0px));
    }
    .launcher:hover {
      transform: scale(1.06);
    }
    .launcher:active {
      transform: scale(0.96);
    }
    .launcher:focus-visible {
      outline: 2px solid var(--_surface);
      outline-offset: -5px;
      box-shadow: var(--_focus), 0 6px 16px -4px color-mix(in srgb, var(--_primary) 55%, transparent);
    }
    .icon {
      position: absolute;
      inset: 0;
      margin: auto;
      width: 28px;
      height: 28px;
      transition:
        transform 0.2s ease,
        opacity 0.2s ease;
    }
    .chat {
      fill: currentColor;
    }
    .x {
      fill: none;
      stroke: currentColor;
      stroke-width: 2.2;
      stroke-linecap: round;
      width: 24px;
      height: 24px;
      opacity: 0;
      transform: rotate(-90deg) scale(0.5);
    }
    :host([open]) .chat {
      opacity: 0;
      transform: rotate(90deg) scale(0.5);
    }
    :host([open]) .x {
      opacity: 1;
      transform: none;
    }
    .badge {
      position: absolute;
      top: -3px;
      inset-inline-end: -3px;
      min-width: 22px;
      height: 22px;
      padding: 0 6px;
      box-sizing: border-box;
      border-radius: 11px;
      border: 2px solid var(--_surface);
      background: var(--_danger);
      color: #fff;
      font: 700 12px/18px var(--_font);
      text-align: center;
      animation: pop 0.3s cubic-bezier(0.3, 1.6, 0.5, 1);
    }
    @keyframes pop {
      from {
        transform: scale(0);
      }
    }
    .sr {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    @media (max-width: 480px) {
      :host([open]) .launcher {
        display: none;
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .launcher,
      .icon,
      .badge {
        transition: none;
        animation: none;
      }
    }
  `;
