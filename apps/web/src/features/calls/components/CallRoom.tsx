import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallEvent, CallView } from '@studymate/contracts';
import { Avatar } from '../../chat/components/common';
import { openRoom, send } from '../../chat/actions';
import { useChatStore } from '../../chat/store';
import { CALLS_NS } from '../i18n';
import { CallPeer, type PeerPhase } from '../peer';
import { usePersonName } from '../../../lib/names';

type Ended = Extract<CallEvent, { type: 'ended' }>;
/** How long to wait before saying that the partner has not joined. */
const NEVER_JOINED_MS = 45_000;

interface Quality {
  rtt: number;
  loss: number;
  kbps: number;
  level: 'good' | 'fair' | 'poor';
}

/** Round-trip time, packet loss and received bitrate from getStats(), once a second. */
function useQuality(peer: CallPeer | null, phase: PeerPhase): Quality | null {
  const [quality, setQuality] = useState<Quality | null>(null);
  useEffect(() => {
    if (!peer || phase !== 'connected') return;
    let previous = { at: performance.now(), bytes: 0, lost: 0, received: 0 };
    const timer = setInterval(async () => {
      const report = await peer.pc?.getStats();
      if (!report) return;
      let rtt = 0;
      let bytes = 0;
      let lost = 0;
      let received = 0;
      report.forEach((s: Record<string, unknown>) => {
        if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') rtt = Number(s.currentRoundTripTime ?? 0) * 1000;
        if (s.type === 'inbound-rtp') {
          bytes += Number(s.bytesReceived ?? 0);
          lost += Number(s.packetsLost ?? 0);
          received += Number(s.packetsReceived ?? 0);
        }
      });
      const now = performance.now();
      const lostNow = Math.max(0, lost - previous.lost);
      const total = lostNow + Math.max(0, received - previous.received);
      const loss = total > 0 ? (lostNow / total) * 100 : 0;
      const kbps = Math.max(0, ((bytes - previous.bytes) * 8) / (now - previous.at));
      previous = { at: now, bytes, lost, received };
      const level = rtt < 150 && loss < 2 ? 'good' : rtt < 400 && loss < 8 ? 'fair' : 'poor';
      setQuality({ rtt: Math.round(rtt), loss: Math.round(loss * 10) / 10, kbps: Math.round(kbps), level });
    }, 1000);
    return () => clearInterval(timer);
  }, [peer, phase]);
  return quality;
}

/** "5 minutes left" and "1 minute left" for a booked session. */
function useTimeWarning(endsAt: string | null): 'fiveMinutes' | 'oneMinute' | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!endsAt) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [endsAt]);
  if (!endsAt) return null;
  const left = new Date(endsAt).getTime() - now;
  if (left <= 0) return null;
  if (left <= 60_000) return 'oneMinute';
  if (left <= 5 * 60_000) return 'fiveMinutes';
  return null;
}

function Control({
  label,
  onClick,
  active,
  testId,
  danger,
}: {
  label: string;
  onClick: () => void;
  active?: boolean;
  testId: string;
  danger?: boolean;
}) {
  return (
    <button
      type="button"
      aria-pressed={active}
      data-testid={testId}
      onClick={onClick}
      className={`min-h-11 min-w-11 rounded-full px-4 text-sm font-medium ${
        danger ? 'bg-rose-600 text-white' : active ? 'bg-white text-slate-900' : 'bg-slate-700 text-white'
      }`}
    >
      {label}
    </button>
  );
}

function Video({
  stream,
  muted,
  label,
  className,
  testId,
}: {
  stream: MediaStream | null;
  muted?: boolean;
  label: string;
  className: string;
  testId: string;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} aria-label={label} data-testid={testId} autoPlay playsInline muted={muted} className={className} />;
}

// One empty list, so the store selector returns the same value until messages arrive.
const NO_MESSAGES: never[] = [];

/** The pair's 1:1 chat inside the call: the same room, so what is said here stays in their history. */
function InCallChat({ roomId, me, partnerName }: { roomId: string; me: string; partnerName: string }) {
  const { t } = useTranslation(CALLS_NS);
  const messages = useChatStore((s) => s.views[roomId]?.messages ?? NO_MESSAGES);
  const [text, setText] = useState('');
  useEffect(() => {
    void openRoom(roomId).catch(() => {});
  }, [roomId]);
  return (
    <aside className="flex h-72 flex-col rounded-xl bg-white p-3 text-slate-900 md:h-full md:w-80" data-testid="call-chat">
      <ol className="flex-1 space-y-1 overflow-y-auto text-sm">
        {messages.length === 0 && <li className="text-slate-500">{t('room.noMessages', { name: partnerName })}</li>}
        {messages.slice(-50).map((m) => (
          <li key={m.id} className={m.senderId === me ? 'text-right' : ''}>
            <span className="font-medium">{m.senderId === me ? t('room.you') : partnerName}: </span>
            {m.body}
          </li>
        ))}
      </ol>
      <form
        className="mt-2 flex gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!text.trim()) return;
          send(roomId, { kind: 'text', body: text.trim() });
          setText('');
        }}
      >
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('room.chatPlaceholder')}
          aria-label={t('room.chatPlaceholder')}
          className="min-h-11 min-w-0 flex-1 rounded-lg border border-slate-300 px-3"
        />
        <button type="submit" className="btn-primary min-h-11">
          {t('room.send')}
        </button>
      </form>
    </aside>
  );
}

