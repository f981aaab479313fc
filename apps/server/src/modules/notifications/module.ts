import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { UsersService } from '../users/service.js';
import type { NotificationsTables } from './repository.js';
import { notificationsRoutes } from './routes.js';
import { createNotificationsService } from './service.js';

const PRUNE_JOB = 'notifications.prune';
const RETENTION_MS = 90 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 6 * 3_600_000;

/** What people are told: stored per person, delivered live to all their devices, listed and marked read. */
export function notificationsModule({ app, db, realtime, jobs }: ModuleContext, { users }: { users: UsersService }) {
  const notifications = createNotificationsService({
    db: ownTables<NotificationsTables>(db),
    push: (userId, notification) => realtime.sendToUser(userId, 'notifications', notification),
    activeAccounts: async (ids) => [...(await users.namesOf(ids))].filter(([, name]) => !name.deleted).map(([id]) => id),
  });
  users.addParticipant(notifications.participant);
  notificationsRoutes(app, notifications);
  // Kept 90 days: a durable job prunes every 6 hours and queues its next run. A node starting
  // with no run queued starts one; a run that finds another queued (two nodes started at once)
  // ends its own chain, so one remains.
  jobs.register(PRUNE_JOB, {
    async run() {
      await notifications.prune(RETENTION_MS);
      if ((await jobs.pending(PRUNE_JOB)) <= 1) await jobs.enqueue(PRUNE_JOB, {}, undefined, Date.now() + PRUNE_EVERY_MS);
    },
  });
  app.addHook('onReady', async () => {
    if ((await jobs.pending(PRUNE_JOB)) === 0) await jobs.enqueue(PRUNE_JOB, {});
  });
  return notifications;
}
