// support_users rows from token claims: upserted when a token brings new values, cached otherwise
// so an authenticated request costs no write.
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { PreparedStatement } from '../db/prepared.js';
import { supportChats, supportUsers, type UserRow } from '../db/schema.js';
import type { Identity } from '../auth/identity.js';

const CACHE_LIMIT = 10_000;

/** Postgres text cannot hold NUL bytes; they are never meaningful in a name or address. */
const withoutNul = (value: string) => value.replace(/\u0000/g, '');

export interface UserRef {
  id: string;
  email: string | null;
  name: string | null;
}

export class UserService {
  private readonly cache = new Map<string, UserRef>();

  constructor(private readonly db: Database) {}

  /** The caller's support_users row; token claims win over stored values when present. */
  async ensureUser(identity: Identity): Promise<UserRef> {
    const upToDate = (ref: UserRef | undefined): ref is UserRef => ref !== undefined && isUpToDate(identity, ref);
    const cached = this.cache.get(identity.sub);
    if (upToDate(cached)) return cached;
    // Read before writing: after a restart thousands of reconnecting users would otherwise each
    // commit a no-op upsert.
    const [stored] = await this.db
      .select({ id: supportUsers.id, email: supportUsers.email, name: supportUsers.name })
      .from(supportUsers)
      .where(eq(supportUsers.externalId, identity.sub));
    if (upToDate(stored)) {
      this.remember(identity.sub, stored);
      return stored;
    }
    const [row] = await this.db
      .insert(supportUsers)
      .values({ externalId: identity.sub, email: identity.email, name: identity.name })
      .onConflictDoUpdate({
        target: supportUsers.externalId,
        set: {
          email: sql`coalesce(excluded.email, ${supportUsers.email})`,
          name: sql`coalesce(excluded.name, ${supportUsers.name})`,
          updatedAt: sql`now()`,
        },
      })
      .returning({ id: supportUsers.id, email: supportUsers.email, name: supportUsers.name });
    if (!row) throw new Error('user upsert returned nothing');
    this.remember(identity.sub, row);
    return row;
  }

  /**
   * A visitor's row and own chat id (null while it has none) read together: the socket auth of
   * every user, so a reconnect storm after a restart costs one round trip each, not two.
   */
  async ensureUserWithChat(identity: Identity): Promise<{ user: UserRef; chatId: string | null }> {
    const [stored] = await userWithChat.run(this.db.$client, { sub: identity.sub });
    if (stored && isUpToDate(identity, stored)) {
      const user = { id: stored.id, email: stored.email, name: stored.name };
      this.remember(identity.sub, user);
      return { user, chatId: stored.chatId };
    }
    const user = await this.ensureUser(identity);
    return { user, chatId: null };
  }

  async updateContact(
    sub: string,
    userId: string,
    contact: { email?: string | undefined; name?: string | undefined; locale?: string | undefined },
  ): Promise<UserRow> {
    const [row] = await this.db
      .update(supportUsers)
      .set({
        ...(contact.email !== undefined ? { email: withoutNul(contact.email).trim().toLowerCase() } : {}),
        ...(contact.name !== undefined ? { name: withoutNul(contact.name).trim() } : {}),
        ...(contact.locale !== undefined ? { locale: contact.locale } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(supportUsers.id, userId))
      .returning();
    if (!row) throw new Error('user vanished during contact update');
    this.remember(sub, { id: row.id, email: row.email, name: row.name });
    return row;
  }

  forget(sub: string): void {
    this.cache.delete(sub);
  }

  private remember(sub: string, ref: UserRef): void {
    this.cache.delete(sub);
    this.cache.set(sub, ref);
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}

/** A user's row and their chat's id by token sub (one round trip on every visitor's socket auth). */
const userWithChat = new PreparedStatement<UserRef & { chatId: string | null }>(sql`
  select ${supportUsers.id} as "id", ${supportUsers.email} as "email", ${supportUsers.name} as "name",
         ${supportChats.id} as "chatId"
  from ${supportUsers} left join ${supportChats} on ${supportChats.userId} = ${supportUsers.id}
  where ${supportUsers.externalId} = ${sql.placeholder('sub')}`);

/** The stored row already holds every claim the token brings. */
function isUpToDate(identity: Identity, ref: UserRef): boolean {
  return (identity.email === null || identity.email === ref.email) && (identity.name === null || identity.name === ref.name);
}
