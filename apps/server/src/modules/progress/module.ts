import type { AchievementId } from '@studymate/contracts';
import type { ModuleContext } from '../module-context.js';
import { ownTables } from '../module-context.js';
import type { NotificationsService } from '../notifications/service.js';
import type { MatchingService } from '../matching/service.js';
import type { ProfileService } from '../profile/service.js';
import type { SessionsService } from '../sessions/service.js';
import type { UsersService } from '../users/service.js';
import type { ProgressTables } from './repository.js';
import { progressRoutes } from './routes.js';
import { createProgressService } from './service.js';

/** What an award says, in both app languages. */
const AWARD_TEXTS: Record<AchievementId, { ko: string; en: string }> = {
  'first-session': { ko: '첫 세션 완료', en: 'First session' },
  'sessions-10': { ko: '세션 10회', en: '10 sessions' },
  'sessions-50': { ko: '세션 50회', en: '50 sessions' },
  'streak-7': { ko: '7일 연속 학습', en: '7-day streak' },
  'streak-30': { ko: '30일 연속 학습', en: '30-day streak' },
  'first-mate': { ko: '첫 메이트', en: 'First mate' },
  'mates-5': { ko: '메이트 5명', en: '5 mates' },
  'hours-10': { ko: '연습 10시간', en: '10 hours of practice' },
  'hours-50': { ko: '연습 50시간', en: '50 hours of practice' },
  'hours-100': { ko: '연습 100시간', en: '100 hours of practice' },
  'first-level-up': { ko: '첫 레벨 업', en: 'First level-up' },
  'perfect-week': { ko: '완벽한 한 주', en: 'Perfect week' },
};

/** The activity ledger fed by domain events; dashboard, statistics, streaks and achievements from it. */
export function progressModule(
  { app, db, events, cache }: ModuleContext,
  {
    users,
    profile,
    matching,
    notifications,
    sessions,
  }: {
    users: UsersService;
    profile: ProfileService;
    matching: MatchingService;
    notifications: NotificationsService;
    sessions: SessionsService;
  },
) {
  const progress = createProgressService({
    db: ownTables<ProgressTables>(db),
    users,
    profile,
    mates: matching,
    cache,
    nextSession: (userId) => sessions.nextBooked(userId),
    announce: (userId, achievement) =>
      notifications.send({
        userId,
        category: 'achievement',
        kind: 'achievement',
        title: AWARD_TEXTS[achievement],
        body: { ko: '새 업적을 달성했어요!', en: 'You earned a new achievement!' },
        link: '/achievements',
        key: `achievement:${achievement}`,
      }),
  });
  // Every handler is idempotent by event id: the ledger keeps one row per event and person.
  events.on('chat.messages-sent', 'progress', (e) => progress.recordChatMessages(e.id, e.data));
  events.on('call.completed', 'progress', (e) => progress.recordCall(e.id, e.data));
  events.on('session.booked', 'progress', (e) => progress.recordBooking(e.id, e.data));
  events.on('level-test.scored', 'progress', (e) => progress.recordLevelTest(e.id, e.data));
  events.on('matching.mate-added', 'progress', (e) => progress.recordMate(e.id, e.data));
  profile.onChange((userId) => progress.profileChanged(userId));
  users.addParticipant(progress.participant);
  progressRoutes(app, progress);
  return progress;
}
