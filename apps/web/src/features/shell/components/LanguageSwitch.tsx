import { useTranslation } from 'react-i18next';
import { setUiLanguage, UI_LANGUAGES, type UiLanguage } from '../../../i18n';

/** Korean / English toggle; the choice is remembered in this browser. */
export function LanguageSwitch({ className = '' }: { className?: string }) {
  const { t, i18n } = useTranslation();
  return (
    <div
      role="group"
      aria-label={t('lang.label')}
      className={`inline-flex rounded-lg border border-slate-200 bg-white p-0.5 text-sm ${className}`}
    >
      {UI_LANGUAGES.map((lng: UiLanguage) => {
        const active = i18n.resolvedLanguage === lng;
        return (
          <button
            key={lng}
            type="button"
            lang={lng}
            aria-pressed={active}
            onClick={() => setUiLanguage(lng)}
            className={`min-h-11 min-w-11 rounded-md px-2.5 py-1 font-medium transition ${active ? 'bg-indigo-600 text-white' : 'text-slate-600 hover:bg-slate-100'}`}
          >
            {t(`lang.${lng}`)}
          </button>
        );
      })}
    </div>
  );
}
