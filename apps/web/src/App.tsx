import { lazy, Suspense, useEffect, type ComponentType, type ReactNode } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { refreshSession } from './lib/http';
import { useAuthStore } from './features/auth/store';
import { RequireOnboarded, RequireSession, RequireTerms } from './features/auth/components/guards';
import { SignInPage } from './features/auth/components/SignInPage';
import { AuthCompletePage } from './features/auth/components/AuthCompletePage';
import { TermsPage } from './features/auth/components/TermsPage';
import { FullPageSpinner } from './features/shell/components/FullPageSpinner';
import { AppShell } from './features/shell/components/AppShell';
import { NotFoundPage } from './features/shell/components/NotFoundPage';
import { DocumentTitle } from './features/shell/components/DocumentTitle';

// The forms (and the schema checker they use) load only once a signed-in user needs them,
// so the sign-in page stays small.
const later = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));
const OnboardingIndex = later(() => import('./features/onboarding/components/OnboardingPage'), 'OnboardingIndex');
const OnboardingPage = later(() => import('./features/onboarding/components/OnboardingPage'), 'OnboardingPage');
const ProfilePage = later(() => import('./features/profile/components/ProfilePage'), 'ProfilePage');
const SettingsPage = later(() => import('./features/settings/components/SettingsPage'), 'SettingsPage');
const ChatRoomsPage = later(() => import('./features/chat'), 'ChatRoomsPage');
const ConversationPage = later(() => import('./features/chat'), 'ConversationPage');
const NewGroupPage = later(() => import('./features/chat'), 'NewGroupPage');
const RoomMembersPage = later(() => import('./features/chat'), 'RoomMembersPage');
const SharedFilesPage = later(() => import('./features/chat'), 'SharedFilesPage');
const RecommendationsPage = later(() => import('./features/matching'), 'RecommendationsPage');
const RequestsPage = later(() => import('./features/matching'), 'RequestsPage');
const PersonPage = later(() => import('./features/matching'), 'PersonPage');
const MatesPage = later(() => import('./features/matching'), 'MatesPage');
const SessionsPage = later(() => import('./features/sessions'), 'SessionsPage');
const SchedulePage = later(() => import('./features/sessions'), 'SchedulePage');
const LevelTestIntroPage = later(() => import('./features/level-test'), 'LevelTestIntroPage');
const LevelTestTakePage = later(() => import('./features/level-test'), 'LevelTestTakePage');
const LevelTestWaitingPage = later(() => import('./features/level-test'), 'LevelTestWaitingPage');
const LevelTestResultPage = later(() => import('./features/level-test'), 'LevelTestResultPage');
const LevelTestHistoryPage = later(() => import('./features/level-test'), 'LevelTestHistoryPage');
const DashboardPage = later(() => import('./features/progress'), 'DashboardPage');
const StatisticsPage = later(() => import('./features/progress'), 'StatisticsPage');
const AchievementsPage = later(() => import('./features/progress'), 'AchievementsPage');
const NotificationsPage = later(() => import('./features/notifications'), 'NotificationsPage');
const AdminShell = later(() => import('./features/admin'), 'AdminShell');
const ReportsQueue = later(() => import('./features/admin'), 'ReportsQueue');
const ReportDetailPage = later(() => import('./features/admin'), 'ReportDetailPage');
const PeopleLookup = later(() => import('./features/admin'), 'PeopleLookup');
const PersonAdminPage = later(() => import('./features/admin'), 'PersonAdminPage');
const FiguresPage = later(() => import('./features/admin'), 'FiguresPage');
const AuditPage = later(() => import('./features/admin'), 'AuditPage');
const WordsPage = later(() => import('./features/admin'), 'WordsPage');
const AnnouncePage = later(() => import('./features/admin'), 'AnnouncePage');
const CallPage = later(() => import('./features/calls'), 'CallPage');
const RatePage = later(() => import('./features/calls'), 'RatePage');
const LegalPage = lazy(async () => ({ default: (await import('./features/legal/components/LegalPage')).LegalPage }));
const loading = (page: ReactNode) => <Suspense fallback={<FullPageSpinner />}>{page}</Suspense>;

