// Browser-side helpers for tests against the real server booted by support-server-plugin.mjs.
import { executeServerCommand } from '@web/test-runner-commands';
import type { Message } from '../src/shared/protocol.js';

export interface ServerInfo {
  url: string;
}

export async function serverInfo(): Promise<ServerInfo> {
  return (await executeServerCommand('support-server', { action: 'info' })) as ServerInfo;
}

export async function mintToken(sub: string, options: { admin?: boolean; expiresIn?: number; name?: string } = {}): Promise<string> {
  return (await executeServerCommand('support-server', { action: 'token', sub, ...options })) as string;
}

export const stopServer = () => executeServerCommand('support-server', { action: 'stop' });
export const startServer = () => executeServerCommand('support-server', { action: 'start' });

export const uniqueSub = (prefix = 'user') => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

export async function api<T>(url: string, token: string, method = 'GET', body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The chat of `userToken`'s user, created when missing. */
export async function chatOf(server: string, userToken: string) {
  return api<{ chat: { id: string; admin_viewed_at: string | null }; messages: Message[] }>(`${server}/api/chat?limit=200`, userToken);
}

export async function adminReply(server: string, adminToken: string, chatId: string, content: string): Promise<Message> {
  return api<Message>(`${server}/api/admin/chats/${chatId}/messages`, adminToken, 'POST', {
    client_id: `a-${Math.random().toString(36).slice(2)}`,
    content,
  });
}

export async function waitFor(check: () => boolean | Promise<boolean>, message: string, timeout = 10_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > timeout) throw new Error(`Timed out waiting for: ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
