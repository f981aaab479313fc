import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../../shell/components/LanguageSwitch';
import { useAuthStore } from '../store';

/** The session could not be checked (offline, busy server); the user may still be signed in. */
export function SessionUnavailable() {
  const { t } = useTranslation();
  const retry = useAuthStore((s) => s.retry);
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex justify-end px-4 py-3">
        <LanguageSwitch />
      </header>
      <main className="mx-auto flex w-full max-w-sm flex-1 flex-col justify-center px-4 pb-16">
        <div className="card space-y-4 text-center" role="alert">
          <h1 className="text-lg font-bold">{t('session.unavailableTitle')}</h1>
          <p className="text-sm text-slate-600">{t('session.unavailableBody')}</p>
          <button type="button" className="btn-primary w-full" onClick={retry}>
            {t('common.retry')}
          </button>
        </div>
      </main>
    </div>
  );
}
