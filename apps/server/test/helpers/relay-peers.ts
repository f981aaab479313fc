import { RTCPeerConnection, type RTCDataChannel, type RTCIceServer } from 'werift';
import { until } from './wait.js';

/** Offers or answers once every candidate is gathered (no trickling needed between two peers in one process). */
export async function gathered(pc: RTCPeerConnection, timeoutMs = 8000) {
  await until('ICE gathering', () => pc.iceGatheringState === 'complete', timeoutMs).catch(() => undefined);
  return pc.localDescription!;
}

export const candidateTypes = (sdp: string) => [...sdp.matchAll(/a=candidate:\S+ \d+ \S+ \d+ \S+ \d+ typ (\w+)/g)].map((m) => m[1]);

export interface RelayedPair {
  offerTypes: (string | undefined)[];
  answerTypes: (string | undefined)[];
  connected: boolean;
  /** A's side of an open data channel (null when the peers never connected). */
  channel: RTCDataChannel | null;
  /** What B has received on it so far, in order. */
  received: string[];
  close(): Promise<void>;
}

/**
 * Two werift peers, both forced through TURN (`iceTransportPolicy: 'relay'`), with a data channel
 * from A to B open: the media path of a call, which runs between the browsers and coturn and never
 * through a STUDYMATE node.
 */
export async function openRelayedPair(aServers: RTCIceServer[], bServers: RTCIceServer[]): Promise<RelayedPair> {
  const a = new RTCPeerConnection({ iceServers: aServers, iceTransportPolicy: 'relay' });
  const b = new RTCPeerConnection({ iceServers: bServers, iceTransportPolicy: 'relay' });
  const close = async () => {
    await Promise.allSettled([a.close(), b.close()]);
  };
  const received: string[] = [];
  const channel = a.createDataChannel('practice');
  b.onDataChannel.subscribe((incoming) => incoming.onMessage.subscribe((data) => received.push(data.toString())));
  await a.setLocalDescription(await a.createOffer());
  const offer = await gathered(a);
  await b.setRemoteDescription(offer);
  await b.setLocalDescription(await b.createAnswer());
  const answer = await gathered(b);
  await a.setRemoteDescription(answer);
  const types = { offerTypes: candidateTypes(offer.sdp), answerTypes: candidateTypes(answer.sdp) };
  const connected = await until(
    'both peers connected',
    () => a.connectionState === 'connected' && b.connectionState === 'connected',
    10_000,
  )
    .then(() => true)
    .catch(() => false);
  if (!connected) return { ...types, connected, channel: null, received, close };
  await until('data channel open', () => channel.readyState === 'open');
  return { ...types, connected, channel, received, close };
}
