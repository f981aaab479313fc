import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { UsersService } from '../users/service.js';
import type { NotificationsTables } from './repository.js';
import { notificationsRoutes } from './routes.js';
import { createNotificationsService } from './service.js';

/** What people are told: stored per person, delivered live to all their devices, listed and marked read. */
export function notificationsModule({ app, db, realtime }: ModuleContext, { users }: { users: UsersService }) {
  const notifications = createNotificationsService({
    db: ownTables<NotificationsTables>(db),
    push: (userId, notification) => realtime.sendToUser(userId, 'notifications', notification),
  });
  users.addParticipant(notifications.participant);
  notificationsRoutes(app, notifications);
  return notifications;
}
