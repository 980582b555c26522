// The two links a reply email carries: back into the chat, and out of these emails.
import { OPEN_PARAM } from '../../../widget/src/shared/protocol.js';
import type { Config } from '../config.js';
import { signUnsubscribeToken } from './unsubscribe-token.js';

/** The server's public base URL (PUBLIC_URL, else where it listens), without a trailing slash. */
export function appBaseUrl(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** CHAT_URL (else the server's own page with the widget) with `?support_chat=open`. */
export function chatLink(config: Pick<Config, 'publicUrl' | 'host' | 'port' | 'email'>): string {
  const url = new URL(config.email.chatUrl ?? `${appBaseUrl(config)}/`);
  url.searchParams.set(OPEN_PARAM, 'open');
  return url.toString();
}

export function unsubscribeLink(
  config: Pick<Config, 'publicUrl' | 'host' | 'port' | 'serverSecret'>,
  userId: string,
): string {
  const url = new URL(`${appBaseUrl(config)}/unsubscribe`);
  url.searchParams.set('token', signUnsubscribeToken(config.serverSecret, userId));
  return url.toString();
}
