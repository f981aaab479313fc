import { randomUUID } from 'node:crypto';
import type { MatchingService } from '../matching/service.js';
import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import type { SessionsTables } from './repository.js';
import { sessionsRoutes } from './routes.js';
import { createSessionsService } from './service.js';

/** A calendar app polls a feed every few minutes; this many reads a minute per address is plenty. */
const FEED_READS_PER_MINUTE = 60;

/** Booking sessions with mates: proposals, answers, moves, cancellations, reminders, calendars and feeds. */
export function sessionsModule(
  { app, db, jobs, realtime, config }: ModuleContext,
  { users, profile, matching }: { users: UsersService; profile: ProfileService; matching: MatchingService },
) {
  const sessions = createSessionsService({
    db: ownTables<SessionsTables>(db),
    users,
    profile,
    areMates: (a, b) => matching.areMates(a, b),
    notify: (notice) =>
      realtime.sendToUser(notice.userId, 'notifications', {
        id: randomUUID(),
        kind: notice.kind,
        title: notice.title.en,
        body: notice.body?.en,
        link: notice.link,
        createdAt: new Date().toISOString(),
      }),
    jobs,
    publicUrl: config.publicUrl,
  });
  users.addParticipant(sessions.participant);
  sessionsRoutes(app, sessions, { feedsPerMinute: FEED_READS_PER_MINUTE });
  return sessions;
}
