import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  Announcement,
  AnnouncementReply,
  NotificationCategory,
  NotificationLocale,
  NotificationPage,
  NotificationSettings,
  NotificationSettingsBody,
  NotificationsQuery,
  RealtimeNotification,
  StoredNotification,
} from '@studymate/contracts';
import { timeOrderedId } from '../../platform/db/time-ordered-id.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import type { AccountParticipant } from '../users/service.js';
import { inQuietHours, readPreferences, settingsCache } from './preferences.js';
import * as repo from './repository.js';
import type { NotificationRow, NotificationsTables } from './repository.js';
import { keyedContentId } from './contents.js';
import { createNotificationWriter } from './writer.js';

/** A text in both app languages: the recipient reads the one their app speaks. */
export interface Texts {
  ko: string;
  en: string;
}

export interface NotificationInput {
  userId: string;
  category: NotificationCategory;
  /** What happened, in the words of RealtimeNotification's `kind` (match-request, session-reminder...). */
  kind: string;
  title: Texts;
  body?: Texts;
  /** An app path, never an external URL. */
  link?: string;
  /** Makes a repeated send (a retried job, a replayed event) store and deliver nothing more. */
  key?: string;
  /** The person the words name (who sent, proposed, called): deleting their account removes it. */
  about?: string;
}

/** Signals the app acts on without keeping them in the list (a room closed under me). */
export type SignalInput = Omit<NotificationInput, 'category' | 'key' | 'about'>;

export type NotificationsService = ReturnType<typeof createNotificationsService>;

const DEFAULT_LOCALE: NotificationLocale = 'ko';
/** People told per step of an announcement to everyone. */
const EVERYONE_PAGE = 1000;

