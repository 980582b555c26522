// Decorates the app with its realtime hub and ties the hub to the app's lifecycle: LISTEN starts
// before the server accepts sockets, heartbeats run while it is up, shutdown closes sockets with
// 1012 (reconnect elsewhere) and then stops listening.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CLOSE } from '../schemas/frames.js';
import { Hub } from './hub.js';
import { createEventListener, type EventListener } from './listener.js';

declare module 'fastify' {
  interface FastifyInstance {
    hub: Hub;
  }
}

/** How long shutdown waits for clients to answer the close before dropping them. */
const SHUTDOWN_GRACE_MS = 2_000;

async function realtimePlugin(app: FastifyInstance): Promise<void> {
  const log = app.log.child({ component: 'realtime' });
  const hub = new Hub(app.chats, log, { telemetry: app.metrics });
  let heartbeat: NodeJS.Timeout | null = null;
  const listener: EventListener = createEventListener(app.sql, {
    onEvent: (event) => {
      // Every instance caches users: a deleted one must not be served from the cache.
      if (event.e === 'deleted' && event.user_sub) app.users.forget(event.user_sub);
      hub.handleEvent(event);
    },
    onListen: () => {
      if (listener.listens > 1) {
        log.warn({ listens: listener.listens }, 'LISTEN re-established; catching subscribers up');
        app.metrics.listenerReconnected();
      }
      hub.catchUpAll();
    },
    onBadPayload: () => log.warn('ignored a notification that is not a chat event'),
  });
  app.decorate('hub', hub);

  app.addHook('onReady', async () => {
    await listener.start();
    heartbeat = setInterval(() => hub.heartbeat(), app.config.ws.pingIntervalMs);
    heartbeat.unref();
  });
  app.addHook('preClose', async () => {
    if (heartbeat) clearInterval(heartbeat);
    await hub.closeAll(CLOSE.RESTART, 'server_restart', SHUTDOWN_GRACE_MS);
  });
  app.addHook('onClose', async () => {
    await listener.stop();
  });
}

export default fp(realtimePlugin, { name: 'realtime-hub' });