// Each route names its page in `handle.title` (an i18n key): DocumentTitle writes the tab's title from it.
const router = createBrowserRouter([
  {
    element: <DocumentTitle />,
    children: [
      { path: '/signin', handle: { title: 'titles.signin' }, element: <SignInPage /> },
      { path: '/auth/complete', handle: { title: 'titles.signin' }, element: <AuthCompletePage /> },
      { path: '/legal/terms', handle: { title: 'titles.legalTerms' }, element: loading(<LegalPage document="terms" />) },
      { path: '/legal/privacy', handle: { title: 'titles.legalPrivacy' }, element: loading(<LegalPage document="privacy" />) },
      {
        element: <RequireSession />,
        children: [
          { path: '/terms', handle: { title: 'terms.title' }, element: <TermsPage /> },
          {
            element: <RequireTerms />,
            children: [
              { path: '/onboarding', handle: { title: 'titles.onboarding' }, element: loading(<OnboardingIndex />) },
              { path: '/onboarding/:step', handle: { title: 'titles.onboarding' }, element: loading(<OnboardingPage />) },
              {
                element: <RequireOnboarded />,
                children: [
                  // The call takes the whole screen (no navigation around it); the rating page is a page of the shell.
                  { path: '/calls/:callId', handle: { title: 'titles.call' }, element: loading(<CallPage />) },
                  {
                    element: <AppShell />,
                    children: [
                      { index: true, handle: { title: 'nav.home' }, element: loading(<DashboardPage />) },
                      { path: '/statistics', handle: { title: 'nav.statistics' }, element: loading(<StatisticsPage />) },
                      { path: '/achievements', handle: { title: 'nav.achievements' }, element: loading(<AchievementsPage />) },
                      { path: '/notifications', handle: { title: 'nav.notifications' }, element: loading(<NotificationsPage />) },
                      { path: '/chat', handle: { title: 'nav.chat' }, element: loading(<ChatRoomsPage />) },
                      { path: '/chat/new-group', handle: { title: 'titles.newGroup' }, element: loading(<NewGroupPage />) },
                      { path: '/chat/files', handle: { title: 'titles.files' }, element: loading(<SharedFilesPage />) },
                      { path: '/chat/:roomId', handle: { title: 'nav.chat' }, element: loading(<ConversationPage />) },
                      { path: '/chat/:roomId/members', handle: { title: 'titles.members' }, element: loading(<RoomMembersPage />) },
                      { path: '/matching', handle: { title: 'nav.matching' }, element: loading(<RecommendationsPage />) },
                      { path: '/matching/requests', handle: { title: 'titles.requests' }, element: loading(<RequestsPage />) },
                      { path: '/matching/people/:userId', handle: { title: 'titles.person' }, element: loading(<PersonPage />) },
                      { path: '/mates', handle: { title: 'nav.mates' }, element: loading(<MatesPage />) },
                      { path: '/sessions', handle: { title: 'nav.sessions' }, element: loading(<SessionsPage />) },
                      { path: '/schedule', handle: { title: 'nav.schedule' }, element: loading(<SchedulePage />) },
                      { path: '/calls/:callId/rate', handle: { title: 'titles.rate' }, element: loading(<RatePage />) },
                      { path: '/profile', handle: { title: 'nav.profile' }, element: loading(<ProfilePage />) },
                      { path: '/settings', handle: { title: 'nav.settings' }, element: loading(<SettingsPage />) },
                      {
                        path: '/admin',
                        handle: { title: 'nav.admin' },
                        element: loading(<AdminShell />),
                        children: [
                          { index: true, element: loading(<ReportsQueue />) },
                          { path: 'reports/:reportId', element: loading(<ReportDetailPage />) },
                          { path: 'people', element: loading(<PeopleLookup />) },
                          { path: 'people/:userId', element: loading(<PersonAdminPage />) },
                          { path: 'figures', element: loading(<FiguresPage />) },
                          { path: 'audit', element: loading(<AuditPage />) },
                          { path: 'words', element: loading(<WordsPage />) },
                          { path: 'announcements', element: loading(<AnnouncePage />) },
                        ],
                      },
                      { path: '/level-test', handle: { title: 'nav.levelTest' }, element: loading(<LevelTestIntroPage />) },
                      {
                        path: '/level-test/history',
                        handle: { title: 'titles.levelTestHistory' },
                        element: loading(<LevelTestHistoryPage />),
                      },
                      { path: '/level-test/:attemptId', handle: { title: 'nav.levelTest' }, element: loading(<LevelTestTakePage />) },
                      {
                        path: '/level-test/:attemptId/waiting',
                        handle: { title: 'nav.levelTest' },
                        element: loading(<LevelTestWaitingPage />),
                      },
                      {
                        path: '/level-test/:attemptId/result',
                        handle: { title: 'titles.levelTestResult' },
                        element: loading(<LevelTestResultPage />),
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
      { path: '*', handle: { title: 'notFound.title' }, element: <NotFoundPage /> },
    ],
  },
]);

export function App() {
  const status = useAuthStore((s) => s.status);
  useEffect(() => {
    // The refresh cookie outlives a reload; restore the in-memory session from it once.
    if (status === 'restoring') void refreshSession();
  }, [status]);
  return <RouterProvider router={router} />;
}
