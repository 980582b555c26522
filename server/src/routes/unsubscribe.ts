// One-click unsubscribe from reply emails, no login: the signed token names the user.
// GET shows a confirmation page (link scanners prefetch GETs, so it changes nothing); POST
// unsubscribes, from that page's button or from a mail client (RFC 8058). Both are idempotent.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { supportUsers } from '../db/schema.js';
import { escapeHtml } from '../email/escape.js';
import { verifyUnsubscribeToken } from '../email/unsubscribe-token.js';

interface UnsubscribeQuery {
  token?: string;
}

const querySchema = {
  type: 'object',
  properties: { token: { type: 'string' } },
} as const;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
  body { margin: 0; background: #f4f5f7; font: 15px/1.5 -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #111827; }
  main { max-width: 460px; margin: 64px auto; padding: 28px 32px; background: #fff; border: 1px solid #e3e5e8; border-radius: 8px; }
  h1 { margin: 0 0 12px; font-size: 20px; font-weight: 600; }
  p { margin: 0 0 16px; color: #374151; }
  button { font: inherit; font-weight: 600; color: #fff; background: #2563eb; border: 0; border-radius: 6px; padding: 10px 18px; cursor: pointer; }
  button:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  // The token is in the URL: keep the page out of caches and referrers.
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html);
}

const badLink = page(
  'This link is not valid',
  '<p>The unsubscribe link is incomplete or was changed. Please use the link from the most recent email.</p>',
);

const unsubscribeRoutes: FastifyPluginAsync = async (app) => {
  // Mail clients send `List-Unsubscribe=One-Click` form-encoded (some as multipart); the token is
  // in the query string, so the body only has to be accepted. Scoped to this plugin.
  app.addContentTypeParser(
    ['application/x-www-form-urlencoded', 'multipart/form-data'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );

  app.get<{ Querystring: UnsubscribeQuery }>(
    '/unsubscribe',
    { schema: { hide: true, querystring: querySchema } },
    async (request, reply) => {
      const userId = verifyUnsubscribeToken(app.config.serverSecret, request.query.token);
      if (!userId) return sendPage(reply, 400, badLink);
      const [user] = await app.db
        .select({ unsubscribedAt: supportUsers.unsubscribedAt })
        .from(supportUsers)
        .where(eq(supportUsers.id, userId));
      const name = `${app.config.appName} Support`;
      if (!user || user.unsubscribedAt) {
        return sendPage(reply, 200, page('You are unsubscribed', `<p>You will not get emails about replies from ${escapeHtml(name)}.</p>`));
      }
      const action = `/unsubscribe?token=${encodeURIComponent(request.query.token!)}`;
      return sendPage(
        reply,
        200,
        page(
          'Unsubscribe from reply emails?',
          `<p>${escapeHtml(name)} emails you when they answer and you have not read the reply yet. You can still read every reply in the chat.</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit">Unsubscribe</button></form>`,
        ),
      );
    },
  );

  app.post<{ Querystring: UnsubscribeQuery }>(
    '/unsubscribe',
    { schema: { hide: true, querystring: querySchema } },
    async (request, reply) => {
      const userId = verifyUnsubscribeToken(app.config.serverSecret, request.query.token);
      if (!userId) return sendPage(reply, 400, badLink);
      await app.db
        .update(supportUsers)
        .set({ unsubscribedAt: sql`clock_timestamp()`, updatedAt: sql`clock_timestamp()` })
        .where(and(eq(supportUsers.id, userId), isNull(supportUsers.unsubscribedAt)));
      request.log.info({ userId }, 'unsubscribed from reply emails');
      return sendPage(
        reply,
        200,
        page('You are unsubscribed', `<p>You will not get emails about replies from ${escapeHtml(`${app.config.appName} Support`)} any more.</p>`),
      );
    },
  );
};

export default unsubscribeRoutes;
