import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  ONBOARDING_STEPS,
  cityById,
  type BasicInfo,
  type InterestsStep,
  type LanguagesStep,
  type OnboardingStatus,
  type OnboardingStep,
  type PartnerStep,
  type Profile,
  type ScheduleStep,
  type StepBodies,
} from '@studymate/contracts';
import { nowMs, rowLockTransaction, toIso } from '../../platform/db/database.js';
import { ok, refuse, type Result } from '../../platform/http/errors.js';
import { IMAGE_TYPES, sniffContentType } from '../../platform/http/sniff.js';
import type { Cache } from '../../platform/cache/cache.js';
import { ViewCache } from '../../platform/cache/view-cache.js';
import type { Storage } from '../../platform/storage/storage.js';
import type { AccountParticipant, UsersService } from '../users/service.js';
import * as repo from './repository.js';
import type { ProfileParts, ProfileTables } from './repository.js';

const SAVED_AT = {
  basic: 'basic_saved_at',
  languages: 'languages_saved_at',
  interests: 'interests_saved_at',
  partner: 'partner_saved_at',
  schedule: 'schedule_saved_at',
} as const;

type FieldProblem = { field: string; message: string };
const invalid = (details: FieldProblem[]) =>
  refuse<never>('VALIDATION_FAILED', details.map((d) => `${d.field} ${d.message}`).join('; '), details);

export const photoUrl = (key: string | null) => (key ? `/api/v1/photos/${key.replace(/^photos\//, '')}` : null);

/** Step rules a schema cannot say: cross-field and calendar checks. */
/** Whether this runtime knows the IANA zone (it answers for UTC offsets and aliases too). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkStep<S extends OnboardingStep>(step: S, body: StepBodies[S]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (step === 'basic') {
    const b = body as BasicInfo;
    if (b.birthYear != null) {
      const age = new Date().getUTCFullYear() - b.birthYear;
      if (age < 14) problems.push({ field: '/birthYear', message: 'STUDYMATE is for people aged 14 or over' });
      if (age > 120) problems.push({ field: '/birthYear', message: 'is not a plausible birth year' });
    }
    if (b.timeZone !== undefined && !isTimeZone(b.timeZone)) problems.push({ field: '/timeZone', message: 'is not a known time zone' });
    if (b.intro.trim().length < 10) problems.push({ field: '/intro', message: 'must have at least 10 characters besides spaces' });
  }
  if (step === 'languages') {
    const l = body as LanguagesStep;
    const dup = (list: { language: string }[]) => list.find((x, i) => list.findIndex((y) => y.language === x.language) !== i);
    if (l.learns.some((x) => x.language === l.native)) problems.push({ field: '/learns', message: 'cannot include your native language' });
    if (l.speaks.some((x) => x.language === l.native))
      problems.push({ field: '/speaks', message: 'lists your native language; it is already known' });
    if (dup(l.learns)) problems.push({ field: '/learns', message: 'lists a language twice' });
    if (dup(l.speaks)) problems.push({ field: '/speaks', message: 'lists a language twice' });
  }
  if (step === 'partner') {
    const p = body as PartnerStep;
    if (p.ageMin > p.ageMax) problems.push({ field: '/ageMin', message: 'must not be greater than ageMax' });
  }
  return problems;
}

function status(parts: Pick<ProfileParts, 'profile'>): OnboardingStatus {
  const completedSteps = ONBOARDING_STEPS.filter((s) => parts.profile?.[SAVED_AT[s]] != null);
  const nextStep = ONBOARDING_STEPS.find((s) => !completedSteps.includes(s)) ?? null;
  // The level test assesses English speaking: not offered to native English speakers (level-test/policy.ts).
  const levelTestOffered = nextStep === null && parts.profile?.native_language !== 'en';
  return { completedSteps, nextStep, completed: nextStep === null, levelTestOffered };
}

/** Row → step body: the one presenter for each step, so nothing else of a row leaks out. */
function presentSteps(parts: ProfileParts) {
  const p = parts.profile;
  const tags = (kind: string) => parts.tags.filter((t) => t.kind === kind).map((t) => t.value);
  const basic: BasicInfo | null =
    p?.basic_saved_at != null
      ? {
          englishName: p.english_name!,
          cityId: p.city_id as BasicInfo['cityId'],
          intro: p.intro!,
          gender: (p.gender as BasicInfo['gender']) ?? null,
          birthYear: p.birth_year ?? null,
        }
      : null;
  const native = parts.languages.find((l) => l.role === 'native');
  const languages: LanguagesStep | null =
    p?.languages_saved_at != null && native
      ? {
          native: native.language as LanguagesStep['native'],
          speaks: parts.languages
            .filter((l) => l.role === 'speaks')
            .map((l) => ({ language: l.language, level: l.level }) as LanguagesStep['speaks'][number]),
          learns: parts.languages
            .filter((l) => l.role === 'learns')
            .map((l) => ({ language: l.language, level: l.level, partnerLevel: l.partner_level }) as LanguagesStep['learns'][number]),
        }
      : null;
  const interests: InterestsStep | null =
    p?.interests_saved_at != null
      ? {
          motivations: tags('motivation') as InterestsStep['motivations'],
          topics: tags('topic') as InterestsStep['topics'],
          learningStyle: p.learning_style as InterestsStep['learningStyle'],
          expectation: p.expectation as InterestsStep['expectation'],
        }
      : null;
  const partner: PartnerStep | null =
    p?.partner_saved_at != null
      ? {
          partnerGender: p.partner_gender as PartnerStep['partnerGender'],
          partnerStyles: tags('partner_style') as PartnerStep['partnerStyles'],
          ageMin: p.partner_age_min!,
          ageMax: p.partner_age_max!,
        }
      : null;
  const schedule: ScheduleStep | null =
    p?.schedule_saved_at != null
      ? {
          communicationMethod: p.communication_method as ScheduleStep['communicationMethod'],
          dailyMinutes: p.daily_minutes as ScheduleStep['dailyMinutes'],
          availability: parts.slots.map((s) => ({ day: s.day, slot: s.slot })),
        }
      : null;
  return { basic, languages, interests, partner, schedule };
}

