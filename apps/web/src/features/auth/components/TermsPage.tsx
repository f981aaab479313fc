import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { LanguageSwitch } from '../../shell/components/LanguageSwitch';
import { acceptTerms, logout } from '../api';
import { useAuthStore } from '../store';

const REQUIRED = ['ageOver14', 'termsOfService', 'privacyPolicy'] as const;
type Consent = (typeof REQUIRED)[number] | 'marketing';

export function TermsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const accepted = useAuthStore((s) => s.user?.termsAccepted ?? false);
  const [checked, setChecked] = useState<Record<Consent, boolean>>({
    ageOver14: false,
    termsOfService: false,
    privacyPolicy: false,
    marketing: false,
  });
  const [problem, setProblem] = useState<FieldProblem>();
  const [busy, setBusy] = useState(false);

  if (accepted && !busy) return <Navigate to="/onboarding" replace />;

  const allRequired = REQUIRED.every((k) => checked[k]);
  const all = allRequired && checked.marketing;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!allRequired) return setProblem({ key: 'terms.needRequired' });
    setBusy(true);
    setProblem(undefined);
    try {
      await acceptTerms({ ageOver14: true, termsOfService: true, privacyPolicy: true, marketing: checked.marketing });
      navigate('/onboarding', { replace: true });
    } catch (error) {
      setProblem(errorProblem(error));
      setBusy(false);
    }
  }

  const documentOf: Partial<Record<Consent, 'terms' | 'privacy'>> = { termsOfService: 'terms', privacyPolicy: 'privacy' };
  const item = (k: Consent, required: boolean) => (
    <div key={k} className="flex items-start gap-2">
      <label className="flex min-h-11 flex-1 cursor-pointer items-start gap-3 py-2.5">
        <input
          type="checkbox"
          className="mt-0.5 size-5 shrink-0 accent-indigo-600"
          checked={checked[k]}
          onChange={(e) => setChecked({ ...checked, [k]: e.target.checked })}
        />
        <span className="text-sm">
          {t(`terms.${k}`)}{' '}
          <span className={required ? 'font-semibold text-indigo-600' : 'text-slate-400'}>
            ({t(required ? 'terms.required' : 'terms.optional')})
          </span>
        </span>
      </label>
      {documentOf[k] && (
        // A new tab, so the boxes already ticked here stay ticked.
        <a
          href={`/legal/${documentOf[k]}`}
          target="_blank"
          rel="noopener"
          className="btn-link shrink-0 px-1"
          aria-label={t(`legal.read.${documentOf[k]}`)}
        >
          {t('legal.view')}
        </a>
      )}
    </div>
  );

  return (
    <div className="min-h-dvh">
      <header className="flex items-center justify-between px-4 py-3 sm:px-8">
        <span className="text-base font-bold tracking-tight text-indigo-600">STUDYMATE</span>
        <LanguageSwitch />
      </header>
      <main className="mx-auto w-full max-w-lg px-4 pb-16">
        <form onSubmit={(e) => void submit(e)} className="card space-y-4">
          <div>
            <h1 className="text-xl font-bold">{t('terms.title')}</h1>
            <p className="mt-1 text-sm text-slate-500">{t('terms.intro')}</p>
          </div>
          <label className="flex cursor-pointer items-center gap-3 rounded-xl bg-indigo-50 px-3 py-3 font-semibold">
            <input
              type="checkbox"
              className="size-5 accent-indigo-600"
              checked={all}
              onChange={(e) =>
                setChecked({
                  ageOver14: e.target.checked,
                  termsOfService: e.target.checked,
                  privacyPolicy: e.target.checked,
                  marketing: e.target.checked,
                })
              }
            />
            {t('terms.all')}
          </label>
          <div className="divide-y divide-slate-100 px-1">
            {REQUIRED.map((k) => item(k, true))}
            {item('marketing', false)}
          </div>
          <FormProblem problem={problem} />
          <button type="submit" className="btn-primary w-full" disabled={busy || !allRequired}>
            {t('terms.accept')}
          </button>
          <button type="button" className="btn-link w-full" onClick={() => void logout()}>
            {t('settings.logout')}
          </button>
        </form>
      </main>
    </div>
  );
}
