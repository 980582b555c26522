// Styles of the lazily loaded panel: a floating card on desktop, full screen below 480 px.
// The `--_*` tokens are inherited from the <support-chat> host, whose shadow root contains the panel.
export const panelStyles = `
    :host {
      position: fixed;
      z-index: var(--_z);
      /* Above the launcher, at the inline end (left when the language is right-to-left). */
      inset-inline-end: calc(var(--_x) + max(env(safe-area-inset-left, 0px), env(safe-area-inset-right, 0px)));
      bottom: calc(var(--_y) + var(--support-launcher-size, 60px) + 16px + env(safe-area-inset-bottom, 0px));
      width: var(--support-panel-width, 384px);
      height: min(var(--support-panel-height, 640px), calc(100vh - var(--_y) - var(--support-launcher-size, 60px) - 40px));
      max-width: calc(100vw - 2 * var(--_x));
      display: block;
      font: 15px/1.45 var(--_font);
      color: var(--_text);
      transform-origin: bottom right;
      animation: open 0.22s cubic-bezier(0.2, 0.9, 0.3, 1.1);
    }
    :host(:dir(rtl)) {
      transform-origin: bottom left;
    }
    :host([position='left']) {
      inset-inline-end: auto;
      left: calc(var(--_x) + env(safe-area-inset-left, 0px));
      transform-origin: bottom left;
    }
    :host([position='right']) {
      inset-inline-end: auto;
      right: calc(var(--_x) + env(safe-area-inset-right, 0px));
      transform-origin: bottom right;
    }
    :host([hidden]) {
      display: none;
    }
    @keyframes open {
      from {
        opacity: 0;
        transform: translateY(12px) scale(0.96);
      }
    }
    *,
    *::before,
    *::after {
      box-sizing: border-box;
    }
    .panel {
      display: flex;
      flex-direction: column;
      height: 100%;
      overflow: hidden;
      background: var(--_surface);
      border-radius: var(--_radius);
      box-shadow:
        0 24px 48px -12px rgb(16 24 40 / 0.22),
        0 4px 12px rgb(16 24 40 / 0.08),
        0 0 0 1px rgb(16 24 40 / 0.05);
    }
    header {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 16px;
      padding-inline: 18px 12px;
      background: var(--_primary);
      color: var(--_on-primary);
    }
    .brand {
      flex: none;
      display: grid;
      place-items: center;
      width: 40px;
      height: 40px;
      border-radius: 50%;
      background: color-mix(in srgb, var(--_on-primary) 18%, transparent);
    }
    .brand svg {
      width: 22px;
      height: 22px;
      fill: currentColor;
    }
    .heading {
      flex: 1;
      min-width: 0;
    }
    h2 {
      margin: 0;
      font-size: 16px;
      font-weight: 650;
      line-height: 1.3;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .status {
      display: flex;
      align-items: center;
      gap: 6px;
      margin: 2px 0 0;
      font-size: 13px;
      opacity: 0.9;
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--_success);
      box-shadow: 0 0 0 2px color-mix(in srgb, var(--_on-primary) 35%, transparent);
    }
    .dot.connecting,
    .dot.reconnecting {
      background: var(--_warning);
      animation: pulse 1.2s ease-in-out infinite;
    }
    .dot.offline {
      background: #98a2b3;
    }
    @keyframes pulse {
      50% {
        opacity: 0.35;
      }
    }
    button {
      font: inherit;
      color: inherit;
      cursor: pointer;
    }
    button:focus-visible,
    textarea:focus-visible,
    input:focus-visible,
    .messages:focus-visible {
      outline: none;
      box-shadow: var(--_focus);
    }
    .close,
    .delete {
      flex: none;
      display: grid;
      place-items: center;
      width: 36px;
      height: 36px;
      border: 0;
      border-radius: 10px;
      background: transparent;
    }
    .delete {
      margin-inline-start: auto;
      opacity: 0.8;
    }
    .close:hover,
    .delete:hover {
      background: color-mix(in srgb, var(--_on-primary) 16%, transparent);
    }
    .close:focus-visible,
    .delete:focus-visible {
      box-shadow: 0 0 0 2px var(--_on-primary);
    }
    .close svg,
    .delete svg {
      width: 20px;
      height: 20px;
      fill: none;
      stroke: currentColor;
      stroke-width: 2.2;
      stroke-linecap: round;
    }
    .body {
      position: relative;
      flex: 1;
      min-height: 0;
    }
    .messages {
      height: 100%;
      overflow-y: auto;
      overscroll-behavior: contain;
      padding: 16px 14px 8px;
      display: flex;
      flex-direction: column;
      gap: 2px;
    }
    .row {
      display: grid;
      justify-items: start;
      max-width: 82%;
      position: relative;
    }
    .row.admin {
      align-self: flex-start;
      padding-inline-start: 36px;
    }
    .row.user {
      align-self: flex-end;
      justify-items: end;
    }
    .row.last {
      margin-bottom: 10px;
    }
    .bubble {
      padding: 9px 13px;
      border-radius: 18px;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      /* Each paragraph runs in its own script's direction: English typed in an Arabic widget too. */
      unicode-bidi: plaintext;
      text-align: start;
      background: var(--_muted);
      color: var(--_text);
    }
    .admin .bubble {
      border-end-start-radius: 6px;
    }
    .user .bubble {
      background: var(--_primary);
      color: var(--_on-primary);
      border-end-end-radius: 6px;
    }
    .user .bubble a {
      color: inherit;
    }
    .bubble a {
      color: var(--_primary);
      text-decoration: underline;
      text-underline-offset: 2px;
    }
    .pending .bubble {
      opacity: 0.65;
    }
    .failed .bubble {
      background: color-mix(in srgb, var(--_danger) 12%, var(--_surface));
      color: var(--_text);
      box-shadow: inset 0 0 0 1px color-mix(in srgb, var(--_danger) 45%, transparent);
    }
    .avatar {
      position: absolute;
      inset-inline-start: 0;
      bottom: 22px;
      width: 28px;
      height: 28px;
      border-radius: 50%;
      display: grid;
      place-items: center;
      background: color-mix(in srgb, var(--_primary) 14%, var(--_surface));
      color: var(--_primary);
      font-size: 13px;
      font-weight: 700;
      text-transform: uppercase;
    }
    .meta {
      display: flex;
      gap: 4px;
      align-items: baseline;
      margin: 3px 4px 0;
      font-size: 12px;
      color: var(--_subtle);
    }
    .seen {
      color: var(--_primary);
      font-weight: 600;
    }
    .error {
      color: var(--_danger);
      font-size: 12px;
    }
    .confirm {
      margin: 0;
      padding: 12px 16px;
      border-bottom: 1px solid var(--_border);
      background: var(--_surface-muted, #f6f7f9);
      font-size: 14px;
    }
    .confirm p {
      margin: 0 0 8px;
    }
    .confirm .actions {
      display: flex;
      gap: 12px;
      align-items: center;
    }
    .danger {
      border: 0;
      border-radius: 8px;
      padding: 6px 12px;
      background: var(--_danger);
      color: #fff;
      font-weight: 600;
    }
    .link {
      border: 0;
      padding: 0 2px;
      background: none;
      color: var(--_primary);
      font-size: 12px;
      font-weight: 600;
      text-decoration: underline;
      border-radius: 4px;
    }
    .divider {
      display: flex;
      align-items: center;
      gap: 10px;
      margin: 10px 0 12px;
      color: var(--_subtle);
      font-size: 12px;
      font-weight: 600;
    }
    .divider::before,
    .divider::after {
      content: '';
      flex: 1;
      height: 1px;
      background: var(--_border);
    }
    .loading {
      align-self: center;
      font-size: 12px;
      color: var(--_subtle);
      padding: 4px 0 10px;
    }
    .typing .bubble {
      display: flex;
      gap: 4px;
      padding: 13px 14px;
    }
    .typing i {
      width: 7px;
      height: 7px;
      border-radius: 50%;
      background: var(--_subtle);
      animation: blink 1.2s infinite both;
    }
    .typing i:nth-child(2) {
      animation-delay: 0.2s;
    }
    .typing i:nth-child(3) {
      animation-delay: 0.4s;
    }
    @keyframes blink {
      0%,
      80%,
      100% {
        opacity: 0.3;
        transform: translateY(0);
      }
      40% {
        opacity: 1;
        transform: translateY(-3px);
      }
    }
    .pill {
      position: absolute;
      left: 50%;
      bottom: 10px;
      transform: translateX(-50%);
      border: 0;
      padding: 7px 14px;
      border-radius: 999px;
      background: var(--_primary);
      color: var(--_on-primary);
      font-size: 13px;
      font-weight: 600;
      box-shadow: 0 6px 16px -4px rgb(16 24 40 / 0.3);
    }
    .email {
      align-self: stretch;
      display: grid;
      gap: 8px;
      margin: 6px 0 10px;
      padding: 12px 14px;
      border-radius: 14px;
      border: 1px solid var(--_border);
      background: color-mix(in srgb, var(--_primary) 4%, var(--_surface));
      font-size: 14px;
    }
    .email label {
      display: grid;
      gap: 2px;
    }
    .email label span {
      color: var(--_subtle);
      font-size: 13px;
    }
    .email-row {
      display: flex;
      gap: 8px;
    }
    .email input {
      flex: 1;
      min-width: 0;
      font: 16px/1.3 var(--_font);
      padding: 8px 10px;
      border-radius: 10px;
      border: 1px solid var(--_border);
      background: var(--_surface);
      color: var(--_text);
    }
    .email input[aria-invalid='true'] {
      border-color: var(--_danger);
    }
    .email .link {
      justify-self: start;
      color: var(--_subtle);
    }
    .email-done {
      align-self: center;
      margin: 6px 0 10px;
      font-size: 13px;
      color: var(--_subtle);
    }
    .small {
      border: 0;
      border-radius: 10px;
      padding: 8px 12px;
      background: var(--_primary);
      color: var(--_on-primary);
      font-size: 14px;
      font-weight: 600;
    }
    .composer {
      display: flex;
      align-items: flex-end;
      gap: 8px;
      margin: 0;
      padding: 10px 12px calc(12px + env(safe-area-inset-bottom, 0px));
      border-top: 1px solid var(--_border);
      background: var(--_surface);
    }
    textarea {
      flex: 1;
      min-width: 0;
      max-height: 140px;
      resize: none;
      margin: 0;
      padding: 10px 14px;
      border: 1px solid var(--_border);
      border-radius: 20px;
      background: var(--_surface);
      color: var(--_text);
      font: 16px/1.35 var(--_font);
      transition: border-color 0.15s ease;
    }
    textarea:focus {
      border-color: color-mix(in srgb, var(--_primary) 60%, var(--_border));
    }
    textarea::placeholder {
      color: var(--_subtle);
    }
    .send {
      flex: none;
      display: grid;
      place-items: center;
      width: 42px;
      height: 42px;
      border: 0;
      border-radius: 50%;
      background: var(--_primary);
      color: var(--_on-primary);
      transition:
        opacity 0.15s ease,
        transform 0.15s ease;
    }
    .send:disabled {
      opacity: 0.4;
      cursor: default;
    }
    .send:not(:disabled):active {
      transform: scale(0.92);
    }
    .send svg {
      width: 20px;
      height: 20px;
      fill: currentColor;
      margin-inline-start: -2px;
    }
    :host(:dir(rtl)) .send svg {
      transform: scaleX(-1);
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
      :host,
      :host([position='left']),
      :host([position='right']) {
        inset: var(--_vvtop, 0px) 0 auto 0;
        width: 100%;
        max-width: none;
        height: var(--_vvh, 100dvh);
      }
      .panel {
        border-radius: 0;
      }
      header {
        padding-top: calc(14px + env(safe-area-inset-top, 0px));
      }
    }
    @media (prefers-reduced-motion: reduce) {
      :host,
      .dot,
      .typing i {
        animation: none;
      }
    }
  `;
