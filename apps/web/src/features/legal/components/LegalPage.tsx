import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { currentUiLanguage } from '../../../i18n';
import { LanguageSwitch } from '../../shell/components/LanguageSwitch';
import { DOCUMENTS, EFFECTIVE_DATE, type LegalDocument } from '../documents';

/** `/legal/terms` and `/legal/privacy`: readable before signing in, in the chosen language. */
export function LegalPage({ document }: { document: LegalDocument }) {
  const { t } = useTranslation();
  const { title, sections } = DOCUMENTS[currentUiLanguage()][document];
  return (
    <div className="min-h-dvh">
      <header className="flex items-center justify-between px-4 py-1.5 sm:px-8">
        <Link to="/" className="inline-flex min-h-11 items-center text-base font-bold tracking-tight text-indigo-600">
          STUDYMATE
        </Link>
        <LanguageSwitch />
      </header>
      <main className="mx-auto w-full max-w-2xl px-4 pb-16">
        <article className="card space-y-5">
          <div>
            <h1 className="text-2xl font-bold">{title}</h1>
            <p className="mt-1 text-sm text-slate-500">{t('legal.effective', { date: EFFECTIVE_DATE })}</p>
          </div>
          {sections.map((section) => (
            <section key={section.heading} className="space-y-2">
              <h2 className="text-base font-bold">{section.heading}</h2>
              {section.paragraphs.map((p) => (
                <p key={p} className="text-sm leading-relaxed text-slate-700">
                  {p}
                </p>
              ))}
            </section>
          ))}
        </article>
      </main>
    </div>
  );
}
