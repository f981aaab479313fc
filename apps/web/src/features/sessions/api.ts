import type {
  CancelSessionBody,
  MoveSessionBody,
  ProposeSessionBody,
  SessionList,
  SessionOccurrence,
  SessionSuggestions,
} from '@studymate/contracts';
import { http } from '../../lib/http';

/** REST side of sessions; news of proposals, answers and moves arrives on the notifications queue. */
const base = '/sessions';

export async function fetchSessions(from: Date, to: Date): Promise<SessionOccurrence[]> {
  return (await http.get<SessionList>(base, { params: { from: from.toISOString(), to: to.toISOString() } })).data.items;
}

export async function proposeSession(body: ProposeSessionBody): Promise<SessionOccurrence> {
  return (await http.post<SessionOccurrence>(base, body)).data;
}

export async function fetchSuggestions(mateId: string, minutes: number): Promise<SessionSuggestions['items']> {
  return (await http.get<SessionSuggestions>(`${base}/suggestions`, { params: { mateId, minutes } })).data.items;
}

export async function acceptSession(sessionId: string): Promise<void> {
  await http.post(`${base}/${sessionId}/accept`);
}

export async function declineSession(sessionId: string, reason: string): Promise<void> {
  await http.post(`${base}/${sessionId}/decline`, { reason });
}

export async function cancelSession(sessionId: string, body: CancelSessionBody): Promise<void> {
  await http.post(`${base}/${sessionId}/cancel`, body);
}

export async function moveSession(sessionId: string, index: number, body: MoveSessionBody): Promise<void> {
  await http.post(`${base}/${sessionId}/occurrences/${index}/move`, body);
}

export async function answerMove(sessionId: string, index: number, accept: boolean): Promise<void> {
  await http.post(`${base}/${sessionId}/occurrences/${index}/move/${accept ? 'accept' : 'decline'}`);
}

/** The .ics file, fetched with the session's token and handed to the browser as a download. */
export async function downloadIcs(sessionId: string): Promise<void> {
  const file = await http.get<Blob>(`${base}/${sessionId}/ics`, { responseType: 'blob' });
  const url = URL.createObjectURL(file.data);
  const link = document.createElement('a');
  link.href = url;
  link.download = `studymate-session-${sessionId.slice(0, 8)}.ics`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export async function fetchFeed(): Promise<{ active: boolean; createdAt: string | null }> {
  return (await http.get<{ active: boolean; createdAt: string | null }>(`${base}/feed`)).data;
}

export async function createFeed(): Promise<{ url: string; createdAt: string }> {
  return (await http.post<{ url: string; createdAt: string }>(`${base}/feed`)).data;
}

export async function revokeFeed(): Promise<void> {
  await http.delete(`${base}/feed`);
}

/** The call for a session that is on now (the calls module's endpoint); returns the call's id. */
export async function joinCall(sessionId: string): Promise<string> {
  return (await http.post<{ id: string }>('/calls', { sessionId })).data.id;
}
