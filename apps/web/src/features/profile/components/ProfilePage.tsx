import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  CITIES,
  COMMUNICATION_METHODS,
  EXPECTATIONS,
  GENDERS,
  LANGUAGES,
  LEARNING_STYLES,
  LEVELS,
  MOTIVATIONS,
  ONBOARDING_STEPS,
  PARTNER_GENDERS,
  PARTNER_STYLES,
  TOPICS,
  WEEKDAYS,
  type Labelled,
  type OnboardingStep,
  type Profile,
} from '@studymate/contracts';
import { errorProblem, FormProblem, type FieldProblem } from '../../../components/form';
import { useLabel } from '../../../i18n';
import { dayRanges, slotTime } from '../../../lib/slots';
import { FullPageSpinner } from '../../shell/components/FullPageSpinner';
import { PhotoPicker } from '../../onboarding/components/PhotoPicker';
import { STEP_FORMS } from '../../onboarding/components/stepForms';
import type { StepFormProps } from '../../onboarding/components/StepFormProps';
import { useProfileStore } from '../store';
import { zoneName } from '../../../lib/dates';
import { otherName } from '../../../lib/names';
import { fetchHistory } from '../../level-test/api';
import { useLevelTestOffered } from '../../level-test/offered';

function find<T extends Labelled<string | number>>(list: readonly T[], id: string | number | null | undefined): T | undefined {
  return list.find((e) => e.id === id);
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid gap-0.5 py-2 sm:grid-cols-[10rem_1fr] sm:gap-4">
      <dt className="text-sm text-slate-500">{term}</dt>
      <dd className="text-sm text-slate-900">{children}</dd>
    </div>
  );
}

function Summary({ step, profile }: { step: OnboardingStep; profile: Profile }) {
  const { t } = useTranslation();
  const label = useLabel();
  const names = <T extends Labelled<string | number>>(list: readonly T[], ids: readonly (string | number)[]) =>
    ids.map((id) => (find(list, id) ? label(find(list, id)!) : String(id))).join(', ');
  const lang = (code: string) => label(find(LANGUAGES, code) ?? { id: code, ko: code, en: code });
  const level = (id: string) => `${id} · ${label(find(LEVELS, id) ?? { id, ko: id, en: id })}`;
  const none = <span className="text-slate-400">{t('profile.notSet')}</span>;

  switch (step) {
    case 'basic': {
      const b = profile.basic;
      if (!b) return none;
      return (
        <dl className="divide-y divide-slate-100">
          <Row term={t('basic.englishName')}>{b.englishName}</Row>
          <Row term={t('basic.city')}>{label(find(CITIES, b.cityId) ?? { id: b.cityId, ko: b.cityId, en: b.cityId })}</Row>
          <Row term={t('basic.intro')}>
            <span className="whitespace-pre-line">{b.intro}</span>
          </Row>
          <Row term={t('basic.gender')}>{b.gender ? label(find(GENDERS, b.gender)!) : none}</Row>
          <Row term={t('basic.birthYear')}>{b.birthYear ?? none}</Row>
        </dl>
      );
    }
    case 'languages': {
      const l = profile.languages;
      if (!l) return none;
      return (
        <dl className="divide-y divide-slate-100">
          <Row term={t('languages.native')}>{lang(l.native)}</Row>
          <Row term={t('languages.learns')}>
            <ul className="space-y-2">
              {l.learns.map((x) => (
                <li key={x.language}>
                  <p className="font-semibold">{lang(x.language)}</p>
                  <p className="text-slate-600">
                    {t('languages.myLevel')}: {level(x.level)}
                  </p>
                  <p className="text-slate-600">
                    {t('languages.partnerLevel')}: {level(x.partnerLevel)}
                  </p>
                </li>
              ))}
            </ul>
          </Row>
          <Row term={t('languages.speaks')}>
            {l.speaks.length ? l.speaks.map((x) => `${lang(x.language)} (${x.level})`).join(', ') : none}
          </Row>
        </dl>
      );
    }
    case 'interests': {
      const i = profile.interests;
      if (!i) return none;
      return (
        <dl className="divide-y divide-slate-100">
          <Row term={t('interests.motivations')}>{names(MOTIVATIONS, i.motivations)}</Row>
          <Row term={t('interests.topics')}>{names(TOPICS, i.topics)}</Row>
          <Row term={t('interests.learningStyle')}>{names(LEARNING_STYLES, [i.learningStyle])}</Row>
          <Row term={t('interests.expectation')}>{names(EXPECTATIONS, [i.expectation])}</Row>
        </dl>
      );
    }
    case 'partner': {
      const p = profile.partner;
      if (!p) return none;
      return (
        <dl className="divide-y divide-slate-100">
          <Row term={t('partner.gender')}>{names(PARTNER_GENDERS, [p.partnerGender])}</Row>
          <Row term={t('partner.styles')}>{names(PARTNER_STYLES, p.partnerStyles)}</Row>
          <Row term={t('partner.ageRange')}>{t('partner.ageRangeValue', { min: p.ageMin, max: p.ageMax })}</Row>
        </dl>
      );
    }
    case 'schedule': {
      const s = profile.schedule;
      if (!s) return none;
      const days = WEEKDAYS.map((d) => ({ d, ranges: dayRanges(s.availability, d.id) })).filter((x) => x.ranges.length);
      return (
        <dl className="divide-y divide-slate-100">
          <Row term={t('schedule.method')}>{names(COMMUNICATION_METHODS, [s.communicationMethod])}</Row>
          <Row term={t('schedule.dailyMinutes')}>{t('schedule.minutes', { count: s.dailyMinutes })}</Row>
          <Row term={t('schedule.availability')}>
            <ul className="space-y-0.5">
              {days.map(({ d, ranges }) => (
                <li key={d.id}>
                  <span className="inline-block w-8 font-semibold">{label(d)}</span>{' '}
                  {ranges.map((r) => `${slotTime(r.from)}–${slotTime(r.to)}`).join(', ')}
                </li>
              ))}
            </ul>
            <p className="mt-1 text-xs text-slate-500">{t('profile.inTimeZone', { timeZone: profile.timeZone ?? 'UTC' })}</p>
          </Row>
        </dl>
      );
    }
  }
}

