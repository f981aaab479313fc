import { sql, type ExpressionBuilder, type Insertable, type Kysely, type Selectable } from 'kysely';

export interface ProfilesTable {
  user_id: string;
  english_name: string | null;
  city_id: string | null;
  time_zone: string | null;
  intro: string | null;
  gender: string | null;
  birth_year: number | null;
  photo_key: string | null;
  native_language: string | null;
  learning_style: string | null;
  expectation: string | null;
  partner_gender: string | null;
  partner_age_min: number | null;
  partner_age_max: number | null;
  communication_method: string | null;
  daily_minutes: number | null;
  basic_saved_at: number | null;
  languages_saved_at: number | null;
  interests_saved_at: number | null;
  partner_saved_at: number | null;
  schedule_saved_at: number | null;
}
export interface ProfileLanguagesTable {
  user_id: string;
  role: 'native' | 'speaks' | 'learns';
  language: string;
  level: string | null;
  partner_level: string | null;
}
export interface ProfileTagsTable {
  user_id: string;
  kind: 'motivation' | 'topic' | 'partner_style';
  value: string;
}
export interface AvailabilitySlotsTable {
  user_id: string;
  day: number;
  slot: number;
}
export interface VerifiedLevelsTable {
  user_id: string;
  language: string;
  level: string;
  source: string;
  verified_at: number;
}
export interface ProfileTables {
  profiles: ProfilesTable;
  profile_languages: ProfileLanguagesTable;
  profile_tags: ProfileTagsTable;
  availability_slots: AvailabilitySlotsTable;
  verified_levels: VerifiedLevelsTable;
}
export type ProfileRow = Selectable<ProfilesTable>;
type Db = Kysely<ProfileTables>;

export interface ProfileParts {
  profile: ProfileRow | undefined;
  languages: Selectable<ProfileLanguagesTable>[];
  tags: Selectable<ProfileTagsTable>[];
  slots: Selectable<AvailabilitySlotsTable>[];
  verified: Selectable<VerifiedLevelsTable>[];
}

/**
 * Everything a profile shows, in two queries: the profile row, and its four lists in one
 * UNION ALL whose rows share one shape (part, a, b, c, d). `GET /me` runs on every page load;
 * each query costs a round trip on MySQL and most of the CPU of the request.
 */
export async function loadProfileParts(db: Db, userId: string): Promise<ProfileParts> {
  const [profile, rows] = await Promise.all([
    db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    sql<{ part: string; a: string; b: string; c: string | null; d: string | null }>`
      select 'language' as part, role as a, language as b, level as c, partner_level as d from profile_languages where user_id = ${userId}
      union all select 'tag', kind, value, null, null from profile_tags where user_id = ${userId}
      union all select 'slot', cast(day as char), cast(slot as char), null, null from availability_slots where user_id = ${userId}
      union all select 'verified', language, level, source, cast(verified_at as char) from verified_levels where user_id = ${userId}
    `.execute(db),
  ]);
  const parts: ProfileParts = { profile, languages: [], tags: [], slots: [], verified: [] };
  for (const r of rows.rows) {
    if (r.part === 'language')
      parts.languages.push({ user_id: userId, role: r.a as ProfileLanguagesTable['role'], language: r.b, level: r.c, partner_level: r.d });
    else if (r.part === 'tag') parts.tags.push({ user_id: userId, kind: r.a as ProfileTagsTable['kind'], value: r.b });
    else if (r.part === 'slot') parts.slots.push({ user_id: userId, day: Number(r.a), slot: Number(r.b) });
    else parts.verified.push({ user_id: userId, language: r.a, level: r.b, source: r.c!, verified_at: Number(r.d) });
  }
  parts.slots.sort((x, y) => x.day - y.day || x.slot - y.slot);
  return parts;
}

export const findProfile = (db: Db, userId: string) =>
  db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();

/** Creates the row on first save; a concurrent first save may win the insert, which is fine. */
export async function ensureProfile(db: Db, userId: string) {
  if (await findProfile(db, userId)) return;
  try {
    await db
      .insertInto('profiles')
      .values({ user_id: userId } as Insertable<ProfilesTable>)
      .execute();
  } catch (error) {
    if (!(await findProfile(db, userId))) throw error;
  }
}

export const updateProfile = (db: Db, userId: string, values: Partial<ProfilesTable>) =>
  db.updateTable('profiles').set(values).where('user_id', '=', userId).execute();

/** A person's rows of one of the step tables, each keyed by user_id plus the columns named. */
type StepTable = 'profile_languages' | 'profile_tags' | 'availability_slots';
type StepRow = Record<string, string | number | null>;
/** Rows per delete: a few hundred key tuples keep the statement small on both databases. */
const SYNC_CHUNK = 200;

/**
 * Makes one person's rows of a step table (within `scope`) equal to `wanted`: deletes only the
 * rows no longer wanted, by their whole primary key; updates rows whose other columns changed;
 * inserts only the new ones. A first save (onboarding) therefore deletes nothing. It was
 * delete-all-then-insert: on MariaDB a delete by user_id that finds nothing still locks the gap
 * where the rows would go, and people onboarding at once deadlocked on each other's gaps (issue
 * 11). Run inside `rowLockTransaction` after the person's profiles row is updated: that row lock
 * puts one person's saves in turn, and the read below sees the save before.
 */
