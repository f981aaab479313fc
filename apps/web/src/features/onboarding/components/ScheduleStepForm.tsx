import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { COMMUNICATION_METHODS, DAILY_MINUTES, cityById, type ScheduleStep, type WeeklySlot } from '@studymate/contracts';
import { ChoiceGroup, FormProblem, ProblemText } from '../../../components/form';
import { useLabel } from '../../../i18n';
import { useStepSave } from '../useStepSave';
import { FormActions } from './FormActions';
import type { StepFormProps } from './StepFormProps';
import { WeekGrid } from './WeekGrid';

type Method = ScheduleStep['communicationMethod'];
type Minutes = ScheduleStep['dailyMinutes'];

export function ScheduleStepForm({ initial, profile, submitLabel, onSaved, onBack, backLabel }: StepFormProps<'schedule'>) {
  const { t } = useTranslation();
  const label = useLabel();
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, formProblem, saving, save, clearFixed } = useStepSave('schedule', formRef);
  const [communicationMethod, setMethod] = useState<Method | null>(initial?.communicationMethod ?? null);
  const [dailyMinutes, setMinutes] = useState<Minutes | null>(initial?.dailyMinutes ?? null);
  const [availability, setAvailability] = useState<WeeklySlot[]>(initial?.availability ?? []);

  // Slots are kept in the time zone of the user's city; say which one it is.
  const city = profile.basic ? cityById(profile.basic.cityId) : undefined;
  const timeZone = profile.timeZone ?? city?.timeZone ?? 'UTC';

  const current = () => ({ communicationMethod, dailyMinutes, availability }) as ScheduleStep;
  // A message under a field goes as soon as the field is fixed, not at the next save.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- current() reads exactly these fields
  useEffect(() => clearFixed(current()), [communicationMethod, dailyMinutes, availability, clearFixed]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = current();
    const status = await save(body);
    if (status) onSaved(status, body);
  }

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate className="space-y-6">
      <ChoiceGroup
        legend={t('schedule.method')}
        name="communicationMethod"
        value={communicationMethod}
        onChange={setMethod}
        problem={errors.communicationMethod}
        options={COMMUNICATION_METHODS.map((m) => ({ value: m.id, label: label(m) }))}
      />
      <ChoiceGroup
        legend={t('schedule.dailyMinutes')}
        name="dailyMinutes"
        value={dailyMinutes}
        onChange={setMinutes}
        problem={errors.dailyMinutes}
        options={DAILY_MINUTES.map((m) => ({ value: m, label: t('schedule.minutes', { count: m }) }))}
      />
      <section aria-labelledby="availability-title" aria-invalid={errors.availability ? true : undefined}>
        <h3 id="availability-title" className="text-sm font-semibold text-slate-700">
          {t('schedule.availability')}
        </h3>
        <p className="mb-2 text-sm text-slate-500">{t('schedule.availabilityHint', { place: city ? label(city) : timeZone, timeZone })}</p>
        <WeekGrid value={availability} onChange={setAvailability} labelledBy="availability-title" />
        <ProblemText problem={errors.availability} />
      </section>
      <FormProblem problem={formProblem} />
      <FormActions saving={saving} submitLabel={submitLabel} onBack={onBack} backLabel={backLabel} />
    </form>
  );
}