function Section({ step, profile, onSaved }: { step: OnboardingStep; profile: Profile; onSaved: () => Promise<unknown> }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const Form = STEP_FORMS[step] as React.ComponentType<StepFormProps<OnboardingStep>>;
  const title = t(`onboarding.steps.${step}`);
  return (
    <section className="card" aria-labelledby={`profile-${step}`}>
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 id={`profile-${step}`} className="text-base font-bold">
          {title}
        </h2>
        {!editing && (
          <button
            type="button"
            className="btn-link"
            onClick={() => setEditing(true)}
            aria-label={t('profile.editSection', { section: title })}
          >
            {t('common.edit')}
          </button>
        )}
      </div>
      {editing ? (
        <Form
          initial={profile[step]}
          profile={profile}
          hidePhoto
          submitLabel={t('common.save')}
          backLabel={t('common.cancel')}
          onBack={() => setEditing(false)}
          onSaved={() => void onSaved().then(() => setEditing(false))}
        />
      ) : (
        <Summary step={step} profile={profile} />
      )}
    </section>
  );
}

export function ProfilePage() {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const { profile, load } = useProfileStore();
  const offered = useLevelTestOffered();
  const [problem, setProblem] = useState<FieldProblem>();
  /** The newest level-test result when it was provisional: said as such, never as a verified level. */
  const [provisional, setProvisional] = useState<{ level: string } | null>(null);

  useEffect(() => {
    load().catch((error: unknown) => setProblem(errorProblem(error)));
    // Only for the "provisional" line; the page stands without it.
    fetchHistory().then(
      (h) => {
        const last = h.items.find((i) => i.status === 'scored');
        setProvisional(last && last.verified === false && last.level ? { level: last.level } : null);
      },
      () => undefined,
    );
  }, [load]);

  if (problem) return <FormProblem problem={problem} />;
  if (!profile) return <FullPageSpinner />;

  const city = profile.basic ? find(CITIES, profile.basic.cityId) : undefined;
  return (
    <div className="space-y-4">
      <section className="card">
        <div className="flex items-start gap-4">
          <div className="size-20 shrink-0 overflow-hidden rounded-full bg-indigo-100 ring-1 ring-slate-200">
            {profile.photoUrl ? (
              <img src={profile.photoUrl} alt={t('profile.photoAlt', { name: profile.displayName })} className="size-full object-cover" />
            ) : (
              <div className="flex size-full items-center justify-center text-2xl font-bold text-indigo-600" aria-hidden="true">
                {profile.displayName.slice(0, 1).toUpperCase()}
              </div>
            )}
          </div>
          <div className="min-w-0">
            <h1 className="truncate text-xl font-bold">{profile.displayName}</h1>
            {/* The English name is what others see: said only when it differs from the name from sign-in. */}
            {profile.basic && otherName(profile.displayName, profile.basic.englishName) && (
              <p className="text-slate-600">{t('profile.seenAs', { name: profile.basic.englishName })}</p>
            )}
            {city && (
              <p className="text-sm text-slate-500" data-testid="profile-city">
                {label(city)} · {zoneName(profile.timeZone ?? city.timeZone, i18n.resolvedLanguage)}
              </p>
            )}
            {profile.email && <p className="truncate text-sm text-slate-400">{profile.email}</p>}
          </div>
        </div>
        <details className="mt-4">
          <summary className="btn-link cursor-pointer">{t('profile.changePhoto')}</summary>
          <div className="mt-3">
            <PhotoPicker photoUrl={profile.photoUrl} onChange={() => void load()} />
          </div>
        </details>
      </section>

      <section className="card flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2 className="text-base font-bold">{t('profile.levels')}</h2>
          {/* The test assesses English speaking: nobody else is told they have not taken it; nor is
              someone whose last test was provisional (the line below says what it was). */}
          {(profile.verifiedLevels.length > 0 || (offered && !provisional)) && (
            <p className="text-sm text-slate-600" data-testid="profile-levels">
              {profile.verifiedLevels.length
                ? profile.verifiedLevels.map((v) => `${label(find(LANGUAGES, v.language)!)} ${v.level} · ${t('profile.tested')}`).join(', ')
                : t('profile.noVerifiedLevel')}
            </p>
          )}
          {(profile.languages?.learns ?? [])
            .filter((l) => !profile.verifiedLevels.some((v) => v.language === l.language))
            .map((l) => (
              <p key={l.language} className="text-sm text-slate-600">
                {label(find(LANGUAGES, l.language)!)} {l.level} · {t('profile.selfRated')}
              </p>
            ))}
          {provisional && (
            <p className="text-sm text-amber-700" data-testid="profile-provisional">
              {t('profile.provisional', { level: provisional.level })}
            </p>
          )}
        </div>
        {offered && (
          <Link to="/level-test" className="btn-secondary">
            {t('nav.levelTest')}
          </Link>
        )}
      </section>

      {ONBOARDING_STEPS.map((step) => (
        <Section key={step} step={step} profile={profile} onSaved={load} />
      ))}
    </div>
  );
}
