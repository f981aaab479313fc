import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import * as api from '../api';
import { SESSIONS_NS } from '../i18n';

/** The private subscription link: made (shown once), made again (revoking the old one) or turned off. */
export function CalendarFeed() {
  const { t, i18n } = useTranslation(SESSIONS_NS);
  const [status, setStatus] = useState<{ active: boolean; createdAt: string | null } | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const { busy, problem, run } = useAction(errorProblem);
  useEffect(() => {
    void run(async () => setStatus(await api.fetchFeed()));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const since = status?.createdAt
    ? new Intl.DateTimeFormat(i18n.resolvedLanguage === 'en' ? 'en-GB' : 'ko-KR', { dateStyle: 'medium' }).format(
        new Date(status.createdAt),
      )
    : '';
  return (
    <section className="card space-y-3" aria-labelledby="calendar-feed-title">
      <h2 id="calendar-feed-title" className="text-lg font-semibold">
        {t('feed.title')}
      </h2>
      <p className="text-sm text-slate-600">{t('feed.body')}</p>
      <p className="text-sm font-semibold" data-testid="feed-status">
        {status?.active ? t('feed.on', { date: since }) : t('feed.off')}
      </p>
      {url && (
        <div className="space-y-2 rounded-xl bg-amber-50 p-3">
          <p className="text-sm text-amber-900">{t('feed.shownOnce')}</p>
          <input className="input font-mono text-xs" readOnly value={url} aria-label={t('feed.title')} onFocus={(e) => e.target.select()} />
          <button
            type="button"
            className="btn-secondary"
            onClick={() =>
              void navigator.clipboard?.writeText(url).then(
                () => setCopied(true),
                () => undefined,
              )
            }
          >
            {copied ? t('feed.copied') : t('feed.copy')}
          </button>
        </div>
      )}
      <FormProblem problem={problem} />
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className="btn-primary"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              const made = await api.createFeed();
              setUrl(made.url);
              setCopied(false);
              setStatus({ active: true, createdAt: made.createdAt });
            })
          }
        >
          {status?.active ? t('feed.remake') : t('feed.make')}
        </button>
        {status?.active && (
          <button
            type="button"
            className="btn-secondary"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await api.revokeFeed();
                setUrl(null);
                setStatus({ active: false, createdAt: null });
              })
            }
          >
            {t('feed.revoke')}
          </button>
        )}
      </div>
    </section>
  );
}
