// The chat list pane: header, search, tabs, cards (unread emphasis, selection), skeletons, empty states.
export const chatListStyles = `
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    height: 100%;
    background: var(--_surface);
    color: var(--_text);
    font: 14px/1.45 var(--_font);
  }
  *, *::before, *::after { box-sizing: border-box; }
  .sr {
    position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
  }
  button { font: inherit; color: inherit; cursor: pointer; }
  button:focus-visible, input:focus-visible { outline: none; box-shadow: var(--_focus); }
  header {
    display: flex; align-items: center; justify-content: space-between; gap: 8px;
    padding-block: 18px 10px; padding-inline: 20px 16px;
  }
  .title-row { display: flex; align-items: baseline; gap: 10px; min-width: 0; flex-wrap: wrap; }
  h1 { margin: 0; font-size: 19px; font-weight: 700; letter-spacing: -0.015em; }
  .status { display: inline-flex; align-items: center; gap: 6px; font-size: 12px; color: var(--_subtle); }
  .status .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--_success); }
  .status.connected .dot { box-shadow: 0 0 0 3px color-mix(in srgb, var(--_success) 22%, transparent); }
  .status.connecting .dot, .status.reconnecting .dot { background: var(--_warning); animation: pulse 1.2s ease-in-out infinite; }
  .status.offline .dot { background: var(--_danger); }
  .status.offline { color: var(--_danger); }
  @keyframes pulse { 50% { opacity: 0.3; } }
  .actions { display: flex; gap: 2px; flex: none; }
  .tool {
    display: grid; place-items: center; width: 32px; height: 32px; border: 0; border-radius: 8px; background: transparent; color: var(--_subtle);
  }
  .tool:hover { background: var(--_muted); color: var(--_text); }
  .tool.on { color: var(--_primary); }
  .tool svg { width: 18px; height: 18px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
  .search {
    position: relative; margin: 4px 16px 10px; display: flex; align-items: center;
  }
  .search > svg {
    position: absolute; inset-inline-start: 11px; width: 16px; height: 16px; fill: none; stroke: var(--_subtle); stroke-width: 2; stroke-linecap: round;
    pointer-events: none;
  }
  .search input {
    width: 100%; font: inherit; color: inherit; padding-block: 8px; padding-inline: 34px 32px; border-radius: 10px;
    border: 1px solid var(--_border); background: var(--_muted);
    transition: background 0.15s, border-color 0.15s;
  }
  .search input::placeholder { color: var(--_subtle); }
  .search input:focus { background: var(--_surface); border-color: var(--_primary); }
  .search input::-webkit-search-cancel-button { display: none; }
  .clear {
    position: absolute; inset-inline-end: 6px; width: 24px; height: 24px; display: grid; place-items: center; padding: 0;
    border: 0; border-radius: 6px; background: transparent; color: var(--_subtle);
  }
  .clear svg { width: 14px; height: 14px; fill: none; stroke: currentColor; stroke-width: 2.2; stroke-linecap: round; }
  .clear:hover { background: var(--_border); color: var(--_text); }
  .tabs { display: flex; gap: 4px; padding: 0 16px; border-bottom: 1px solid var(--_border); }
  .tab {
    display: inline-flex; align-items: center; gap: 7px; padding: 9px 10px 10px; margin-bottom: -1px;
    border: 0; border-bottom: 2px solid transparent; background: none; color: var(--_subtle); font-weight: 600;
    border-radius: 6px 6px 0 0;
  }
  .tab:hover { color: var(--_text); }
  .tab[aria-selected='true'] { color: var(--_primary); border-bottom-color: var(--_primary); }
  .count {
    min-width: 22px; padding: 1px 7px; border-radius: 999px; font-size: 12px; font-weight: 600; text-align: center;
    background: var(--_muted); color: var(--_subtle);
  }
  .tab[aria-selected='true'] .count { background: color-mix(in srgb, var(--_primary) 12%, var(--_surface)); color: var(--_primary); }
  .scroller { flex: 1; min-height: 0; overflow-y: auto; overscroll-behavior: contain; position: relative; }
  .cards { list-style: none; margin: 0; padding: 6px 8px 12px; display: grid; gap: 2px; }
  .card {
    position: relative; width: 100%; display: flex; gap: 12px; align-items: flex-start; text-align: start;
    padding-block: 12px; padding-inline: 14px 12px; border: 0; border-radius: 12px; background: transparent;
    transition: background 0.12s;
  }
  .card:hover { background: var(--_muted); }
  .card.selected { background: color-mix(in srgb, var(--_primary) 9%, var(--_surface)); }
  .card.selected .preview, .card.selected .meta, .card.selected .subtitle, .card.selected .you { color: #475467; }
  .card.unread::before {
    content: ''; position: absolute; inset-inline-start: 3px; inset-block: 14px; width: 3px; border-radius: 3px; background: var(--_primary);
  }
  .avatar {
    flex: none; width: 38px; height: 38px; border-radius: 50%; display: grid; place-items: center;
    font-size: 13px; font-weight: 700; letter-spacing: 0.02em; color: #fff; background: #98a2b3;
  }
  .hue-0 { background: #4f46e5; } .hue-1 { background: #107569; } .hue-2 { background: #c4320a; } .hue-3 { background: #6941c6; }
  .hue-4 { background: #175cd3; } .hue-5 { background: #c11574; } .hue-6 { background: #4e5ba6; } .hue-7 { background: #b54708; }
  .body { flex: 1; min-width: 0; display: grid; gap: 1px; }
  .top { display: flex; align-items: center; gap: 8px; min-width: 0; }
  /* Names and emails run in their own direction (dir="auto": an email cut at its end, not its start)
     yet line up with the inbox's side. */
  .name, .subtitle { text-align: match-parent; text-align: -webkit-match-parent; }
  .name { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 500; }
  .unread .name { font-weight: 700; }
  .unread-dot { flex: none; width: 9px; height: 9px; border-radius: 50%; background: var(--_primary); }
  .subtitle { font-size: 12px; color: var(--_subtle); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .preview {
    color: var(--_subtle); overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
    overflow-wrap: anywhere; white-space: normal; margin-top: 1px;
  }
  .unread .preview { color: var(--_text); }
  .you { color: var(--_subtle); font-weight: 600; }
  .meta { font-size: 12px; color: var(--_subtle); margin-top: 3px; }
  .meta time::before { content: '·'; margin-inline: 0.4em; color: var(--_subtle); font-weight: 400; }
  .unread .meta time { color: var(--_primary); font-weight: 600; }
  .ghost { pointer-events: none; }
  .ghost .avatar, .ghost i {
    background: linear-gradient(90deg, var(--_muted) 25%, color-mix(in srgb, var(--_border) 70%, var(--_surface)) 50%, var(--_muted) 75%);
    background-size: 200% 100%; animation: shimmer 1.3s linear infinite;
  }
  .ghost i { display: block; height: 10px; border-radius: 5px; margin: 5px 0; }
  .ghost i:nth-child(1) { width: 55%; } .ghost i:nth-child(2) { width: 90%; } .ghost i:nth-child(3) { width: 35%; }
  @keyframes shimmer { to { background-position: -200% 0; } }
  .empty { display: grid; justify-items: center; text-align: center; gap: 6px; padding: 56px 28px; color: var(--_subtle); }
  .empty-icon { width: 44px; height: 44px; fill: none; stroke: color-mix(in srgb, var(--_subtle) 60%, transparent); stroke-width: 2; stroke-linejoin: round; }
  .empty-title { margin: 8px 0 0; font-weight: 650; color: var(--_text); font-size: 15px; }
  .empty-hint { margin: 0; max-width: 30ch; }
  .button {
    margin-top: 8px; padding: 7px 14px; border-radius: 8px; border: 1px solid var(--_border); background: var(--_surface); font-weight: 600;
  }
  .sentinel { display: grid; place-items: center; padding: 10px 0 18px; }
  .spinner {
    width: 18px; height: 18px; border-radius: 50%; border: 2px solid var(--_border); border-top-color: var(--_primary);
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin { to { transform: rotate(360deg); } }
  @media (prefers-reduced-motion: reduce) {
    .spinner, .ghost i, .ghost .avatar, .status .dot { animation: none; }
  }
`;
