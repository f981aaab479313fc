import type { Kysely } from 'kysely';
import { batchQueue } from '../../platform/db/batches.js';
import { queryShapesBySize } from '../../platform/db/query-shape.js';
import { transactionRunner } from '../../platform/db/write-thread.js';
import type { PersonSettings, Preferences } from './preferences.js';
import * as repo from './repository.js';
import type { NotificationsTable, NotificationsTables } from './repository.js';
import type { NotificationLocale } from '@studymate/contracts';

/** More notifications than this wait for the next batch (13 values a row stay far below every driver's limit). */
const MAX_BATCH = 500;
/**
 * Batches in flight at once, each lane holding its own people: a person's notifications are
 * written (and their unread counts read) in order, while other people's need not wait for them.
 */
const LANES = 4;
/** A batch that met a deadlock or a busy database is tried once more whole before it is split. */
const TRANSIENT = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

/** What a stored notification needs to be pushed: the person's unread count after it, language and preferences. */
export interface Stored {
  unread: number;
  locale: NotificationLocale | null;
  preferences: Preferences;
}

interface Pending {
  row: NotificationsTable;
  done(result: Stored | null, error?: unknown): void;
}

/**
 * Stores notifications in batches, like chat's message writer, in LANES lanes by person: in each
 * lane one batch at a time, and what arrives meanwhile makes its next batch. A batch is one look
 * at the recipients' settings (kept on the node, see settingsCache), then one transaction: a
 * multi-row insert that skips a repeated dedupe key (the unique index decides, on every node),
 * which keyed rows were stored, and each recipient's unread count after it. Stored one at a time,
 * a notification cost four statements and a commit (issue 13's 10,000 a second were 40,000
 * statements a second); in one lane, every batch waited for the one before, whoever it was for,
 * and the queue grew by a second at 10,000 a second. A batch that fails is retried whole once if
 * the database called it transient, then one notification at a time, so only the one at fault fails.
 */
export function createNotificationWriter(
  db: Kysely<NotificationsTables>,
  settingsOf: (userIds: string[]) => Promise<Map<string, PersonSettings>>,
) {
  const runTransaction = transactionRunner(db);
  const insert = queryShapesBySize((size, standIn) =>
    repo.insertIgnoringKeys(
      db,
      Array.from({ length: size }, () => Object.fromEntries(repo.NOTIFICATION_COLUMNS.map((c) => [c, standIn()])) as NotificationsTable),
    ),
  );
  const storedOf = queryShapesBySize((size, standIn) => repo.storedIds(db, Array.from({ length: size }, standIn)));
  const unreadOf = queryShapesBySize((size, standIn) => repo.unreadCounts(db, Array.from({ length: size }, standIn)));

  async function write(batch: Pending[]): Promise<(Stored | null)[]> {
    const settings = await settingsOf([...new Set(batch.map((p) => p.row.user_id))]);
    const stored: (Stored | null)[] = batch.map(() => null);
    const kept: number[] = [];
    batch.forEach((p, i) => {
      const { locale, preferences } = settings.get(p.row.user_id)!;
      // A category the person turned off is not stored at all.
      if (preferences.muted.includes(p.row.category)) return;
      stored[i] = { unread: 0, locale, preferences };
      kept.push(i);
    });
    if (!kept.length) return stored;
    const rows = kept.map((i) => batch[i]!.row);
    const keyed = rows.filter((r) => r.dedupe_key !== null).map((r) => r.id);
    const users = [...new Set(rows.map((r) => r.user_id))];
    const results = await runTransaction([
      insert(rows.length)(rows.flatMap((r) => repo.NOTIFICATION_COLUMNS.map((c) => r[c]))),
      ...(keyed.length ? [storedOf(keyed.length)(keyed)] : []),
      unreadOf(users.length)(users),
    ]);
    const present = keyed.length ? new Set((results[1] as { id: string }[]).map((r) => r.id)) : null;
    const unread = new Map((results.at(-1) as { user_id: string; n: number | string }[]).map((r) => [r.user_id, Number(r.n)]));
    for (const i of kept) {
      const row = batch[i]!.row;
      // A keyed row that is not there was a repeat of one already stored: nobody is told twice.
      if (row.dedupe_key !== null && !present!.has(row.id)) stored[i] = null;
      else stored[i]!.unread = unread.get(row.user_id) ?? 0;
    }
    return stored;
  }

  async function settle(batch: Pending[], retried = false): Promise<void> {
    try {
      const results = await write(batch);
      batch.forEach((p, i) => p.done(results[i]!));
    } catch (error) {
      if (!retried && TRANSIENT.has((error as { code?: string }).code ?? '')) return settle(batch, true);
      if (batch.length === 1) return batch[0]!.done(null, error);
      await Promise.all(batch.map((p) => settle([p])));
    }
  }

  const lanes = Array.from({ length: LANES }, () => batchQueue(MAX_BATCH, settle));
  const laneOf = (userId: string) => {
    let hash = 0;
    for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) | 0;
    return lanes[(hash >>> 0) % LANES]!;
  };

  return {
    /** Resolves once the row is committed, with what its push needs; null when muted or a repeat of its key. */
    store(row: NotificationsTable): Promise<Stored | null> {
      return new Promise((resolve, reject) => {
        const done = (result: Stored | null, error?: unknown) => (error === undefined ? resolve(result) : reject(error));
        laneOf(row.user_id)({ row, done });
      });
    },
  };
}
