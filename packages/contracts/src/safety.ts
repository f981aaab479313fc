import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './catalog.js';
import { Nullable, PersonName } from './schema.js';

const Id = Type.String({ format: 'uuid' });

/** Why someone reports a person or a message (SPEC 8). */
export const REPORT_REASONS = ['spam', 'harassment', 'inappropriate', 'fake-profile', 'underage', 'other'] as const;
export const ReportReason = Type.Union(REPORT_REASONS.map((r) => Type.Literal(r)));
export type ReportReason = Static<typeof ReportReason>;

/** A report waits in the queue (`open`) until an administrator dismisses it or acts on it. */
export const ReportState = Type.Union([Type.Literal('open'), Type.Literal('dismissed'), Type.Literal('actioned')]);
export type ReportState = Static<typeof ReportState>;

export const MAX_REPORT_COMMENT = 1000;
/** Messages copied as evidence on either side of a reported message. */
export const EVIDENCE_AROUND = 20;

export const ReportBody = Type.Object(
  {
    userId: Id,
    /** A message of theirs, in a room the reporter belongs to; the conversation around it is copied. */
    messageId: Type.Optional(Id),
    reason: ReportReason,
    comment: Type.String({ maxLength: MAX_REPORT_COMMENT, default: '' }),
  },
  { additionalProperties: false },
);
export type ReportBody = Static<typeof ReportBody>;

/** A report as the person who made it sees it: its state, never the outcome's details. */
export const MyReport = Type.Object({
  id: Id,
  subjectName: PersonName,
  reason: ReportReason,
  comment: Type.String(),
  messageId: Nullable(Type.String()),
  state: ReportState,
  createdAt: Type.String({ format: 'date-time' }),
  resolvedAt: Nullable(Type.String({ format: 'date-time' })),
});
export type MyReport = Static<typeof MyReport>;
export const MyReportList = Type.Object({ items: Type.Array(MyReport) });

/** The kind of an evidence entry that is the message of a match request (its id is the request's; seq 0; kind is at most 12 characters). */
export const EVIDENCE_REQUEST_KIND = 'request';

/** One message as it was when the report was made: a chat message, or what the person wrote in a match request. */
export const EvidenceMessage = Type.Object({
  messageId: Type.String(),
  seq: Type.Integer(),
  senderId: Type.String(),
  senderName: PersonName,
  /** A chat message's kind (text, image, ...), or EVIDENCE_REQUEST_KIND. */
  kind: Type.String(),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  editedAt: Nullable(Type.String({ format: 'date-time' })),
  deletedAt: Nullable(Type.String({ format: 'date-time' })),
  /** The reported message itself. */
  reported: Type.Boolean(),
});
export type EvidenceMessage = Static<typeof EvidenceMessage>;

export const SANCTION_KINDS = ['warn', 'suspend', 'ban'] as const;
export const SanctionKind = Type.Union(SANCTION_KINDS.map((k) => Type.Literal(k)));
export type SanctionKind = Static<typeof SanctionKind>;

export const Sanction = Type.Object({
  id: Id,
  kind: SanctionKind,
  reason: Type.String(),
  startsAt: Type.String({ format: 'date-time' }),
  /** Null for a ban and a warning. */
  endsAt: Nullable(Type.String({ format: 'date-time' })),
  liftedAt: Nullable(Type.String({ format: 'date-time' })),
  reportId: Nullable(Type.String()),
});
export type Sanction = Static<typeof Sanction>;

export const AdminReport = Type.Object({
  id: Id,
  reporterId: Type.String(),
  reporterName: PersonName,
  subjectId: Type.String(),
  subjectName: PersonName,
  messageId: Nullable(Type.String()),
  reason: ReportReason,
  comment: Type.String(),
  state: ReportState,
  createdAt: Type.String({ format: 'date-time' }),
  resolvedAt: Nullable(Type.String({ format: 'date-time' })),
  outcome: Nullable(Type.String()),
});
export type AdminReport = Static<typeof AdminReport>;
export const AdminReportList = Type.Object({ items: Type.Array(AdminReport) });
export const ReportQueueQuery = Type.Object({
  state: Type.Optional(ReportState),
  reason: Type.Optional(ReportReason),
});

