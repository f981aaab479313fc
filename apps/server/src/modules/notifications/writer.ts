import type { Kysely } from 'kysely';
import { batchQueue } from '../../platform/db/batches.js';
import { queryShapesBySize } from '../../platform/db/query-shape.js';
import { statementRunner, transactionRunner } from '../../platform/db/write-thread.js';
import type { PersonSettings, Preferences } from './preferences.js';
import * as repo from './repository.js';
import type { NotificationContentsTable, NotificationsTable, NotificationsTables } from './repository.js';
import type { NotificationCategory, NotificationLocale } from '@studymate/contracts';

/**
 * More notifications than this wait for the next batch (5 values a row: 10,000 values, far below
 * every driver's limit). A batch costs mostly per row, so behind a backlog the cap sets how much
 * each round trip carries: at 500, a backlog at 10,000 a second on MariaDB drained slowly or not
 * at all (bench/README.md).
 */
const MAX_BATCH = 2000;
/** Announcements' words stored together at most (9 values each). */
const MAX_CONTENTS_BATCH = 100;
/** A batch that met a deadlock or a busy database is tried once more whole before it is split. */
const TRANSIENT = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT']);

/** What a stored notification needs to be pushed: the person's unread count after it, language and preferences. */
export interface Stored {
  unread: number;
  locale: NotificationLocale | null;
  preferences: Preferences;
}

/** One notification to store: the person's row, its content's category, and the content when this batch stores it too. */
export interface Delivery {
  row: NotificationsTable;
  category: NotificationCategory;
  /** Stored with the row (a notification to one person); null when stored already (an announcement's, see storeContent). */
  content: NotificationContentsTable | null;
  /** Its content was named by a key, so it may have reached this person before. */
  keyed: boolean;
}

/** What became of deliveries handed in together; `failed` is the first error when some could not be stored. */
export interface Outcome {
  /** In the order given: null when muted, a repeat of its content, or not stored. */
  stored: (Stored | null)[];
  failed: unknown;
}

/** Deliveries handed in together settle together: one promise for an announcement's hundred people, not a hundred. */
interface Group extends Outcome {
  left: number;
  resolve(outcome: Outcome): void;
}

interface Pending {
  delivery: Delivery;
  group: Group;
  index: number;
}

function settled(p: Pending, result: Stored | null, error?: unknown) {
  const { group } = p;
  if (error !== undefined) group.failed ??= error;
  else group.stored[p.index] = result;
  if (--group.left === 0) group.resolve({ stored: group.stored, failed: group.failed });
}

/**
 * Stores notifications in batches, like chat's message writer: one batch at a time, and what
 * arrives meanwhile makes the next, so a person's notifications are stored (and their unread
 * counts read) in order. A batch is one look at the recipients' settings (kept on the node, see
 * settingsCache), then the contents it brings, a multi-row insert of the people's narrow rows
 * that skips a person's second row of one content (the unique index decides, on every node), and
 * the rows that went in added to their people's kept unread counts, returning those counts; only
 * when the insert stored fewer rows than it was given, which keyed rows were stored. Stored one at
 * a time, a notification cost four statements and a commit (issue 13's 10,000 a second were
 * 40,000 statements a second). Batches written side by side on MariaDB (four at once, by person)
 * each took longer per row than one batch alone, while MariaDB used more CPU: at 12,000 a second,
 * 400 rows in 120-170 ms each, against 500 rows in about 40 ms alone (bench/README.md). A batch
 * that fails is retried whole once if the database called it transient, then one notification at
 * a time, so only the one at fault fails.
 */
