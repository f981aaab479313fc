import { sql, type Kysely, type Selectable } from 'kysely';

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
}
export interface LoginEventsTable {
  id: string;
  user_id: string;
  at: number;
  method: string;
  user_agent: string | null;
  ip: string | null;
}
export interface AuthTables {
  refresh_tokens: RefreshTokensTable;
  login_events: LoginEventsTable;
}
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
type Db = Kysely<AuthTables>;

export const insertRefreshToken = (db: Db, row: RefreshTokenRow) => db.insertInto('refresh_tokens').values(row).execute();

export const findRefreshToken = (db: Db, hash: string) =>
  db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();

/** Marks a token used; false when another request already used it (the compare-and-set decides). */
export async function markRotated(db: Db, id: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ rotated_at: at })
    .where('id', '=', id)
    .where('rotated_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export const revokeFamily = (db: Db, familyId: string, at: number) =>
  db.updateTable('refresh_tokens').set({ revoked_at: at }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();

export const revokeAllOf = (db: Db, userId: string, at: number) =>
  db.updateTable('refresh_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();

/** The session families of a person that may still hold an unexpired access token. */
export async function liveFamiliesOf(db: Db, userId: string, expiringAfter: number): Promise<string[]> {
  const rows = await db
    .selectFrom('refresh_tokens')
    .select('family_id')
    .distinct()
    .where('user_id', '=', userId)
    .where('expires_at', '>', expiringAfter)
    .execute();
  return rows.map((r) => r.family_id);
}

export const insertLoginEvent = (db: Db, row: Selectable<LoginEventsTable>) => db.insertInto('login_events').values(row).execute();

export const loginEventsOf = (db: Db, userId: string, limit: number) =>
  db.selectFrom('login_events').selectAll().where('user_id', '=', userId).orderBy('at', 'desc').limit(limit).execute();

export async function eraseAuthData(db: Db, userId: string) {
  await db.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
  await db.deleteFrom('login_events').where('user_id', '=', userId).execute();
}

/** Distinct people who signed in or refreshed a session, per UTC day since `since`. */
export async function activePerDay(db: Db, since: number) {
  const loginDay = sql<number>`(at - (at % 86400000)) / 86400000`;
  const refreshDay = sql<number>`(created_at - (created_at % 86400000)) / 86400000`;
  const [logins, refreshes] = await Promise.all([
    db
      .selectFrom('login_events')
      .select(['user_id', loginDay.as('day')])
      .distinct()
      .where('at', '>=', since)
      .execute(),
    db
      .selectFrom('refresh_tokens')
      .select(['user_id', refreshDay.as('day')])
      .distinct()
      .where('created_at', '>=', since)
      .execute(),
  ]);
  const perDay = new Map<number, Set<string>>();
  for (const r of [...logins, ...refreshes]) {
    const day = Math.round(Number(r.day));
    if (!perDay.has(day)) perDay.set(day, new Set());
    perDay.get(day)!.add(r.user_id);
  }
  return [...perDay].map(([day, people]) => ({ day, n: people.size }));
}
