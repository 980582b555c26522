// One conversation: header, the message log (customer at the inline start, agents at the end, so
// mirrored right to left), dividers, composer. Logical properties throughout.
export const conversationStyles = `
  :host { container-type: inline-size; display: flex; flex-direction: column; min-height: 0; height: 100%; font: 14px/1.5 var(--_font); color: var(--_text); }
  *, *::before, *::after { box-sizing: border-box; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  button { font: inherit; color: inherit; cursor: pointer; }
  button:focus-visible, textarea:focus-visible, .messages:focus-visible { outline: none; box-shadow: var(--_focus); }
  .conversation { display: flex; flex-direction: column; height: 100%; min-height: 0; background: var(--support-color-canvas, #f8f9fb); }
  header {
    display: flex; align-items: center; gap: 12px; padding: 12px 16px; min-height: 64px;
    background: var(--_surface); border-bottom: 1px solid var(--_border);
  }
  .icon {
    flex: none; display: grid; place-items: center; width: 36px; height: 36px; border: 0; border-radius: 10px; background: transparent;
  }
  .icon:hover { background: var(--_muted); }
  :host(:dir(rtl)) .back svg, :host(:dir(rtl)) .send svg { transform: scaleX(-1); }
  .icon svg, .button svg { width: 18px; height: 18px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
  .avatar {
    flex: none; width: 36px; height: 36px; border-radius: 50%; display: grid; place-items: center;
    font-size: 13px; font-weight: 700; color: #fff; background: #98a2b3;
  }
  .hue-0 { background: #4f46e5; } .hue-1 { background: #107569; } .hue-2 { background: #c4320a; } .hue-3 { background: #6941c6; }
  .hue-4 { background: #175cd3; } .hue-5 { background: #c11574; } .hue-6 { background: #4e5ba6; } .hue-7 { background: #b54708; }
  .who { flex: 1; min-width: 0; }
  h2 { margin: 0; font-size: 16px; font-weight: 650; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .sub { display: flex; align-items: center; gap: 8px; margin: 0; font-size: 12px; color: var(--_subtle); min-height: 18px; }
  .sub > span:not(.badge) { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  /* Names and emails run in their own direction (dir="auto") yet line up with the inbox's side. */
  h2, .sub > span[dir] { text-align: match-parent; text-align: -webkit-match-parent; }
  .typing-text { color: var(--_primary); font-weight: 600; }
  .badge {
    padding: 0 8px; border-radius: 999px; font-weight: 600; font-size: 11px; line-height: 18px;
    background: color-mix(in srgb, var(--_warning) 16%, var(--_surface)); color: #93370d;
  }
  .header-actions { display: flex; gap: 8px; flex: none; }
  .button {
    display: inline-flex; align-items: center; gap: 6px; padding: 7px 12px; border-radius: 9px;
    border: 1px solid var(--_border); background: var(--_surface); font-weight: 600; font-size: 13px;
  }
  .button:hover { background: var(--_muted); }
  .button:disabled { opacity: 0.6; cursor: progress; }
  .messages {
    flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain; padding: 20px clamp(14px, 4%, 40px) 12px;
    display: flex; flex-direction: column; gap: 2px;
  }
  .top-sentinel { display: grid; place-items: center; min-height: 8px; padding-bottom: 8px; }
  .spinner {
    width: 18px; height: 18px; border-radius: 50%; border: 2px solid var(--_border); border-top-color: var(--_primary);
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin { to { transform: rotate(360deg); } }
  .row { display: grid; justify-items: start; max-width: min(78%, 640px); }
  .row.user { align-self: flex-start; }
  .row.admin { align-self: flex-end; justify-items: end; }
  .row.first { margin-top: 10px; }
  .row.last { margin-bottom: 6px; }
  .sender { font-size: 12px; font-weight: 600; color: var(--_subtle); margin: 0 6px 3px; }
  .bubble {
    padding: 9px 13px; border-radius: 16px; white-space: pre-wrap; overflow-wrap: anywhere;
    /* Each paragraph runs in its own script's direction: English typed in an Arabic inbox too. */
    unicode-bidi: plaintext; text-align: start;
    background: var(--_surface); color: var(--_text); box-shadow: 0 0 0 1px var(--_border);
  }
  .user .bubble { border-start-start-radius: 6px; }
  .admin .bubble { background: color-mix(in srgb, var(--_primary) 10%, var(--_surface)); box-shadow: none; border-start-end-radius: 6px; }
  .admin.mine .bubble { background: var(--_primary); color: var(--_on-primary); }
  .admin.mine .bubble a { color: inherit; }
  .bubble a { color: var(--_primary); text-decoration: underline; text-underline-offset: 2px; }
  .pending .bubble { opacity: 0.6; }
  .failed .bubble {
    background: color-mix(in srgb, var(--_danger) 10%, var(--_surface)); color: var(--_text);
    box-shadow: inset 0 0 0 1px color-mix(in srgb, var(--_danger) 45%, transparent);
  }
  .meta { display: flex; gap: 4px; align-items: baseline; margin: 3px 6px 0; font-size: 12px; color: var(--_subtle); }
  .seen { color: var(--_primary); font-weight: 600; }
  .seen::before { content: '·'; margin-inline-end: 4px; color: var(--_subtle); font-weight: 400; }
  .error { color: var(--_danger); font-weight: 600; }
  .link {
    border: 0; padding: 0 2px; background: none; color: var(--_primary); font-size: 12px; font-weight: 600; text-decoration: underline; border-radius: 4px;
  }
  .divider {
    display: flex; align-items: center; gap: 12px; margin: 16px 0 6px; color: var(--_subtle); font-size: 12px; font-weight: 600;
  }
  .divider::before, .divider::after { content: ''; flex: 1; height: 1px; background: var(--_border); }
  .divider span { padding: 2px 10px; border-radius: 999px; background: var(--_surface); box-shadow: 0 0 0 1px var(--_border); }
  .typing .bubble { display: flex; gap: 4px; padding: 13px 14px; }
  .typing i { width: 6px; height: 6px; border-radius: 50%; background: var(--_subtle); animation: blink 1.2s infinite ease-in-out; }
  .typing i:nth-child(2) { animation-delay: 0.15s; }
  .typing i:nth-child(3) { animation-delay: 0.3s; }
  @keyframes blink { 0%, 80%, 100% { opacity: 0.25; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-2px); } }
  .ghosts { display: flex; flex-direction: column; gap: 14px; padding-top: 10px; }
  .g {
    display: block; height: 38px; width: 46%; border-radius: 16px;
    background: linear-gradient(90deg, var(--_muted) 25%, color-mix(in srgb, var(--_border) 70%, var(--_surface)) 50%, var(--_muted) 75%);
    background-size: 200% 100%; animation: shimmer 1.3s linear infinite;
  }
  .g.short { width: 28%; }
  .g.admin { align-self: flex-end; }
  @keyframes shimmer { to { background-position: -200% 0; } }
  .state-error { margin: auto; text-align: center; color: var(--_subtle); }
  .composer {
    display: flex; align-items: flex-end; gap: 8px; margin: 0 16px 16px; padding-block: 8px; padding-inline: 14px 8px;
    background: var(--_surface); border: 1px solid var(--_border); border-radius: 14px;
    box-shadow: 0 1px 2px rgb(16 24 40 / 0.05);
  }
  .composer:focus-within { border-color: var(--_primary); box-shadow: var(--_focus); }
  textarea {
    flex: 1; min-height: 24px; max-height: 180px; resize: none; border: 0; padding: 6px 0; margin: 0;
    font: inherit; color: inherit; background: transparent; outline: none;
    unicode-bidi: plaintext; text-align: start;
  }
  textarea:focus-visible { box-shadow: none; }
  textarea::placeholder { color: var(--_subtle); }
  .send {
    flex: none; display: grid; place-items: center; width: 38px; height: 38px; border: 0; border-radius: 10px;
    background: var(--_primary); color: var(--_on-primary); transition: opacity 0.15s;
  }
  .send:disabled { opacity: 0.4; cursor: default; }
  .send svg { width: 18px; height: 18px; fill: currentColor; }
  .composer { margin-bottom: 6px; }
  .hint { margin: 0 18px 10px; font-size: 11px; color: var(--_subtle); text-align: end; }
  /* Icons only unless the header has room for the labels and the name (German labels are long). */
  @container (max-width: 720px) {
    .button { padding: 7px 9px; }
    .button .label { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  }
  @container (max-width: 480px) {
    .hint { display: none; }
    .composer { margin: 0 10px 10px; }
  }
  @media (prefers-reduced-motion: reduce) { .spinner, .typing i, .g { animation: none; } }
`;
