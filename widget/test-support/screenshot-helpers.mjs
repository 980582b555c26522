// What the docs screenshot scripts share: the real server against a fresh database
// (support-server.ts, loaded through tsx), REST calls as a token, and Chromium (scripts/chromium.mjs).
import { chromium } from 'playwright-core';
import { register } from 'tsx/esm/api';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

register();
const { startSupportServer } = await import('./support-server.ts');

/**
 * Starts the server. `call(path, token, method, body)` answers the JSON or throws (token '' sends
 * none); `say(path, token, content)` posts a message as the user (/api/chat/messages) or an agent.
 */
export async function startScreenshotServer() {
  const server = await startSupportServer();
  const call = async (path, token, method = 'GET', body) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  let n = 0;
  const say = (path, token, content) => call(path, token, 'POST', { client_id: `shot-${++n}`, content });
  return { server, call, say };
}

/** @param {string[]} [extraArgs] after the common flags */
export function launchChromium(extraArgs) {
  return chromium.launch(chromiumLaunchOptions(extraArgs));
}
