import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DataExport, TermsBody } from '@studymate/contracts';
import type { JobRunner } from '../../platform/jobs/jobs.js';
import { periodicJob } from '../../platform/jobs/periodic.js';
import type { Storage } from '../../platform/storage/storage.js';
import { nowMs, toIso } from '../../platform/db/database.js';
import { AppError, ok, refuse, type Result } from '../../platform/http/errors.js';
import * as repo from './repository.js';
import type { ExportRow, UserRow, UsersTables } from './repository.js';

/** The durable job that builds a data export. */
export const EXPORT_JOB = 'account-export';
/** How long a built export can be downloaded (and how long its attachment links work). */
export const EXPORT_VALID_MS = 24 * 3600_000;
/** The durable periodic job that removes expired exports, file and row; an export outlives its day by an hour at most. */
export const EXPORT_SWEEP_JOB = 'account-export.sweep';
const EXPORT_SWEEP_EVERY_MS = 3600_000;
/** Expired exports removed at once, so a sweep after a long outage works in bounded steps. */
const EXPORT_SWEEP_BATCH = 100;

/**
 * Another module's part of an account: what it exports and how it erases it. Registered at
 * start-up, so the users module deletes and exports an account without knowing other tables.
 */
export interface AccountParticipant {
  name: string;
  /** This module's part of the person's data; links it gives must work for EXPORT_VALID_MS. */
  exportData(userId: string): Promise<unknown>;
  /** Erases inside the deletion transaction; may return work to run after commit (files). */
  erase(tx: Transaction<any>, userId: string): Promise<(() => Promise<void>) | void>;
  /** Called after the account row changed (terms, consent), for a participant that shows it. */
  accountChanged?(userId: string): Promise<void>;
}

/** An account as other modules see it. */
export type Account = UserRow;

export interface SignInIdentity {
  provider: 'naver' | 'google' | 'dev';
  subject: string;
  email: string | null;
  displayName: string;
}

export type UsersService = ReturnType<typeof createUsersService>;

