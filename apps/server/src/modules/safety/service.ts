import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  DEFAULT_PRIVACY,
  EVIDENCE_AROUND,
  EVIDENCE_REQUEST_KIND,
  type ActionBody,
  type AdminPerson,
  type AdminReport,
  type AdminReportDetail,
  type EvidenceMessage,
  type MyReport,
  type MyStanding,
  type PlatformFigures,
  type PrivacySettings,
  type ReportBody,
  type Sanction,
  type SanctionKind,
} from '@studymate/contracts';
import type { Bus } from '../../platform/bus/bus.js';
import { keptPerPerson } from '../../platform/cache/kept-per-person.js';
import { nowMs, toIso } from '../../platform/db/database.js';
import { AppError, ok, refuse, type Result } from '../../platform/http/errors.js';
import type { DomainEvents } from '../events.js';
import type { AccountParticipant, UsersService } from '../users/service.js';
import {
  accountStatus,
  mayFind,
  mayMessage,
  mayReport,
  mayShowPresence,
  maySeeProfile,
  sanctionShape,
  shownDetails,
  type Subject,
} from './policy.js';
import * as repo from './repository.js';
import type { PrivacyRow, ReportRow, SafetyTables, SanctionRow } from './repository.js';

const DAY_MS = 86_400_000;
/** Request messages of the reported person to the reporter copied with a report, the latest. */
const REQUEST_EVIDENCE = 5;
/**
 * How long a node believes what it read of someone's standing and privacy. Every change (a
 * sanction, a lifted one, a privacy setting) forgets it at once on the node that made it and, over
 * the bus, on every other node, so the lifetime is not what keeps it right: it only bounds how long
 * a lost bus message (Redis reconnecting) could leave a node behind. Ten seconds meant a read of
 * privacy and sanctions every ten seconds per person on the 1:1 chat path for nothing; five
 * minutes keeps that bound small. A suspension that ends by the clock is believed only until it
 * ends (`until`), since nothing is published when it runs out.
 */
const STANDING_TTL_MS = 5 * 60_000;
const MAX_STANDINGS = 100_000;
const CHANGED_CHANNEL = 'safety:standing-changed';

/** What safety needs of chat: the conversation around a message, copied for evidence. */
export interface EvidenceSource {
  evidenceAround(
    userId: string,
    messageId: string,
    around: number,
  ): Promise<{ roomId: string; senderId: string; messages: EvidenceCopy[] } | null>;
  evidenceWith(userId: string, partnerId: string, count: number): Promise<{ roomId: string | null; messages: EvidenceCopy[] }>;
  messagesPerDay(since: number): Promise<{ day: number; n: number }[]>;
}
export interface EvidenceCopy {
  messageId: string;
  seq: number;
  senderId: string;
  senderName: string;
  kind: string;
  body: string;
  createdAt: number;
  editedAt: number | null;
  deletedAt: number | null;
}

/** What safety needs of sign-in: end every session of a person, telling their devices why. */
export interface SessionEnder {
  logoutEverywhere(userId: string, reason?: { code: string; message: string; details?: unknown }): Promise<void>;
  activePerDay(since: number): Promise<{ day: number; n: number }[]>;
}

/** What safety needs of calls for the figures: completed calls per UTC day (days since the epoch), asked of its service. */
export interface CallFigures {
  completedPerDay(since: number): Promise<{ day: number; calls: number; connectedMs: number }[]>;
}

/** Someone who was told something (a warning, a report's outcome); the notifications module delivers it. */
export type Notify = (
  userId: string,
  note: { kind: string; title: { ko: string; en: string }; body?: { ko: string; en: string }; key: string; link?: string },
) => Promise<void>;

const privacyOf = (row: PrivacyRow | undefined): PrivacySettings =>
  row
    ? {
        profileVisibility: row.profile_visibility,
        showAge: row.show_age === 1,
        showCity: row.show_city === 1,
        showOnline: row.show_online === 1,
        allowMatching: row.allow_matching === 1,
        whoCanMessage: row.who_can_message,
      }
    : { ...DEFAULT_PRIVACY };