export function createNotificationWriter(
  db: Kysely<NotificationsTables>,
  settingsOf: (userIds: string[]) => Promise<Map<string, PersonSettings>>,
) {
  const runTransaction = transactionRunner(db);
  const runStatements = statementRunner(db);
  const standInRows = <C extends string>(columns: readonly C[], size: number, standIn: () => unknown) =>
    Array.from({ length: size }, () => Object.fromEntries(columns.map((c) => [c, standIn()])) as Record<C, never>);
  const insert = queryShapesBySize((size, standIn) =>
    repo.insertIgnoringRepeats(db, standInRows(repo.NOTIFICATION_COLUMNS, size, standIn)),
  );
  const insertContents = queryShapesBySize((size, standIn) => repo.insertContents(db, standInRows(repo.CONTENT_COLUMNS, size, standIn)));
  const storedOf = queryShapesBySize((size, standIn) => repo.storedIds(db, Array.from({ length: size }, standIn)));
  const addUnread = queryShapesBySize((size, standIn) => repo.addUnread(db, Array.from({ length: size }, standIn)));

  async function write(batch: Pending[]): Promise<(Stored | null)[]> {
    const people = new Set<string>();
    for (const p of batch) people.add(p.delivery.row.user_id);
    const settings = await settingsOf([...people]);
    const stored: (Stored | null)[] = new Array(batch.length).fill(null);
    const rowValues: unknown[] = [];
    // Also among rowValues; apart, they are addUnread's parameters (it counts only the rows the insert kept).
    const rowIds: string[] = [];
    const contentValues: unknown[] = [];
    const contents = new Set<string>();
    const keyed: string[] = [];
    batch.forEach(({ delivery }, i) => {
      const { row, content } = delivery;
      const { locale, preferences } = settings.get(row.user_id)!;
      // A category the person turned off is not stored at all.
      if (preferences.muted.includes(delivery.category)) return;
      stored[i] = { unread: 0, locale, preferences };
      for (const c of repo.NOTIFICATION_COLUMNS) rowValues.push(row[c]);
      rowIds.push(row.id);
      if (delivery.keyed) keyed.push(row.id);
      if (content && !contents.has(content.id)) {
        contents.add(content.id);
        for (const c of repo.CONTENT_COLUMNS) contentValues.push(content[c]);
      }
    });
    const rows = rowIds.length;
    if (!rows) return stored;
    // The rows, the counts of those that went in, and the counts after: with the contents they
    // bring, one transaction; rows alone (an announcement's) on MariaDB as statements that each
    // commit, two round trips fewer (with BEGIN and COMMIT the queue at 10,000 a second grew to
    // half a second). A count left short between two of them (the node dying) is set right from
    // the rows the next time the person reads or deletes one (repository.ts, recount).
    const results = await (contents.size ? runTransaction : runStatements)([
      ...(contents.size ? [insertContents(contents.size)(contentValues)] : []),
      insert(rows)(rowValues),
      addUnread(rows)(rowIds),
    ]);
    const inserted = (results.at(-2) as { changes: number }[])[0]!.changes;
    // Fewer rows went in than were given: some were repeats of a keyed content, and which ones is
    // read (committed by now) from the rows that are there. Mostly every row goes in, and this is skipped.
    const present =
      inserted < rows && keyed.length
        ? new Set(((await db.executeQuery(storedOf(keyed.length)(keyed))).rows as { id: string }[]).map((r) => r.id))
        : null;
    // A person's rows each counted up once; their count after the batch is the highest returned.
    const unread = new Map<string, number>();
    for (const r of results.at(-1) as { user_id: string; n: number | string }[])
      unread.set(r.user_id, Math.max(Number(r.n), unread.get(r.user_id) ?? 0));
    batch.forEach(({ delivery: { row, keyed: isKeyed } }, i) => {
      const result = stored[i];
      if (!result) return;
      // A keyed row that is not there was a repeat of one already stored: nobody is told twice.
      if (present && isKeyed && !present.has(row.id)) stored[i] = null;
      else result.unread = unread.get(row.user_id) ?? 0;
    });
    return stored;
  }

  async function settle(batch: Pending[], retried = false): Promise<void> {
    let results: (Stored | null)[];
    try {
      results = await write(batch);
    } catch (error) {
      if (!retried && TRANSIENT.has((error as { code?: string }).code ?? '')) return settle(batch, true);
      if (batch.length === 1) return settled(batch[0]!, null, error);
      await Promise.all(batch.map((p) => settle([p])));
      return;
    }
    batch.forEach((p, i) => settled(p, results[i]!));
  }

  interface PendingContent {
    content: NotificationContentsTable;
    resolve(): void;
    reject(error: unknown): void;
  }
  async function writeContents(batch: PendingContent[]): Promise<void> {
    const unique = new Map(batch.map((p) => [p.content.id, p.content]));
    // In id order, so two nodes writing the same contents take their locks in the same order.
    const sorted = [...unique.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    try {
      // One statement, atomic by itself: on MariaDB no BEGIN and COMMIT round trips around it.
      await runStatements([insertContents(sorted.length)(sorted.flatMap((c) => repo.CONTENT_COLUMNS.map((column) => c[column])))]);
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(batch.map((p) => writeContents([p])));
    }
  }
  const contentQueue = batchQueue(MAX_CONTENTS_BATCH, writeContents);

  const enqueue = batchQueue(MAX_BATCH, settle);

  return {
    /**
     * Resolves once every row is committed or has failed, with what each stored one's push needs
     * (in the order given), so that those stored are told even when others failed.
     */
    store(deliveries: readonly Delivery[]): Promise<Outcome> {
      if (!deliveries.length) return Promise.resolve({ stored: [], failed: null });
      return new Promise((resolve) => {
        const group: Group = { stored: new Array(deliveries.length).fill(null), failed: null, left: deliveries.length, resolve };
        deliveries.forEach((delivery, index) => enqueue({ delivery, group, index }));
      });
    },
    /**
     * Stores a content many will hold (an announcement's) before their rows; one stored already is
     * kept. Contents that arrive while one write is in flight go together in the next: a commit
     * each was a hundred more a second at issue 13's load, each in an announcement's path.
     */
    storeContent(content: NotificationContentsTable): Promise<void> {
      return new Promise((resolve, reject) => contentQueue({ content, resolve, reject }));
    },
  };
}
