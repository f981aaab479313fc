import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { RealtimeNotification } from '@studymate/contracts';
import { errorProblem, FormProblem, useAction } from '../../../components/form';
import { startRealtime, subscribe } from '../../chat/realtime';
import { joinQuickMatch, leaveQuickMatch } from '../api';
import { MATCHING_NS } from '../i18n';

/** The server drops a waiting person who has not checked in for 45 s. */
const CHECK_IN_MS = 20_000;
/** After two minutes the search sets my own gender and age wishes aside, and says so. */
const RELAX_AFTER_MS = 120_000;

/** Join the queue for a partner online now; wait live; land in the room when paired. */
export function QuickMatch() {
  const { t } = useTranslation(MATCHING_NS);
  const navigate = useNavigate();
  const [waitingSince, setWaitingSince] = useState<number | null>(null);
  const [, tick] = useState(0);
  const { busy, problem, run } = useAction(errorProblem);
  const waitingRef = useRef(false);

  useEffect(() => {
    if (waitingSince === null) return;
    waitingRef.current = true;
    startRealtime();
    const stopListening = subscribe('/user/queue/notifications', (body) => {
      const notice = body as RealtimeNotification;
      if (notice.kind === 'quick-match' && notice.link) {
        waitingRef.current = false;
        navigate(notice.link);
      }
    });
    const checkIn = setInterval(() => {
      void joinQuickMatch(Date.now() - waitingSince >= RELAX_AFTER_MS).then(
        (reply) => {
          if (reply.state === 'matched' && reply.roomId) navigate(`/chat/${reply.roomId}`);
        },
        () => {},
      );
    }, CHECK_IN_MS);
    const clock = setInterval(() => tick((n) => n + 1), 1000);
    return () => {
      stopListening();
      clearInterval(checkIn);
      clearInterval(clock);
      // Leaving the page leaves the queue.
      if (waitingRef.current) void leaveQuickMatch().catch(() => {});
      waitingRef.current = false;
    };
  }, [waitingSince, navigate]);

  const start = () =>
    run(async () => {
      const reply = await joinQuickMatch();
      if (reply.state === 'matched' && reply.roomId) navigate(`/chat/${reply.roomId}`);
      else setWaitingSince(Date.now());
    });

  if (waitingSince === null)
    return (
      <div className="card flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-600">{t('quick.intro')}</p>
        <FormProblem problem={problem} />
        <button type="button" className="btn-primary" disabled={busy} onClick={() => void start()}>
          {t('quick.start')}
        </button>
      </div>
    );
  const seconds = Math.floor((Date.now() - waitingSince) / 1000);
  return (
    <div className="card flex flex-wrap items-center justify-between gap-3" role="status">
      <p className="flex items-center gap-2 text-sm text-slate-700">
        <span className="size-3 animate-pulse rounded-full bg-indigo-500" aria-hidden="true" />
        {t('quick.waiting', { seconds })}
      </p>
      {seconds * 1000 >= RELAX_AFTER_MS && <p className="w-full text-sm text-slate-500">{t('quick.relaxed')}</p>}
      <button type="button" className="btn-secondary" onClick={() => setWaitingSince(null)}>
        {t('quick.cancel')}
      </button>
    </div>
  );
}
