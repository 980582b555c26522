// GET /ws: the one WebSocket endpoint (protocol in docs/protocol.md). Origin is checked before the
// upgrade; the token arrives in the first frame, never in the URL.
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';
import { originAllowed } from '../app.js';
import { AppError } from '../errors.js';
import { Connection } from '../realtime/connection.js';

/** Largest frame a client may send; ws closes with 1009 above it. */
export const MAX_FRAME_BYTES = 16 * 1024;

export default async function wsRoutes(app: FastifyInstance): Promise<void> {
  const { ws } = app.config;
  await app.register(websocket, {
    options: { maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false },
    // The hub closes sockets (1012) in its own preClose; ws's default would close them with 1005.
    preClose: (done) => done(),
    errorHandler: (err, socket, request) => {
      // Protocol errors (oversize, bad opcode) are the client's; ws has already sent the close.
      request.log.info({ err: { message: err.message } }, 'websocket protocol error');
      if (socket.readyState === WebSocket.OPEN) socket.terminate();
    },
  });

  app.get(
    '/ws',
    {
      websocket: true,
      config: { rateLimit: { max: ws.connectRateLimit, timeWindow: '1 minute' } },
      onRequest: async (request) => {
        if (!originAllowed(app.config, request.headers.origin)) {
          throw new AppError('origin_not_allowed', 'This origin may not open a socket');
        }
      },
    },
    (socket, request) => {
      new Connection(app, socket, request.log, {
        authTimeoutMs: ws.authTimeoutMs,
        maxBufferedBytes: ws.maxBufferedBytes,
      });
    },
  );
}
