import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { CallEvent, CallInvite, CallView, IceServersReply } from '@studymate/contracts';
import { ensureChat } from '../../chat/actions';
import { subscribe } from '../../chat/realtime';
import { httpStatus } from '../../../lib/http';
import { fetchCall, fetchIceServers } from '../api';
import { CALLS_NS } from '../i18n';
import { CallRoom } from './CallRoom';
import { DeviceCheck } from './DeviceCheck';
import { usePersonName } from '../../../lib/names';

type Ended = Extract<CallEvent, { type: 'ended' }>;
type Outcome = 'declined' | 'missed' | 'cancelled' | 'over' | 'notFound';

/** A call page with no call to show (not found, declined, over): why, and the way back to mates. */
export function CallOutcome({ outcome, message }: { outcome: string; message: string }) {
  const { t } = useTranslation(CALLS_NS);
  return (
    <section className="mx-auto max-w-lg space-y-4 p-6 text-center" data-testid="call-outcome" data-outcome={outcome}>
      <p role="alert" className="text-lg">
        {message}
      </p>
      <Link to="/mates" className="btn-primary inline-flex min-h-11 items-center">
        {t('rate.skip')}
      </Link>
    </section>
  );
}

/** `/calls/:callId`: the device check, then the call; afterwards the rating page. */
export function CallPage() {
  const { callId = '' } = useParams();
  const { t } = useTranslation(CALLS_NS);
  const personName = usePersonName();
  const navigate = useNavigate();
  const [call, setCall] = useState<CallView | null>(null);
  const [ice, setIce] = useState<IceServersReply | null>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    ensureChat();
    let cancelled = false;
    Promise.all([fetchCall(callId), fetchIceServers()])
      .then(([view, servers]) => {
        if (cancelled) return;
        if (view.state === 'ended') return navigate(`/calls/${callId}/rate`, { replace: true });
        if (view.state !== 'ringing' && view.state !== 'accepted')
          return setOutcome(view.state === 'declined' || view.state === 'missed' || view.state === 'cancelled' ? view.state : 'over');
        setCall(view);
        setIce(servers);
      })
      .catch((error: unknown) => !cancelled && setOutcome(httpStatus(error) === 404 ? 'notFound' : 'over'));
    return () => {
      cancelled = true;
    };
  }, [callId, navigate]);

  // While it rings, the answer arrives on my calls queue (also before I join).
  useEffect(
    () =>
      subscribe('/user/queue/calls', (body) => {
        const invite = body as CallInvite;
        if (invite.callId !== callId) return;
        if (invite.type === 'accepted') setCall((c) => (c ? { ...c, state: 'accepted' } : c));
        if (invite.type === 'declined' || invite.type === 'missed' || invite.type === 'cancelled') setOutcome(invite.type);
      }),
    [callId],
  );

  function ended(event: Ended) {
    if (event.reason === 'hangup' || event.reason === 'dropped') navigate(`/calls/${callId}/rate`, { replace: true });
    else setOutcome(event.reason);
  }

  if (outcome) return <CallOutcome outcome={outcome} message={t(`errors.${outcome}`, { name: personName(call?.partner.name ?? '') })} />;
  if (!call || !ice) return <p className="p-6 text-center text-slate-500">{t('room.connecting')}</p>;
  if (!stream) return <DeviceCheck kind={call.kind} turn={ice.turn} onJoin={setStream} onLeave={() => navigate(-1)} />;
  return <CallRoom call={call} stream={stream} iceServers={ice.iceServers} onEnded={ended} />;
}
