import { Value } from '@sinclair/typebox/value';
import { registerFormats, STEP_SCHEMAS, type OnboardingStep, type StepBodies } from '@studymate/contracts';
import type { FieldErrors } from '../../components/form';
import { topField } from '../../lib/field-errors';

// TypeBox's own checker needs to be told about our catalog enums and string formats.
registerFormats();

/**
 * Client-side check of a step body. The shape rules come from the same TypeBox schema the server
 * validates with; the rules a schema cannot express (cross-field) are added here.
 */
export function validateStep<S extends OnboardingStep>(step: S, body: StepBodies[S]): FieldErrors {
  const errors: FieldErrors = {};
  for (const error of Value.Errors(STEP_SCHEMAS[step], body)) {
    const field = topField(error.path);
    errors[field] ??= { key: `validation.${field}` };
  }
  if (step === 'basic') {
    const basic = body as StepBodies['basic'];
    if (basic.birthYear != null && !errors.birthYear && basic.birthYear > new Date().getFullYear()) {
      errors.birthYear = { key: 'validation.birthYear' };
    }
  }
  if (step === 'languages') {
    const { native, speaks, learns } = body as StepBodies['languages'];
    const learnCodes = learns.map((l) => l.language);
    const speakCodes = speaks.map((s) => s.language);
    if (!errors.learns && learnCodes.includes(native)) errors.learns = { key: 'validation.learnsNative' };
    else if (!errors.learns && new Set(learnCodes).size !== learnCodes.length) {
      errors.learns = { key: 'validation.duplicateLanguage' };
    }
    if (!errors.speaks && (speakCodes.includes(native) || new Set(speakCodes).size !== speakCodes.length)) {
      errors.speaks = { key: 'validation.speaksDuplicate' };
    }
  }
  if (step === 'partner') {
    const { ageMin, ageMax } = body as StepBodies['partner'];
    if (!errors.ageMin && !errors.ageMax && ageMin > ageMax) errors.ageMax = { key: 'validation.ageOrder' };
  }
  return errors;
}
