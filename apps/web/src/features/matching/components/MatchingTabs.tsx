import { NavLink } from 'react-router';
import { useTranslation } from 'react-i18next';
import { MATCHING_NS } from '../i18n';
import { useMatchingStore } from '../store';

/** Recommended | Requests, with the number of requests waiting for me. */
export function MatchingTabs() {
  const { t } = useTranslation(MATCHING_NS);
  const waiting = useMatchingStore((s) => s.received?.length ?? 0);
  const tab = ({ isActive }: { isActive: boolean }) =>
    `inline-flex min-h-11 items-center rounded-xl px-3 py-2 text-sm font-semibold ${isActive ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 border border-slate-200'}`;
  return (
    <nav aria-label={t('tabs.label')} className="flex gap-2">
      <NavLink to="/matching" end className={tab}>
        {t('tabs.recommended')}
      </NavLink>
      <NavLink to="/matching/requests" className={tab}>
        {t('tabs.requests')}
        {waiting > 0 && <span className="ml-1.5 rounded-full bg-red-500 px-1.5 py-0.5 text-xs text-white">{waiting}</span>}
      </NavLink>
    </nav>
  );
}