/**
 * The call itself: the partner large (their screen share when there is one), me small; controls
 * for microphone, camera, switching camera, screen share, picture-in-picture, full screen and chat;
 * the connection's quality; the session's remaining time; hang up.
 */
export function CallRoom({
  call,
  stream,
  iceServers,
  onEnded,
}: {
  call: CallView;
  stream: MediaStream;
  iceServers: RTCIceServer[];
  onEnded: (event: Ended) => void;
}) {
  const { t } = useTranslation(CALLS_NS);
  const personName = usePersonName();
  const [peer, setPeer] = useState<CallPeer | null>(null);
  const [phase, setPhase] = useState<PeerPhase>('waiting');
  const [reconnectUntil, setReconnectUntil] = useState<number | null>(null);
  const [remote, setRemote] = useState<MediaStream[]>([]);
  const [local, setLocal] = useState(stream);
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [sharing, setSharing] = useState(false);
  const [chatOpen, setChatOpen] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [everConnected, setEverConnected] = useState(false);
  const [waitedLong, setWaitedLong] = useState(false);
  const [, tick] = useState(0);
  const stage = useRef<HTMLDivElement>(null);
  const mainVideo = useRef<HTMLDivElement>(null);
  const onEndedRef = useRef(onEnded);
  onEndedRef.current = onEnded;
  const quality = useQuality(peer, phase);
  const warning = useTimeWarning(call.endsAt);

  useEffect(() => {
    const created = new CallPeer(call.id, call.me.userId, call.partner.userId, call.role === 'callee', { iceServers }, stream, {
      phase: (next, until) => {
        setPhase(next);
        setReconnectUntil(until);
        if (next === 'connected') setEverConnected(true);
      },
      remote: (streams) => setRemote([...streams]),
      ended: (event) => onEndedRef.current(event),
    });
    created.start();
    setPeer(created);
    return () => {
      created.close();
      stream.getTracks().forEach((track) => track.stop());
    };
  }, [call.id, call.me.userId, call.partner.userId, call.role, iceServers, stream]);

  useEffect(() => {
    if (everConnected) return;
    const timer = setTimeout(() => setWaitedLong(true), NEVER_JOINED_MS);
    return () => clearTimeout(timer);
  }, [everConnected]);

  useEffect(() => {
    if (!reconnectUntil) return;
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [reconnectUntil]);

  const [camera, screen] = [remote[0] ?? null, remote[1] ?? null];
  const name = personName(call.partner.name);
  const status: ReactNode =
    phase === 'connected'
      ? t('room.connected')
      : phase === 'reconnecting'
        ? reconnectUntil
          ? t('room.reconnecting', { name, seconds: Math.max(0, Math.ceil((reconnectUntil - Date.now()) / 1000)) })
          : t('room.networkReconnecting')
        : phase === 'connecting'
          ? t('room.connecting')
          : call.state === 'ringing' && call.role === 'caller'
            ? t('room.ringing', { name })
            : t('room.waiting', { name });

  async function switchCamera() {
    const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    const current = local.getVideoTracks()[0]?.getSettings().deviceId;
    const next = cameras[(cameras.findIndex((c) => c.deviceId === current) + 1) % cameras.length];
    if (next && peer) setLocal(new MediaStream((await peer.switchCamera(next.deviceId)).getTracks()));
  }

  return (
    <section ref={stage} className="flex min-h-dvh flex-col bg-slate-900 text-white" data-testid="call-room" data-phase={phase}>
      <header className="flex flex-wrap items-center gap-2 p-3 text-sm">
        <span className="font-semibold" data-testid="call-status">
          {status}
        </span>
        {quality && (
          <span
            data-testid="call-quality"
            data-level={quality.level}
            className={quality.level === 'good' ? 'text-emerald-300' : quality.level === 'fair' ? 'text-amber-300' : 'text-rose-300'}
          >
            {t('room.quality', { quality: t(`room.quality${quality.level[0]!.toUpperCase()}${quality.level.slice(1)}`) })} ·{' '}
            {t('room.stats', { rtt: quality.rtt, loss: quality.loss, kbps: quality.kbps })}
          </span>
        )}
      </header>
      {warning && (
        <p
          role="status"
          className="mx-3 rounded-lg bg-amber-400 p-2 text-center text-sm font-semibold text-slate-900"
          data-testid="time-warning"
        >
          {t(`room.${warning}`)}
        </p>
      )}
      {(note || (waitedLong && !everConnected)) && (
        <p role="alert" className="mx-3 mt-2 rounded-lg bg-rose-100 p-2 text-sm text-rose-900" data-testid="call-note">
          {note ?? t('errors.neverJoined', { name })}
        </p>
      )}
      <div className="flex flex-1 flex-col gap-3 p-3 md:flex-row">
        <div ref={mainVideo} className="relative flex flex-1 items-center justify-center overflow-hidden rounded-xl bg-black">
          {call.kind === 'video' ? (
            <Video stream={screen ?? camera} label={name} testId="remote-video" className="max-h-[70dvh] w-full object-contain" />
          ) : (
            <div className="flex flex-col items-center gap-3 p-8" data-testid="voice-avatars">
              <Avatar name={name} photoUrl={call.partner.photoUrl} size="size-24" />
              <p className="text-lg">{name}</p>
              <p className="text-xs text-slate-400">{t('room.voiceOnly')}</p>
              {/* The partner's voice plays through a hidden element. */}
              <Video stream={camera} label={name} testId="remote-audio" className="hidden" />
            </div>
          )}
          {call.kind === 'video' && (
            // Who is on the other side, as a voice call shows under the avatar.
            <p
              className="absolute bottom-2 left-2 max-w-[60%] truncate rounded-md bg-black/60 px-2 py-0.5 text-sm text-white"
              data-testid="remote-name"
              title={name}
            >
              {name}
            </p>
          )}
          {call.kind === 'video' && screen && camera && (
            <Video stream={camera} label={name} muted testId="remote-camera" className="absolute top-2 left-2 w-1/4 rounded-lg" />
          )}
          {call.kind === 'video' ? (
            <Video
              stream={local}
              label={t('room.you')}
              muted
              testId="local-video"
              className="absolute right-2 bottom-2 w-1/4 max-w-40 rounded-lg border border-white/40"
            />
          ) : (
            <div className="absolute right-2 bottom-2">
              <Avatar name={call.me.name} photoUrl={call.me.photoUrl} size="size-12" />
            </div>
          )}
        </div>
        {chatOpen && call.roomId && <InCallChat roomId={call.roomId} me={call.me.userId} partnerName={name} />}
      </div>
      <nav className="flex flex-wrap justify-center gap-2 p-3 pb-[max(0.75rem,env(safe-area-inset-bottom))]" aria-label={t('room.hangUp')}>
        <Control
          testId="toggle-mute"
          label={muted ? t('room.unmute') : t('room.mute')}
          active={muted}
          onClick={() => {
            peer?.setMuted(!muted);
            setMuted(!muted);
          }}
        />
        {call.kind === 'video' && (
          <>
            <Control
              testId="toggle-camera"
              label={cameraOff ? t('room.cameraOn') : t('room.cameraOff')}
              active={cameraOff}
              onClick={() => {
                peer?.setCameraOff(!cameraOff);
                setCameraOff(!cameraOff);
              }}
            />
            <Control
              testId="switch-camera"
              label={t('room.switchCamera')}
              onClick={() => void switchCamera().catch(() => setNote(t('errors.unknown')))}
            />
            {'getDisplayMedia' in navigator.mediaDevices && (
              <Control
                testId="toggle-share"
                label={sharing ? t('room.stopShare') : t('room.share')}
                active={sharing}
                onClick={() => {
                  if (sharing) {
                    peer?.stopScreen();
                    setSharing(false);
                  } else {
                    peer
                      ?.shareScreen(() => setSharing(false))
                      .then(() => setSharing(true))
                      .catch(() => setNote(t('errors.screen')));
                  }
                }}
              />
            )}
            {'pictureInPictureEnabled' in document && document.pictureInPictureEnabled && (
              <Control
                testId="pip"
                label={t('room.pip')}
                onClick={() =>
                  void mainVideo.current
                    ?.querySelector('video')
                    ?.requestPictureInPicture()
                    .catch(() => {})
                }
              />
            )}
          </>
        )}
        <Control
          testId="fullscreen"
          label={t('room.fullscreen')}
          onClick={() =>
            void (document.fullscreenElement ? document.exitFullscreen() : stage.current?.requestFullscreen())?.catch(() => {})
          }
        />
        {call.roomId && <Control testId="toggle-chat" label={t('room.chat')} active={chatOpen} onClick={() => setChatOpen(!chatOpen)} />}
        <Control testId="hang-up" label={t('room.hangUp')} danger onClick={() => peer?.hangUp()} />
      </nav>
    </section>
  );
}
