import type { RealtimeNotification } from '@studymate/contracts';
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
const SETTINGS_CHANNEL = 'notifications:settings-changed';

/** What people are told: stored per person, delivered live to all their devices, listed and marked read. */
export function notificationsModule({ app, db, bus, realtime, jobs }: ModuleContext, { users }: { users: UsersService }) {
  const notifications = createNotificationsService({
    db: ownTables<NotificationsTables>(db),
    push: pushTogether((deliveries) => realtime.sendToUsers('notifications', deliveries)),
    // Raw names: only the status matters here, and masking each name cost a sixth of the server's time at 10,000 a second.
    activeAccounts: async (ids) => [...(await users.namesOf(ids, { raw: true }))].filter(([, name]) => !name.deleted).map(([id]) => id),
    everyoneActive: (after, limit) => users.activeAccountIds(after, limit),
    announceSettingsChange: (userId) => bus.publish(SETTINGS_CHANNEL, userId),
    logError: (error, message) => app.log.error({ err: error }, message),
  });
  // Each node keeps people's settings; a change on any node reaches every node's copy.
  void bus
    .subscribe(SETTINGS_CHANNEL, (userId) => notifications.settingsChanged(userId))
    .catch((error: unknown) => app.log.error({ err: error }, 'notification settings changes not heard; kept copies expire in a minute'));
  users.addParticipant(notifications.participant);
  notificationsRoutes(app, notifications);
  // Kept 90 days: a durable job on one node prunes every 6 hours.
  const prune = periodicJob(jobs, PRUNE_JOB, PRUNE_EVERY_MS, async () => void (await notifications.prune(RETENTION_MS)));
  app.addHook('onReady', () => prune.ensure());
  return notifications;
}

type Push = { userId: string; payload: RealtimeNotification } | { userId: string; json: string };

/**
 * Pushes made in the same turn of the event loop (a written batch settles all its rows at once)
 * go out as one bus message; each push resolves when that message is published.
 */
function pushTogether(publish: (deliveries: Push[]) => Promise<void>) {
  let waiting: Push[] = [];
  let sent: Promise<void> | null = null;
  return (deliveries: Push[]): Promise<void> => {
    for (const delivery of deliveries) waiting.push(delivery);
    sent ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const together = waiting;
      waiting = [];
      sent = null;
      return publish(together);
    });
    return sent;
  };
}
