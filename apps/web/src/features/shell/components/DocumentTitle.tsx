import { useEffect } from 'react';
import { Outlet, useMatches } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuthStore } from '../../auth/store';
import { documentTitle } from '../nav';
import { useUnreadTotal } from './AppShell';

/**
 * The root of every route: the tab's title in the reader's language, from the deepest route's
 * `handle.title` (an i18n key of the app's own words, which are there before any feature loads).
 */
export function DocumentTitle() {
  const { t } = useTranslation();
  const matches = useMatches();
  const key = matches
    .map((m) => (m.handle as { title?: string } | undefined)?.title)
    .reverse()
    .find(Boolean);
  const page = key ? t(key) : null;
  const unread = useUnreadTotal();
  const signedIn = useAuthStore((s) => s.status === 'signedIn');
  const shown = documentTitle(page, signedIn ? unread : 0);
  useEffect(() => {
    document.title = shown;
  }, [shown]);
  return <Outlet />;
}
