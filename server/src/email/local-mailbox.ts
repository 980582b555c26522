// The SES emulator (aws-ses-v2-local) for development and tests: `npm start` runs it on 127.0.0.1
// when no SES_ENDPOINT is set, so a new user sees reply emails arrive in its web mailbox.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalMailbox {
  /** SES API endpoint for the SDK. */
  endpoint: string;
  /** Web page listing received emails (the same address; `/store` is its JSON). */
  mailboxUrl: string;
  stop(): Promise<void>;
}

export async function startLocalMailbox(port = 0): Promise<LocalMailbox> {
  // Loaded only when used: production never needs the emulator (or its express stack).
  // A CommonJS module: Node's ESM loader puts its function at `default.default`, bundlers (vitest)
  // at `default`.
  const emulator = await import('aws-ses-v2-local');
  type Start = typeof emulator.default.default;
  const start = (emulator.default.default ?? emulator.default) as Start;
  const server: Server = await start({ host: '127.0.0.1', port });
  const { port: bound } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${bound}`;
  return {
    endpoint,
    mailboxUrl: `${endpoint}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