export function createUsersService(deps: { db: Kysely<UsersTables>; adminEmails: string[]; jobs: JobRunner; storage: Storage }) {
  const { db, jobs, storage } = deps;
  const participants: AccountParticipant[] = [];
  /** Safety's answer for a suspended account: the refusal (with the end date), or null once it has ended. */
  let standingCheck: ((userId: string) => Promise<AppError | null>) | null = null;
  /** Safety's screen of a name as other people see it (abusive words masked); the name as it is until safety is wired. */
  let nameMask: (name: string) => string = (name) => name;

  /** Why this account may not sign in now, or null; a suspension that has run out is lifted here. */
  async function standingRefusal(userId: string): Promise<AppError | null> {
    const user = await repo.findUser(db, userId);
    if (!user || user.status !== 'suspended') return null;
    const refusal = standingCheck ? await standingCheck(userId) : new AppError('ACCOUNT_SUSPENDED', 'This account is suspended.');
    if (!refusal) await repo.setStatus(db, userId, 'active');
    return refusal;
  }

  /** Everything about the person: the account, then each module's part, reported as it is gathered. */
  async function gather(user: UserRow, onPart: (done: number) => Promise<void>) {
    const identities = await repo.identitiesOf(db, user.id);
    const parts: Record<string, unknown> = {};
    let done = 0;
    for (const p of participants) {
      parts[p.name] = await p.exportData(user.id);
      await onPart(++done);
    }
    return {
      exportedAt: new Date().toISOString(),
      account: {
        id: user.id,
        email: user.email,
        displayName: user.display_name,
        role: user.role,
        createdAt: toIso(user.created_at),
        termsAcceptedAt: toIso(user.terms_accepted_at),
        marketingConsent: user.marketing_consent === 1,
        signInMethods: identities.map((i) => ({ provider: i.provider, linkedAt: toIso(i.created_at) })),
      },
      ...parts,
    };
  }

  function presentExport(row: ExportRow): DataExport {
    const expiresAt = row.finished_at !== null && row.status === 'ready' ? Number(row.finished_at) + EXPORT_VALID_MS : null;
    return {
      id: row.id,
      status: expiresAt !== null && expiresAt <= nowMs() ? 'expired' : row.status,
      progress: row.status === 'ready' ? 1 : row.parts_total ? Math.min(1, row.parts_done / row.parts_total) : 0,
      createdAt: toIso(row.created_at)!,
      readyAt: row.status === 'ready' ? toIso(row.finished_at) : null,
      expiresAt: toIso(expiresAt),
      size: row.size === null ? null : Number(row.size),
    };
  }

  // Built on whichever node claims the job; run again from the start if that node dies.
  jobs.register(EXPORT_JOB, {
    async run({ exportId }: { exportId: string }) {
      const row = await repo.findExport(db, exportId);
      if (!row || row.status !== 'building') return;
      const user = await getActiveUser(row.user_id);
      if (!user) return void (await repo.updateExport(db, exportId, { status: 'failed', finished_at: nowMs() }));
      // Writing the file counts as the last part.
      const total = participants.length + 1;
      await repo.updateExport(db, exportId, { parts_total: total, parts_done: 0 });
      const data = await gather(user, async (done) => void (await repo.updateExport(db, exportId, { parts_done: done })));
      const bytes = Buffer.from(JSON.stringify(data, null, 2));
      const key = `exports/${user.id}/${exportId}`;
      await storage.put(key, bytes, 'application/json');
      await repo.updateExport(db, exportId, {
        status: 'ready',
        parts_done: total,
        storage_key: key,
        size: bytes.length,
        finished_at: nowMs(),
      });
    },
    async onGiveUp({ exportId }: { exportId: string }) {
      await repo.updateExport(db, exportId, { status: 'failed', finished_at: nowMs() });
    },
  });

  /**
   * Removes exports whose day has passed (and failed ones as old): the file first, then the row,
   * so a file that could not be deleted (storage away) keeps its row and the next sweep tries again.
   */
  async function sweepExpiredExports() {
    const cutoff = nowMs() - EXPORT_VALID_MS;
    for (;;) {
      const expired = await repo.exportsFinishedBefore(db, cutoff, EXPORT_SWEEP_BATCH);
      const removed = await Promise.allSettled(
        expired.map(async (e) => {
          if (e.storage_key) await storage.delete(e.storage_key);
          await repo.deleteExport(db, e.id);
        }),
      );
      const failures = removed.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      if (failures.length) throw new AggregateError(failures, `could not remove ${failures.length} expired exports`);
      if (expired.length < EXPORT_SWEEP_BATCH) return;
    }
  }
  const exportSweep = periodicJob(jobs, EXPORT_SWEEP_JOB, EXPORT_SWEEP_EVERY_MS, sweepExpiredExports);

  /** An active account, or null when it does not exist or was deleted. */
  async function getActiveUser(id: string): Promise<UserRow | null> {
    const user = await repo.findUser(db, id);
    return user && user.status !== 'deleted' ? user : null;
  }

  return {
    getActiveUser,
    /** Starts the export sweep's chain when no node has one queued (on ready). */
    ensureExportSweep: () => exportSweep.ensure(),

    /**
     * Names as other people see them, several accounts at once: the English name chosen in
     * onboarding (the name from sign-in before it), so a card, a chat, a session and a
     * notification call a person the same. A name screening finds abuse in is masked, except the
     * viewer's own; `raw` is for administrators and for screening itself. A deleted account has
     * no name (an empty one, `deleted` set): the app writes "Deleted user" in the reader's language.
     */
    async namesOf(
      ids: string[],
      seenBy: { viewerId?: string; raw?: boolean } = {},
    ): Promise<Map<string, { displayName: string; deleted: boolean }>> {
      const rows = await repo.findUsers(db, [...new Set(ids)]);
      const shown = (r: { id: string; display_name: string; public_name: string | null }) => {
        const name = r.public_name ?? r.display_name;
        return seenBy.raw || r.id === seenBy.viewerId ? name : nameMask(name);
      };
      return new Map(rows.map((r) => [r.id, { displayName: r.status === 'deleted' ? '' : shown(r), deleted: r.status === 'deleted' }]));
    },

    /** Sets the name other people see (onboarding's English name); a deleted account keeps none. */
    setPublicName: async (userId: string, name: string) => void (await repo.setPublicName(db, userId, name)),

    /** One page of every account in use (not suspended or deleted), in id order after `after`. */
    activeAccountIds: async (after: string | null, limit: number) => (await repo.activeIdsAfter(db, after, limit)).map((r) => r.id),

    addParticipant(participant: AccountParticipant) {
      participants.push(participant);
    },

    standingRefusal,
    /** Safety tells whether a suspended account is still suspended, and until when. */
    setStandingCheck(check: (userId: string) => Promise<AppError | null>) {
      standingCheck = check;
    },
    /** A name as other people are shown it (namesOf masks the same way): for names a module copied unmasked. */
    shownName: (name: string) => nameMask(name),
    /** Safety masks abusive names for everyone but their owner (namesOf). */
    setNameMask(mask: (name: string) => string) {
      nameMask = mask;
    },
    /** Suspends an account (sign-in and refresh refused) or restores it; a deleted account stays deleted. */
    async setSuspended(userId: string, suspended: boolean) {
      await repo.setStatus(db, userId, suspended ? 'suspended' : 'active');
    },

    /** Accounts as administrators see them (e-mail included): never shown to other people. */
    accountsForAdmin: (ids: string[]) => repo.findAccounts(db, ids),
    /** Administrators' look-up by id, e-mail or part of a name. */
    lookup: (q: string) => repo.lookup(db, q.trim(), 50),
    signUpsPerDay: (since: number) => repo.signUpsPerDay(db, since),

    /** Finds the account behind a provider identity, or opens a new one. */
    async signIn(identity: SignInIdentity): Promise<Result<{ user: UserRow; isNew: boolean }>> {
      const existing = await repo.findUserByIdentity(db, identity.provider, identity.subject);
      if (existing) {
        if (existing.status === 'suspended') {
          const refusal = await standingRefusal(existing.id);
          if (refusal) return { ok: false, error: refusal };
          return ok({ user: { ...existing, status: 'active' }, isNew: false });
        }
        return ok({ user: existing, isNew: false });
      }
      const at = nowMs();
      const email = identity.email?.toLowerCase() ?? null;
      const user: UserRow = {
        id: randomUUID(),
        email,
        display_name: identity.displayName,
        public_name: null,
        // Anyone can type any email into dev sign-in: only an identity a provider vouched for earns admin.
        role: email && identity.provider !== 'dev' && deps.adminEmails.includes(email) ? 'admin' : 'user',
        status: 'active',
        created_at: at,
        terms_accepted_at: null,
        marketing_consent: 0,
        deleted_at: null,
      };
      try {
        await db.transaction().execute((tx) =>
          repo.insertUserWithIdentity(tx, user, {
            provider: identity.provider,
            subject: identity.subject,
            user_id: user.id,
            created_at: at,
          }),
        );
      } catch (error) {
        // Two first sign-ins raced; the other one created the account.
        const winner = await repo.findUserByIdentity(db, identity.provider, identity.subject);
        if (winner) return ok({ user: winner, isNew: false });
        throw error;
      }
      return ok({ user, isNew: true });
    },

    async acceptTerms(userId: string, terms: TermsBody): Promise<Result<void>> {
      if (!(await getActiveUser(userId))) return refuse('NOT_FOUND', 'No such account.');
      await repo.recordTerms(db, userId, nowMs(), terms.marketing);
      await Promise.all(participants.map((p) => p.accountChanged?.(userId)));
      return ok(undefined);
    },

    /**
     * Starts building an export as a job, or returns the one already being built. Earlier files
     * are deleted: a person keeps one export at a time.
     */
    async requestExport(userId: string): Promise<Result<DataExport>> {
      if (!(await getActiveUser(userId))) return refuse('NOT_FOUND', 'No such account.');
      const latest = await repo.latestExport(db, userId);
      if (latest?.status === 'building') return ok(presentExport(latest));
      const earlier = (await repo.exportsOf(db, userId)).filter((e) => e.storage_key);
      const row: ExportRow = {
        id: randomUUID(),
        user_id: userId,
        status: 'building',
        parts_done: 0,
        parts_total: participants.length + 1,
        storage_key: null,
        size: null,
        created_at: nowMs(),
        finished_at: null,
      };
      await db.transaction().execute(async (tx) => {
        await repo.insertExport(tx, row);
        await jobs.enqueue(EXPORT_JOB, { exportId: row.id }, tx);
      });
      jobs.kick();
      await Promise.allSettled(earlier.map((e) => storage.delete(e.storage_key!)));
      return ok(presentExport(row));
    },

    async latestExport(userId: string): Promise<DataExport | null> {
      const row = await repo.latestExport(db, userId);
      return row ? presentExport(row) : null;
    },

    /** The file of a ready export of this person's, while it is valid. */
    async readExport(userId: string, exportId: string) {
      const row = await repo.findExport(db, exportId);
      if (!row || row.user_id !== userId || !row.storage_key || presentExport(row).status !== 'ready') return null;
      return storage.get(row.storage_key);
    },

    /** Erases personal data in one transaction; files go after commit so a rollback loses nothing. */
    async deleteAccount(userId: string): Promise<Result<void>> {
      if (!(await getActiveUser(userId))) return refuse('NOT_FOUND', 'No such account.');
      const exportFiles = (await repo.exportsOf(db, userId)).flatMap((e) => e.storage_key ?? []);
      const afterCommit: (() => Promise<void>)[] = [
        async () => void (await Promise.allSettled(exportFiles.map((key) => storage.delete(key)))),
      ];
      await db.transaction().execute(async (tx) => {
        await repo.deleteExports(tx, userId);
        for (const p of participants) {
          const after = await p.erase(tx, userId);
          if (after) afterCommit.push(after);
        }
        await repo.tombstoneUser(tx, userId, nowMs());
      });
      await Promise.allSettled(afterCommit.map((run) => run()));
      return ok(undefined);
    },
  };
}