/** Where an account stands, from the sanctions in force: `banned` while a ban is (a suspension without an end). */
export const ACCOUNT_STATUSES = ['active', 'suspended', 'banned', 'deleted'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** A person as an administrator looks them up: account age, earlier reports and sanctions. */
export const AdminPerson = Type.Object({
  id: Type.String(),
  /** The name from sign-in. */
  displayName: Type.String(),
  /** The name other people see (the English name from onboarding); null before onboarding. */
  publicName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  role: Type.String(),
  status: literalUnion(ACCOUNT_STATUSES),
  createdAt: Type.String({ format: 'date-time' }),
  accountAgeDays: Type.Integer(),
  reportsAgainst: Type.Array(AdminReport),
  reportsMade: Type.Integer(),
  sanctions: Type.Array(Sanction),
  flags: Type.Integer({ description: 'automatic screening flags in the last 30 days' }),
});
export type AdminPerson = Static<typeof AdminPerson>;

export const AdminReportDetail = Type.Object({
  report: AdminReport,
  evidence: Type.Array(EvidenceMessage),
  subject: AdminPerson,
});
export type AdminReportDetail = Static<typeof AdminReportDetail>;

export const AdminUserQuery = Type.Object({ q: Type.String({ minLength: 1, maxLength: 200 }) });
export const AdminUserHit = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  publicName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  status: literalUnion(ACCOUNT_STATUSES),
  createdAt: Type.String({ format: 'date-time' }),
});
export const AdminUserHits = Type.Object({ items: Type.Array(AdminUserHit) });
export type AdminUserHits = Static<typeof AdminUserHits>;

/** What an administrator does; every action needs a reason and lands in the audit log. */
export const AdminAction = Type.Union([Type.Literal('dismiss'), Type.Literal('warn'), Type.Literal('suspend'), Type.Literal('ban')]);
export type AdminAction = Static<typeof AdminAction>;
export const ActionBody = Type.Object(
  {
    action: AdminAction,
    reason: Type.String({ minLength: 3, maxLength: 500 }),
    /** Suspension only: how many days (up to a year). */
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false },
);
export type ActionBody = Static<typeof ActionBody>;
export const SanctionBody = Type.Object(
  {
    kind: SanctionKind,
    reason: Type.String({ minLength: 3, maxLength: 500 }),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false },
);
export const LiftBody = Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false });

export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.String(),
  actorName: PersonName,
  /** One of AUDIT_ACTIONS. */
  action: Type.String(),
  /** The person the action was about (none for a screening word). */
  subjectId: Nullable(Type.String()),
  subjectName: Nullable(Type.String()),
  reportId: Nullable(Type.String()),
  reason: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditList = Type.Object({ items: Type.Array(AuditEntry) });
/** What the audit log records: the actions on reports and people, and the screening words added or removed. */
export const AUDIT_ACTIONS = ['dismiss', 'warn', 'suspend', 'ban', 'lift', 'word-add', 'word-remove'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Platform figures per UTC day, for the admin charts. */
export const DayFigure = Type.Object({ day: Type.String(), value: Type.Number() });
export const PlatformFigures = Type.Object({
  days: Type.Integer(),
  signUps: Type.Array(DayFigure),
  dailyActive: Type.Array(DayFigure),
  messages: Type.Array(DayFigure),
  reportsOpen: Type.Integer(),
  /** Median age of the open reports in hours; null when none is open. */
  reportsOpenMedianHours: Nullable(Type.Number()),
  /** Calls the two were connected in, by the day they ended, and their connected minutes (hundredths). */
  calls: Type.Array(DayFigure),
  callMinutes: Type.Array(DayFigure),
});
export type PlatformFigures = Static<typeof PlatformFigures>;

/** A warning the person has not acknowledged yet, shown at their next sign-in. */
export const MyStanding = Type.Object({
  warnings: Type.Array(Type.Object({ id: Id, reason: Type.String(), at: Type.String({ format: 'date-time' }) })),
});
export type MyStanding = Static<typeof MyStanding>;

// ---- privacy ----
export const PrivacySettings = Type.Object(
  {
    /** `mates`: people who are not my mates see no profile page of mine. */
    profileVisibility: Type.Union([Type.Literal('everyone'), Type.Literal('mates')]),
    showAge: Type.Boolean(),
    showCity: Type.Boolean(),
    /** Off: others see neither online nor last seen. */
    showOnline: Type.Boolean(),
    /** Off: never in recommendations, search or the quick-match queue. */
    allowMatching: Type.Boolean(),
    /** `mates`: only mates may write to me; `groups`: mates and anyone I share a group with. */
    whoCanMessage: Type.Union([Type.Literal('mates'), Type.Literal('groups')]),
  },
  { additionalProperties: false },
);
export type PrivacySettings = Static<typeof PrivacySettings>;
export const DEFAULT_PRIVACY: PrivacySettings = {
  profileVisibility: 'everyone',
  showAge: true,
  showCity: true,
  showOnline: true,
  allowMatching: true,
  whoCanMessage: 'groups',
};

// ---- screening ----
export const ScreenWord = Type.Object({ word: Type.String(), addedAt: Type.String({ format: 'date-time' }) });
export const ScreenWordList = Type.Object({ items: Type.Array(ScreenWord) });
export const ScreenWordBody = Type.Object({ word: Type.String({ minLength: 2, maxLength: 60 }) }, { additionalProperties: false });
