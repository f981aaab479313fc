import type { CallEvent, CallSignalBody } from '@studymate/contracts';
import { onConnected, publishConfirmed, subscribe } from '../chat/realtime';

/**
 * One side of a 1:1 call: the browser's RTCPeerConnection, signalled over the app's STOMP
 * connection (`/pub/calls/{id}` out, `/sub/calls/{id}` in).
 *
 * - Perfect negotiation: both sides may offer at any time (adding a screen share, an ICE restart);
 *   on a collision the polite side (the callee) rolls back and answers, the impolite one ignores
 *   the other's offer. So either may start, and nothing needs a turn order.
 * - Legs: the server tells who is in the call and over which join (`presence`). A peer connection
 *   is built for one pair of legs; when either side comes back over a new connection (a reload, a
 *   dropped socket) both build a fresh one, since the old DTLS session is gone on that side.
 * - ICE restart when the network changes (online, connection change) or ICE fails.
 */
export type PeerPhase = 'waiting' | 'connecting' | 'connected' | 'reconnecting';
type Ended = Extract<CallEvent, { type: 'ended' }>;
/** How long a new peer connection may take to connect before ICE is restarted. */
const RESTART_AFTER_MS = 4000;

export interface PeerListener {
  phase(phase: PeerPhase, reconnectUntil: number | null): void;
  /** The partner's streams, camera first, then a screen share when there is one. */
  remote(streams: MediaStream[]): void;
  ended(event: Ended): void;
}

export class CallPeer {
  pc: RTCPeerConnection | null = null;
  private legs: { mine: string; partner: string } | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private remoteStreams: MediaStream[] = [];
  private screen: { track: MediaStreamTrack; stream: MediaStream; sender: RTCRtpSender | null } | null = null;
  private cleanups: (() => void)[] = [];
  private disconnectedTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private partnerSeen = false;
  private inbox: Promise<void> = Promise.resolve();

  constructor(
    private readonly callId: string,
    private readonly me: string,
    private readonly partnerId: string,
    private readonly polite: boolean,
    private readonly config: RTCConfiguration,
    private local: MediaStream,
    private readonly listener: PeerListener,
  ) {}

  private send(body: CallSignalBody) {
    return publishConfirmed(`/pub/calls/${this.callId}`, body).catch((error: unknown) => {
      if (!this.closed) console.warn('calls: signal not confirmed', error);
    });
  }

  /** Subscribes, then joins (and joins again after every reconnect of the app's STOMP connection). */
  start() {
    // One event at a time, in arrival order: a candidate never overtakes the description before it.
    this.cleanups.push(
      subscribe(`/sub/calls/${this.callId}`, (body) => {
        this.inbox = this.inbox
          .then(() => this.onEvent(body as CallEvent))
          .catch((error: unknown) => console.warn('calls: signal failed', error));
      }),
    );
    this.cleanups.push(onConnected(() => void this.send({ type: 'join' })));
    void this.send({ type: 'join' });
    const restart = () => this.pc?.restartIce();
    window.addEventListener('online', restart);
    this.cleanups.push(() => window.removeEventListener('online', restart));
    const connection = (navigator as Navigator & { connection?: EventTarget }).connection;
    connection?.addEventListener('change', restart);
    this.cleanups.push(() => connection?.removeEventListener('change', restart));
    this.listener.phase('waiting', null);
  }

  private async onEvent(event: CallEvent) {
    if (this.closed) return;
    switch (event.type) {
      case 'presence': {
        const mine = event.present.find((p) => p.userId === this.me);
        const theirs = event.present.find((p) => p.userId === this.partnerId);
        if (!mine) return;
        if (!theirs) {
          const back = event.reconnecting.find((r) => r.userId === this.partnerId);
          this.listener.phase(back || this.partnerSeen ? 'reconnecting' : 'waiting', back ? new Date(back.until).getTime() : null);
          return;
        }
        this.partnerSeen = true;
        if (!this.pc || this.legs?.mine !== mine.leg || this.legs.partner !== theirs.leg)
          this.build({ mine: mine.leg, partner: theirs.leg });
        return;
      }
      case 'description': {
        if (event.from === this.me || event.leg !== this.legs?.partner || !this.pc) return;
        const pc = this.pc;
        const description = event.description as RTCSessionDescriptionInit;
        const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
        this.ignoreOffer = !this.polite && collision;
        if (this.ignoreOffer) return;
        await pc.setRemoteDescription(description);
        if (description.type === 'offer') {
          await pc.setLocalDescription();
          void this.send({ type: 'description', description: pc.localDescription!.toJSON() });
        }
        return;
      }
      case 'candidate': {
        if (event.from === this.me || event.leg !== this.legs?.partner || !this.pc) return;
        try {
          await this.pc.addIceCandidate(event.candidate ?? undefined);
        } catch (error) {
          if (!this.ignoreOffer) console.warn('calls: candidate refused', error);
        }
        return;
      }
      case 'ended':
        this.close();
        this.listener.ended(event);
        return;
    }
  }

