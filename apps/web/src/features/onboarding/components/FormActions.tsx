import { useTranslation } from 'react-i18next';

export function FormActions({
  saving,
  submitLabel,
  onBack,
  backLabel,
}: {
  saving: boolean;
  submitLabel: string;
  onBack?: () => void;
  backLabel?: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="flex items-center justify-between gap-3 pt-2">
      {onBack ? (
        <button type="button" className="btn-secondary" onClick={onBack}>
          {backLabel ?? t('common.back')}
        </button>
      ) : (
        <span />
      )}
      <button type="submit" className="btn-primary min-w-32" disabled={saving}>
        {saving ? t('common.saving') : submitLabel}
      </button>
    </div>
  );
}
