import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { UsersService } from '../users/service.js';
import type { ProfileTables } from './repository.js';
import { profileRoutes } from './routes.js';
import { createProfileService } from './service.js';

/** Onboarding, the profile and its photo, verified levels, weekly availability. */
export function profileModule({ app, db, storage, cache, config }: ModuleContext, { users }: { users: UsersService }) {
  const profile = createProfileService({ db: ownTables<ProfileTables>(db), users, storage, cache });
  users.addParticipant(profile.participant);
  profileRoutes(app, profile, { uploadsPerMinute: config.http.rateLimitUpload });
  return profile;
}
