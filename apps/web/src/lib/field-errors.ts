import type { FieldErrors } from '../components/form';

/** '/learns/0/language' → 'learns': errors are shown next to the top-level field. */
export function topField(pointer: string): string {
  return pointer.split('/')[1] || '_form';
}

/**
 * Maps the server's `details: [{ field: '/intro', message }]` onto the form's field keys: the
 * form's own words for the field (`<prefix>.<field>`) where it has them, else the server's.
 */
export function serverFieldErrors(details: unknown, known: (key: string) => boolean, prefix = 'validation'): FieldErrors {
  const errors: FieldErrors = {};
  if (!Array.isArray(details)) return errors;
  for (const d of details as Array<{ field?: unknown; message?: unknown }>) {
    const field = typeof d.field === 'string' ? topField(d.field) : '_form';
    const key = `${prefix}.${field}`;
    errors[field] ??= known(key) ? { key } : { text: String(d.message ?? '') };
  }
  return errors;
}
