import type { IconName } from './components/Icon';

export interface NavArea {
  key: string; // i18n key under nav.*
  path: string;
  icon: IconName;
}

export const HOME: NavArea = { key: 'home', path: '/', icon: 'home' };
export const CHAT: NavArea = { key: 'chat', path: '/chat', icon: 'chat' };
export const MATCHING: NavArea = { key: 'matching', path: '/matching', icon: 'matching' };
export const MATES: NavArea = { key: 'mates', path: '/mates', icon: 'mates' };
export const SESSIONS: NavArea = { key: 'sessions', path: '/sessions', icon: 'sessions' };
export const SCHEDULE: NavArea = { key: 'schedule', path: '/schedule', icon: 'schedule' };
export const STATISTICS: NavArea = { key: 'statistics', path: '/statistics', icon: 'statistics' };
export const ACHIEVEMENTS: NavArea = { key: 'achievements', path: '/achievements', icon: 'achievements' };
export const NOTIFICATIONS: NavArea = { key: 'notifications', path: '/notifications', icon: 'notifications' };
export const LEVEL_TEST: NavArea = { key: 'levelTest', path: '/level-test', icon: 'levelTest' };
export const PROFILE: NavArea = { key: 'profile', path: '/profile', icon: 'profile' };
export const SETTINGS: NavArea = { key: 'settings', path: '/settings', icon: 'settings' };
/** Administrators only: AppShell adds it to their navigation (the server refuses everyone else anyway). */
export const ADMIN: NavArea = { key: 'admin', path: '/admin', icon: 'admin' };

/** Desktop side navigation: everything, in product order. */
export const SIDE_NAV: NavArea[] = [
  HOME,
  CHAT,
  MATCHING,
  MATES,
  SESSIONS,
  SCHEDULE,
  STATISTICS,
  ACHIEVEMENTS,
  NOTIFICATIONS,
  LEVEL_TEST,
  PROFILE,
  SETTINGS,
];

/** Phone bottom bar: the four most used areas; the rest sit behind "more". */
export const TAB_BAR: NavArea[] = [HOME, CHAT, MATCHING, MATES];
export const MORE_MENU: NavArea[] = SIDE_NAV.filter((a) => !TAB_BAR.includes(a));

/**
 * A tab's title: the page's name before the product's ("Chat · STUDYMATE"), so tabs and history
 * entries can be told apart, and "(3) " in front while messages wait.
 */
export function documentTitle(page: string | null, unread: number): string {
  const title = page ? `${page} · STUDYMATE` : 'STUDYMATE';
  return unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${title}` : title;
}
