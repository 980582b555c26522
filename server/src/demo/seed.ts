// A little history for the demo inbox, written through the real ChatService. Runs only against the
// embedded database and only once (skipped when demo chats exist).
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { supportChats, supportMessages, supportUsers } from '../db/schema.js';
import type { ChatService } from '../services/chat-service.js';
import { replyEmailJobKey } from '../jobs/enqueue.js';
import { DEMO_PEOPLE } from './tokens.js';

const HISTORY: { user: { sub: string; email: string; name: string }; archived?: boolean; lines: [('user' | 'admin'), string, number][] }[] = [
  {
    user: { sub: 'demo-carol', email: 'carol@example.com', name: 'Carol Nguyen' },
    lines: [
      ['user', 'Hi! I was charged twice for my March invoice. Can you check?', 26 * 60],
      ['admin', 'Sorry about that, Carol. I can see the duplicate charge and have refunded it.', 25 * 60],
      ['admin', 'The refund usually shows up within 3 to 5 business days.', 25 * 60 - 1],
      ['user', 'Great, thank you! One more thing: can I switch to yearly billing?', 40],
    ],
  },
  {
    user: { sub: 'demo-dan', email: 'dan@example.com', name: 'Dan Alvarez' },
    lines: [
      ['user', 'How do I export my projects as CSV?', 3 * 24 * 60],
      ['admin', 'Open a project, then Settings > Export. You can pick CSV or JSON there.', 3 * 24 * 60 - 5],
      ['user', 'Found it, thanks!', 3 * 24 * 60 - 9],
    ],
    archived: true,
  },
  {
    user: { sub: 'demo-erin', email: 'erin@example.com', name: 'Erin Walsh' },
    lines: [['user', 'Is there a discount for non-profits? 🙏', 7]],
  },
];

export async function seedDemoData(db: Database, chats: ChatService): Promise<boolean> {
  const [existing] = await db.select({ id: supportUsers.id }).from(supportUsers).where(eq(supportUsers.externalId, 'demo-carol'));
  if (existing) return false;
  const [agent] = await db
    .insert(supportUsers)
    .values({ externalId: DEMO_PEOPLE.agent.sub, email: DEMO_PEOPLE.agent.email, name: DEMO_PEOPLE.agent.name })
    .onConflictDoUpdate({ target: supportUsers.externalId, set: { name: DEMO_PEOPLE.agent.name } })
    .returning();
  if (!agent) return false;
  for (const entry of HISTORY) {
    const [user] = await db
      .insert(supportUsers)
      .values({ externalId: entry.user.sub, email: entry.user.email, name: entry.user.name })
      .returning();
    if (!user) continue;
    const chat = await chats.getOrCreateChat(user.id);
    for (const [index, [sender, content]] of entry.lines.entries()) {
      const { message } = await chats.sendMessage(
        chat.id,
        sender === 'user' ? { type: 'user', userId: user.id } : { type: 'admin', userId: agent.id },
        `demo-seed-${index}`,
        content,
      );
      const minutesAgo = entry.lines[index]![2];
      const at = sql`now() - make_interval(mins => ${minutesAgo})`;
      await db.update(supportMessages).set({ createdAt: at, readAt: sender === 'admin' ? at : null }).where(eq(supportMessages.id, message.id));
    }
    const lastMinutes = entry.lines[entry.lines.length - 1]![2];
    const lastUser = [...entry.lines].reverse().find(([s]) => s === 'user')?.[2] ?? lastMinutes;
    await db
      .update(supportChats)
      .set({
        lastMessageAt: sql`now() - make_interval(mins => ${lastMinutes})`,
        lastUserMessageAt: sql`now() - make_interval(mins => ${lastUser})`,
        archivedAt: entry.archived ? sql`now() - make_interval(mins => ${lastMinutes - 1})` : null,
        adminViewedAt: entry.lines.some(([s]) => s === 'admin') && entry.archived ? sql`now()` : null,
        // The seeded replies were read in the app long ago: no reply email for them.
        emailedSeq: sql`${supportChats.lastSeq}`,
      })
      .where(eq(supportChats.id, chat.id));
    await db.execute(sql`select graphile_worker.remove_job(${replyEmailJobKey(chat.id)})`);
  }
  return true;
}
