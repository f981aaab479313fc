import { lazy, Suspense, useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Icon } from './Icon';
import { LanguageSwitch } from './LanguageSwitch';
import { ADMIN, CHAT, MORE_MENU, SIDE_NAV, TAB_BAR, type NavArea } from '../nav';
import { useAuthStore } from '../../auth/store';
import { WarningsDialog } from '../../safety/components/WarningsDialog';
import { useChatStore } from '../../chat/store';
import { http } from '../../../lib/http';
import { Bell, NotificationToast } from '../../notifications/components/Bell';

// A call ringing for me shows on every page of the shell; loaded apart, like chat.
const IncomingCall = lazy(async () => ({ default: (await import('../../calls/components/IncomingCall')).IncomingCall }));

/** Unread messages over all my rooms, kept current by chat's room subscriptions. */
export function useUnreadTotal(): number {
  return useChatStore((s) => (s.rooms ?? []).reduce((sum, room) => sum + room.unreadCount, 0));
}

/**
 * Chat runs on every page of the shell, not only on chat pages: otherwise a message arriving
 * while the person is elsewhere would go unnoticed. Loaded apart, so the sign-in page stays small.
 */
function useChatEverywhere() {
  useEffect(() => {
    void import('../../chat/actions').then(({ ensureChat, loadRooms }) => {
      ensureChat();
      loadRooms().catch(() => {});
    });
  }, []);
}

/** Notifications are written on the server in the language this app speaks; it says which, now and on every switch. */
function useNotificationLanguage() {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage === 'en' ? 'en' : 'ko';
  useEffect(() => {
    http.put('/notifications/settings', { locale: language }).catch(() => {});
  }, [language]);
}

function UnreadBadge({ count, className }: { count: number; className: string }) {
  const { t } = useTranslation();
  if (count === 0) return null;
  return (
    <span
      data-testid="unread-badge"
      aria-label={t('nav.unread', { count })}
      className={`rounded-full bg-indigo-600 px-1.5 text-center text-[11px] leading-[18px] font-semibold text-white ${className}`}
    >
      {count > 99 ? '99+' : count}
    </span>
  );
}

/** A conversation fills a phone's screen: no tab bar under the composer. */
const isConversation = (path: string) => /^\/chat\/(?!new-group$|files$)[^/]+$/.test(path);

function SideLink({ area, unread }: { area: NavArea; unread: number }) {
  const { t } = useTranslation();
  return (
    <NavLink
      to={area.path}
      end={area.path === '/'}
      className={({ isActive }) =>
        `flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition ${
          isActive ? 'bg-indigo-50 text-indigo-700' : 'text-slate-600 hover:bg-slate-100'
        }`
      }
    >
      <Icon name={area.icon} className="size-5" />
      <span className="flex-1">{t(`nav.${area.key}`)}</span>
      <UnreadBadge count={unread} className="min-w-5" />
    </NavLink>
  );
}

export function AppShell() {
  const { t } = useTranslation();
  const [moreOpen, setMoreOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMoreOpen(false), [location.pathname]);
  const moreActive = MORE_MENU.some((a) => location.pathname.startsWith(a.path));
  const unread = useUnreadTotal();
  useChatEverywhere();
  useNotificationLanguage();
  const inConversation = isConversation(location.pathname);
  // The administrators' pages are in the navigation of administrators only.
  const isAdmin = useAuthStore((s) => s.user?.role === 'admin');
  const sideNav = isAdmin ? [...SIDE_NAV, ADMIN] : SIDE_NAV;
  const moreMenu = isAdmin ? [...MORE_MENU, ADMIN] : MORE_MENU;

  return (
    <div className="min-h-dvh md:flex">
      <Suspense fallback={null}>
        <IncomingCall />
      </Suspense>
      <aside className="hidden w-60 shrink-0 flex-col border-r border-slate-200 bg-white md:sticky md:top-0 md:flex md:h-dvh">
        <div className="flex items-center justify-between py-3 pr-2 pl-5">
          <span className="text-lg font-bold tracking-tight text-indigo-600">STUDYMATE</span>
          <Bell />
        </div>
        <nav aria-label={t('nav.main')} className="flex flex-1 flex-col gap-0.5 overflow-y-auto px-3 pb-4">
          {sideNav.map((area) => (
            <SideLink key={area.key} area={area} unread={area === CHAT ? unread : 0} />
          ))}
        </nav>
        <div className="border-t border-slate-200 p-4">
          <LanguageSwitch />
        </div>
      </aside>

      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-10 flex items-center justify-between border-b border-slate-200 bg-white/90 px-4 py-1.5 backdrop-blur md:hidden">
          <span className="text-base font-bold tracking-tight text-indigo-600">STUDYMATE</span>
          <div className="flex items-center gap-1">
            <Bell />
            <LanguageSwitch />
          </div>
        </header>
        <main className={`mx-auto w-full max-w-3xl flex-1 px-4 pt-4 md:px-8 md:py-8 ${inConversation ? 'pb-0' : 'pb-24'}`}>
          <Outlet />
          <WarningsDialog />
        </main>
      </div>

      <NotificationToast />
      {moreOpen && (
        <div className="fixed inset-0 z-20 bg-slate-900/30 md:hidden" onClick={() => setMoreOpen(false)}>
          <nav
            id="more-menu"
            aria-label={t('nav.more')}
            className="absolute inset-x-0 bottom-16 grid grid-cols-3 gap-1 rounded-t-2xl bg-white p-3 shadow-lg"
            onClick={(e) => e.stopPropagation()}
          >
            {moreMenu.map((area) => (
              <NavLink
                key={area.key}
                to={area.path}
                className={({ isActive }) =>
                  `flex flex-col items-center gap-1 rounded-xl px-1 py-3 text-center text-xs font-medium ${
                    isActive ? 'bg-indigo-50 text-indigo-700' : 'text-slate-600'
                  }`
                }
              >
                <Icon name={area.icon} />
                {t(`nav.${area.key}`)}
              </NavLink>
            ))}
          </nav>
        </div>
      )}

      {!inConversation && (
        <nav
          aria-label={t('nav.tabs')}
          className="fixed inset-x-0 bottom-0 z-30 grid grid-cols-5 border-t border-slate-200 bg-white pb-[env(safe-area-inset-bottom)] md:hidden"
        >
          {TAB_BAR.map((area) => (
            <NavLink
              key={area.key}
              to={area.path}
              end={area.path === '/'}
              className={({ isActive }) =>
                `relative flex h-16 flex-col items-center justify-center gap-0.5 text-[11px] font-medium ${
                  isActive && !moreOpen ? 'text-indigo-600' : 'text-slate-500'
                }`
              }
            >
              <Icon name={area.icon} />
              {t(`nav.${area.key}`)}
              {area === CHAT && <UnreadBadge count={unread} className="absolute top-1.5 left-1/2 ml-1.5 min-w-[18px]" />}
            </NavLink>
          ))}
          <button
            type="button"
            aria-expanded={moreOpen}
            aria-controls="more-menu"
            onClick={() => setMoreOpen((o) => !o)}
            className={`flex h-16 flex-col items-center justify-center gap-0.5 text-[11px] font-medium ${
              moreOpen || moreActive ? 'text-indigo-600' : 'text-slate-500'
            }`}
          >
            <Icon name="more" />
            {t('nav.more')}
          </button>
        </nav>
      )}
    </div>
  );
}
