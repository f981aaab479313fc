import { useCallback, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { OnboardingStatus, OnboardingStep, StepBodies } from '@studymate/contracts';
import { errorProblem, type FieldErrors, type FieldProblem } from '../../components/form';
import { apiError } from '../../lib/http';
import { saveStep } from './api';
import { serverFieldErrors } from '../../lib/field-errors';
import { validateStep } from './validation';

/** Validate, PUT one step, and turn refusals into per-field problems. */
export function useStepSave<S extends OnboardingStep>(step: S, formRef: RefObject<HTMLFormElement | null>) {
  const { i18n } = useTranslation();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formProblem, setFormProblem] = useState<FieldProblem | undefined>();
  const [saving, setSaving] = useState(false);

  const focusFirstProblem = () =>
    requestAnimationFrame(() => {
      const el = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      const target = el?.matches('fieldset, section') ? el.querySelector<HTMLElement>('input, button, select') : el;
      target?.focus();
    });

  async function save(body: StepBodies[S]): Promise<OnboardingStatus | null> {
    setFormProblem(undefined);
    const found = validateStep(step, body);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstProblem();
      return null;
    }
    setSaving(true);
    try {
      return await saveStep(step, body);
    } catch (error) {
      const body = apiError(error);
      if (body?.code === 'VALIDATION_FAILED') {
        const fromServer = serverFieldErrors(body.details, (k) => i18n.exists(k));
        setErrors(fromServer);
        if (fromServer._form || Object.keys(fromServer).length === 0) setFormProblem({ text: body.message });
        focusFirstProblem();
      } else {
        setFormProblem(errorProblem(error));
      }
      return null;
    } finally {
      setSaving(false);
    }
  }

  /**
   * After a refused save, the form as it is now: a problem the person has fixed goes away at once
   * (a stale "required" under a filled field reads as if the fix did not count); none is added
   * before the next save.
   */
  const clearFixed = useCallback(
    (body: StepBodies[S]) =>
      setErrors((current) => {
        const shown = Object.keys(current);
        if (shown.length === 0) return current;
        const still = validateStep(step, body);
        const kept = shown.filter((k) => k in still || k === '_form');
        return kept.length === shown.length ? current : Object.fromEntries(kept.map((k) => [k, current[k]]));
      }),
    [step],
  );

  return { errors, setErrors, formProblem, saving, save, clearFixed };
}
