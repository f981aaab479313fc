import { sql, type Kysely, type Selectable } from 'kysely';

export interface UsersTable {
  id: string;
  email: string | null;
  /** The name from sign-in: the account's own, shown to the person themself and to administrators. */
  display_name: string;
  /** The name other people see: the English name chosen in onboarding (null before it). */
  public_name: string | null;
  role: 'user' | 'admin';
  status: 'active' | 'suspended' | 'deleted';
  created_at: number;
  terms_accepted_at: number | null;
  marketing_consent: number;
  deleted_at: number | null;
}
export interface UserIdentitiesTable {
  provider: string;
  subject: string;
  user_id: string;
  created_at: number;
}
/** A data export being built (a durable job) or ready to download. */
export interface AccountExportsTable {
  id: string;
  user_id: string;
  status: 'building' | 'ready' | 'failed';
  parts_done: number;
  parts_total: number;
  storage_key: string | null;
  size: number | null;
  created_at: number;
  finished_at: number | null;
}
export interface UsersTables {
  users: UsersTable;
  user_identities: UserIdentitiesTable;
  account_exports: AccountExportsTable;
}
export type ExportRow = Selectable<AccountExportsTable>;
export type UserRow = Selectable<UsersTable>;
type Db = Kysely<UsersTables>;

export const findUser = (db: Db, id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();

export const findUserByIdentity = (db: Db, provider: string, subject: string) =>
  db
    .selectFrom('user_identities')
    .innerJoin('users', 'users.id', 'user_identities.user_id')
    .selectAll('users')
    .where('user_identities.provider', '=', provider)
    .where('user_identities.subject', '=', subject)
    .executeTakeFirst();

export async function insertUserWithIdentity(db: Db, user: UserRow, identity: UserIdentitiesTable) {
  await db.insertInto('users').values(user).execute();
  await db.insertInto('user_identities').values(identity).execute();
}

export const recordTerms = (db: Db, id: string, at: number, marketing: boolean) =>
  db
    .updateTable('users')
    .set({ terms_accepted_at: at, marketing_consent: marketing ? 1 : 0 })
    .where('id', '=', id)
    .execute();

/** The row stays as a tombstone so what others received from this person reads as from a deleted user. */
export async function tombstoneUser(db: Db, id: string, at: number) {
  await db.deleteFrom('user_identities').where('user_id', '=', id).execute();
  await db
    .updateTable('users')
    .set({ email: null, display_name: 'deleted', public_name: null, status: 'deleted', deleted_at: at, marketing_consent: 0 })
    .where('id', '=', id)
    .execute();
}

/** Never names a deleted account again. */
export const setPublicName = (db: Db, id: string, name: string) =>
  db.updateTable('users').set({ public_name: name }).where('id', '=', id).where('status', '!=', 'deleted').execute();

export const identitiesOf = (db: Db, id: string) =>
  db.selectFrom('user_identities').select(['provider', 'created_at']).where('user_id', '=', id).execute();

export const findUsers = (db: Db, ids: string[]) =>
  ids.length
    ? db.selectFrom('users').select(['id', 'display_name', 'public_name', 'status']).where('id', 'in', ids).execute()
    : Promise.resolve([]);

/** Ids of accounts in use (not suspended or deleted), in id order after `after`: one page of "everyone". */
export function activeIdsAfter(db: Db, after: string | null, limit: number) {
  let query = db.selectFrom('users').select('id').where('status', '=', 'active');
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

export const insertExport = (db: Db, row: ExportRow) => db.insertInto('account_exports').values(row).execute();
export const latestExport = (db: Db, userId: string) =>
  db.selectFrom('account_exports').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
export const findExport = (db: Db, id: string) => db.selectFrom('account_exports').selectAll().where('id', '=', id).executeTakeFirst();
export const updateExport = (db: Db, id: string, changes: Partial<Omit<ExportRow, 'id' | 'user_id'>>) =>
  db.updateTable('account_exports').set(changes).where('id', '=', id).execute();
export const exportsOf = (db: Db, userId: string) =>
  db.selectFrom('account_exports').select(['id', 'storage_key']).where('user_id', '=', userId).execute();
/** Ready and failed exports finished before `cutoff`: past their day of validity (index account_exports_finished). */
export const exportsFinishedBeforeQuery = (db: Db, cutoff: number, limit: number) =>
  db
    .selectFrom('account_exports')
    .select(['id', 'storage_key'])
    .where('status', 'in', ['ready', 'failed'])
    .where('finished_at', '<=', cutoff)
    .orderBy('finished_at')
    .limit(limit);
export const exportsFinishedBefore = (db: Db, cutoff: number, limit: number) => exportsFinishedBeforeQuery(db, cutoff, limit).execute();
export const deleteExport = (db: Db, id: string) => db.deleteFrom('account_exports').where('id', '=', id).execute();
export const deleteExports = (db: Db, userId: string) => db.deleteFrom('account_exports').where('user_id', '=', userId).execute();
/** Never turns a deleted account back into a live one. */
export const setStatus = (db: Db, id: string, status: 'active' | 'suspended') =>
  db.updateTable('users').set({ status }).where('id', '=', id).where('status', '!=', 'deleted').execute();

export const findAccounts = (db: Db, ids: string[]) =>
  ids.length ? db.selectFrom('users').selectAll().where('id', 'in', ids).execute() : Promise.resolve([] as UserRow[]);

export function lookup(db: Db, q: string, limit: number) {
  const pattern = `%${q.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return db
    .selectFrom('users')
    .selectAll()
    .where((e) =>
      e.or([
        e('id', '=', q.toLowerCase()),
        e('email', '=', q.toLowerCase()),
        sql<boolean>`lower(display_name) like ${pattern} escape '!'`,
        sql<boolean>`lower(public_name) like ${pattern} escape '!'`,
      ]),
    )
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function signUpsPerDay(db: Db, since: number) {
  const day = sql<number>`(created_at - (created_at % 86400000)) / 86400000`;
  const rows = await db
    .selectFrom('users')
    .select([day.as('day'), (e) => e.fn.countAll<number>().as('n')])
    .where('created_at', '>=', since)
    .groupBy(day)
    .execute();
  return rows.map((r) => ({ day: Math.round(Number(r.day)), n: Number(r.n) }));
}
