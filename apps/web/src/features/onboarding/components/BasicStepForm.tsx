import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CITIES, GENDERS, cityById, type BasicInfo } from '@studymate/contracts';
import { Field, FormProblem } from '../../../components/form';
import { useLabel } from '../../../i18n';
import { knownTimeZones, zoneName } from '../../../lib/dates';
import { useStepSave } from '../useStepSave';
import { FormActions } from './FormActions';
import { PhotoPicker } from './PhotoPicker';
import type { StepFormProps } from './StepFormProps';

type Gender = NonNullable<BasicInfo['gender']>;

export function BasicStepForm({ initial, profile, submitLabel, onSaved, onBack, backLabel, hidePhoto }: StepFormProps<'basic'>) {
  const { t, i18n } = useTranslation();
  const label = useLabel();
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, formProblem, saving, save, clearFixed } = useStepSave('basic', formRef);
  const [englishName, setEnglishName] = useState(initial?.englishName ?? '');
  const [cityId, setCityId] = useState<string>(initial?.cityId ?? 'seoul');
  const [timeZone, setTimeZone] = useState<string>(profile.timeZone ?? cityById(initial?.cityId ?? 'seoul')?.timeZone ?? 'Asia/Seoul');
  const [intro, setIntro] = useState(initial?.intro ?? '');
  const [gender, setGender] = useState<Gender | ''>(initial?.gender ?? '');
  const [birthYear, setBirthYear] = useState(initial?.birthYear ? String(initial.birthYear) : '');
  const [photoUrl, setPhotoUrl] = useState(profile.photoUrl);

  const current = (): BasicInfo => ({
    // Spaces typed at the ends or twice in a row are not what the user means to keep.
    englishName: englishName.trim().replace(/\s+/g, ' '),
    cityId: cityId as BasicInfo['cityId'],
    timeZone,
    intro: intro.trim(),
    gender: gender || null,
    birthYear: birthYear.trim() === '' ? null : Number(birthYear),
  });
  // eslint-disable-next-line react-hooks/exhaustive-deps -- current() reads exactly these fields
  useEffect(() => clearFixed(current()), [englishName, cityId, timeZone, intro, gender, birthYear, clearFixed]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = current();
    const status = await save(body);
    if (status) onSaved(status, body);
  }

  /** A listed city brings its zone; "other" keeps the one picked, or this device's when none was. */
  const chooseCity = (id: string) => {
    setCityId(id);
    if (id !== 'other') setTimeZone(cityById(id)?.timeZone ?? timeZone);
    else if (cityById(cityId)?.timeZone === timeZone) setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  };
  const zones = knownTimeZones();
  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate className="space-y-5">
      {!hidePhoto && (
        <section aria-labelledby="basic-photo">
          <h3 id="basic-photo" className="mb-1.5 text-sm font-semibold text-slate-700">
            {t('basic.photo')} <span className="font-normal text-slate-400">{t('common.optional')}</span>
          </h3>
          <PhotoPicker photoUrl={photoUrl} onChange={setPhotoUrl} />
          <p className="mt-1.5 text-sm text-slate-500">{t('basic.photoHint')}</p>
        </section>
      )}
      <Field label={t('basic.englishName')} hint={t('basic.englishNameHint')} problem={errors.englishName}>
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            className="input"
            value={englishName}
            onChange={(e) => setEnglishName(e.target.value)}
            autoComplete="name"
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            maxLength={60}
          />
        )}
      </Field>
      <Field label={t('basic.city')} problem={errors.cityId}>
        {({ id, describedBy, invalid }) => (
          <select
            id={id}
            className="input"
            value={cityId}
            onChange={(e) => chooseCity(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
          >
            {CITIES.map((c) => (
              <option key={c.id} value={c.id}>
                {label(c)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label={t('basic.timeZone')}
        hint={t('basic.timeZoneHint', { zone: zoneName(timeZone, i18n.resolvedLanguage) })}
        problem={errors.timeZone}
      >
        {({ id, describedBy, invalid }) => (
          <select
            id={id}
            className="input"
            value={timeZone}
            onChange={(e) => setTimeZone(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
          >
            {(zones.includes(timeZone) ? zones : [timeZone, ...zones]).map((zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('basic.intro')} hint={t('basic.introHint', { count: intro.trim().length })} problem={errors.intro}>
        {({ id, describedBy, invalid }) => (
          <textarea
            id={id}
            className="input min-h-28"
            value={intro}
            onChange={(e) => setIntro(e.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            maxLength={500}
          />
        )}
      </Field>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label={t('basic.gender')} optional problem={errors.gender}>
          {({ id, describedBy, invalid }) => (
            <select
              id={id}
              className="input"
              value={gender}
              onChange={(e) => setGender(e.target.value as Gender | '')}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            >
              <option value="">{t('basic.genderUnset')}</option>
              {GENDERS.map((g) => (
                <option key={g.id} value={g.id}>
                  {label(g)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('basic.birthYear')} optional problem={errors.birthYear}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className="input"
              inputMode="numeric"
              value={birthYear}
              onChange={(e) => setBirthYear(e.target.value.replace(/\D/g, '').slice(0, 4))}
              placeholder="1995"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </Field>
      </div>
      <FormProblem problem={formProblem} />
      <FormActions saving={saving} submitLabel={submitLabel} onBack={onBack} backLabel={backLabel} />
    </form>
  );
}
