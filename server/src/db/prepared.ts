// A statement built once from Drizzle SQL (placeholders for the per-call values) and run as a named
// prepared statement through postgres.js. For the hottest statements (the message insert, a
// subscription's catch-up, a socket's auth read), building them per call (Drizzle) and parsing and
// planning them per call (Postgres) cost more than the query itself.
import { fillPlaceholders, type Query, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { ParameterOrJSON } from 'postgres';
import type { Sql } from './client.js';

export class PreparedStatement<Row> {
  private readonly query: Query;

  constructor(statement: SQL) {
    this.query = new PgDialect().sqlToQuery(statement);
  }

  run(client: Sql, values: Record<string, unknown>): Promise<Row[]> {
    return client.unsafe<Row[]>(this.query.sql, fillPlaceholders(this.query.params, values) as ParameterOrJSON<never>[], {
      prepare: true,
    });
  }
}
