import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { StoredNotification } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import * as api from '../api';
import { NOTIFICATIONS_NS } from '../i18n';
import { askUnread, useNotificationsStore } from '../store';
import { NotificationPreferences } from './NotificationPreferences';

/** `/notifications`: newest first, 20 a page; mark read, mark all read, delete; preferences below. */
export function NotificationsPage() {
  const { t, i18n } = useTranslation(NOTIFICATIONS_NS);
  const { t: tApp } = useTranslation();
  const navigate = useNavigate();
  const [items, setItems] = useState<StoredNotification[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const version = useNotificationsStore((s) => s.version);
  const unread = useNotificationsStore((s) => s.unread);
  const { busy, problem, run } = useAction(errorProblem);

  const reload = useCallback(async () => {
    const { answer: page } = await askUnread(api.fetchPage, (p) => p.unread);
    setItems(page.items);
    setNext(page.nextBefore);
  }, []);
  useEffect(() => {
    void run(reload);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, i18n.resolvedLanguage]);

  const when = (iso: string) =>
    new Intl.DateTimeFormat(i18n.resolvedLanguage === 'en' ? 'en-GB' : 'ko-KR', { dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(iso),
    );
  const markRead = (ids?: string[]) =>
    run(async () => {
      await askUnread(
        () => api.markRead(ids),
        (n) => n,
      );
      setItems((list) => list?.map((n) => (!ids || ids.includes(n.id) ? { ...n, read: true } : n)) ?? null);
    });

  return (
    <section className="space-y-4" aria-busy={items === null}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{tApp('nav.notifications')}</h1>
        <button type="button" className="btn-secondary" disabled={busy || unread === 0} onClick={() => void markRead()}>
          {t('markAll')}
        </button>
      </div>
      <FormProblem problem={problem} />
      {items?.length === 0 && (
        <div className="card space-y-3 text-center">
          <p className="text-slate-600">{t('empty')}</p>
          <Link to="/matching" className="btn-primary">
            {t('findPartner')}
          </Link>
        </div>
      )}
      {!!items?.length && (
        <ul className="divide-y divide-slate-100 rounded-2xl border border-slate-200 bg-white" data-testid="notification-list">
          {items.map((n) => (
            <li key={n.id} className={`flex items-start gap-3 p-3 ${n.read ? '' : 'bg-indigo-50/50'}`} data-read={n.read}>
              {!n.read && <span className="mt-2 h-2 w-2 shrink-0 rounded-full bg-indigo-500" aria-label={t('unreadDot')} />}
              <button
                type="button"
                className="min-h-11 min-w-0 flex-1 text-left"
                onClick={() => {
                  if (!n.read) void markRead([n.id]);
                  if (n.link) void navigate(n.link);
                }}
              >
                <span className="block text-xs text-slate-500">
                  {t(`categories.${n.category}`)} · {when(n.createdAt)}
                </span>
                <span className="block font-semibold">{n.title}</span>
                {n.body && <span className="block text-sm text-slate-600">{n.body}</span>}
              </button>
              <div className="flex shrink-0 flex-col gap-1">
                {!n.read && (
                  <button
                    type="button"
                    className="min-h-11 rounded-lg px-2 text-sm text-indigo-700 hover:bg-indigo-50"
                    onClick={() => void markRead([n.id])}
                  >
                    {t('markRead')}
                  </button>
                )}
                <button
                  type="button"
                  className="min-h-11 rounded-lg px-2 text-sm text-slate-500 hover:bg-slate-100"
                  onClick={() =>
                    void run(async () => {
                      await api.removeNotification(n.id);
                      await reload();
                    })
                  }
                >
                  {t('delete')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button
          type="button"
          className="btn-secondary w-full"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const page = await api.fetchPage(next);
              setItems((list) => [...(list ?? []), ...page.items]);
              setNext(page.nextBefore);
            })
          }
        >
          {t('more')}
        </button>
      )}
      <NotificationPreferences />
    </section>
  );
}
