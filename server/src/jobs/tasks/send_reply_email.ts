// graphile-worker task: email the user the admin replies they have not read, once per burst.
// Delivery is at-least-once, so all guards are re-checked in Postgres and the replies are claimed
// before sending (see reply-email-claims.ts).
//
// Trade-off, chosen on purpose: we never send twice, and accept that an email can be lost. If the
// process dies between the claim and SES's answer, or the connection breaks mid-request, the claim
// stays (a support_emails row without provider_message_id) and no retry sends those replies again.
// When SES answers with an error, or the request never reached it, the claim is released and the
// job throws, so graphile-worker retries with backoff.
import { eq } from 'drizzle-orm';
import type { JobHelpers, Task } from 'graphile-worker';
import type { Config } from '../../config.js';
import type { Database } from '../../db/client.js';
import { supportUsers } from '../../db/schema.js';
import { chatLink, unsubscribeLink } from '../../email/links.js';
import { buildMimeMessage, senderMailbox } from '../../email/reply-email.js';
import { classifySendFailure, type EmailTransport } from '../../email/ses.js';
import { noTelemetry, type EmailTelemetry } from '../../metrics/telemetry.js';
import { claimReplyEmail, confirmReplyEmail, dropReplyEmail, releaseReplyEmail, type ReplyEmailClaim } from '../reply-email-claims.js';

export interface SendReplyEmailDeps {
  db: Database;
  config: Config;
  transport: EmailTransport;
  /** Sent / skipped / failed counters (the app's metrics when the worker runs in-process). */
  telemetry?: EmailTelemetry;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function chatIdOf(payload: unknown): string | null {
  const chatId = (payload as { chat_id?: unknown } | null)?.chat_id;
  return typeof chatId === 'string' && UUID.test(chatId) ? chatId : null;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function createSendReplyEmail({ db, config, transport, telemetry = noTelemetry }: SendReplyEmailDeps): Task {
  const sender = senderMailbox(config.email.from, config.appName);

  async function send(claim: ReplyEmailClaim, helpers: JobHelpers): Promise<void> {
    const log = { chatId: claim.chatId, emailId: claim.emailId, fromSeq: claim.fromSeq, upToSeq: claim.upToSeq };
    let raw: string;
    try {
      // The language the widget last reported for this user (PATCH /api/chat/contact {locale}).
      const [user] = await db.select({ locale: supportUsers.locale }).from(supportUsers).where(eq(supportUsers.id, claim.userId));
      raw = buildMimeMessage({
        appName: config.appName,
        from: config.email.from,
        to: claim.toAddress,
        recipientName: claim.recipientName,
        replies: claim.replies,
        chatUrl: chatLink(config),
        unsubscribeUrl: unsubscribeLink(config, claim.userId),
        locale: user?.locale ?? null,
      });
    } catch (err) {
      telemetry.emailFailed('error');
      await releaseReplyEmail(db, claim);
      throw err;
    }

    let messageId: string;
    try {
      ({ messageId } = await transport.send({ from: sender.addr, to: claim.toAddress, raw }));
    } catch (err) {
      const failure = classifySendFailure(err);
      telemetry.emailFailed(failure);
      if (failure === 'retry') {
        const released = await releaseReplyEmail(db, claim);
        if (!released) helpers.logger.warn('reply email: a newer email already covers these replies', log);
        // graphile-worker keeps only the message as last_error: name the SES error in it.
        throw new Error(`SES did not send the reply email, will retry: ${errorText(err)}`, { cause: err });
      }
      if (failure === 'permanent') {
        await dropReplyEmail(db, claim);
        helpers.logger.error(`reply email rejected by SES, not retrying: ${errorText(err)}`, log);
        return;
      }
      helpers.logger.error(`reply email may or may not have been sent; not retrying so it is never sent twice: ${errorText(err)}`, log);
      return;
    }

    try {
      await confirmReplyEmail(db, claim, messageId);
    } catch (err) {
      // The email went out and the claim holds; only the provider id is missing from the audit row.
      helpers.logger.warn(`reply email sent but its message id was not recorded: ${errorText(err)}`, log);
    }
    telemetry.emailSent();
    helpers.logger.info('reply email sent', { ...log, replies: claim.replies.length, messageId });
  }

  return async (payload, helpers) => {
    const chatId = chatIdOf(payload);
    if (!chatId) {
      helpers.logger.error('reply email job without a valid chat_id; dropping it', { payload });
      return;
    }
    const result = await claimReplyEmail(db, chatId);
    if (result.kind === 'skip') {
      telemetry.emailSkipped(result.reason);
      helpers.logger.info(`reply email skipped: ${result.reason}`, { chatId, reason: result.reason });
      return;
    }
    await send(result.claim, helpers);
  };
}
