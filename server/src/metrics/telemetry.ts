// What the chat code reports about itself. Hub, connections, listener, services and the email task
// call these few methods; only metrics/registry.ts knows they become Prometheus metrics.

import type { SkipReason } from '../jobs/reply-email-claims.js';

export type EmailSkipReason = SkipReason;
export type EmailFailure = 'retry' | 'permanent' | 'ambiguous' | 'error';

export interface RealtimeTelemetry {
  /** An authenticated socket opened (`ready`) or closed. */
  socketOpened(role: 'user' | 'admin'): void;
  socketClosed(role: 'user' | 'admin'): void;
  /** A new_message frame went to a socket; `createdAt` is the message's created_at (ISO). */
  messageDelivered(createdAt: string, path: 'live' | 'replay'): void;
  /** A new subscription was replayed this many stored messages. */
  caughtUp(messages: number): void;
  /** The LISTEN connection was re-established after a drop. */
  listenerReconnected(): void;
  /** A request or frame was refused with rate_limited. */
  rateLimited(transport: 'http' | 'ws'): void;
}

export interface MessageTelemetry {
  /** A message was stored (not an idempotent resend); admin messages also queue a reply email. */
  messageStored(senderType: 'user' | 'admin'): void;
}

export interface EmailTelemetry {
  emailSent(): void;
  emailSkipped(reason: EmailSkipReason): void;
  emailFailed(reason: EmailFailure): void;
}

export type Telemetry = RealtimeTelemetry & MessageTelemetry & EmailTelemetry;

const nothing = () => {};

/** For code run without an app (scripts, benchmarks, a worker without metrics). */
export const noTelemetry: Telemetry = {
  socketOpened: nothing,
  socketClosed: nothing,
  messageDelivered: nothing,
  caughtUp: nothing,
  listenerReconnected: nothing,
  rateLimited: nothing,
  messageStored: nothing,
  emailSent: nothing,
  emailSkipped: nothing,
  emailFailed: nothing,
};
