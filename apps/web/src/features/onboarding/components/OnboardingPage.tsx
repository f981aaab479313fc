import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ONBOARDING_STEPS, type OnboardingStatus, type OnboardingStep, type Profile } from '@studymate/contracts';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { useAuthStore } from '../../auth/store';
import { levelTestOfferedTo } from '../../level-test/offered';
import { useProfileStore } from '../../profile/store';
import { FullPageSpinner } from '../../shell/components/FullPageSpinner';
import { LanguageSwitch } from '../../shell/components/LanguageSwitch';
import { fetchOnboardingStatus, fetchProfile } from '../api';
import { STEP_FORMS } from './stepForms';
import type { StepFormProps } from './StepFormProps';

const isStep = (s: string | undefined): s is OnboardingStep => (ONBOARDING_STEPS as readonly string[]).includes(s ?? '');

/** /onboarding: resume at the first unfinished step. */
export function OnboardingIndex() {
  const [target, setTarget] = useState<string | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();
  const updateUser = useAuthStore((s) => s.updateUser);
  useEffect(() => {
    fetchOnboardingStatus()
      .then((status) => {
        updateUser({ onboardingCompleted: status.completed });
        setTarget(status.completed || !status.nextStep ? '/' : `/onboarding/${status.nextStep}`);
      })
      .catch((error: unknown) => setProblem(errorProblem(error)));
  }, [updateUser]);
  if (problem)
    return (
      <div className="p-6">
        <FormProblem problem={problem} />
      </div>
    );
  return target ? <Navigate to={target} replace /> : <FullPageSpinner />;
}

function OnboardingFrame({ children }: { children: React.ReactNode }) {
  return (
    <div className="min-h-dvh">
      <header className="flex items-center justify-between px-4 py-3 sm:px-8">
        <span className="text-base font-bold tracking-tight text-indigo-600">STUDYMATE</span>
        <LanguageSwitch />
      </header>
      <main className="mx-auto w-full max-w-2xl px-4 pb-16 sm:px-8">{children}</main>
    </div>
  );
}

