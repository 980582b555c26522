// Data-rights actions in the conversation header: export everything held about the customer as a
// JSON file, or erase it after an explicit confirmation (GET / DELETE /api/admin/users/:id).
import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { fill } from '../i18n/i18n.js';
import type { ApiClient } from '../shared/api-client.js';
import { isolate } from './chat-display.js';
import type { ListChat } from './inbox-store.js';
import type { Strings } from './strings.js';

export class SupportAdminUserActions extends LitElement {
  static override styles = css`
    :host { display: inline-flex; gap: 8px; align-items: center; position: relative; }
    button {
      display: inline-flex; align-items: center; gap: 6px; padding: 7px 12px; border-radius: 9px; cursor: pointer;
      border: 1px solid var(--_border, #d0d5dd); background: var(--_surface, #fff); font: inherit; font-weight: 600;
      font-size: 13px; color: inherit;
    }
    button:hover { background: var(--_muted, #f2f4f7); }
    button:focus-visible { outline: none; box-shadow: var(--_focus, 0 0 0 3px #c7d2fe); }
    button:disabled { opacity: 0.6; cursor: progress; }
    .danger { color: #b42318; }
    .confirm {
      position: absolute; inset-block-start: calc(100% + 8px); inset-inline-end: 0; z-index: 5; width: 300px;
      padding: 14px; border-radius: 12px; background: var(--_surface, #fff); color: inherit;
      box-shadow: 0 12px 32px rgb(16 24 40 / 0.18), 0 0 0 1px var(--_border, #d0d5dd); font-size: 13px;
    }
    .confirm p { margin: 0 0 12px; line-height: 1.45; }
    .confirm .row { display: flex; gap: 8px; justify-content: end; }
    .confirm .erase { background: #b42318; border-color: #b42318; color: #fff; }
    .error { color: #b42318; }
    svg { width: 16px; height: 16px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
    /* Narrow conversation (phones, or beside the list on a small screen): icons only, as the archive
       button; names stay in aria-label and title. */
    @container (max-width: 720px) {
      button .label { display: none; }
      button { padding: 7px 9px; }
      .confirm button .label { display: inline; }
    }
  `;

  static override properties = {
    chat: { attribute: false },
    api: { attribute: false },
    strings: { attribute: false },
    state: { state: true },
  };

  declare chat: ListChat;
  declare api: ApiClient;
  declare strings: Strings;
  declare state: 'idle' | 'confirming' | 'working' | 'failed';

  constructor() {
    super();
    this.state = 'idle';
  }

  #who(): string {
    return this.chat.user_email ?? this.chat.user_name ?? this.strings.customer;
  }

  async #export(): Promise<void> {
    try {
      const data = await this.api.request<unknown>('GET', `/api/admin/users/${this.chat.user_id}/export`);
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `support-chat-${this.chat.user_email ?? this.chat.user_id}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch {
      this.#emit('user-action-failed', this.strings.exportFailed);
    }
  }

  async #erase(): Promise<void> {
    this.state = 'working';
    try {
      await this.api.request('DELETE', `/api/admin/users/${this.chat.user_id}`, { confirm: this.chat.user_id });
      this.state = 'idle';
      this.#emit('user-deleted', this.chat.id);
    } catch {
      this.state = 'failed';
    }
  }

  #emit(type: string, detail: string): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  override render(): TemplateResult {
    const s = this.strings;
    return html`<button type="button" part="export-button" aria-label=${s.exportData} title=${s.exportData} @click=${() => void this.#export()}>
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 4v11M7 10l5 5 5-5M5 20h14" /></svg
        ><span class="label">${s.exportData}</span>
      </button>
      <button
        type="button"
        class="danger"
        part="delete-user-button"
        aria-label=${s.deleteData}
        title=${s.deleteData}
        aria-expanded=${this.state === 'idle' ? 'false' : 'true'}
        @click=${() => (this.state = this.state === 'idle' ? 'confirming' : 'idle')}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" /></svg
        ><span class="label">${s.deleteData}</span>
      </button>
      ${this.state === 'idle'
        ? nothing
        : html`<div class="confirm" role="alertdialog" aria-label=${s.deleteData} part="delete-user-confirm">
            <p>${this.state === 'failed' ? html`<span class="error">${s.deleteDataFailed}</span>` : fill(s.deleteDataConfirm, { name: isolate(this.#who()) })}</p>
            <div class="row">
              <button type="button" @click=${() => (this.state = 'idle')}>${s.cancel}</button>
              <button type="button" class="erase" ?disabled=${this.state === 'working'} @click=${() => void this.#erase()}>
                ${s.deleteDataAction}
              </button>
            </div>
          </div>`}`;
  }
}
