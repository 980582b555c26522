// The events the widgets dispatch: all `support-` prefixed, bubbling and composed so the host page
// can listen on the element or anywhere above it. Detail types are the documented contract.
import type { ConnectionState } from './chat-connection.js';
import type { Message } from './protocol.js';

export interface SupportEventMap {
  'support-open': undefined;
  'support-close': undefined;
  'support-unread-change': { count: number };
  'support-message': { message: Message };
  'support-connection-change': { state: ConnectionState };
  /** The token was refused or expired: set a fresh `token` on the element. */
  'support-token-expired': { reason: string };
}

declare global {
  interface HTMLElementEventMap {
    'support-open': CustomEvent<undefined>;
    'support-close': CustomEvent<undefined>;
    'support-unread-change': CustomEvent<{ count: number }>;
    'support-message': CustomEvent<{ message: Message }>;
    'support-connection-change': CustomEvent<{ state: ConnectionState }>;
    'support-token-expired': CustomEvent<{ reason: string }>;
  }
}

export function emit<K extends keyof SupportEventMap>(target: EventTarget, type: K, detail: SupportEventMap[K]): boolean {
  return target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