function Progress({ current, status }: { current: OnboardingStep; status: OnboardingStatus }) {
  const { t } = useTranslation();
  const index = ONBOARDING_STEPS.indexOf(current);
  return (
    <nav aria-label={t('onboarding.progress')} className="mb-6">
      <p className="mb-2 text-sm font-medium text-indigo-600">{t('onboarding.stepOf', { n: index + 1, total: ONBOARDING_STEPS.length })}</p>
      <ol className="grid grid-cols-5 gap-1.5">
        {ONBOARDING_STEPS.map((step, i) => {
          const done = status.completedSteps.includes(step);
          const reachable = done || step === status.nextStep;
          const bar = `h-1.5 rounded-full ${i === index ? 'bg-indigo-600' : done ? 'bg-indigo-300' : 'bg-slate-200'}`;
          const name = t(`onboarding.steps.${step}`);
          return (
            <li key={step} aria-current={i === index ? 'step' : undefined}>
              {reachable && i !== index ? (
                <Link to={`/onboarding/${step}`} className="-my-[19px] block py-[19px] sm:my-0 sm:py-0" title={name}>
                  <span className={`block ${bar}`} />
                  <span className="mt-1.5 hidden truncate text-xs text-slate-500 sm:block">{name}</span>
                  <span className="sr-only sm:hidden">{name}</span>
                </Link>
              ) : (
                <div title={name}>
                  <span className={`block ${bar}`} />
                  <span
                    className={`mt-1.5 hidden truncate text-xs sm:block ${i === index ? 'font-semibold text-slate-800' : 'text-slate-400'}`}
                  >
                    {name}
                  </span>
                  <span className="sr-only sm:hidden">{name}</span>
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function DoneScreen() {
  const { t } = useTranslation();
  const load = useProfileStore((s) => s.load);
  // Read afresh: a profile kept from before the languages step would not know the native language.
  const [offered, setOffered] = useState<boolean | null>(null);
  useEffect(() => {
    load()
      .then((profile) => setOffered(levelTestOfferedTo(profile)))
      .catch(() => setOffered(false));
  }, [load]);
  return (
    <OnboardingFrame>
      <section className="card mt-8 space-y-4 text-center">
        <h1 className="text-2xl font-bold">{t('onboarding.done.title')}</h1>
        {offered !== null && <p className="text-slate-600">{t(offered ? 'onboarding.done.body' : 'onboarding.done.bodyNoTest')}</p>}
        {offered !== null && (
          <div className="flex flex-col gap-2 sm:flex-row sm:justify-center">
            {offered ? (
              <>
                <Link to="/level-test" className="btn-primary">
                  {t('onboarding.done.takeTest')}
                </Link>
                <Link to="/" className="btn-secondary">
                  {t('onboarding.done.later')}
                </Link>
              </>
            ) : (
              <Link to="/" className="btn-primary">
                {t('onboarding.done.start')}
              </Link>
            )}
          </div>
        )}
      </section>
    </OnboardingFrame>
  );
}

/** /onboarding/:step — one step of the wizard, saved on its own. */
export function OnboardingPage() {
  const { step } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const updateUser = useAuthStore((s) => s.updateUser);
  // Remember which step the profile was read for: right after a save the URL already names the
  // next step while the profile in hand still says the previous one is unfinished.
  const [loaded, setLoaded] = useState<{ step: string; profile: Profile } | null>(null);
  const [problem, setProblem] = useState<FieldProblem>();

  useEffect(() => {
    if (!isStep(step)) return;
    let live = true;
    fetchProfile()
      .then((profile) => live && setLoaded({ step, profile }))
      .catch((error: unknown) => live && setProblem(errorProblem(error)));
    return () => {
      live = false;
    };
  }, [step]);

  if (step === 'done') return <DoneScreen />;
  if (!isStep(step)) return <Navigate to="/onboarding" replace />;
  if (problem)
    return (
      <OnboardingFrame>
        <FormProblem problem={problem} />
      </OnboardingFrame>
    );
  if (!loaded || loaded.step !== step) return <FullPageSpinner />;
  const { profile } = loaded;

  const status = profile.onboarding;
  // Steps are done in order the first time; jumping past the next unfinished one is not offered.
  if (!status.completedSteps.includes(step) && status.nextStep && step !== status.nextStep) {
    return <Navigate to={`/onboarding/${status.nextStep}`} replace />;
  }

  const index = ONBOARDING_STEPS.indexOf(step);
  const previous = index > 0 ? ONBOARDING_STEPS[index - 1] : undefined;
  const last = index === ONBOARDING_STEPS.length - 1;
  const Form = STEP_FORMS[step] as React.ComponentType<StepFormProps<OnboardingStep>>;

  const onSaved = (saved: OnboardingStatus) => {
    if (saved.completed) {
      updateUser({ onboardingCompleted: true });
      navigate('/onboarding/done');
      return;
    }
    const following = ONBOARDING_STEPS[index + 1];
    // Go on in order; if an earlier step is still open (edited out of order), go there instead.
    const next = following && !saved.completedSteps.includes(following) ? following : saved.nextStep;
    navigate(`/onboarding/${next ?? 'done'}`);
  };

  return (
    <OnboardingFrame>
      <Progress current={step} status={status} />
      <div className="card">
        <h1 className="text-xl font-bold">{t(`onboarding.steps.${step}`)}</h1>
        <p className="mb-6 mt-1 text-sm text-slate-500">{t(`onboarding.intro.${step}`)}</p>
        <Form
          key={step}
          initial={profile[step]}
          profile={profile}
          submitLabel={last ? t('onboarding.finish') : t('onboarding.saveNext')}
          onSaved={onSaved}
          onBack={previous ? () => navigate(`/onboarding/${previous}`) : undefined}
        />
      </div>
    </OnboardingFrame>
  );
}
