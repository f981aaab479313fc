import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PARTNER_GENDERS, PARTNER_STYLES, type PartnerStep } from '@studymate/contracts';
import { ChoiceGroup, Field, FormProblem } from '../../../components/form';
import { useLabel } from '../../../i18n';
import { useStepSave } from '../useStepSave';
import { FormActions } from './FormActions';
import type { StepFormProps } from './StepFormProps';

type PartnerGender = PartnerStep['partnerGender'];
type PartnerStyle = PartnerStep['partnerStyles'][number];

export function PartnerStepForm({ initial, submitLabel, onSaved, onBack, backLabel }: StepFormProps<'partner'>) {
  const { t } = useTranslation();
  const label = useLabel();
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, formProblem, saving, save, clearFixed } = useStepSave('partner', formRef);
  const [partnerGender, setPartnerGender] = useState<PartnerGender>(initial?.partnerGender ?? 'any');
  const [partnerStyles, setPartnerStyles] = useState<PartnerStyle[]>(initial?.partnerStyles ?? []);
  const [ageMin, setAgeMin] = useState(String(initial?.ageMin ?? 18));
  const [ageMax, setAgeMax] = useState(String(initial?.ageMax ?? 45));

  const current = () => ({ partnerGender, partnerStyles, ageMin: Number(ageMin), ageMax: Number(ageMax) });
  // A message under a field goes as soon as the field is fixed, not at the next save.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- current() reads exactly these fields
  useEffect(() => clearFixed(current()), [partnerGender, partnerStyles, ageMin, ageMax, clearFixed]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = current();
    const status = await save(body);
    if (status) onSaved(status, body);
  }

  const ageInput =
    (value: string, set: (v: string) => void) =>
    ({ id, describedBy, invalid }: { id: string; describedBy?: string; invalid: boolean }) => (
      <input
        id={id}
        className="input"
        inputMode="numeric"
        value={value}
        onChange={(e) => set(e.target.value.replace(/\D/g, '').slice(0, 3))}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
      />
    );

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate className="space-y-6">
      <ChoiceGroup
        legend={t('partner.gender')}
        name="partnerGender"
        value={partnerGender}
        onChange={setPartnerGender}
        problem={errors.partnerGender}
        options={PARTNER_GENDERS.map((g) => ({ value: g.id, label: label(g) }))}
      />
      <ChoiceGroup
        multiple
        legend={t('partner.styles')}
        hint={t('common.chooseAny')}
        name="partnerStyles"
        value={partnerStyles}
        onChange={setPartnerStyles}
        problem={errors.partnerStyles}
        options={PARTNER_STYLES.map((s) => ({ value: s.id, label: label(s) }))}
      />
      <div>
        <p className="mb-1.5 text-sm font-semibold text-slate-700">{t('partner.ageRange')}</p>
        <div className="grid grid-cols-2 gap-3">
          <Field label={t('partner.ageMin')} problem={errors.ageMin}>
            {ageInput(ageMin, setAgeMin)}
          </Field>
          <Field label={t('partner.ageMax')} problem={errors.ageMax}>
            {ageInput(ageMax, setAgeMax)}
          </Field>
        </div>
      </div>
      <FormProblem problem={formProblem} />
      <FormActions saving={saving} submitLabel={submitLabel} onBack={onBack} backLabel={backLabel} />
    </form>
  );
}
