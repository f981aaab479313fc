import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuthStore } from '../../auth/store';

export function HomePage() {
  const { t } = useTranslation();
  const name = useAuthStore((s) => s.user?.displayName ?? '');
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-bold">{t('home.greeting', { name })}</h1>
      <div className="rounded-2xl border border-dashed border-indigo-200 bg-white p-6">
        <p className="inline-block rounded-full bg-indigo-50 px-3 py-1 text-sm font-semibold text-indigo-700">{t('placeholder.badge')}</p>
        <p className="mt-3 text-slate-600">{t('home.body')}</p>
        <div className="mt-4 flex flex-wrap gap-2">
          <Link to="/level-test" className="btn-primary">
            {t('home.levelTest')}
          </Link>
          <Link to="/profile" className="btn-secondary">
            {t('home.profile')}
          </Link>
        </div>
      </div>
    </section>
  );
}
