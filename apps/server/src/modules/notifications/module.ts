import { periodicJob } from '../../platform/jobs/periodic.js';
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
  // Kept 90 days: a durable job on one node prunes every 6 hours.
  const prune = periodicJob(jobs, PRUNE_JOB, PRUNE_EVERY_MS, async () => void (await notifications.prune(RETENTION_MS)));
  app.addHook('onReady', () => prune.ensure());
  return notifications;
}
