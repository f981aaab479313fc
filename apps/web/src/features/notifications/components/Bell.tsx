import { useEffect } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Icon } from '../../shell/components/Icon';
import { NOTIFICATIONS_NS } from '../i18n';
import { useNotificationsStore } from '../store';

/** The bell in the app shell: the live unread count, opening the notifications page. */
export function Bell() {
  const { t } = useTranslation(NOTIFICATIONS_NS);
  const unread = useNotificationsStore((s) => s.unread);
  // The realtime client loads apart from the first page (as chat's does), then keeps the count live.
  useEffect(() => void import('../live').then(({ followNotifications }) => followNotifications()), []);
  return (
    <Link
      to="/notifications"
      data-testid="bell"
      aria-label={unread ? t('bellUnread', { count: unread }) : t('bell')}
      className="relative inline-flex h-11 w-11 items-center justify-center rounded-full text-slate-600 hover:bg-slate-100"
    >
      <Icon name="notifications" />
      {unread > 0 && (
        <span
          data-testid="bell-count"
          className="absolute top-1 right-0.5 min-w-[18px] rounded-full bg-rose-500 px-1 text-center text-[11px] leading-[18px] font-bold text-white"
        >
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
}

/** A short toast for a new notification (not in quiet hours); it goes by itself after 5 s. */
export function NotificationToast() {
  const { t } = useTranslation(NOTIFICATIONS_NS);
  const toast = useNotificationsStore((s) => s.toast);
  const dismiss = useNotificationsStore((s) => s.dismissToast);
  if (!toast) return null;
  return (
    <div role="status" aria-live="polite" className="fixed inset-x-3 top-14 z-40 mx-auto max-w-sm md:top-4 md:right-4 md:left-auto">
      <div className="flex items-start gap-3 rounded-2xl border border-slate-200 bg-white p-3 shadow-lg">
        <div className="min-w-0 flex-1">
          <p className="line-clamp-2 font-semibold break-words">{toast.title}</p>
          {toast.body && <p className="line-clamp-2 text-sm text-slate-600">{toast.body}</p>}
        </div>
        {toast.link && (
          <Link to={toast.link} onClick={dismiss} className="btn-secondary">
            {t('open')}
          </Link>
        )}
        <button
          type="button"
          onClick={dismiss}
          aria-label={t('close')}
          className="h-11 w-11 shrink-0 rounded-full text-slate-500 hover:bg-slate-100"
        >
          ✕
        </button>
      </div>
    </div>
  );
}
