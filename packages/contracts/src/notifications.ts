import { Type, type Static } from '@sinclair/typebox';

/** What a notification is about; preferences (on/off, quiet hours) are kept per category. */
export const NotificationCategory = Type.Union(
  [Type.Literal('chat'), Type.Literal('match'), Type.Literal('session'), Type.Literal('achievement'), Type.Literal('system')],
  { description: 'chat, match, session, achievement or system' },
);
export type NotificationCategory = Static<typeof NotificationCategory>;

/** The languages a notification is written in; the recipient reads the one their app speaks. */
export const NotificationLocale = Type.Union([Type.Literal('ko'), Type.Literal('en')]);
export type NotificationLocale = Static<typeof NotificationLocale>;

/** One stored notification, in the reader's language. */
export const StoredNotification = Type.Object({
  id: Type.String(),
  category: NotificationCategory,
  kind: Type.String(),
  title: Type.String(),
  body: Type.Optional(Type.String()),
  link: Type.Optional(Type.String({ description: 'an app path to open, never an external URL' })),
  read: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type StoredNotification = Static<typeof StoredNotification>;

export const NotificationsQuery = Type.Object({
  /** The `nextBefore` of the previous page; absent for the newest. */
  before: Type.Optional(Type.String({ maxLength: 80 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
  unreadOnly: Type.Optional(Type.Boolean()),
});
export type NotificationsQuery = Static<typeof NotificationsQuery>;

export const NotificationPage = Type.Object({
  items: Type.Array(StoredNotification),
  /** Pass as `before` for the next (older) page; absent on the last page. */
  nextBefore: Type.Optional(Type.String()),
  unread: Type.Integer({ minimum: 0 }),
});
export type NotificationPage = Static<typeof NotificationPage>;

export const UnreadCount = Type.Object({ unread: Type.Integer({ minimum: 0 }) });
export type UnreadCount = Static<typeof UnreadCount>;

const ClockTime = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM on my wall clock' });

/** Quiet hours on my own wall clock: notifications are kept and counted, but no toast, sound or browser notification. */
export const QuietHours = Type.Object({
  start: ClockTime,
  end: ClockTime,
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone the hours follow (my profile zone)' }),
});
export type QuietHours = Static<typeof QuietHours>;

export const NotificationSettings = Type.Object({
  /** The language notifications are written in for this person: the app sets it to its own. */
  locale: NotificationLocale,
  /** Categories I turned off in the app: not stored, not shown (enforced by the server). */
  muted: Type.Array(NotificationCategory, { maxItems: 5 }),
  quietHours: Type.Union([QuietHours, Type.Null()]),
});
export type NotificationSettings = Static<typeof NotificationSettings>;

/** Any of the settings; what is absent stays as it was (the app sends its language alone on every switch). */
export const NotificationSettingsBody = Type.Partial(NotificationSettings);
export type NotificationSettingsBody = Static<typeof NotificationSettingsBody>;

const Texts = (maxLength: number) =>
  Type.Object({ ko: Type.String({ minLength: 1, maxLength }), en: Type.String({ minLength: 1, maxLength }) });

/** An administrator's system notice to a list of people, or to everyone active; each reads it in the language their app speaks. */
export const Announcement = Type.Object({
  /** Sent again with the same id (a retried request), nobody is told twice; absent, the server makes one. */
  id: Type.Optional(Type.String({ format: 'uuid' })),
  recipients: Type.Union([
    Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 1000 }),
    Type.Literal('everyone', { description: 'every account in use' }),
  ]),
  title: Texts(200),
  body: Type.Optional(Texts(1000)),
  link: Type.Optional(Type.String({ pattern: '^/(?!/)\\S*$', maxLength: 200, description: 'an app path, never an external URL' })),
});
export type Announcement = Static<typeof Announcement>;

export const AnnouncementReply = Type.Object({
  id: Type.String(),
  /** Recipients that are accounts in use (others are skipped). */
  recipients: Type.Integer({ minimum: 0 }),
  /** Stored and pushed: less than recipients when someone turned system notices off or this id was sent before. */
  stored: Type.Integer({ minimum: 0 }),
});
export type AnnouncementReply = Static<typeof AnnouncementReply>;
