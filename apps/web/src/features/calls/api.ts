import type { CallRating, CallView, CreateCallBody, IceServersReply } from '@studymate/contracts';
import { http } from '../../lib/http';

/** REST side of calls; ringing and signalling travel over STOMP (peer.ts, components/IncomingCall.tsx). */
const base = '/calls';

export async function startCall(body: CreateCallBody): Promise<string> {
  return (await http.post<{ id: string }>(base, body)).data.id;
}
export async function fetchCall(callId: string): Promise<CallView> {
  return (await http.get<CallView>(`${base}/${callId}`)).data;
}
export async function acceptCall(callId: string): Promise<CallView> {
  return (await http.post<CallView>(`${base}/${callId}/accept`)).data;
}
export async function declineCall(callId: string): Promise<void> {
  await http.post(`${base}/${callId}/decline`);
}
export async function rateCall(callId: string, rating: CallRating): Promise<CallView> {
  return (await http.put<CallView>(`${base}/${callId}/rating`, rating)).data;
}
export async function fetchIceServers(): Promise<IceServersReply> {
  return (await http.get<IceServersReply>(`${base}/ice-servers`)).data;
}
