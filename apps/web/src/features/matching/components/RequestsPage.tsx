import { useEffect } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { MatchRequest } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { acceptRequest, cancelRequest, declineRequest } from '../api';
import { MATCHING_NS } from '../i18n';
import { followMatchingNews, loadRequests, useMatchingStore } from '../store';
import { MatchingTabs } from './MatchingTabs';
import { PartnerCardView } from './PartnerCardView';

function Received({ request }: { request: MatchRequest }) {
  const { t } = useTranslation(MATCHING_NS);
  const navigate = useNavigate();
  const { busy, problem, run } = useAction(errorProblem);
  return (
    <li>
      <PartnerCardView
        partner={request.partner}
        actions={
          <div className="space-y-2">
            {request.message && (
              <blockquote className="rounded-xl bg-slate-50 px-4 py-3 text-sm text-slate-700">{request.message}</blockquote>
            )}
            <FormProblem problem={problem} />
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                className="btn-primary"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    const { roomId } = await acceptRequest(request.id);
                    navigate(`/chat/${roomId}`);
                  })
                }
              >
                {t('requests.accept')}
              </button>
              <button
                type="button"
                className="btn-secondary"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await declineRequest(request.id);
                    await loadRequests();
                  })
                }
              >
                {t('requests.decline')}
              </button>
              <Link to={`/matching/people/${request.partner.userId}`} className="btn-link self-center">
                {t('card.view')}
              </Link>
            </div>
          </div>
        }
      />
    </li>
  );
}

function Sent({ request }: { request: MatchRequest }) {
  const { t } = useTranslation(MATCHING_NS);
  const { busy, problem, run } = useAction(errorProblem);
  return (
    <li className="card flex flex-wrap items-center justify-between gap-2">
      <div className="min-w-0">
        <p className="truncate font-semibold">{request.partner.name}</p>
        <p className="text-sm text-slate-500" data-state={request.state}>
          {t(`requests.state.${request.state}`)}
        </p>
      </div>
      <FormProblem problem={problem} />
      {request.state === 'pending' && (
        <button
          type="button"
          className="btn-secondary"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              await cancelRequest(request.id);
              await loadRequests();
            })
          }
        >
          {t('requests.cancel')}
        </button>
      )}
    </li>
  );
}

/** `/matching/requests`: requests waiting for me (live) and the ones I sent. */
export function RequestsPage() {
  const { t, i18n } = useTranslation(MATCHING_NS);
  const received = useMatchingStore((s) => s.received);
  const sent = useMatchingStore((s) => s.sent);
  const { problem, run } = useAction(errorProblem);
  useEffect(() => {
    void run(loadRequests);
    return followMatchingNews();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [i18n.resolvedLanguage]);
  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t('requests.title')}</h1>
        <MatchingTabs />
      </div>
      <FormProblem problem={problem} />
      <h2 className="text-lg font-bold">{t('requests.received')}</h2>
      {received?.length === 0 && <p className="card text-slate-600">{t('requests.noneReceived')}</p>}
      <ul className="grid gap-4 md:grid-cols-2" aria-label={t('requests.received')}>
        {received?.map((r) => (
          <Received key={r.id} request={r} />
        ))}
      </ul>
      <h2 className="text-lg font-bold">{t('requests.sent')}</h2>
      {sent?.length === 0 && <p className="card text-slate-600">{t('requests.noneSent')}</p>}
      <ul className="space-y-2" aria-label={t('requests.sent')}>
        {sent?.map((r) => (
          <Sent key={r.id} request={r} />
        ))}
      </ul>
    </section>
  );
}
