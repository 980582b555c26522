// The inbox frame: two panes side by side when the element is wide, one pane at a time when narrow
// (a container query on the element itself), the empty-selection placeholder and the toasts.
export const supportAdminStyles = `
  :host {
    display: block; position: relative; height: 100%; min-height: 420px; container: support-inbox / inline-size;
    font: 14px/1.45 var(--_font); color: var(--_text); background: var(--_surface);
  }
  :host([hidden]) { display: none; }
  *, *::before, *::after { box-sizing: border-box; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  button { font: inherit; color: inherit; cursor: pointer; }
  button:focus-visible { outline: none; box-shadow: var(--_focus); }
  .inbox { display: grid; grid-template-columns: minmax(300px, 380px) 1fr; height: 100%; min-height: inherit; }
  .list-pane { border-inline-end: 1px solid var(--_border); min-width: 0; }
  .conversation-pane { min-width: 0; min-height: 0; display: flex; flex-direction: column; background: var(--support-color-canvas, #f8f9fb); }
  .conversation-pane > support-admin-conversation { flex: 1; }
  support-admin-conversation::part(back-button) { display: none; }
  .tool {
    display: grid; place-items: center; height: 32px; padding: 0 14px; border: 1px solid var(--_border); border-radius: 8px;
    background: var(--_surface); font-weight: 600;
  }
  .placeholder {
    margin: auto; display: grid; justify-items: center; gap: 4px; max-width: 340px; padding: 24px; text-align: center; color: var(--_subtle);
  }
  .placeholder svg { width: 64px; height: 64px; fill: none; stroke: color-mix(in srgb, var(--_primary) 45%, var(--_border)); stroke-width: 2.5; stroke-linejoin: round; stroke-linecap: round; }
  .placeholder p { margin: 0; }
  .placeholder-title { margin-top: 10px !important; font-size: 16px; font-weight: 650; color: var(--_text); }
  .spinner {
    width: 22px; height: 22px; border-radius: 50%; border: 2px solid var(--_border); border-top-color: var(--_primary);
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin { to { transform: rotate(360deg); } }
  .toasts {
    position: absolute; left: 50%; bottom: 20px; transform: translateX(-50%); display: grid; gap: 8px; z-index: 2;
    width: max-content; max-width: calc(100% - 32px);
  }
  .toast {
    display: flex; align-items: center; gap: 12px; padding-block: 10px; padding-inline: 16px 10px; border-radius: 12px;
    background: #1f2330; color: #fff; box-shadow: 0 12px 32px -8px rgb(16 24 40 / 0.35); animation: rise 0.2s ease-out;
  }
  .toast button { border: 0; background: transparent; color: #c7d2fe; font-weight: 700; padding: 4px 6px; border-radius: 6px; }
  .toast button:hover { background: rgb(255 255 255 / 0.1); }
  .toast .x { display: grid; place-items: center; color: #98a2b3; }
  .toast .x svg { width: 16px; height: 16px; fill: none; stroke: currentColor; stroke-width: 2.2; stroke-linecap: round; }
  @keyframes rise { from { opacity: 0; transform: translateY(8px); } }
  /* Named: the back button's own nearest container is the conversation, which is narrower. */
  @container support-inbox (max-width: 759px) {
    .inbox { grid-template-columns: 1fr; }
    .list-pane { border-inline-end: 0; }
    .inbox.has-open .list-pane { display: none; }
    .inbox:not(.has-open) .conversation-pane { display: none; }
    support-admin-conversation::part(back-button) { display: grid; }
  }
  @media (prefers-reduced-motion: reduce) { .spinner, .toast { animation: none; } }
`;
