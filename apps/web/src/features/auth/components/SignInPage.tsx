import { useEffect, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { PublicConfig } from '@studymate/contracts';
import { errorProblem, Field, FormProblem, type FieldProblem } from '../../../components/form';
import { LanguageSwitch } from '../../shell/components/LanguageSwitch';
import { FullPageSpinner } from '../../shell/components/FullPageSpinner';
import { devSignIn, fetchPublicConfig, startProviderSignIn } from '../api';
import { useAuthStore } from '../store';
import { apiError } from '../../../lib/http';
import { SuspensionNotice } from '../../safety/components/SuspensionNotice';
import { noteSuspension } from '../../safety/store';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function DevSignInForm() {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [errors, setErrors] = useState<{ email?: FieldProblem; displayName?: FieldProblem }>({});
  const [problem, setProblem] = useState<FieldProblem>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = {
      email: EMAIL.test(email.trim()) ? undefined : { key: 'signin.dev.emailInvalid' },
      displayName: displayName.trim() && displayName.trim().length <= 50 ? undefined : { key: 'signin.dev.displayNameInvalid' },
    };
    setErrors(found);
    setProblem(undefined);
    if (found.email || found.displayName) return;
    setBusy(true);
    try {
      await devSignIn({ email: email.trim(), displayName: displayName.trim() });
      // The store is now signed in; the page re-renders into a redirect.
    } catch (error) {
      const refusal = apiError(error);
      if (refusal?.code === 'ACCOUNT_SUSPENDED') noteSuspension(refusal.details);
      else setProblem(errorProblem(error));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="space-y-4">
      <div>
        <h2 className="text-sm font-semibold text-slate-700">{t('signin.dev.title')}</h2>
        <p className="text-xs text-slate-500">{t('signin.dev.hint')}</p>
      </div>
      <Field label={t('signin.dev.email')} problem={errors.email}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="email"
            autoComplete="email"
            className="input"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
          />
        )}
      </Field>
      <Field label={t('signin.dev.displayName')} problem={errors.displayName}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            autoComplete="nickname"
            className="input"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            maxLength={50}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
          />
        )}
      </Field>
      <FormProblem problem={problem} />
      <button type="submit" className="btn-primary w-full" disabled={busy}>
        {t('signin.dev.submit')}
      </button>
    </form>
  );
}

export function SignInPage() {
  const { t, i18n } = useTranslation();
  const status = useAuthStore((s) => s.status);
  const farewell = useAuthStore((s) => s.farewell);
  const location = useLocation();
  const [params] = useSearchParams();
  const [config, setConfig] = useState<PublicConfig | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();

  useEffect(() => {
    fetchPublicConfig()
      .then(setConfig)
      .catch((error: unknown) => setProblem(errorProblem(error)));
  }, []);

  if (status === 'restoring') return <FullPageSpinner />;
  if (status === 'signedIn') {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/signin' ? from : '/'} replace />;
  }

  const errorCode = params.get('error');
  const providerError = errorCode ? { key: i18n.exists(`errors.${errorCode}`) ? `errors.${errorCode}` : 'signin.failed' } : undefined;

  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex justify-end px-4 py-3">
        <LanguageSwitch />
      </header>
      <main className="mx-auto flex w-full max-w-sm flex-1 flex-col justify-center px-4 pb-16">
        <div className="mb-8 text-center">
          <p className="text-3xl font-extrabold tracking-tight text-indigo-600">STUDYMATE</p>
          <h1 className="mt-3 text-xl font-bold">{t('signin.title')}</h1>
          <p className="mt-1 text-sm text-slate-500">{t('signin.subtitle')}</p>
        </div>
        <div className="card space-y-5">
          {farewell && (
            <p role="status" className="rounded-xl bg-emerald-50 px-4 py-3 text-sm text-emerald-800">
              {t(`signin.farewell.${farewell}`)}
            </p>
          )}
          <SuspensionNotice />
          <FormProblem problem={providerError} />
          <FormProblem problem={problem} />
          {!config && !problem && <p className="text-center text-sm text-slate-500">{t('common.loading')}</p>}
          {config?.providers.naver && (
            <button
              type="button"
              onClick={() => startProviderSignIn('naver')}
              className="flex w-full items-center justify-center gap-2 rounded-xl bg-[#03C75A] px-4 py-3 text-sm font-bold text-white hover:brightness-95"
            >
              <span aria-hidden="true" className="text-base font-black">
                N
              </span>
              {t('signin.naver')}
            </button>
          )}
          {config?.providers.google && (
            <button
              type="button"
              onClick={() => startProviderSignIn('google')}
              className="flex w-full items-center justify-center gap-2 rounded-xl border border-slate-300 bg-white px-4 py-3 text-sm font-bold text-slate-700 hover:bg-slate-50"
            >
              <span aria-hidden="true" className="text-base font-black text-[#4285F4]">
                G
              </span>
              {t('signin.google')}
            </button>
          )}
          {config && !config.providers.naver && !config.providers.google && !config.devSignIn && (
            <p className="text-center text-sm text-slate-500">{t('signin.noProviders')}</p>
          )}
          {config?.devSignIn && (
            <>
              {(config.providers.naver || config.providers.google) && <hr className="border-slate-200" />}
              <DevSignInForm />
            </>
          )}
        </div>
      </main>
    </div>
  );
}
