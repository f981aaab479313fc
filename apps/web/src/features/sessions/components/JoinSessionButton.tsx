import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { SESSION_JOIN_EARLY_MINUTES } from '@studymate/contracts';
import * as api from '../api';
import { SESSIONS_NS } from '../i18n';

/** Whether a booked session's call may be joined now (from 10 minutes before the start until the end), or is still to open. */
function useJoinable(booked: boolean, startsAt: string, endsAt: number): 'open' | 'later' | 'closed' {
  const opens = Date.parse(startsAt) - SESSION_JOIN_EARLY_MINUTES * 60_000;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!booked || now >= endsAt) return;
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, [booked, now, endsAt]);
  if (!booked || now >= endsAt) return 'closed';
  return now >= opens ? 'open' : 'later';
}

/**
 * Join: opens the session's call, from 10 minutes before the start (before then it is disabled and
 * says when it opens). Used on the sessions page and for the next session on the home page.
 */
export function JoinSessionButton({
  sessionId,
  booked,
  startsAt,
  endsAt,
  busy = false,
  run,
}: {
  sessionId: string;
  booked: boolean;
  startsAt: string;
  endsAt: number;
  busy?: boolean;
  /** Runs the join with the page's own progress and error display. */
  run: (action: () => Promise<void>) => unknown;
}) {
  const { t } = useTranslation(SESSIONS_NS);
  const navigate = useNavigate();
  const joinable = useJoinable(booked, startsAt, endsAt);
  const hintId = `join-hint-${sessionId}`;
  return (
    <>
      <button
        type="button"
        className="btn-primary"
        disabled={busy || joinable !== 'open'}
        aria-describedby={joinable === 'later' ? hintId : undefined}
        onClick={() => void run(async () => navigate(`/calls/${await api.joinCall(sessionId)}`))}
      >
        {t('actions.join')}
      </button>
      {/* Written out, not a hover title: a phone has no hover to show why Join is off. */}
      {joinable === 'later' && (
        <p id={hintId} className="basis-full text-xs text-slate-500" data-testid="join-hint">
          {t('actions.joinHint')}
        </p>
      )}
    </>
  );
}