  /** A fresh peer connection for this pair of legs, with my tracks on it. */
  private build(legs: { mine: string; partner: string }) {
    this.pc?.close();
    this.legs = legs;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.remoteStreams = [];
    this.listener.remote([]);
    const pc = new RTCPeerConnection(this.config);
    this.pc = pc;
    for (const track of this.local.getTracks()) pc.addTrack(track, this.local);
    if (this.screen) this.screen.sender = pc.addTrack(this.screen.track, this.screen.stream);
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        if (pc === this.pc) await this.send({ type: 'description', description: pc.localDescription!.toJSON() });
      } catch (error) {
        console.warn('calls: offer failed', error);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (pc !== this.pc) return;
      const init = candidate?.toJSON();
      void this.send({ type: 'candidate', candidate: init ? { ...init, candidate: init.candidate ?? '' } : null });
    };
    pc.ontrack = ({ track, streams }) => {
      const stream = streams[0] ?? new MediaStream([track]);
      if (!this.remoteStreams.includes(stream)) {
        this.remoteStreams = [...this.remoteStreams, stream];
        stream.onremovetrack = () => {
          if (stream.getTracks().length === 0) this.remoteStreams = this.remoteStreams.filter((s) => s !== stream);
          this.listener.remote(this.remoteStreams);
        };
      }
      this.listener.remote(this.remoteStreams);
    };
    pc.onconnectionstatechange = () => {
      if (pc !== this.pc) return;
      const state = pc.connectionState;
      if (state === 'connected') this.listener.phase('connected', null);
      else if (state === 'connecting' || state === 'new') this.listener.phase('connecting', null);
      else if (state === 'disconnected' || state === 'failed') this.listener.phase('reconnecting', null);
    };
    pc.oniceconnectionstatechange = () => {
      if (pc !== this.pc) return;
      if (this.disconnectedTimer) clearTimeout(this.disconnectedTimer);
      if (pc.iceConnectionState === 'failed') pc.restartIce();
      // A path that went quiet may come back by itself; if not in 3 s, look for a new one.
      if (pc.iceConnectionState === 'disconnected') this.disconnectedTimer = setTimeout(() => pc.restartIce(), 3000);
    };
    this.listener.phase('connecting', null);
    // When both offered at once, the candidates of the offer the impolite side ignored are lost
    // with it, and ICE may wait its whole timeout. Not connected within a few seconds, the
    // impolite side restarts ICE: fresh credentials, candidates gathered and sent again.
    const watchdog = setInterval(() => {
      if (pc !== this.pc || pc.connectionState === 'closed') return clearInterval(watchdog);
      if (pc.connectionState === 'connected') return;
      if (!this.polite && pc.signalingState === 'stable') pc.restartIce();
    }, RESTART_AFTER_MS);
  }

  setMuted(muted: boolean) {
    for (const track of this.local.getAudioTracks()) track.enabled = !muted;
  }
  setCameraOff(off: boolean) {
    for (const track of this.local.getVideoTracks()) track.enabled = !off;
  }

  /** Swaps the camera (front/back on a phone) without renegotiating. */
  async switchCamera(deviceId: string) {
    const fresh = await navigator.mediaDevices.getUserMedia({ video: { deviceId: { exact: deviceId } } });
    const track = fresh.getVideoTracks()[0]!;
    const old = this.local.getVideoTracks()[0];
    track.enabled = old?.enabled ?? true;
    const sender = this.pc?.getSenders().find((s) => s.track === old);
    await sender?.replaceTrack(track);
    if (old) {
      this.local.removeTrack(old);
      old.stop();
    }
    this.local.addTrack(track);
    return this.local;
  }

  /** A screen share travels as a second video track (the partner gets a new track), not instead of the camera. */
  async shareScreen(onStopped: () => void) {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = stream.getVideoTracks()[0]!;
    track.onended = () => {
      this.stopScreen();
      onStopped();
    };
    this.screen = { track, stream, sender: this.pc ? this.pc.addTrack(track, stream) : null };
    return stream;
  }
  stopScreen() {
    if (!this.screen) return;
    if (this.screen.sender && this.pc && this.pc.signalingState !== 'closed') this.pc.removeTrack(this.screen.sender);
    this.screen.track.stop();
    this.screen = null;
  }

  hangUp() {
    void this.send({ type: 'hangup' });
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    if (this.disconnectedTimer) clearTimeout(this.disconnectedTimer);
    for (const cleanup of this.cleanups) cleanup();
    this.stopScreen();
    this.pc?.close();
    this.pc = null;
  }
}
