import { periodicJob } from '../../platform/jobs/periodic.js';
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

const EFFECTS_JOB = 'matching.fit-effects';

/** Recommendations, search, match requests, mates and blocking. */
export function matchingModule(
  { app, db, cache, redis, jobs, realtime, config, events, readiness }: ModuleContext,
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
    signal: (input) => notifications.signal(input),
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
  // Matching's copy of profiles catches up at start-up (after the upgrade that adds it: everyone,
  // about a minute for 100,000 people, bench/README.md). Until it has, this node's recommendations
  // would miss whoever changed meanwhile, so /health/ready holds the node out of the balancer.
  const hold = readiness.hold('matching-pool', 'catching up with profile changes since the last start');
  let retryTimer: NodeJS.Timeout | null = null;
  let closing = false;
  const catchUp = (attempt: number) => {
    void matching
      .catchUpPool((done, total) => hold.update(`catching up with profile changes since the last start: ${done} of ${total} people`))
      .then(
        (people) => {
          hold.release();
          app.log.info({ people }, 'matching pool caught up');
        },
        (error: unknown) => {
          if (closing) return;
          // Still not ready: try again, waiting longer each time (5 s, 10 s, ... at most a minute).
          const waitMs = Math.min(60_000, 5_000 * 2 ** attempt);
          hold.update(`catching up with profile changes failed; trying again in ${waitMs / 1000} s`);
          app.log.error({ err: error }, 'matching pool catch-up failed; trying again');
          retryTimer = setTimeout(() => catchUp(attempt + 1), waitMs);
        },
      );
  };
  app.addHook('onReady', async () => catchUp(0));
  app.addHook('preClose', async () => {
    closing = true;
    if (retryTimer) clearTimeout(retryTimer);
  });
  // Recent activity for the engine, from what other parts already know: the app connecting or
  // disconnecting on this node, and messages sent (chat's per-minute tally). Written at most hourly.
  const active = (userId: string, at?: number) =>
    matching.recordActivity(userId, at).catch((error: unknown) => app.log.warn({ err: error }, 'matching activity write failed'));
  realtime.onSessionOpened((principal) => void active(principal.userId));
  realtime.onSessionClosed((principal) => void active(principal.userId));
  events.on('chat.messages-sent', 'matching', async (event) => {
    await matching.recordActivity(event.data.userId, Date.parse(event.data.lastAt));
  });
  // A suspended or banned person's open requests are withdrawn (safety states the sanction).
  events.on('safety.account-sanctioned', 'matching', async (event) => matching.withdrawRequestsOf(event.data.userId));
  // Everyone's decision effects, fitted on one node at a time from the latest decisions; every
  // node's candidate walk reads them with the pool rows.
  const effects = periodicJob(jobs, EFFECTS_JOB, config.matching.effectsEverySeconds * 1000, async () => {
    const people = await matching.fitEffects();
    app.log.info({ people }, 'matching decision effects fitted');
  });
  app.addHook('onReady', () => effects.ensure());
  app.addHook('onClose', async () => matching.flushShown());
  matchingRoutes(app, matching);
  return matching;
}
