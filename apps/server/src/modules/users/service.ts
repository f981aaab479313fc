import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { TermsBody } from '@studymate/contracts';
import { nowMs, toIso } from '../../platform/db/database.js';
import { AppError, ok, refuse, type Result } from '../../platform/http/errors.js';
import * as repo from './repository.js';
import type { UserRow, UsersTables } from './repository.js';

/**
 * Another module's part of an account: what it exports and how it erases it. Registered at
 * start-up, so the users module deletes and exports an account without knowing other tables.
 */
export interface AccountParticipant {
  name: string;
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

export function createUsersService(deps: { db: Kysely<UsersTables>; adminEmails: string[] }) {
  const { db } = deps;
  const participants: AccountParticipant[] = [];
  /** Safety's answer for a suspended account: the refusal (with the end date), or null once it has ended. */
  let standingCheck: ((userId: string) => Promise<AppError | null>) | null = null;

  /** Why this account may not sign in now, or null; a suspension that has run out is lifted here. */
  async function standingRefusal(userId: string): Promise<AppError | null> {
    const user = await repo.findUser(db, userId);
    if (!user || user.status !== 'suspended') return null;
    const refusal = standingCheck ? await standingCheck(userId) : new AppError('ACCOUNT_SUSPENDED', 'This account is suspended.');
    if (!refusal) await repo.setStatus(db, userId, 'active');
    return refusal;
  }

  /** An active account, or null when it does not exist or was deleted. */
  async function getActiveUser(id: string): Promise<UserRow | null> {
    const user = await repo.findUser(db, id);
    return user && user.status !== 'deleted' ? user : null;
  }

  return {
    getActiveUser,

    /** Public names of several accounts at once; a deleted account reads as deleted. */
    async namesOf(ids: string[]): Promise<Map<string, { displayName: string; deleted: boolean }>> {
      const rows = await repo.findUsers(db, [...new Set(ids)]);
      return new Map(
        rows.map((r) => [r.id, { displayName: r.status === 'deleted' ? 'deleted user' : r.display_name, deleted: r.status === 'deleted' }]),
      );
    },

    addParticipant(participant: AccountParticipant) {
      participants.push(participant);
    },

    standingRefusal,
    /** Safety tells whether a suspended account is still suspended, and until when. */
    setStandingCheck(check: (userId: string) => Promise<AppError | null>) {
      standingCheck = check;
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

    async exportAccount(userId: string): Promise<Result<Record<string, unknown>>> {
      const user = await getActiveUser(userId);
      if (!user) return refuse('NOT_FOUND', 'No such account.');
      const identities = await repo.identitiesOf(db, userId);
      const parts: Record<string, unknown> = {};
      for (const p of participants) parts[p.name] = await p.exportData(userId);
      return ok({
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
      });
    },

    /** Erases personal data in one transaction; files go after commit so a rollback loses nothing. */
    async deleteAccount(userId: string): Promise<Result<void>> {
      if (!(await getActiveUser(userId))) return refuse('NOT_FOUND', 'No such account.');
      const afterCommit: (() => Promise<void>)[] = [];
      await db.transaction().execute(async (tx) => {
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
