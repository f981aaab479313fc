import type { AdminReport } from '@studymate/contracts';
import type { AuthService } from '../auth/service.js';
import type { ChatService } from '../chat/service.js';
import type { MatchingService } from '../matching/service.js';
import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import { safetyDestinations } from './destinations.js';
import type { SafetyTables } from './repository.js';
import { safetyRoutes } from './routes.js';
import { createScreening } from './screening.js';
import { createSafetyService, type CallFigures, type Notify } from './service.js';

/** Reports with evidence, sanctions, the audit log, privacy settings and screening; the admin pages' API. */
export function safetyModule(
  { app, db, bus, cache, realtime, config, events }: ModuleContext,
  {
    users,
    profile,
    auth,
    chat,
    matching,
    calls,
    notify,
  }: {
    users: UsersService;
    profile: ProfileService;
    auth: AuthService;
    chat: ChatService;
    matching: MatchingService;
    /** The calls module's figures (wired after safety: asked only when an administrator looks). */
    calls: CallFigures;
    notify: Notify;
  },
) {
  const screening = createScreening({ db: ownTables<SafetyTables>(db), bus, cache, moderation: config.moderation, log: app.log });
  // Before the cache closes (onClose hooks run in reverse order of registration, and the platform's was first).
  app.addHook('onClose', async () => {
    await screening.settle();
    screening.close();
  });
  const safety = createSafetyService({
    db: ownTables<SafetyTables>(db),
    users,
    bus,
    chat,
    sessions: auth,
    calls,
    leaveQueue: (userId) => matching.leaveQuickMatch(userId),
    areMates: (a, b) => matching.areMates(a, b),
    requestMessages: (senderId, receiverId, limit) => matching.requestMessagesFrom(senderId, receiverId, limit),
    notify,
    events,
    onReport: (report: AdminReport) => realtime.publish('/sub/admin/reports', {}, report),
    log: app.log,
  });
  users.addParticipant(safety.participant);
  // Names with abusive words reach other people masked, wherever a module shows them (users.namesOf).
  users.setNameMask(screening.mask);
  // Self-introductions and names are screened whenever a profile is saved: a hit is an automatic
  // flag for administrators. Others see such an introduction masked with "show anyway" and such a
  // name masked (matching's cards, users.namesOf); the screen runs again at each read, so a word an
  // administrator adds or removes applies at once.
  profile.onChange(async (userId) => {
    const saved = (await profile.partnerProfiles([userId])).get(userId);
    const name = (await users.namesOf([userId], { raw: true })).get(userId)?.displayName ?? '';
    if (saved?.intro) await screening.screenText(userId, 'intro', saved.intro, null);
    for (const text of new Set([name, saved?.englishName ?? ''])) if (text) await screening.screenText(userId, 'name', text, null);
  });
  safetyRoutes(app, safety, screening, { reportsPerMinute: 10 });
  safetyDestinations(realtime);
  return { safety, screening };
}
