import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { EXPECTATIONS, LEARNING_STYLES, MOTIVATIONS, TOPICS, type InterestsStep } from '@studymate/contracts';
import { ChoiceGroup, FormProblem } from '../../../components/form';
import { useLabel } from '../../../i18n';
import { useStepSave } from '../useStepSave';
import { FormActions } from './FormActions';
import type { StepFormProps } from './StepFormProps';

type Motivation = InterestsStep['motivations'][number];
type Topic = InterestsStep['topics'][number];
type Style = InterestsStep['learningStyle'];
type Expectation = InterestsStep['expectation'];

export function InterestsStepForm({ initial, submitLabel, onSaved, onBack, backLabel }: StepFormProps<'interests'>) {
  const { t } = useTranslation();
  const label = useLabel();
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, formProblem, saving, save, clearFixed } = useStepSave('interests', formRef);
  const [motivations, setMotivations] = useState<Motivation[]>(initial?.motivations ?? []);
  const [topics, setTopics] = useState<Topic[]>(initial?.topics ?? []);
  const [learningStyle, setLearningStyle] = useState<Style | null>(initial?.learningStyle ?? null);
  const [expectation, setExpectation] = useState<Expectation | null>(initial?.expectation ?? null);

  const current = () => ({ motivations, topics, learningStyle, expectation }) as InterestsStep;
  // A message under a field goes as soon as the field is fixed, not at the next save.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- current() reads exactly these fields
  useEffect(() => clearFixed(current()), [motivations, topics, learningStyle, expectation, clearFixed]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    // An unanswered single choice is sent as missing so the schema names that field.
    const body = current();
    const status = await save(body);
    if (status) onSaved(status, body);
  }

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate className="space-y-6">
      <ChoiceGroup
        multiple
        legend={t('interests.motivations')}
        hint={t('common.chooseAny')}
        name="motivations"
        value={motivations}
        onChange={setMotivations}
        problem={errors.motivations}
        options={MOTIVATIONS.map((m) => ({ value: m.id, label: label(m) }))}
      />
      <ChoiceGroup
        multiple
        legend={t('interests.topics')}
        hint={t('common.chooseAny')}
        name="topics"
        value={topics}
        onChange={setTopics}
        problem={errors.topics}
        options={TOPICS.map((m) => ({ value: m.id, label: label(m) }))}
      />
      <ChoiceGroup
        legend={t('interests.learningStyle')}
        name="learningStyle"
        value={learningStyle}
        onChange={setLearningStyle}
        problem={errors.learningStyle}
        options={LEARNING_STYLES.map((m) => ({ value: m.id, label: label(m) }))}
      />
      <ChoiceGroup
        legend={t('interests.expectation')}
        name="expectation"
        value={expectation}
        onChange={setExpectation}
        problem={errors.expectation}
        options={EXPECTATIONS.map((m) => ({ value: m.id, label: label(m) }))}
      />
      <FormProblem problem={formProblem} />
      <FormActions saving={saving} submitLabel={submitLabel} onBack={onBack} backLabel={backLabel} />
    </form>
  );
}
