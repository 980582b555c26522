// web-test-runner plugin: boots the real support-chat server once for the run (serverStart) and
// offers it to tests as server commands. Reused by the <support-admin> tests.
//   import { executeServerCommand } from '@web/test-runner-commands';
//   const { url } = await executeServerCommand('support-server', { action: 'info' });
//   actions: info → {url}; token {sub, admin?, expiresIn?, name?} → string; stop; start.
import { register } from 'tsx/esm/api';

export function supportServerPlugin() {
  let server;
  return {
    name: 'support-server',
    async serverStart() {
      register();
      const { startSupportServer } = await import('./support-server.ts');
      server = await startSupportServer();
    },
    async serverStop() {
      await server?.close();
    },
    async executeCommand({ command, payload = {} }) {
      if (command !== 'support-server') return undefined;
      switch (payload.action) {
        case 'info':
          return { url: server.url, running: server.running() };
        case 'token':
          return server.token(payload.sub, payload);
        case 'stop':
          await server.stop();
          return true;
        case 'start':
          await server.start();
          return true;
        default:
          throw new Error(`support-server: unknown action ${payload.action}`);
      }
    },
  };
}
