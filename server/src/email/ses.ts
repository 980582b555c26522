// Sends raw MIME through Amazon SES (SendRawEmail, so List-Unsubscribe headers survive) and sorts
// failures into: retry (SES certainly did not take it), permanent (it never will), ambiguous.
import { SESClient, SendRawEmailCommand, SESServiceException } from '@aws-sdk/client-ses';

export interface OutgoingEmail {
  from: string;
  to: string;
  raw: string;
}

/** Where emails go. SES in production; tests and `npm start` use the same class against the emulator. */
export interface EmailTransport {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

export interface SesTransportOptions {
  region: string;
  /** SES_ENDPOINT (the local emulator, or a VPC endpoint); unset for the regional endpoint. */
  endpoint?: string | undefined;
  /** Leave unset for the standard AWS chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** Credentials for endpoints on this machine (the emulator only checks that requests are signed). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

export function createSesTransport(options: SesTransportOptions): EmailTransport {
  const credentials =
    options.credentials ??
    (options.endpoint && isLoopback(options.endpoint) && !process.env.AWS_ACCESS_KEY_ID ? LOCAL_CREDENTIALS : undefined);
  const client = new SESClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    // The job queue retries with backoff and knows what was claimed; an SDK retry after a timeout
    // could deliver the same email twice.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
  });
  return {
    async send(email) {
      const result = await client.send(
        new SendRawEmailCommand({
          Source: email.from,
          Destinations: [email.to],
          RawMessage: { Data: Buffer.from(email.raw, 'utf8') },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
    close() {
      client.destroy();
    },
  };
}

export type SendFailure = 'retry' | 'permanent' | 'ambiguous';

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestThrottled']);
// Sending is paused for the account or configuration set: an operator can fix it, so keep trying
// (max_attempts bounds it) instead of dropping the email.
const PAUSED = new Set(['AccountSendingPausedException', 'ConfigurationSetSendingPausedException']);
// The request never left this machine (or never reached SES): safe to send again.
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * retry: SES answered with an error or the request never reached it, so nothing was sent.
 * permanent: SES refused this email (bad address, unverified sender): retrying cannot help.
 * ambiguous: the connection broke mid-request; SES may have accepted the email.
 */
export function classifySendFailure(err: unknown): SendFailure {
  if (err instanceof SESServiceException || (err as { $fault?: string })?.$fault !== undefined) {
    const e = err as SESServiceException;
    const status = e.$metadata?.httpStatusCode ?? 0;
    if (THROTTLING.has(e.name) || PAUSED.has(e.name) || status === 429 || e.$fault === 'server' || status >= 500) {
      return 'retry';
    }
    return 'permanent';
  }
  const error = err as { name?: string; code?: string; cause?: { code?: string } } | undefined;
  if (error?.name === 'CredentialsProviderError' || error?.name === 'ProviderError') return 'retry';
  const code = error?.code ?? error?.cause?.code;
  if (code && NOT_CONNECTED.has(code)) return 'retry';
  return 'ambiguous';
}
