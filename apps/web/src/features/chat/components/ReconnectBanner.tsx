import { useTranslation } from 'react-i18next';
import { CHAT_NS } from '../i18n';
import { useChatStore } from '../store';

/** Shown only after a connection was lost, not during the first connect. */
export function ReconnectBanner() {
  const { t } = useTranslation(CHAT_NS);
  const status = useChatStore((s) => s.status);
  if (status !== 'reconnecting') return null;
  return (
    <p role="status" className="rounded-xl bg-amber-50 px-3 py-2 text-sm font-medium text-amber-800">
      {t('conversation.reconnecting')}
    </p>
  );
}
