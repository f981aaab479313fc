import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';

/** Any address the app does not know: said plainly, with a way back, instead of a silent jump home. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-4 px-6 text-center">
      <p className="text-5xl font-bold text-indigo-200" aria-hidden="true">
        404
      </p>
      <h1 className="text-2xl font-bold">{t('notFound.title')}</h1>
      <p className="text-slate-600">{t('notFound.body')}</p>
      <Link to="/" className="btn-primary">
        {t('notFound.home')}
      </Link>
    </main>
  );
}
