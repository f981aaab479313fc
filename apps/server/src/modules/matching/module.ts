import type { ChatService } from '../chat/service.js';
import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { NotificationsService } from '../notifications/service.js';
import type { ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import type { MatchingTables } from './repository.js';
import { memoryQueue, redisQueue } from './quick-match.js';
import { matchingRoutes } from './routes.js';
import { createMatchingService, type Visibility } from './service.js';

/** Recommendations, search, match requests, mates and blocking. */
export function matchingModule(
  { app, db, cache, redis, jobs, realtime, config, events }: ModuleContext,
  {
    users,
    profile,
    chat,
    notifications,
    visibility,
    presenceShown,
  }: {
    users: UsersService;
    profile: ProfileService;
    chat: ChatService;
    notifications: NotificationsService;
    visibility?: Visibility;
    /** Whether others may see this person's online status (safety). */
    presenceShown?: (userId: string) => Promise<boolean>;
  },
) {
  const matching = createMatchingService({
    db: ownTables<MatchingTables>(db),
    users,
    profile,
    rooms: chat,
    notify: (notification) => notifications.send(notification),
    jobs,
    cache,
    requestTtlMs: config.matching.requestTtlSeconds * 1000,
    quickMatchQueue: redis ? redisQueue(redis, `${config.redis!.prefix}matching:quick`) : memoryQueue(),
    presence: async (userId) =>
      presenceShown && !(await presenceShown(userId)) ? { state: 'offline', lastSeen: null } : realtime.presence(userId),
    visibility,
    events,
  });
  users.addParticipant(matching.participant);
  matchingRoutes(app, matching);
  return matching;
}
