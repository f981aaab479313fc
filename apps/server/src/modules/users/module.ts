import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { UsersTables } from './repository.js';
import { usersRoutes } from './routes.js';
import { createUsersService } from './service.js';

/** Accounts, terms, deletion and export (a job; expired exports swept hourly); other modules join deletion and export as participants. */
export function usersModule({ app, db, config, jobs, storage }: ModuleContext) {
  const users = createUsersService({ db: ownTables<UsersTables>(db), adminEmails: config.auth.adminEmails, jobs, storage });
  usersRoutes(app, users);
  app.addHook('onReady', () => users.ensureExportSweep());
  return users;
}
