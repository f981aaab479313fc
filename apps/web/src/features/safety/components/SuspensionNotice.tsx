import { useTranslation } from 'react-i18next';
import { useSuspensionStore } from '../store';
import { SAFETY_NS } from '../i18n';

/** On the sign-in page after the server ended the session for a suspension or ban, or refused a sign-in for one. */
export function SuspensionNotice() {
  const { t, i18n } = useTranslation(SAFETY_NS);
  const suspension = useSuspensionStore((s) => s.suspension);
  if (!suspension) return null;
  const date = suspension.until
    ? new Intl.DateTimeFormat(i18n.resolvedLanguage, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(suspension.until))
    : '';
  return (
    <div role="alert" className="rounded-xl bg-red-50 px-4 py-3 text-sm text-red-800" data-testid="suspension-notice">
      <p className="font-semibold">{suspension.kind === 'ban' ? t('suspended.banned') : t('suspended.until', { date })}</p>
      {suspension.reason && <p>{t('suspended.reason', { reason: suspension.reason })}</p>}
    </div>
  );
}
