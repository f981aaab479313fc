import { useTranslation } from 'react-i18next';

/** A clearly marked "coming soon" page for areas later releases fill in. */
export function PlaceholderPage({ area }: { area: string }) {
  const { t } = useTranslation();
  const name = t(`nav.${area}`);
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-bold">{name}</h1>
      <div className="rounded-2xl border border-dashed border-indigo-200 bg-white p-6 text-center">
        <p className="inline-block rounded-full bg-indigo-50 px-3 py-1 text-sm font-semibold text-indigo-700">{t('placeholder.badge')}</p>
        <p className="mt-3 text-slate-600">{t('placeholder.body', { area: name })}</p>
      </div>
    </section>
  );
}
