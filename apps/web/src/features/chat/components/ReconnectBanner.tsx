import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHAT_NS } from '../i18n';
import { useChatStore } from '../store';

/**
 * Why messages are waiting, when they are: the connection was lost (not during the first connect),
 * or the person sent more in a minute than the server takes and the rest go out after a pause.
 */
export function ReconnectBanner() {
  const { t } = useTranslation(CHAT_NS);
  const status = useChatStore((s) => s.status);
  const pausedUntil = useChatStore((s) => (s.outbox.some((o) => o.status === 'sending') ? s.sendingPausedUntil : null));
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (pausedUntil === null) return;
    const tick = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(tick);
  }, [pausedUntil]);
  if (status === 'reconnecting')
    return (
      <p role="status" className="rounded-xl bg-amber-50 px-3 py-2 text-sm font-medium text-amber-800">
        {t('conversation.reconnecting')}
      </p>
    );
  if (pausedUntil !== null && pausedUntil > now)
    return (
      <p role="status" data-testid="sending-paused" className="rounded-xl bg-amber-50 px-3 py-2 text-sm font-medium text-amber-800">
        {t('conversation.slowDown', { count: Math.ceil((pausedUntil - now) / 1000) })}
      </p>
    );
  return null;
}