async function syncRows(
  db: Db,
  table: StepTable,
  userId: string,
  key: string[],
  wanted: StepRow[],
  scope?: { column: string; values: string[] },
) {
  const k = db as unknown as Kysely<any>;
  let existingQuery = k.selectFrom(table).selectAll().where('user_id', '=', userId);
  if (scope) existingQuery = existingQuery.where(scope.column, 'in', scope.values);
  const existing = (await existingQuery.execute()) as StepRow[];
  const keyOf = (row: StepRow) => key.map((c) => String(row[c])).join('\u0000');
  const want = new Map(wanted.map((row) => [keyOf(row), row]));
  const have = new Map(existing.map((row) => [keyOf(row), row]));
  const byKey = (row: StepRow) => (eb: ExpressionBuilder<any, any>) =>
    eb.and([eb('user_id', '=', userId), ...key.map((c) => eb(c, '=', row[c]))]);
  const gone = existing.filter((row) => !want.has(keyOf(row)));
  for (let i = 0; i < gone.length; i += SYNC_CHUNK) {
    const chunk = gone.slice(i, i + SYNC_CHUNK);
    await k
      .deleteFrom(table)
      .where((eb) => eb.or(chunk.map((row) => byKey(row)(eb))))
      .execute();
  }
  const added: StepRow[] = [];
  for (const [id, row] of want) {
    const old = have.get(id);
    if (!old) added.push(row);
    else {
      const changed = Object.keys(row).filter((c) => !key.includes(c) && c !== 'user_id' && row[c] !== old[c]);
      if (changed.length)
        await k
          .updateTable(table)
          .set(Object.fromEntries(changed.map((c) => [c, row[c]])))
          .where(byKey(row))
          .execute();
    }
  }
  if (added.length) await k.insertInto(table).values(added).execute();
}

export const replaceLanguages = (db: Db, userId: string, rows: ProfileLanguagesTable[]) =>
  syncRows(db, 'profile_languages', userId, ['role', 'language'], rows as unknown as StepRow[]);

export const replaceTags = (db: Db, userId: string, kinds: ProfileTagsTable['kind'][], rows: ProfileTagsTable[]) =>
  syncRows(db, 'profile_tags', userId, ['kind', 'value'], rows as unknown as StepRow[], { column: 'kind', values: kinds });

export const replaceSlots = (db: Db, userId: string, rows: AvailabilitySlotsTable[]) =>
  syncRows(db, 'availability_slots', userId, ['day', 'slot'], rows as unknown as StepRow[]);

export async function eraseProfile(db: Db, userId: string) {
  for (const table of ['verified_levels', 'availability_slots', 'profile_tags', 'profile_languages', 'profiles'] as const) {
    await db.deleteFrom(table).where('user_id', '=', userId).execute();
  }
}

export const photoKeysOf = (db: Db, userIds: string[]) =>
  userIds.length
    ? db.selectFrom('profiles').select(['user_id', 'photo_key']).where('user_id', 'in', userIds).execute()
    : Promise.resolve([]);

/** Sets one language's verified level; a concurrent first insert for the same language is fine. */
export async function upsertVerifiedLevel(db: Db, row: VerifiedLevelsTable) {
  const updated = await db
    .updateTable('verified_levels')
    .set({ level: row.level, source: row.source, verified_at: row.verified_at })
    .where('user_id', '=', row.user_id)
    .where('language', '=', row.language)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  try {
    await db.insertInto('verified_levels').values(row).execute();
  } catch (error) {
    const exists = await db
      .selectFrom('verified_levels')
      .select('user_id')
      .where('user_id', '=', row.user_id)
      .where('language', '=', row.language)
      .executeTakeFirst();
    if (!exists) throw error;
  }
}

/** Every onboarding step saved: the condition for being matched. */
const onboarded = ['basic_saved_at', 'languages_saved_at', 'interests_saved_at', 'partner_saved_at', 'schedule_saved_at'] as const;

/**
 * Ids of profiles with a step saved, or a level verified, at or after `since` (epoch ms). A scan,
 * for a consumer catching up once at start-up (matching's pool), not for requests.
 */
export async function changedSince(db: Db, since: number): Promise<string[]> {
  const [saved, verified] = await Promise.all([
    db
      .selectFrom('profiles')
      .select('user_id')
      .where((eb) => eb.or(onboarded.map((column) => eb(column, '>=', since))))
      .execute(),
    db.selectFrom('verified_levels').select('user_id').where('verified_at', '>=', since).execute(),
  ]);
  return [...new Set([...saved, ...verified].map((r) => r.user_id))];
}

/** The parts of several profiles at once, five queries whatever their number. */
export async function loadManyParts(db: Db, userIds: string[]): Promise<Map<string, ProfileParts>> {
  const parts = new Map<string, ProfileParts>(
    userIds.map((id) => [id, { profile: undefined, languages: [], tags: [], slots: [], verified: [] }]),
  );
  if (!userIds.length) return parts;
  const [profiles, languages, tags, slots, verified] = await Promise.all([
    db.selectFrom('profiles').selectAll().where('user_id', 'in', userIds).execute(),
    db.selectFrom('profile_languages').selectAll().where('user_id', 'in', userIds).execute(),
    db.selectFrom('profile_tags').selectAll().where('user_id', 'in', userIds).execute(),
    db.selectFrom('availability_slots').selectAll().where('user_id', 'in', userIds).execute(),
    db.selectFrom('verified_levels').selectAll().where('user_id', 'in', userIds).execute(),
  ]);
  for (const p of profiles) parts.get(p.user_id)!.profile = p;
  for (const l of languages) parts.get(l.user_id)!.languages.push(l);
  for (const t of tags) parts.get(t.user_id)!.tags.push(t);
  for (const s of slots) parts.get(s.user_id)!.slots.push({ ...s, day: Number(s.day), slot: Number(s.slot) });
  for (const v of verified) parts.get(v.user_id)!.verified.push({ ...v, verified_at: Number(v.verified_at) });
  return parts;
}
