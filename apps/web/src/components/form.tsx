import { useId, useState, type ReactNode } from 'react';
import i18n from '../i18n';
import { serverFieldErrors } from '../lib/field-errors';
import { apiError, httpStatus } from '../lib/http';
import { useTranslation } from 'react-i18next';

/** A field's problem: a translation key from client rules, or the server's own words. */
export type FieldProblem = { key: string } | { text: string };
export type FieldErrors = Partial<Record<string, FieldProblem>>;

export function ProblemText({ problem, id }: { problem?: FieldProblem; id?: string }) {
  const { t } = useTranslation();
  if (!problem) return null;
  return (
    <p id={id} role="alert" className="mt-1.5 text-sm text-red-600">
      {'key' in problem ? t(problem.key) : problem.text}
    </p>
  );
}

interface FieldProps {
  label: string;
  hint?: ReactNode;
  optional?: boolean;
  /** Said in the label, where the rest of the form is optional or the rule is not obvious. */
  required?: boolean;
  problem?: FieldProblem;
  /** Renders the control with the ids that tie it to its label, hint and error. */
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** What ties a control to its Field: its id, and its hint and problem as descriptions. */
export const controlOf = ({ id, describedBy, invalid }: { id: string; describedBy: string | undefined; invalid: boolean }) => ({
  id,
  'aria-describedby': describedBy,
  'aria-invalid': invalid || undefined,
});

export function Field({ label, hint, optional, required, problem, children }: FieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, problem ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div>
      <label htmlFor={id} className="mb-1.5 block text-sm font-semibold text-slate-700">
        {label}
        {optional && <span className="ml-1 font-normal text-slate-400">{t('common.optional')}</span>}
        {required && <span className="ml-1 font-normal text-slate-500">{t('common.required')}</span>}
      </label>
      {children({ id, describedBy, invalid: Boolean(problem) })}
      {hint && (
        <p id={hintId} className="mt-1.5 text-sm text-slate-500">
          {hint}
        </p>
      )}
      <ProblemText problem={problem} id={errorId} />
    </div>
  );
}

interface ChoiceOption<V extends string | number> {
  value: V;
  label: string;
}

interface ChoiceGroupBase<V extends string | number> {
  legend: string;
  name: string;
  options: ChoiceOption<V>[];
  problem?: FieldProblem;
  hint?: string;
}

/** Checkboxes or radios drawn as chips; the real input covers the chip, so it stays clickable and labelled. */
export function ChoiceGroup<V extends string | number>(
  props: ChoiceGroupBase<V> &
    ({ multiple: true; value: V[]; onChange: (v: V[]) => void } | { multiple?: false; value: V | null; onChange: (v: V) => void }),
) {
  const { legend, name, options, problem, hint } = props;
  const errorId = useId();
  const isChecked = (v: V) => (props.multiple ? props.value.includes(v) : props.value === v);
  const toggle = (v: V) => {
    if (props.multiple) {
      props.onChange(props.value.includes(v) ? props.value.filter((x) => x !== v) : [...props.value, v]);
    } else {
      props.onChange(v);
    }
  };
  return (
    <fieldset aria-invalid={problem ? true : undefined} aria-describedby={problem ? errorId : undefined}>
      <legend className="mb-1.5 text-sm font-semibold text-slate-700">{legend}</legend>
      {hint && <p className="-mt-1 mb-2 text-sm text-slate-500">{hint}</p>}
      <div className="flex flex-wrap gap-2">
        {options.map((o) => (
          <label key={o.value} className="relative">
            <input
              type={props.multiple ? 'checkbox' : 'radio'}
              name={name}
              value={o.value}
              checked={isChecked(o.value)}
              onChange={() => toggle(o.value)}
              className="peer absolute inset-0 size-full cursor-pointer appearance-none rounded-full opacity-0"
            />
            <span className="pointer-events-none inline-block rounded-full border border-slate-300 bg-white px-3.5 py-2 text-sm text-slate-700 transition min-h-11 min-w-11 text-center leading-[1.625rem] peer-checked:border-indigo-600 peer-checked:bg-indigo-600 peer-checked:text-white peer-focus-visible:ring-2 peer-focus-visible:ring-indigo-300">
              {o.label}
            </span>
          </label>
        ))}
      </div>
      <ProblemText problem={problem} id={errorId} />
    </fieldset>
  );
}

/** A refusal or failure in the user's language: known error codes are translated. */
export function errorProblem(error: unknown): FieldProblem {
  const body = apiError(error);
  if (body && i18n.exists(`errors.${body.code}`)) return { key: `errors.${body.code}` };
  if (body) return { text: body.message };
  return { key: httpStatus(error) === null ? 'common.errorNetwork' : 'common.errorGeneric' };
}

/**
 * A refusal's problems per field, for a form to show beside its fields in the reader's language
 * (`prefix`: where the form keeps a sentence per field, e.g. `sessions:propose.fields`); null
 * unless the server named fields, and the form then shows `errorProblem`.
 */
export function serverFieldProblems(error: unknown, prefix: string): FieldErrors | null {
  const body = apiError(error);
  if (body?.code !== 'VALIDATION_FAILED') return null;
  const found = serverFieldErrors(body.details, (key) => i18n.exists(key), prefix);
  return Object.keys(found).length ? found : null;
}

export function FormProblem({ problem }: { problem?: FieldProblem }) {
  const { t } = useTranslation();
  if (!problem) return null;
  return (
    <p role="alert" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-700">
      {'key' in problem ? t(problem.key) : problem.text}
    </p>
  );
}

/** One action at a time, as a form runs it: busy while it runs, then the problem it ended with (described by `describe`). */
export function useAction<P>(describe: (error: unknown) => P) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<P>();
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
    } catch (error) {
      setProblem(describe(error));
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, setProblem, run };
}
