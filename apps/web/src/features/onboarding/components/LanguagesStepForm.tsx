import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, LEVELS, type LanguagesStep } from '@studymate/contracts';
import { Field, FormProblem, ProblemText } from '../../../components/form';
import { useLabel } from '../../../i18n';
import { useStepSave } from '../useStepSave';
import { FormActions } from './FormActions';
import type { StepFormProps } from './StepFormProps';

type Code = LanguagesStep['native'];
type Level = LanguagesStep['learns'][number]['level'];
type Spoken = LanguagesStep['speaks'][number];
type Learned = LanguagesStep['learns'][number];

const MAX_LEARNS = 3;

function LanguageSelect({
  value,
  onChange,
  label: aria,
  exclude = [],
}: {
  value: Code;
  onChange: (c: Code) => void;
  label: string;
  exclude?: Code[];
}) {
  const label = useLabel();
  return (
    <select className="input" aria-label={aria} value={value} onChange={(e) => onChange(e.target.value as Code)}>
      {LANGUAGES.filter((l) => l.id === value || !exclude.includes(l.id)).map((l) => (
        <option key={l.id} value={l.id}>
          {label(l)}
        </option>
      ))}
    </select>
  );
}

/** CEFR picker that reads as plain words: "B1 · Conversation on familiar topics". */
function LevelSelect({ value, onChange, label: aria }: { value: Level; onChange: (l: Level) => void; label: string }) {
  const label = useLabel();
  return (
    <select className="input" aria-label={aria} value={value} onChange={(e) => onChange(e.target.value as Level)}>
      {LEVELS.map((l) => (
        <option key={l.id} value={l.id}>
          {l.id} · {label(l)}
        </option>
      ))}
    </select>
  );
}

function firstFree(taken: Code[]): Code {
  return (LANGUAGES.find((l) => !taken.includes(l.id)) ?? LANGUAGES[0]).id;
}