const presentSanction = (s: SanctionRow): Sanction => ({
  id: s.id,
  kind: s.kind,
  reason: s.reason,
  startsAt: toIso(s.starts_at)!,
  endsAt: toIso(s.ends_at),
  liftedAt: toIso(s.lifted_at),
  reportId: s.report_id,
});

/** Days since the epoch -> `YYYY-MM-DD`, for every day of the window (zero where nothing happened). */
function daySeries(fromDay: number, days: number, counts: { day: number; n: number }[]) {
  const byDay = new Map(counts.map((c) => [c.day, c.n]));
  return Array.from({ length: days }, (_, i) => ({
    day: new Date((fromDay + i) * DAY_MS).toISOString().slice(0, 10),
    value: byDay.get(fromDay + i) ?? 0,
  }));
}

export type SafetyService = ReturnType<typeof createSafetyService>;

export function createSafetyService(deps: {
  db: Kysely<SafetyTables>;
  users: UsersService;
  bus: Bus;
  chat: EvidenceSource;
  sessions: SessionEnder;
  calls: CallFigures;
  /** Takes a suspended person out of the quick-match queue. */
  leaveQueue: (userId: string) => Promise<void>;
  /** Whether two people are mates (matching answers). */
  areMates: (a: string, b: string) => Promise<boolean>;
  /** What one person wrote to another in match requests, newest first (matching answers). */
  requestMessages: (
    senderId: string,
    receiverId: string,
    limit: number,
  ) => Promise<{ requestId: string; message: string; createdAt: number }[]>;
  notify: Notify;
  /** Facts for other modules: a suspension or ban (matching withdraws the person's open requests). */
  events?: DomainEvents;
  /** Told of every new report (the administrators' live queue). */
  onReport?: (report: AdminReport) => Promise<void>;
  log: { warn(context: object, message: string): void };
}) {
  const { db, users } = deps;
  /** Privacy and sanction of several people, from this node's memory when recent. */
  const standings = keptPerPerson<{ subject: Subject; endsAt: number }>({
    load: async (missing) => {
      const [privacy, sanctions] = await Promise.all([repo.findPrivacy(db, missing), repo.sanctionsInForce(db, missing, Date.now())]);
      const privacyById = new Map(privacy.map((p) => [p.user_id, p]));
      const sanctioned = new Set(sanctions.map((s) => s.user_id));
      // The first moment a sanction in force runs out, per person (a ban does not).
      const endsAt = new Map<string, number>();
      for (const s of sanctions)
        if (s.ends_at != null) endsAt.set(s.user_id, Math.min(endsAt.get(s.user_id) ?? Infinity, Number(s.ends_at)));
      return new Map(
        missing.map((id) => [
          id,
          { subject: { privacy: privacyOf(privacyById.get(id)), sanctioned: sanctioned.has(id) }, endsAt: endsAt.get(id) ?? Infinity },
        ]),
      );
    },
    untilOf: (standing, _id, now) => Math.min(now + STANDING_TTL_MS, standing.endsAt),
    capacity: MAX_STANDINGS,
  });
  void deps.bus
    .subscribe(CHANGED_CHANNEL, (userId) => standings.forget(userId))
    .catch((error) => deps.log.warn({ err: error }, 'safety: bus subscribe failed'));
  /** A change of standing or privacy: this node forgets at once, the others when the bus tells them. */
  async function changed(userId: string) {
    standings.forget(userId);
    await deps.bus.publish(CHANGED_CHANNEL, userId);
  }

  async function subjects(ids: string[]): Promise<Map<string, Subject>> {
    const found = await standings.of(ids);
    return new Map(ids.map((id) => [id, found.get(id)!.subject]));
  }
  const subject = async (id: string) => (await subjects([id])).get(id)!;

  /** The suspension or ban in force, as the refusal a sign-in gets (with the end date), or null. */
  async function standingRefusal(userId: string): Promise<AppError | null> {
    const inForce = await repo.sanctionsInForce(db, [userId], nowMs());
    if (!inForce.length) return null;
    const ban = inForce.find((s) => s.kind === 'ban');
    const until = ban ? null : toIso(Math.max(...inForce.map((s) => Number(s.ends_at))));
    return new AppError('ACCOUNT_SUSPENDED', ban ? 'This account is banned.' : `This account is suspended until ${until}.`, {
      until,
      kind: ban ? 'ban' : 'suspend',
      reason: (ban ?? inForce[0]!).reason,
    });
  }
  users.setStandingCheck(standingRefusal);

  async function presentReports(rows: ReportRow[]): Promise<AdminReport[]> {
    const names = await users.namesOf(
      rows.flatMap((r) => [r.reporter_id, r.subject_id]),
      { raw: true },
    );
    return rows.map((r) => ({
      id: r.id,
      reporterId: r.reporter_id,
      reporterName: names.get(r.reporter_id)?.displayName ?? '',
      subjectId: r.subject_id,
      subjectName: names.get(r.subject_id)?.displayName ?? '',
      messageId: r.message_id,
      reason: r.reason as AdminReport['reason'],
      comment: r.comment,
      state: r.state,
      createdAt: toIso(r.created_at)!,
      resolvedAt: toIso(r.resolved_at),
      outcome: r.outcome,
    }));
  }

  async function personForAdmin(userId: string): Promise<AdminPerson | null> {
    const [account] = await users.accountsForAdmin([userId]);
    if (!account) return null;
    const [against, made, sanctions, inForce, flags] = await Promise.all([
      repo.reportsAbout(db, userId, 100),
      repo.countReportsBy(db, userId),
      repo.sanctionsOf(db, userId),
      repo.sanctionsInForce(db, [userId], nowMs()),
      repo.countFlags(db, userId, nowMs() - 30 * DAY_MS),
    ]);
    return {
      id: account.id,
      displayName: account.display_name,
      publicName: account.public_name,
      email: account.email,
      role: account.role,
      status: accountStatus(account.status, inForce),
      createdAt: toIso(account.created_at)!,
      accountAgeDays: Math.floor((nowMs() - Number(account.created_at)) / DAY_MS),
      reportsAgainst: await presentReports(against),
      reportsMade: made,
      sanctions: sanctions.map(presentSanction),
      flags,
    };
  }

  /**
   * Records a warning, suspension or ban with its audit line. A suspension or ban then ends every
   * session of the person (refresh tokens, access tokens and STOMP connections on every node,
   * told ACCOUNT_SUSPENDED), takes them out of the queue, and every node forgets their standing.
   */
  async function sanction(
    adminId: string,
    userId: string,
    kind: SanctionKind,
    reason: string,
    days: number | undefined,
    reportId: string | null,
  ): Promise<Result<Sanction>> {
    const shape = sanctionShape(kind, days);
    if (shape === 'days-required')
      return refuse('VALIDATION_FAILED', 'A suspension needs its length in days.', [
        { field: '/days', message: 'is required for a suspension' },
      ]);
    if (shape === 'days-not-allowed')
      return refuse('VALIDATION_FAILED', 'Only a suspension has a length.', [{ field: '/days', message: `is not allowed for ${kind}` }]);
    const [account] = await users.accountsForAdmin([userId]);
    if (!account || account.status === 'deleted') return refuse('NOT_FOUND', 'No such person.');
    if (userId === adminId) return refuse('FORBIDDEN', 'Administrators do not sanction themselves.');
    const at = nowMs();
    const row: SanctionRow = {
      id: randomUUID(),
      user_id: userId,
      kind,
      reason: reason.trim(),
      report_id: reportId,
      created_by: adminId,
      starts_at: at,
      ends_at: kind === 'suspend' ? at + days! * DAY_MS : null,
      lifted_at: null,
      seen_at: null,
    };
    await db.transaction().execute(async (tx) => {
      await repo.insertSanction(tx, row);
      await repo.appendAudit(tx, {
        id: randomUUID(),
        at,
        actor_id: adminId,
        action: kind,
        subject_id: userId,
        report_id: reportId,
        reason: row.reason,
      });
      if (kind !== 'warn') {
        await repo.resolveOpenAbout(tx, userId, kind, adminId, at);
        await deps.events?.publish(tx, 'safety.account-sanctioned', { userId, kind, at: toIso(at)!, until: toIso(row.ends_at) });
      }
    });
    deps.events?.deliver();
    if (kind === 'warn') {
      await deps.notify(userId, {
        kind: 'safety-warning',
        title: { ko: '운영팀의 경고', en: 'A warning from the STUDYMATE team' },
        body: { ko: row.reason, en: row.reason },
        key: `warning:${row.id}`,
      });
      return ok(presentSanction(row));
    }
    await users.setSuspended(userId, true);
    await changed(userId);
    const refusal = (await standingRefusal(userId))!;
    await deps.sessions.logoutEverywhere(userId, { code: refusal.code, message: refusal.message, details: refusal.details });
    await deps.leaveQueue(userId).catch(() => undefined);
    return ok(presentSanction(row));
  }

  /** Tells the reporters of a closed report how it ended (never what happened to the other person). */
  async function tellReporters(reports: ReportRow[]) {
    await Promise.allSettled(
      reports.map((r) =>
        deps.notify(r.reporter_id, {
          kind: 'report-outcome',
          title: { ko: '신고가 처리되었습니다', en: 'Your report was reviewed' },
          body: { ko: '신고해 주셔서 감사합니다.', en: 'Thank you for reporting.' },
          key: `report-outcome:${r.id}`,
          // My reports, in settings.
          link: '/settings#safety',
        }),
      ),
    );
  }

  async function myReports(userId: string): Promise<{ items: MyReport[] }> {
    const rows = await repo.reportsBy(db, userId, 100);
    const names = await users.namesOf(rows.map((r) => r.subject_id));
    return {
      items: rows.map((r) => ({
        id: r.id,
        subjectName: names.get(r.subject_id)?.displayName ?? '',
        reason: r.reason as MyReport['reason'],
        comment: r.comment,
        messageId: r.message_id,
        state: r.state,
        createdAt: toIso(r.created_at)!,
        resolvedAt: toIso(r.resolved_at),
      })),
    };
  }

  const participant: AccountParticipant = {
    name: 'safety',
    async exportData(userId) {
      const [[privacy], reports] = await Promise.all([repo.findPrivacy(db, [userId]), repo.reportsBy(db, userId, 1000)]);
      return {
        privacy: privacyOf(privacy),
        reportsMade: reports.map((r) => ({
          id: r.id,
          reason: r.reason,
          comment: r.comment,
          state: r.state,
          createdAt: toIso(r.created_at),
        })),
      };
    },
    async erase(tx, userId) {
      // Reports and their evidence stay: they are about what others did, and must survive a deletion.
      await repo.erasePrivacy(tx as unknown as Kysely<SafetyTables>, userId);
      return () => changed(userId);
    },
  };

  return {
    participant,
    subjects,

    // ---- rules other modules ask ----

    /** Of these people, those the viewer must not find (recommendations, search, quick match). */
    async hiddenFromDiscovery(viewerId: string, ids: string[]): Promise<Set<string>> {
      const found = await subjects(ids);
      // The viewer among them (the queue asks about the joiner too) is hidden only when others could not find them.
      return new Set(ids.filter((id) => !mayFind(id === viewerId ? '' : viewerId, id, found.get(id)!)));
    },
    /** Of these people, those whose profile the viewer must not see; `mates` are the viewer's mates among them. */
    async hiddenProfiles(viewerId: string, ids: string[], mates: ReadonlySet<string>): Promise<Set<string>> {
      const found = await subjects(ids);
      return new Set(ids.filter((id) => !maySeeProfile({ self: id === viewerId, mates: mates.has(id), subject: found.get(id)! })));
    },
    /** Of these people, those who hide their city from others. */
    async citiesHidden(ids: string[]): Promise<Set<string>> {
      const found = await subjects(ids);
      return new Set(ids.filter((id) => !shownDetails(false, found.get(id)!.privacy).city));
    },
    /** Of these people, those who hide their age from others. */
    async agesHidden(ids: string[]): Promise<Set<string>> {
      const found = await subjects(ids);
      return new Set(ids.filter((id) => !shownDetails(false, found.get(id)!.privacy).age));
    },
    /** Whether others see this person's online status and last seen. */
    async presenceShown(userId: string): Promise<boolean> {
      return mayShowPresence(false, await subject(userId));
    },
    /** Whether `senderId` may write to `recipientId` in a 1:1 (and open one). */
    async mayMessage(senderId: string, recipientId: string): Promise<boolean> {
      const found = await subjects([senderId, recipientId]);
      const recipient = found.get(recipientId)!;
      const quick = mayMessage({ senderSanctioned: found.get(senderId)!.sanctioned, recipient, mates: true });
      if (!quick) return false;
      if (recipient.privacy.whoCanMessage === 'groups') return true;
      return mayMessage({ senderSanctioned: false, recipient, mates: await deps.areMates(senderId, recipientId) });
    },

    // ---- reports ----

    async report(reporterId: string, body: ReportBody): Promise<Result<MyReport>> {
      const names = await users.namesOf([body.userId], { raw: true });
      const refusal = mayReport({
        self: reporterId === body.userId,
        subjectExists: names.has(body.userId),
        reporterSanctioned: (await subject(reporterId)).sanctioned,
      });
      if (refusal === 'self')
        return refuse('VALIDATION_FAILED', 'You cannot report yourself.', [{ field: '/userId', message: 'must be someone else' }]);
      if (refusal) return refuse('NOT_FOUND', 'No such person.');
      let roomId: string | null = null;
      let copies: EvidenceCopy[] = [];
      let reportedId: string | null = null;
      if (body.messageId) {
        const around = await deps.chat.evidenceAround(reporterId, body.messageId, EVIDENCE_AROUND);
        if (!around || around.senderId !== body.userId)
          return refuse('VALIDATION_FAILED', 'messageId is not a message of this person in a room of yours.', [
            { field: '/messageId', message: 'is not their message in a room of yours' },
          ]);
        ({ roomId, messages: copies } = around);
        reportedId = body.messageId;
      } else {
        ({ roomId, messages: copies } = await deps.chat.evidenceWith(reporterId, body.userId, EVIDENCE_AROUND * 2 + 1));
      }
      // What they wrote to the reporter in match requests is evidence too: for someone whose only
      // contact was a request, it is the whole of what they did.
      const requests = await deps.requestMessages(body.userId, reporterId, REQUEST_EVIDENCE);
      const senderName = names.get(body.userId)!.displayName;
      copies = [
        ...requests.map((r): EvidenceCopy => ({
          messageId: r.requestId,
          seq: 0,
          senderId: body.userId,
          senderName,
          kind: EVIDENCE_REQUEST_KIND,
          body: r.message,
          createdAt: r.createdAt,
          editedAt: null,
          deletedAt: null,
        })),
        ...copies,
      ].sort((x, y) => x.createdAt - y.createdAt);
      const at = nowMs();
      const row: ReportRow = {
        id: randomUUID(),
        reporter_id: reporterId,
        subject_id: body.userId,
        message_id: reportedId,
        room_id: roomId,
        reason: body.reason,
        comment: body.comment.trim(),
        state: 'open',
        created_at: at,
        resolved_at: null,
        resolved_by: null,
        outcome: null,
      };
      await db.transaction().execute((tx) =>
        repo.insertReport(
          tx,
          row,
          copies.map((m, position) => ({
            report_id: row.id,
            position,
            message_id: m.messageId,
            seq: m.seq,
            sender_id: m.senderId,
            sender_name: m.senderName.slice(0, 100),
            kind: m.kind,
            body: m.body,
            created_at: m.createdAt,
            edited_at: m.editedAt,
            deleted_at: m.deletedAt,
            reported: m.messageId === reportedId ? 1 : 0,
          })),
        ),
      );
      await deps.onReport?.((await presentReports([row]))[0]!);
      return ok((await myReports(reporterId)).items.find((r) => r.id === row.id)!);
    },

    myReports,

    // ---- a person's own standing ----

    async myStanding(userId: string): Promise<MyStanding> {
      const warnings = await repo.unseenWarnings(db, userId);
      return { warnings: warnings.map((w) => ({ id: w.id, reason: w.reason, at: toIso(w.starts_at)! })) };
    },
    async acknowledgeWarning(userId: string, id: string) {
      await repo.markWarningSeen(db, userId, id, nowMs());
    },

    // ---- privacy ----

    async privacy(userId: string): Promise<PrivacySettings> {
      const [row] = await repo.findPrivacy(db, [userId]);
      return privacyOf(row);
    },
    async setPrivacy(userId: string, settings: PrivacySettings): Promise<PrivacySettings> {
      await repo.savePrivacy(db, {
        user_id: userId,
        profile_visibility: settings.profileVisibility,
        show_age: settings.showAge ? 1 : 0,
        show_city: settings.showCity ? 1 : 0,
        show_online: settings.showOnline ? 1 : 0,
        allow_matching: settings.allowMatching ? 1 : 0,
        who_can_message: settings.whoCanMessage,
        updated_at: nowMs(),
      });
      await changed(userId);
      if (!settings.allowMatching) await deps.leaveQueue(userId).catch(() => undefined);
      return settings;
    },

    // ---- administration ----

    async queue(filter: { state?: string; reason?: string }) {
      return { items: await presentReports(await repo.queue(db, filter, 200)) };
    },

    async reportDetail(reportId: string): Promise<Result<AdminReportDetail>> {
      const row = await repo.findReport(db, reportId);
      if (!row) return refuse('NOT_FOUND', 'No such report.');
      const [[report], evidence, subjectPerson] = await Promise.all([
        presentReports([row]),
        repo.evidenceOf(db, reportId),
        personForAdmin(row.subject_id),
      ]);
      return ok({
        report: report!,
        evidence: evidence.map((e): EvidenceMessage => ({
          messageId: e.message_id,
          seq: Number(e.seq),
          senderId: e.sender_id,
          senderName: e.sender_name,
          kind: e.kind,
          body: e.body,
          createdAt: toIso(e.created_at)!,
          editedAt: toIso(e.edited_at),
          deletedAt: toIso(e.deleted_at),
          reported: e.reported === 1,
        })),
        subject: subjectPerson!,
      });
    },

    async person(userId: string): Promise<Result<AdminPerson>> {
      const found = await personForAdmin(userId);
      return found ? ok(found) : refuse('NOT_FOUND', 'No such person.');
    },

    async lookup(q: string) {
      const rows = await users.lookup(q);
      const inForce = await repo.sanctionsInForce(
        db,
        rows.map((u) => u.id),
        nowMs(),
      );
      return {
        items: rows.map((u) => ({
          id: u.id,
          displayName: u.display_name,
          publicName: u.public_name,
          email: u.email,
          status: accountStatus(
            u.status,
            inForce.filter((s) => s.user_id === u.id),
          ),
          createdAt: toIso(u.created_at)!,
        })),
      };
    },

    /** Dismisses a report, or warns, suspends or bans the person it is about; always with a reason. */
    async act(adminId: string, reportId: string, body: ActionBody): Promise<Result<AdminReport>> {
      const row = await repo.findReport(db, reportId);
      if (!row) return refuse('NOT_FOUND', 'No such report.');
      if (row.state !== 'open') return refuse('CONFLICT', 'This report was already closed.');
      const at = nowMs();
      if (body.action === 'dismiss') {
        const closed = await db.transaction().execute(async (tx) => {
          if (!(await repo.resolveReport(tx, reportId, 'dismissed', 'dismiss', adminId, at))) return false;
          await repo.appendAudit(tx, {
            id: randomUUID(),
            at,
            actor_id: adminId,
            action: 'dismiss',
            subject_id: row.subject_id,
            report_id: reportId,
            reason: body.reason.trim(),
          });
          return true;
        });
        if (!closed) return refuse('CONFLICT', 'This report was already closed.');
      } else {
        const done = await sanction(adminId, row.subject_id, body.action, body.reason, body.days, reportId);
        if (!done.ok) return done;
        if (body.action === 'warn') await repo.resolveReport(db, reportId, 'actioned', 'warn', adminId, at);
      }
      const updated = (await repo.findReport(db, reportId))!;
      await tellReporters([updated]);
      return ok((await presentReports([updated]))[0]!);
    },

    async sanction(adminId: string, userId: string, kind: SanctionKind, reason: string, days?: number) {
      return sanction(adminId, userId, kind, reason, days, null);
    },

    /** Ends a suspension or ban early; the person may sign in again at once. */
    async lift(adminId: string, userId: string, reason: string): Promise<Result<void>> {
      const at = nowMs();
      const [account] = await users.accountsForAdmin([userId]);
      if (!account) return refuse('NOT_FOUND', 'No such person.');
      await db.transaction().execute(async (tx) => {
        await repo.liftSanctions(tx, userId, at);
        await repo.appendAudit(tx, {
          id: randomUUID(),
          at,
          actor_id: adminId,
          action: 'lift',
          subject_id: userId,
          report_id: null,
          reason: reason.trim(),
        });
      });
      await users.setSuspended(userId, false);
      await changed(userId);
      return ok(undefined);
    },

    async audit() {
      const rows = await repo.auditLog(db, 500);
      const names = await users.namesOf(
        rows.flatMap((r) => (r.subject_id ? [r.actor_id, r.subject_id] : [r.actor_id])),
        { raw: true },
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: toIso(r.at)!,
          actorId: r.actor_id,
          actorName: names.get(r.actor_id)?.displayName ?? '',
          action: r.action,
          subjectId: r.subject_id,
          subjectName: r.subject_id ? (names.get(r.subject_id)?.displayName ?? '') : null,
          reportId: r.report_id,
          reason: r.reason,
        })),
      };
    },

    async figures(days: number): Promise<PlatformFigures> {
      const now = nowMs();
      const fromDay = Math.floor(now / DAY_MS) - days + 1;
      const since = fromDay * DAY_MS;
      const [signUps, active, messages, open, calls] = await Promise.all([
        users.signUpsPerDay(since),
        deps.sessions.activePerDay(since),
        deps.chat.messagesPerDay(since),
        repo.openReportTimes(db),
        deps.calls.completedPerDay(since),
      ]);
      const ages = open.map((r) => (now - Number(r.created_at)) / 3_600_000).sort((a, b) => a - b);
      const median =
        ages.length === 0
          ? null
          : ages.length % 2
            ? ages[(ages.length - 1) / 2]!
            : (ages[ages.length / 2 - 1]! + ages[ages.length / 2]!) / 2;
      return {
        days,
        signUps: daySeries(fromDay, days, signUps),
        dailyActive: daySeries(fromDay, days, active),
        messages: daySeries(fromDay, days, messages),
        reportsOpen: open.length,
        reportsOpenMedianHours: median === null ? null : Math.round(median * 10) / 10,
        calls: daySeries(
          fromDay,
          days,
          calls.map((c) => ({ day: c.day, n: c.calls })),
        ),
        // In hundredths of a minute, so a short call still shows.
        callMinutes: daySeries(
          fromDay,
          days,
          calls.map((c) => ({ day: c.day, n: Math.round(c.connectedMs / 600) / 100 })),
        ),
      };
    },
  };
}
