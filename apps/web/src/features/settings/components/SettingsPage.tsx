import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { LoginHistoryReply } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction, type FieldProblem } from '../../../components/form';
import { logout, logoutEverywhere, usePublicConfig } from '../../auth/api';
import { useAuthStore } from '../../auth/store';
import { LanguageSwitch } from '../../shell/components/LanguageSwitch';
import { useConfirm } from '../../../components/ConfirmDialog';
import { BlockedList } from '../../matching/components/BlockedList';
import { deleteAccount, fetchLoginHistory } from '../api';
import { DataExportPanel } from './DataExportPanel';
import { formatDateTime } from '../../../lib/dates';
import { MyReports, PrivacySection } from '../../safety/components/SafetySettings';
import { describeAgent } from '../userAgent';

function LoginHistory() {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<LoginHistoryReply['items'] | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  useEffect(() => {
    fetchLoginHistory()
      .then(setItems)
      .catch((error: unknown) => setProblem(errorProblem(error)));
  }, []);
  const device = (userAgent: string | null) => {
    const { browser, system } = describeAgent(userAgent ?? '');
    if (browser && system) return t('settings.device', { browser, system });
    return browser ?? system ?? t('settings.unknownDevice');
  };
  return (
    <section className="card" aria-labelledby="login-history">
      <h2 id="login-history" className="mb-3 text-base font-bold">
        {t('settings.loginHistory')}
      </h2>
      <FormProblem problem={problem} />
      {items === null && !problem && <p className="text-sm text-slate-500">{t('common.loading')}</p>}
      {items?.length === 0 && <p className="text-sm text-slate-500">{t('settings.noHistory')}</p>}
      {items && items.length > 0 && (
        <ul className="divide-y divide-slate-100">
          {items.map((item, i) => (
            <li key={`${item.at}-${i}`} className="py-2 text-sm">
              <div className="flex flex-wrap justify-between gap-x-3">
                <time dateTime={item.at} className="font-medium">
                  {formatDateTime(item.at, i18n.resolvedLanguage)}
                </time>
                <span className="text-slate-500">
                  {t(`settings.method.${item.method}`, { defaultValue: item.method })} · {item.ip ?? '—'}
                </span>
              </div>
              <p className="truncate text-xs text-slate-400" title={item.userAgent ?? undefined} data-testid="login-device">
                {device(item.userAgent)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Whether chat offers Translate here, and, for administrators, what the operator sets up to offer it. */
function TranslationStatus() {
  const { t } = useTranslation();
  const config = usePublicConfig();
  const isAdmin = useAuthStore((s) => s.user?.role === 'admin');
  if (!config) return null;
  return (
    <section className="card space-y-2" aria-labelledby="settings-translation">
      <h2 id="settings-translation" className="text-base font-bold">
        {t('settings.translation.title')}
      </h2>
      {config.features.translation ? (
        <p className="text-sm text-slate-600">{t('settings.translation.on')}</p>
      ) : (
        <>
          <p className="text-sm text-slate-600">{t('settings.translation.off')}</p>
          {isAdmin && (
            <p className="text-sm text-slate-500">
              {t('settings.translation.operator')} <code className="rounded bg-slate-100 px-1 text-xs">TRANSLATION_API_URL</code>,{' '}
              <code className="rounded bg-slate-100 px-1 text-xs">TRANSLATION_API_KEY</code>,{' '}
              <code className="rounded bg-slate-100 px-1 text-xs">TRANSLATION_MODEL</code>
            </p>
          )}
        </>
      )}
    </section>
  );
}

function DeleteAccount() {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const { busy, problem, run } = useAction(errorProblem);
  return (
    <>
      <button type="button" className="btn-danger" onClick={() => dialog.current?.showModal()}>
        {t('settings.delete')}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby="delete-title"
        className="m-auto w-[min(26rem,calc(100%-2rem))] rounded-2xl p-0 backdrop:bg-slate-900/40"
      >
        <div className="space-y-4 p-5">
          <h2 id="delete-title" className="text-lg font-bold">
            {t('settings.deleteConfirmTitle')}
          </h2>
          <p className="text-sm text-slate-600">{t('settings.deleteConfirmBody')}</p>
          <FormProblem problem={problem} />
          <div className="flex justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={() => dialog.current?.close()} disabled={busy}>
              {t('common.cancel')}
            </button>
            <button type="button" className="btn-danger" disabled={busy} onClick={() => void run(deleteAccount)}>
              {t('settings.deleteConfirm')}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}

export function SettingsPage() {
  const { t } = useTranslation();
  const session = useAction(errorProblem);
  const confirm = useConfirm();
  const [reports, setReports] = useState(0);
  // A link into a section (a report's outcome leads to `#safety`, my reports) scrolls to it.
  const { hash } = useLocation();
  useEffect(() => {
    if (hash) document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [hash]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t('nav.settings')}</h1>

      <section className="card flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 className="text-base font-bold">{t('settings.language')}</h2>
          <p className="text-sm text-slate-500">{t('settings.languageHint')}</p>
        </div>
        <LanguageSwitch />
      </section>

      <section className="card space-y-3" aria-labelledby="settings-session">
        <h2 id="settings-session" className="text-base font-bold">
          {t('settings.session')}
        </h2>
        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn-secondary" disabled={session.busy} onClick={() => void session.run(logout)}>
            {t('settings.logout')}
          </button>
          <button
            type="button"
            className="btn-secondary"
            disabled={session.busy}
            onClick={() =>
              void confirm
                .ask({
                  title: t('settings.logoutAllConfirmTitle'),
                  body: t('settings.logoutAllConfirmBody'),
                  confirmLabel: t('settings.logoutAll'),
                })
                .then((yes) => (yes ? session.run(logoutEverywhere) : undefined))
            }
          >
            {t('settings.logoutAll')}
          </button>
        </div>
        <p className="text-sm text-slate-500">{t('settings.logoutAllHint')}</p>
        <FormProblem problem={session.problem} />
        {confirm.dialog}
      </section>

      <TranslationStatus />

      <PrivacySection />
      <LoginHistory />
      {/* A report sent from the blocked list shows under My reports at once. */}
      <BlockedList onReported={() => setReports((n) => n + 1)} />
      <MyReports version={reports} />

      <section className="card space-y-3" aria-labelledby="settings-data">
        <h2 id="settings-data" className="text-base font-bold">
          {t('settings.data')}
        </h2>
        <DataExportPanel />
        <hr className="border-slate-100" />
        <p className="text-sm text-slate-500">{t('settings.deleteHint')}</p>
        <DeleteAccount />
      </section>
    </div>
  );
}
