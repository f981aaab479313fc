import type { ChatTables } from './modules/chat/repository.js';
import type { AuthTables } from './modules/auth/repository.js';
import type { ProfileTables } from './modules/profile/repository.js';
import type { UsersTables } from './modules/users/repository.js';
import type { LevelTestTables } from './modules/level-test/repository.js';
import type { MatchingTables } from './modules/matching/repository.js';
import type { NotificationsTables } from './modules/notifications/repository.js';
import type { ProgressTables } from './modules/progress/repository.js';
import type { JobsTables } from './platform/jobs/jobs.js';
import type { SafetyTables } from './modules/safety/repository.js';

/** The whole schema, assembled from the tables each module owns. */
export type Database = UsersTables &
  AuthTables &
  ProfileTables &
  ChatTables &
  LevelTestTables &
  MatchingTables &
  NotificationsTables &
  ProgressTables &
  SafetyTables &
  JobsTables;
