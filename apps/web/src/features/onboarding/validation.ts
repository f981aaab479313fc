import { Value } from '@sinclair/typebox/value';
import { registerFormats, STEP_SCHEMAS, type OnboardingStep, type StepBodies } from '@studymate/contracts';
import type { FieldErrors } from '../../components/form';

// TypeBox's own checker needs to be told about our catalog enums and string formats.
registerFormats();

/** '/learns/0/language' → 'learns': errors are shown next to the top-level field. */
function topField(pointer: string): string {
  return pointer.split('/')[1] || '_form';
}

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

/** Maps the server's `details: [{ field: '/intro', message }]` onto the same field keys. */
export function serverFieldErrors(details: unknown, known: (key: string) => boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (!Array.isArray(details)) return errors;
  for (const d of details as Array<{ field?: unknown; message?: unknown }>) {
    const field = typeof d.field === 'string' ? topField(d.field) : '_form';
    const key = `validation.${field}`;
    errors[field] ??= known(key) ? { key } : { text: String(d.message ?? '') };
  }
  return errors;
}
