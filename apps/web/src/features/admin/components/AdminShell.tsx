import { NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuthStore } from '../../auth/store';
import { ADMIN_NS } from '../i18n';

const TABS = [
  ['reports', '/admin'],
  ['people', '/admin/people'],
  ['figures', '/admin/figures'],
  ['audit', '/admin/audit'],
  ['words', '/admin/words'],
  ['announcements', '/admin/announcements'],
] as const;

/** `/admin/*`: tabs over the administrators' pages; anyone else is told it is not for them (the API refuses them too). */
export function AdminShell() {
  const { t } = useTranslation(ADMIN_NS);
  const isAdmin = useAuthStore((s) => s.user?.role === 'admin');
  if (!isAdmin) return <p className="card text-sm">{t('notAdmin')}</p>;
  return (
    <section className="space-y-4">
      <h1 className="text-xl font-bold">{t('title')}</h1>
      <nav aria-label={t('tabs.label')} className="flex flex-wrap gap-1">
        {TABS.map(([key, path]) => (
          <NavLink
            key={key}
            to={path}
            end={path === '/admin'}
            className={({ isActive }) =>
              `flex min-h-11 items-center rounded-full px-4 text-sm font-semibold ${isActive ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 border border-slate-200'}`
            }
          >
            {t(`tabs.${key}`)}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </section>
  );
}