export function LanguagesStepForm({ initial, submitLabel, onSaved, onBack, backLabel }: StepFormProps<'languages'>) {
  const { t } = useTranslation();
  const label = useLabel();
  const formRef = useRef<HTMLFormElement>(null);
  const { errors, formProblem, saving, save, clearFixed } = useStepSave('languages', formRef);
  const [native, setNative] = useState<Code>(initial?.native ?? 'ko');
  const [speaks, setSpeaks] = useState<Spoken[]>(initial?.speaks ?? []);
  const [learns, setLearns] = useState<Learned[]>(initial?.learns ?? [{ language: 'en', level: 'A2', partnerLevel: 'C2' }]);

  const used = [native, ...speaks.map((s) => s.language), ...learns.map((l) => l.language)];
  const nameOf = (code: Code) => label(LANGUAGES.find((l) => l.id === code)!);

  /**
   * A new native language cannot stay on the learning or speaking lists: a language being learned
   * becomes the old native one (ko->en learner switching to en native now learns ko), a spoken one goes.
   */
  function changeNative(next: Code) {
    const keptSpeaks = speaks.filter((s) => s.language !== next);
    const taken = [next, ...keptSpeaks.map((s) => s.language), ...learns.map((l) => l.language).filter((l) => l !== next)];
    const replacement = taken.includes(native) ? firstFree(taken) : native;
    setNative(next);
    setSpeaks(keptSpeaks);
    setLearns(learns.map((l) => (l.language === next ? { ...l, language: replacement } : l)));
  }

  const current = () => ({ native, speaks, learns });
  // A message under a field goes as soon as the field is fixed, not at the next save.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- current() reads exactly these fields
  useEffect(() => clearFixed(current()), [native, speaks, learns, clearFixed]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = current();
    const status = await save(body);
    if (status) onSaved(status, body);
  }

  return (
    <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate className="space-y-6">
      <Field label={t('languages.native')} problem={errors.native}>
        {({ id, describedBy, invalid }) => (
          <select
            id={id}
            className="input"
            value={native}
            onChange={(e) => changeNative(e.target.value as Code)}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
          >
            {LANGUAGES.map((l) => (
              <option key={l.id} value={l.id}>
                {label(l)}
              </option>
            ))}
          </select>
        )}
      </Field>

      <fieldset aria-invalid={errors.learns ? true : undefined} className="space-y-3">
        <legend className="mb-1.5 text-sm font-semibold text-slate-700">{t('languages.learns')}</legend>
        <p className="-mt-1 text-sm text-slate-500">{t('languages.learnsHint')}</p>
        {learns.map((item, i) => (
          <div key={i} className="space-y-2 rounded-xl border border-slate-200 p-3">
            <div className="flex items-center gap-2">
              <div className="flex-1">
                <LanguageSelect
                  label={t('languages.learnLanguage', { n: i + 1 })}
                  value={item.language}
                  exclude={used}
                  onChange={(language) => setLearns(learns.map((x, j) => (j === i ? { ...x, language } : x)))}
                />
              </div>
              {learns.length > 1 && (
                <button
                  type="button"
                  className="btn-link px-2"
                  onClick={() => setLearns(learns.filter((_, j) => j !== i))}
                  aria-label={t('languages.removeNamed', { name: nameOf(item.language) })}
                >
                  {t('common.remove')}
                </button>
              )}
            </div>
            <div className="grid gap-2 sm:grid-cols-2">
              <label className="block text-xs font-medium text-slate-500">
                {t('languages.myLevel')}
                <LevelSelect
                  label={t('languages.myLevelFor', { name: nameOf(item.language) })}
                  value={item.level}
                  onChange={(level) => setLearns(learns.map((x, j) => (j === i ? { ...x, level } : x)))}
                />
              </label>
              <label className="block text-xs font-medium text-slate-500">
                {t('languages.partnerLevel')}
                <LevelSelect
                  label={t('languages.partnerLevelFor', { name: nameOf(item.language) })}
                  value={item.partnerLevel}
                  onChange={(partnerLevel) => setLearns(learns.map((x, j) => (j === i ? { ...x, partnerLevel } : x)))}
                />
              </label>
            </div>
          </div>
        ))}
        {learns.length < MAX_LEARNS && (
          <button
            type="button"
            className="btn-secondary"
            onClick={() => setLearns([...learns, { language: firstFree(used), level: 'A1', partnerLevel: 'C2' }])}
          >
            + {t('languages.addLearn')}
          </button>
        )}
        <ProblemText problem={errors.learns} />
      </fieldset>

      <fieldset aria-invalid={errors.speaks ? true : undefined} className="space-y-3">
        <legend className="mb-1.5 text-sm font-semibold text-slate-700">
          {t('languages.speaks')} <span className="font-normal text-slate-400">{t('common.optional')}</span>
        </legend>
        {speaks.map((item, i) => (
          <div key={i} className="flex flex-wrap items-center gap-2 rounded-xl border border-slate-200 p-3">
            <div className="min-w-32 flex-1">
              <LanguageSelect
                label={t('languages.speakLanguage', { n: i + 1 })}
                value={item.language}
                exclude={used}
                onChange={(language) => setSpeaks(speaks.map((x, j) => (j === i ? { ...x, language } : x)))}
              />
            </div>
            <div className="min-w-48 flex-[2]">
              <LevelSelect
                label={t('languages.myLevelFor', { name: nameOf(item.language) })}
                value={item.level}
                onChange={(level) => setSpeaks(speaks.map((x, j) => (j === i ? { ...x, level } : x)))}
              />
            </div>
            <button
              type="button"
              className="btn-link px-2"
              onClick={() => setSpeaks(speaks.filter((_, j) => j !== i))}
              aria-label={t('languages.removeNamed', { name: nameOf(item.language) })}
            >
              {t('common.remove')}
            </button>
          </div>
        ))}
        {used.length < LANGUAGES.length && (
          <button
            type="button"
            className="btn-secondary"
            onClick={() => setSpeaks([...speaks, { language: firstFree(used), level: 'B1' }])}
          >
            + {t('languages.addSpeak')}
          </button>
        )}
        <ProblemText problem={errors.speaks} />
      </fieldset>

      <details className="rounded-xl bg-slate-100 px-4 py-3 text-sm text-slate-600">
        <summary className="cursor-pointer font-semibold">{t('languages.levelGuide')}</summary>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
          {LEVELS.map((l) => (
            <div key={l.id} className="contents">
              <dt className="font-semibold">{l.id}</dt>
              <dd>{label(l)}</dd>
            </div>
          ))}
        </dl>
      </details>

      <FormProblem problem={formProblem} />
      <FormActions saving={saving} submitLabel={submitLabel} onBack={onBack} backLabel={backLabel} />
    </form>
  );
}