/** What matching needs of a profile to score and show a partner; `onboarded` when every step is saved. */
export interface PartnerProfile {
  id: string;
  englishName: string | null;
  cityId: string | null;
  timeZone: string | null;
  intro: string | null;
  photoUrl: string | null;
  gender: string | null;
  birthYear: number | null;
  native: string | null;
  speaks: { language: string; level: string }[];
  learns: { language: string; level: string; partnerLevel: string }[];
  verified: { language: string; level: string }[];
  topics: string[];
  motivations: string[];
  partnerStyles: string[];
  partnerGender: string | null;
  partnerAge: { min: number; max: number } | null;
  communicationMethod: string | null;
  dailyMinutes: number | null;
  availability: { day: number; slot: number }[];
  onboarded: boolean;
  /** The last time any step was saved: changes whenever something matching reads changes. */
  savedAt: number;
}

function presentPartner(id: string, parts: ProfileParts): PartnerProfile {
  const p = parts.profile;
  const tags = (kind: string) => parts.tags.filter((t) => t.kind === kind).map((t) => t.value);
  const saved = p ? ONBOARDING_STEPS.map((s) => p[SAVED_AT[s]]) : [null];
  return {
    id,
    englishName: p?.english_name ?? null,
    cityId: p?.city_id ?? null,
    timeZone: p?.time_zone ?? null,
    intro: p?.intro ?? null,
    photoUrl: photoUrl(p?.photo_key ?? null),
    gender: p?.gender ?? null,
    birthYear: p?.birth_year ?? null,
    native: parts.languages.find((l) => l.role === 'native')?.language ?? null,
    speaks: parts.languages.filter((l) => l.role === 'speaks').map((l) => ({ language: l.language, level: l.level! })),
    learns: parts.languages
      .filter((l) => l.role === 'learns')
      .map((l) => ({ language: l.language, level: l.level!, partnerLevel: l.partner_level! })),
    verified: parts.verified.map((v) => ({ language: v.language, level: v.level })),
    topics: tags('topic'),
    motivations: tags('motivation'),
    partnerStyles: tags('partner_style'),
    partnerGender: p?.partner_gender ?? null,
    partnerAge: p?.partner_age_min != null && p.partner_age_max != null ? { min: p.partner_age_min, max: p.partner_age_max } : null,
    communicationMethod: p?.communication_method ?? null,
    dailyMinutes: p?.daily_minutes ?? null,
    availability: parts.slots.map((s) => ({ day: s.day, slot: s.slot })),
    onboarded: saved.every((at) => at != null),
    savedAt: Math.max(0, ...saved.map((at) => Number(at ?? 0))),
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;

export function createProfileService(deps: { db: Kysely<ProfileTables>; users: UsersService; storage: Storage; cache: Cache }) {
  const { db, users, storage } = deps;
  // `GET /me` runs on every page load: served from the cache until something it shows changes.
  const myProfileView = new ViewCache(deps.cache, 'me');
  // Other modules that keep views of profiles (matching's recommendations) hear of every change.
  const listeners: ((userId: string) => Promise<void>)[] = [];
  async function changed(userId: string) {
    await myProfileView.invalidate(userId);
    await Promise.all(listeners.map((listener) => listener(userId).catch(() => undefined)));
  }

  /** Onboarding is for accounts that accepted the terms. */
  async function requireConsent(userId: string): Promise<Result<void>> {
    const user = await users.getActiveUser(userId);
    if (!user) return refuse('NOT_FOUND', 'No such account.');
    if (user.terms_accepted_at == null) return refuse('TERMS_REQUIRED', 'Accept the terms before setting up your profile.');
    return ok(undefined);
  }

  async function saveStep<S extends OnboardingStep>(userId: string, step: S, body: StepBodies[S]): Promise<Result<OnboardingStatus>> {
    const consent = await requireConsent(userId);
    if (!consent.ok) return consent;
    const problems = checkStep(step, body);
    if (problems.length) return invalid(problems);
    const at = nowMs();
    // Row locks only (no gap locks on MariaDB): many people save their steps at the same moment.
    // Every step updates the person's profiles row before its lists, so one person's saves queue.
    await rowLockTransaction(db).execute(async (tx) => {
      await repo.ensureProfile(tx, userId);
      if (step === 'basic') {
        const b = body as BasicInfo;
        await repo.updateProfile(tx, userId, {
          english_name: b.englishName,
          city_id: b.cityId,
          time_zone: b.timeZone ?? cityById(b.cityId)!.timeZone,
          intro: b.intro.trim(),
          gender: b.gender ?? null,
          birth_year: b.birthYear ?? null,
        });
      } else if (step === 'languages') {
        const l = body as LanguagesStep;
        await repo.updateProfile(tx, userId, { native_language: l.native });
        await repo.replaceLanguages(tx, userId, [
          { user_id: userId, role: 'native', language: l.native, level: null, partner_level: null },
          ...l.speaks.map((s) => ({ user_id: userId, role: 'speaks' as const, language: s.language, level: s.level, partner_level: null })),
          ...l.learns.map((s) => ({
            user_id: userId,
            role: 'learns' as const,
            language: s.language,
            level: s.level,
            partner_level: s.partnerLevel,
          })),
        ]);
      } else if (step === 'interests') {
        const i = body as InterestsStep;
        await repo.updateProfile(tx, userId, { learning_style: i.learningStyle, expectation: i.expectation });
        await repo.replaceTags(
          tx,
          userId,
          ['motivation', 'topic'],
          [
            ...i.motivations.map((value) => ({ user_id: userId, kind: 'motivation' as const, value })),
            ...i.topics.map((value) => ({ user_id: userId, kind: 'topic' as const, value })),
          ],
        );
      } else if (step === 'partner') {
        const p = body as PartnerStep;
        await repo.updateProfile(tx, userId, { partner_gender: p.partnerGender, partner_age_min: p.ageMin, partner_age_max: p.ageMax });
        await repo.replaceTags(
          tx,
          userId,
          ['partner_style'],
          p.partnerStyles.map((value) => ({ user_id: userId, kind: 'partner_style' as const, value })),
        );
      } else {
        const s = body as ScheduleStep;
        await repo.updateProfile(tx, userId, { communication_method: s.communicationMethod, daily_minutes: s.dailyMinutes });
        const unique = [...new Map(s.availability.map((a) => [`${a.day}:${a.slot}`, a])).values()];
        await repo.replaceSlots(
          tx,
          userId,
          unique.map((a) => ({ user_id: userId, day: a.day, slot: a.slot })),
        );
      }
      await repo.updateProfile(tx, userId, { [SAVED_AT[step]]: at });
    });
    // Before the listeners hear of the change: matching copies the name into its pool rows.
    if (step === 'basic') await users.setPublicName(userId, (body as BasicInfo).englishName);
    await changed(userId);
    return ok(status({ profile: await repo.findProfile(db, userId) }));
  }

  async function loadProfile(userId: string): Promise<Profile | null> {
    const [user, parts] = await Promise.all([users.getActiveUser(userId), repo.loadProfileParts(db, userId)]);
    if (!user) return null;
    return {
      id: user.id,
      email: user.email,
      displayName: user.display_name,
      role: user.role,
      createdAt: toIso(user.created_at)!,
      termsAcceptedAt: toIso(user.terms_accepted_at),
      marketingConsent: user.marketing_consent === 1,
      photoUrl: photoUrl(parts.profile?.photo_key ?? null),
      timeZone: parts.profile?.time_zone ?? null,
      onboarding: status(parts),
      ...presentSteps(parts),
      verifiedLevels: parts.verified.map((v) => ({
        language: v.language,
        level: v.level,
        source: v.source,
        verifiedAt: toIso(v.verified_at)!,
      })) as Profile['verifiedLevels'],
    };
  }

  /** My profile as the JSON `GET /me` sends, from the cache when nothing in it changed since. */
  async function myProfileJson(userId: string): Promise<Result<string>> {
    const json = await myProfileView.read(userId, async () => {
      const profile = await loadProfile(userId);
      return profile && JSON.stringify(profile);
    });
    return json === null ? refuse('NOT_FOUND', 'No such account.') : ok(json);
  }

  const participant: AccountParticipant = {
    name: 'profile',
    async exportData(userId) {
      const parts = await repo.loadProfileParts(db, userId);
      return {
        ...presentSteps(parts),
        timeZone: parts.profile?.time_zone ?? null,
        photoUrl: photoUrl(parts.profile?.photo_key ?? null),
        verifiedLevels: parts.verified,
      };
    },
    async erase(accountTx, userId) {
      const tx = accountTx as unknown as Kysely<ProfileTables>;
      const profile = await repo.findProfile(tx, userId);
      await repo.eraseProfile(tx, userId);
      const key = profile?.photo_key;
      return async () => {
        await myProfileView.invalidate(userId);
        if (key) await storage.delete(key);
      };
    },
    accountChanged: (userId) => myProfileView.invalidate(userId),
  };

  return {
    participant,
    saveStep,
    myProfileJson,

    /** Records a level proven by a test (e.g. the level test), replacing any earlier one for that language. */
    async setVerifiedLevel(userId: string, language: string, level: string, source: string): Promise<void> {
      await repo.upsertVerifiedLevel(db, { user_id: userId, language, level, source, verified_at: nowMs() });
      await changed(userId);
    },

    /** Called after every committed change to what matching reads of a profile. */
    onChange(listener: (userId: string) => Promise<void>) {
      listeners.push(listener);
    },

    /** Who changed anything `partnerProfiles` shows at or after `since`: for a view catching up after a restart. */
    changedSince: (since: number) => repo.changedSince(db, since),

    /** Several profiles as matching reads them; ids without a profile are left out. */
    async partnerProfiles(userIds: string[]): Promise<Map<string, PartnerProfile>> {
      const parts = await repo.loadManyParts(db, [...new Set(userIds)]);
      const profiles = new Map<string, PartnerProfile>();
      for (const [id, p] of parts) if (p.profile) profiles.set(id, presentPartner(id, p));
      return profiles;
    },

    async photoUrlsOf(userIds: string[]): Promise<Map<string, string | null>> {
      const rows = await repo.photoKeysOf(db, [...new Set(userIds)]);
      return new Map(rows.map((r) => [r.user_id, photoUrl(r.photo_key)]));
    },

    async onboardingStatus(userId: string): Promise<OnboardingStatus> {
      return status({ profile: await repo.findProfile(db, userId) });
    },

    async getStep<S extends OnboardingStep>(userId: string, step: S): Promise<Result<StepBodies[S]>> {
      const body = presentSteps(await repo.loadProfileParts(db, userId))[step];
      if (!body) return refuse('NOT_FOUND', `The ${step} step has not been saved yet.`);
      return ok(body as StepBodies[S]);
    },

    /** Stores the photo only after its bytes prove it is an image we accept. */
    async setPhoto(userId: string, bytes: Buffer): Promise<Result<{ photoUrl: string }>> {
      const consent = await requireConsent(userId);
      if (!consent.ok) return consent;
      const type = sniffContentType(bytes);
      if (!type || !(IMAGE_TYPES as readonly string[]).includes(type)) {
        return refuse('UNSUPPORTED_MEDIA_TYPE', 'A profile photo must be a JPEG, PNG or WebP image.');
      }
      const key = `photos/${randomUUID()}`;
      await storage.put(key, bytes, type);
      const previous = await db.transaction().execute(async (tx) => {
        await repo.ensureProfile(tx, userId);
        const before = await repo.findProfile(tx, userId);
        await repo.updateProfile(tx, userId, { photo_key: key });
        return before?.photo_key ?? null;
      });
      // Partners' cards read the photo from matching's copy of the profile: it must hear of the new one.
      await changed(userId);
      if (previous) await storage.delete(previous).catch(() => undefined);
      return ok({ photoUrl: photoUrl(key)! });
    },

    async removePhoto(userId: string): Promise<void> {
      const profile = await repo.findProfile(db, userId);
      if (!profile?.photo_key) return;
      await repo.updateProfile(db, userId, { photo_key: null });
      await changed(userId);
      await storage.delete(profile.photo_key).catch(() => undefined);
    },

    async readPhoto(id: string) {
      if (!/^[0-9a-f-]{36}$/.test(id)) return null;
      return storage.get(`photos/${id}`);
    },
  };
}