export function createNotificationsService(deps: {
  db: Kysely<NotificationsTables>;
  /** To every device of each person, on every node; `json` is a RealtimeNotification already serialised. */
  push(deliveries: ({ userId: string; payload: RealtimeNotification } | { userId: string; json: string })[]): Promise<void>;
  /** The ids among these that are accounts in use (the users module). */
  activeAccounts(userIds: string[]): Promise<string[]>;
  /** One page of every account in use, in id order after `after` (the users module). */
  everyoneActive(after: string | null, limit: number): Promise<string[]>;
  /** Tells every node (this one too) that a person's settings changed; `settingsChanged` is called on each. */
  announceSettingsChange(userId: string): Promise<void>;
  logError(error: unknown, message: string): void;
}) {
  const { db } = deps;
  const cachedSettings = settingsCache((userIds) => repo.settingsOfMany(db, userIds));
  const localeOf = async (userId: string) => (await repo.localeOf(db, userId)) ?? DEFAULT_LOCALE;
  async function settings(userId: string): Promise<NotificationSettings> {
    const row = await repo.settingsOf(db, userId);
    return { locale: row?.locale ?? DEFAULT_LOCALE, ...readPreferences(row?.preferences ?? null) };
  }

  const present = (row: NotificationRow, locale: NotificationLocale): StoredNotification => ({
    id: row.id,
    category: row.category,
    kind: row.kind,
    title: locale === 'en' ? row.title_en : row.title_ko,
    ...(row.body_ko !== null ? { body: (locale === 'en' ? row.body_en : row.body_ko) ?? row.body_ko } : {}),
    ...(row.link ? { link: row.link } : {}),
    read: row.read_at !== null,
    createdAt: new Date(row.created_at).toISOString(),
  });

  const participant: AccountParticipant = {
    name: 'notifications',
    async exportData(userId) {
      const locale = await localeOf(userId);
      return { locale, notifications: (await repo.allOf(db, userId)).map((row) => present(row, locale)) };
    },
    async erase(tx, userId) {
      await repo.eraseUser(tx as unknown as Kysely<NotificationsTables>, userId);
      cachedSettings.forget(userId);
    },
  };

  const writer = createNotificationWriter(db, cachedSettings.of);
  const contentOf = (id: string, input: Omit<NotificationInput, 'userId' | 'key'>, createdAt: number): repo.NotificationContentsTable => ({
    id,
    category: input.category,
    kind: input.kind,
    title_ko: clip(input.title.ko, 200),
    title_en: clip(input.title.en, 200),
    body_ko: input.body ? clip(input.body.ko, 1000) : null,
    body_en: input.body ? clip(input.body.en, 1000) : null,
    link: input.link ?? null,
    created_at: createdAt,
    about_id: input.about ?? null,
  });
  // Time-ordered: a batch of inserts lands at the end of the table's key instead of on a random page per row.
  const rowOf = (userId: string, contentId: string, createdAt: number): repo.NotificationsTable => ({
    id: timeOrderedId(createdAt),
    user_id: userId,
    content_id: contentId,
    read_at: null,
    created_at: createdAt,
  });

  /**
   * Stores and pushes one notification; false when it was muted or a repeat of its key. Resolves
   * once stored and handed to the bus.
   */
  async function deliver(input: NotificationInput, createdAt = Date.now()): Promise<boolean> {
    // A keyed content's id comes from the person and the key, so a repeat names the same content.
    const contentId = input.key ? keyedContentId(input.userId, input.key) : timeOrderedId(createdAt);
    const content = contentOf(contentId, input, createdAt);
    const row = rowOf(input.userId, contentId, createdAt);
    // The person's preferences, enforced for every module by the writer: a category turned off
    // is not stored at all; in quiet hours it is stored and counted, and the apps show it silently.
    const outcome = await writer.store([{ row, category: input.category, content, keyed: input.key !== undefined }]);
    if (outcome.failed) throw outcome.failed;
    const stored = outcome.stored[0];
    if (!stored) return false;
    const { read: _read, ...shown } = present({ ...row, ...content, id: row.id, created_at: createdAt }, stored.locale ?? DEFAULT_LOCALE);
    const quiet = inQuietHours(stored.preferences.quietHours, createdAt);
    await deps.push([{ userId: input.userId, payload: { ...shown, unread: stored.unread, ...(quiet ? { quiet } : {}) } }]);
    return true;
  }

  /**
   * An administrator's system notice to a list of people or to everyone active, in both app
   * languages (each reads the one their app speaks). Its words are stored once, under an id that
   * comes from the announcement's: sent again (a retried request), nobody is told twice. Ids that
   * are no account, or a deleted one, are skipped. `receivedAt` (when the request arrived) is each
   * notification's creation time, so the time it took to reach a person is counted from the
   * administrator's request. Answers once every notification is stored; the pushes (one bus
   * message for each step, each person's JSON made from one per language) go on without holding
   * the answer.
   */
  async function announce(announcement: Announcement, receivedAt = Date.now()): Promise<AnnouncementReply> {
    const id = announcement.id ?? randomUUID();
    const content = contentOf(
      keyedContentId('*', `announcement:${id}`),
      {
        category: 'system',
        kind: 'announcement',
        title: announcement.title,
        ...(announcement.body ? { body: announcement.body } : {}),
        ...(announcement.link ? { link: announcement.link } : {}),
      },
      receivedAt,
    );
    // The words are stored while the first recipients are looked up (one round trip less in each
    // announcement's path); no person's row is stored before them.
    const everyone = announcement.recipients === 'everyone';
    const [first] = await Promise.all([
      everyone ? deps.everyoneActive(null, EVERYONE_PAGE) : deps.activeAccounts([...new Set(announcement.recipients)]),
      writer.storeContent(content),
    ]);
    const shown = {
      ko: shownJson(content, 'ko'),
      en: shownJson(content, 'en'),
    };
    let recipients = 0;
    let stored = 0;
    const tell = async (people: string[]) => {
      recipients += people.length;
      const rows = people.map((userId) => rowOf(userId, content.id, receivedAt));
      const outcome = await writer.store(rows.map((row) => ({ row, category: 'system', content: null, keyed: true })));
      const deliveries: { userId: string; json: string }[] = [];
      outcome.stored.forEach((result, i) => {
        if (!result) return;
        const quiet = inQuietHours(result.preferences.quietHours, receivedAt) ? ',"quiet":true' : '';
        // Only the row's id and the person's count differ between recipients of one language.
        deliveries.push({
          userId: people[i]!,
          json: `{"id":"${rows[i]!.id}",${shown[result.locale ?? DEFAULT_LOCALE]},"unread":${result.unread}${quiet}}`,
        });
      });
      stored += deliveries.length;
      // Stored is what counts: an app that missed the push finds it in the list and the count.
      deps.push(deliveries).catch((error: unknown) => deps.logError(error, 'notifications stored but not pushed'));
      // Those stored are told; the request fails, and its retry tells only the people missed.
      if (outcome.failed) throw outcome.failed;
    };
    if (everyone) {
      // A page at a time, so a large audience never holds every id or every pending row at once.
      for (let page = first; page.length; page = await deps.everyoneActive(page.at(-1)!, EVERYONE_PAGE)) await tell(page);
    } else await tell(first);
    return { id, recipients, stored };
  }

  return {
    participant,
    announce,
    /** Another node (or this one) saved this person's settings: read them afresh next time. */
    settingsChanged: (userId: string) => cachedSettings.forget(userId),

    /**
     * Stores a notification and delivers it live to every device of the person, on every node,
     * in their language. With a `key`, a second send of the same key does nothing: callers in
     * durable jobs and event handlers pass one so a retry never notifies twice.
     */
    async send(input: NotificationInput): Promise<void> {
      await deliver(input);
    },

    /** Tells the person's apps something they act on (not kept, not counted). */
    async signal(input: SignalInput): Promise<void> {
      const locale = await localeOf(input.userId);
      await deps.push([
        {
          userId: input.userId,
          payload: {
            id: randomUUID(),
            kind: input.kind,
            title: input.title[locale],
            ...(input.body ? { body: input.body[locale] } : {}),
            ...(input.link ? { link: input.link } : {}),
            createdAt: new Date().toISOString(),
          },
        },
      ]);
    },

    async list(userId: string, query: NotificationsQuery): Promise<Result<NotificationPage>> {
      const before = query.before ? parseCursor(query.before) : null;
      if (query.before && !before) return refuse('VALIDATION_FAILED', 'before is not a cursor this list gave out');
      const limit = query.limit ?? 20;
      const [rows, unread, locale] = await Promise.all([
        repo.page(db, userId, limit + 1, before, query.unreadOnly ?? false),
        repo.unreadCount(db, userId),
        localeOf(userId),
      ]);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return ok({
        items: items.map((row) => present(row, locale)),
        ...(rows.length > limit && last ? { nextBefore: `${last.created_at}_${last.id}` } : {}),
        unread,
      });
    },

    unread: (userId: string) => repo.unreadCount(db, userId),

    /** Marks some (or all) read; every device of the person hears the new count. */
    async markRead(userId: string, ids: string[] | 'all'): Promise<number> {
      const { changed, unread } = await repo.markRead(db, userId, ids, Date.now());
      if (changed)
        await deps.push([
          { userId, payload: { id: randomUUID(), kind: 'notifications-read', title: '', unread, createdAt: new Date().toISOString() } },
        ]);
      return unread;
    },

    async remove(userId: string, id: string): Promise<Result<void>> {
      if (!(await repo.remove(db, userId, id))) return refuse('NOT_FOUND', 'No such notification');
      return ok(undefined);
    },

    settings,
    async saveSettings(userId: string, body: NotificationSettingsBody): Promise<NotificationSettings> {
      const changes: { locale?: NotificationLocale; preferences?: string } = {};
      if (body.locale) changes.locale = body.locale;
      if (body.muted !== undefined || body.quietHours !== undefined) {
        const current = await settings(userId);
        changes.preferences = JSON.stringify({
          muted: [...new Set(body.muted ?? current.muted)],
          quietHours: body.quietHours !== undefined ? body.quietHours : current.quietHours,
        });
      }
      await repo.saveSettings(db, userId, changes, Date.now(), DEFAULT_LOCALE);
      cachedSettings.forget(userId);
      await deps.announceSettingsChange(userId).catch((error: unknown) => deps.logError(error, 'settings change not told to other nodes'));
      return settings(userId);
    },

    /** Drops notifications older than `keepMs` (90 days by the product's promise). */
    prune: (keepMs: number) => repo.removeOlderThan(db, Date.now() - keepMs),
  };
}

/**
 * What every recipient of a content in one language is shown, as the JSON members between the
 * row's id and the person's count (the fields of `present`, in its order).
 */
function shownJson(content: repo.NotificationContentsTable, locale: NotificationLocale): string {
  const body = content.body_ko !== null ? ((locale === 'en' ? content.body_en : content.body_ko) ?? content.body_ko) : undefined;
  const json = JSON.stringify({
    category: content.category,
    kind: content.kind,
    title: locale === 'en' ? content.title_en : content.title_ko,
    ...(body !== undefined ? { body } : {}),
    ...(content.link ? { link: content.link } : {}),
    createdAt: new Date(content.created_at).toISOString(),
  });
  return json.slice(1, -1);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function parseCursor(cursor: string): { at: number; id: string } | null {
  const match = /^(\d{1,15})_([0-9a-f-]{36})$/.exec(cursor);
  return match ? { at: Number(match[1]), id: match[2]! } : null;
}
