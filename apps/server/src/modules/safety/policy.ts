import type { AccountStatus, PrivacySettings } from '@studymate/contracts';

/**
 * Who may see, find, message and report whom, under each privacy setting and sanction. Small pure
 * functions, tested as truth tables (safety-policy.test.ts); the service gathers the facts.
 */

/** A person as the rules need them: their privacy settings and whether a suspension or ban is in force. */
export interface Subject {
  privacy: PrivacySettings;
  sanctioned: boolean;
}

/** Recommendations, search and the quick-match queue: never a sanctioned person, never one who turned matching off. */
export const mayFind = (viewerId: string, subjectId: string, subject: Subject) =>
  viewerId !== subjectId && !subject.sanctioned && subject.privacy.allowMatching;

/** A profile page: gone while sanctioned; `mates` shows it to mates only. One always sees one's own. */
export function maySeeProfile(facts: { self: boolean; mates: boolean; subject: Subject }) {
  if (facts.self) return true;
  if (facts.subject.sanctioned) return false;
  return facts.subject.privacy.profileVisibility === 'everyone' || facts.mates;
}

/** What a profile shows of age and city, for someone other than its owner. */
export const shownDetails = (self: boolean, privacy: PrivacySettings) => ({
  age: self || privacy.showAge,
  city: self || privacy.showCity,
});

/**
 * Writing to someone in a 1:1 (and opening one): not to or from a sanctioned person; a recipient
 * who chose `mates` hears only from mates; `groups` (the default) also from people they share a
 * group with or already talk to in a 1:1 (a quick match).
 */
export function mayMessage(facts: { senderSanctioned: boolean; recipient: Subject; mates: boolean }) {
  if (facts.senderSanctioned || facts.recipient.sanctioned) return false;
  return facts.recipient.privacy.whoCanMessage === 'groups' || facts.mates;
}

/** Online and last seen: shown to others only while the person shows it and is not sanctioned. */
export const mayShowPresence = (self: boolean, subject: Subject) => self || (subject.privacy.showOnline && !subject.sanctioned);

export type ReportRefusal = 'self' | 'unknown-person' | 'reporter-sanctioned';
/** Anyone may report anyone else who exists (a deleted account's messages stay reportable); a sanctioned person reports no one. */
export function mayReport(facts: { self: boolean; subjectExists: boolean; reporterSanctioned: boolean }): ReportRefusal | null {
  if (facts.self) return 'self';
  if (facts.reporterSanctioned) return 'reporter-sanctioned';
  if (!facts.subjectExists) return 'unknown-person';
  return null;
}

/** Only administrators read the queue, the evidence and the audit log, and act. */
export const mayAdminister = (role: string) => role === 'admin';

/** A suspension needs a length; a warning and a ban take none. */
export function sanctionShape(kind: 'warn' | 'suspend' | 'ban', days: number | undefined): 'days-required' | 'days-not-allowed' | null {
  if (kind === 'suspend' && !days) return 'days-required';
  if (kind !== 'suspend' && days) return 'days-not-allowed';
  return null;
}

/**
 * An account's state as administrators read it, from the suspensions and bans in force rather than
 * the stored word alone: a ban reads banned, a suspension that has run out reads active.
 */
export function accountStatus(stored: 'active' | 'suspended' | 'deleted', inForce: { kind: string }[]): AccountStatus {
  if (stored === 'deleted') return 'deleted';
  if (inForce.some((s) => s.kind === 'ban')) return 'banned';
  return inForce.length ? 'suspended' : 'active';
}
