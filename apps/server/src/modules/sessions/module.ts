import type { MatchingService } from '../matching/service.js';
import type { NotificationsService } from '../notifications/service.js';
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
  { app, db, jobs, events, config }: ModuleContext,
  {
    users,
    profile,
    matching,
    notifications,
  }: { users: UsersService; profile: ProfileService; matching: MatchingService; notifications: NotificationsService },
) {
  const sessions = createSessionsService({
    db: ownTables<SessionsTables>(db),
    users,
    profile,
    areMates: (a, b) => matching.areMates(a, b),
    notify: (notice) => notifications.send({ ...notice, category: 'session' }),
    // Committed with the accept; delivered to subscribers (progress, achievements) after it.
    booked: async (tx, fact) => void (await events.publish(tx, 'session.booked', fact)),
    jobs,
    publicUrl: config.publicUrl,
  });
  users.addParticipant(sessions.participant);
  // An unmatch or a block ends what the two booked together: neither joins, moves or is reminded of it.
  events.on('matching.contact-closed', 'sessions', async ({ data }) => void (await sessions.endPair(data.a, data.b)));
  sessionsRoutes(app, sessions, { feedsPerMinute: FEED_READS_PER_MINUTE });
  return sessions;
}
