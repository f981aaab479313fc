import { openAiFeedbackProvider } from '../../platform/speech/feedback.js';
import { chooseTranscribers } from '../../platform/speech/transcriber.js';
import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { ProfileService } from '../profile/service.js';
import type { UsersService } from '../users/service.js';
import type { LevelTestTables } from './repository.js';
import { levelTestRoutes } from './routes.js';
import { createLevelTestService } from './service.js';

/** The CEFR speaking test: attempts, answers, scoring in durable jobs, the verified level. */
export function levelTestModule(
  { app, db, storage, jobs, config, events, links }: ModuleContext,
  { users, profile }: { users: UsersService; profile: ProfileService },
) {
  // Speech-to-text is chosen once, here.
  const levelTest = createLevelTestService({
    db: ownTables<LevelTestTables>(db),
    storage,
    profile,
    jobs,
    transcribers: chooseTranscribers(config.speech),
    cooldownSeconds: config.levelTest.cooldownSeconds,
    feedback: config.levelTest.feedback ? openAiFeedbackProvider(config.levelTest.feedback) : null,
    log: app.log,
    events,
    links,
  });
  users.addParticipant(levelTest.participant);
  levelTestRoutes(app, levelTest, { uploadsPerMinute: config.http.rateLimitUpload });
  return levelTest;
}
