import type { CallEvent, CallSignalBody } from '@studymate/contracts';
import { onConnected, publishConfirmed, subscribe } from '../chat/realtime';

/**
 * One side of a 1:1 call: the browser's RTCPeerConnection, signalled over the app's STOMP
 * connection (`/pub/calls/{id}` out, `/sub/calls/{id}` in).
 *
 * - Perfect negotiation: both sides may offer at any time (adding a screen share, an ICE restart);
 *   on a collision the polite side (the callee) rolls back and answers, the impolite one ignores
 *   the other's offer. A fresh connection's first offer is the impolite side's, though (see build).
 * - Legs: the server tells who is in the call and over which join (`presence`). A peer connection
 *   is built for one pair of legs; when either side comes back over a new connection (a reload, a
 *   dropped socket) both build a fresh one, since the old DTLS session is gone on that side. Every
 *   description and candidate names the partner leg it was made for (`to`), and the server stamps
 *   the sender's: a message is taken only by the connection built for exactly that pair.
 * - Candidates that arrive before the description they belong to wait for it.
 * - ICE restart when the network changes (online, connection change) or ICE fails.
 */
export type PeerPhase = 'waiting' | 'connecting' | 'connected' | 'reconnecting';
type Ended = Extract<CallEvent, { type: 'ended' }>;
/** How long a new peer connection may take to connect before ICE is restarted. */
const RESTART_AFTER_MS = 4000;
/** How long the polite side waits for the impolite side's first offer before offering itself. */
const FIRST_OFFER_WAIT_MS = 2000;

export interface PeerListener {
  phase(phase: PeerPhase, reconnectUntil: number | null): void;
  /** The partner's streams, camera first, then a screen share when there is one. */
  remote(streams: MediaStream[]): void;
  ended(event: Ended): void;
}

export class CallPeer {
  pc: RTCPeerConnection | null = null;
  private legs: { mine: string; partner: string } | null = null;
  /** How the current peer connection takes the partner's descriptions and candidates. */
  private negotiation: {
    description(description: RTCSessionDescriptionInit): Promise<void>;
    candidate(candidate: Extract<CallEvent, { type: 'candidate' }>['candidate']): Promise<void>;
  } | null = null;
  private remoteStreams: MediaStream[] = [];
  private screen: { track: MediaStreamTrack; stream: MediaStream; sender: RTCRtpSender | null } | null = null;
  private cleanups: (() => void)[] = [];
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
      case 'description':
      case 'candidate': {
        // Only the partner's peer connection for this very pair of legs: after a rejoin, what the
        // partner's previous one still sends (it was built for my old leg) would poison the new one.
        if (event.from === this.me || !this.negotiation || event.leg !== this.legs?.partner) return;
        if (event.to !== undefined && event.to !== this.legs.mine) return;
        await (event.type === 'description'
          ? this.negotiation.description(event.description as RTCSessionDescriptionInit)
          : this.negotiation.candidate(event.candidate));
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
    this.remoteStreams = [];
    this.listener.remote([]);
    const pc = new RTCPeerConnection(this.config);
    this.pc = pc;
    const current = () => pc === this.pc && !this.closed;
    // Perfect negotiation, its state per peer connection (an old one's late callbacks touch nothing).
    let makingOffer = false;
    let ignoreOffer = false;
    // Candidates that came before the description they belong to: applied once it is set.
    let early: (RTCIceCandidateInit | null)[] = [];
    const offer = async () => {
      try {
        makingOffer = true;
        await pc.setLocalDescription();
        if (current()) await this.send({ type: 'description', description: pc.localDescription!.toJSON(), to: legs.partner });
      } catch (error) {
        console.warn('calls: offer failed', error);
      } finally {
        makingOffer = false;
      }
    };
    const apply = async (candidate: RTCIceCandidateInit | null) => {
      try {
        await pc.addIceCandidate(candidate ?? undefined);
      } catch (error) {
        if (!ignoreOffer && current()) console.warn('calls: candidate refused', error);
      }
    };
    this.negotiation = {
      description: async (description) => {
        if (!current()) return;
        const collision = description.type === 'offer' && (makingOffer || pc.signalingState !== 'stable');
        ignoreOffer = !this.polite && collision;
        if (ignoreOffer) return;
        await pc.setRemoteDescription(description);
        const waiting = early;
        early = [];
        if (description.type === 'offer') {
          await pc.setLocalDescription();
          void this.send({ type: 'description', description: pc.localDescription!.toJSON(), to: legs.partner });
        }
        for (const candidate of waiting) await apply(candidate);
      },
      candidate: async (init) => {
        if (!current()) return;
        const candidate = init as RTCIceCandidateInit | null;
        if (!pc.remoteDescription) early.push(candidate);
        else await apply(candidate);
      },
    };
    for (const track of this.local.getTracks()) pc.addTrack(track, this.local);
    if (this.screen) this.screen.sender = pc.addTrack(this.screen.track, this.screen.stream);
    // A fresh connection is offered by the impolite side alone: both build theirs on the same
    // presence, and a collision there costs a rollback and the candidates sent with the dropped
    // offer (in relay-only mode nothing makes up for those). The polite side offers itself only if
    // no offer came in time.
    pc.onnegotiationneeded = () => {
      if (!current()) return;
      if (this.polite && !pc.remoteDescription && !pc.localDescription) return;
      void offer();
    };
    const firstOffer = setTimeout(() => {
      if (current() && this.polite && !pc.remoteDescription && pc.signalingState === 'stable') void offer();
    }, FIRST_OFFER_WAIT_MS);
    pc.onicecandidate = ({ candidate }) => {
      if (!current()) return;
      const init = candidate?.toJSON();
      void this.send({ type: 'candidate', candidate: init ? { ...init, candidate: init.candidate ?? '' } : null, to: legs.partner });
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
      if (!current()) return;
      const state = pc.connectionState;
      if (state === 'connected') this.listener.phase('connected', null);
      else if (state === 'connecting' || state === 'new') this.listener.phase('connecting', null);
      else if (state === 'disconnected' || state === 'failed') this.listener.phase('reconnecting', null);
    };
    let quiet: ReturnType<typeof setTimeout> | null = null;
    pc.oniceconnectionstatechange = () => {
      if (quiet) clearTimeout(quiet);
      if (!current()) return;
      if (pc.iceConnectionState === 'failed') pc.restartIce();
      // A path that went quiet may come back by itself; if not in 3 s, look for a new one.
      if (pc.iceConnectionState === 'disconnected') quiet = setTimeout(() => current() && pc.restartIce(), 3000);
    };
    this.listener.phase('connecting', null);
    // Not connected within a few seconds (a lost candidate, a path that never worked): the
    // impolite side restarts ICE, with fresh credentials and candidates gathered and sent again.
    const watchdog = setInterval(() => {
      if (!current() || pc.connectionState === 'closed') {
        clearInterval(watchdog);
        clearTimeout(firstOffer);
        return;
      }
      if (pc.connectionState === 'connected') return;
      if (!this.polite && pc.signalingState === 'stable') {
        pc.restartIce();
      }
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
    for (const cleanup of this.cleanups) cleanup();
    this.stopScreen();
    this.pc?.close();
    this.pc = null;
    this.negotiation = null;
  }
}
