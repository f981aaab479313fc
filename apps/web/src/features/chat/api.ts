import type { Static } from '@sinclair/typebox';
import type { Attachment, ChatMessage, FileList, MessagePage, RoomSummary, SendMessageBody } from '@studymate/contracts';
import { http } from '../../lib/http';

/** REST side of chat; live traffic goes over STOMP (realtime.ts). */
const base = '/chat';

export async function fetchRooms(): Promise<RoomSummary[]> {
  return (await http.get<{ items: RoomSummary[] }>(`${base}/rooms`)).data.items;
}

export async function fetchRoom(roomId: string): Promise<RoomSummary> {
  return (await http.get<RoomSummary>(`${base}/rooms/${roomId}`)).data;
}

/** Newest first; pass `nextBefore` back as `before` for the next older page. */
export async function fetchOlder(roomId: string, before?: number, limit = 30): Promise<MessagePage> {
  return (await http.get<MessagePage>(`${base}/rooms/${roomId}/messages`, { params: { before, limit } })).data;
}

/** Oldest first: everything after `seq`, for catching up after a reconnect. */
export async function fetchAfter(roomId: string, after: number, limit = 100): Promise<MessagePage> {
  return (await http.get<MessagePage>(`${base}/rooms/${roomId}/messages`, { params: { after, limit } })).data;
}

/** The HTTP fallback for sending; same clientId semantics as STOMP. */
export async function sendOverHttp(roomId: string, body: SendMessageBody): Promise<ChatMessage> {
  return (await http.post<ChatMessage>(`${base}/rooms/${roomId}/messages`, body)).data;
}

export async function markReadOverHttp(roomId: string, seq: number): Promise<void> {
  await http.post(`${base}/rooms/${roomId}/read`, { seq });
}

export async function editMessage(messageId: string, body: string): Promise<ChatMessage> {
  return (await http.patch<ChatMessage>(`${base}/messages/${messageId}`, { body })).data;
}

export async function deleteMessage(messageId: string): Promise<ChatMessage> {
  return (await http.delete<ChatMessage>(`${base}/messages/${messageId}`)).data;
}

export async function translateMessage(messageId: string, target: string): Promise<string> {
  return (await http.post<{ text: string }>(`${base}/messages/${messageId}/translate`, { target })).data.text;
}

export async function uploadAttachment(
  roomId: string,
  file: Blob,
  fileName: string,
  voice?: { durationMs: number; waveform?: string },
): Promise<Attachment> {
  const form = new FormData();
  if (voice) form.append('durationMs', String(voice.durationMs));
  if (voice?.waveform) form.append('waveform', voice.waveform);
  form.append('file', file, fileName);
  return (await http.post<Attachment>(`${base}/rooms/${roomId}/attachments`, form)).data;
}

// Attachments need the Authorization header, so they are fetched as blobs and shown from object
// URLs; one fetch per attachment for the life of the page (they never change once uploaded).
const blobUrls = new Map<string, Promise<string>>();

export function attachmentUrl(attachmentId: string): Promise<string> {
  let url = blobUrls.get(attachmentId);
  if (!url) {
    url = http.get<Blob>(`${base}/attachments/${attachmentId}`, { responseType: 'blob' }).then((r) => URL.createObjectURL(r.data));
    // A failed download may succeed later (e.g. after reconnecting); do not cache the failure.
    url.catch(() => blobUrls.delete(attachmentId));
    blobUrls.set(attachmentId, url);
  }
  return url;
}

/** Frees every object URL, e.g. on sign-out. */
export function releaseAttachmentUrls(): void {
  for (const url of blobUrls.values()) void url.then(URL.revokeObjectURL, () => {});
  blobUrls.clear();
}

// ---- groups ----

export async function createGroup(name: string, memberIds: string[]): Promise<RoomSummary> {
  return (await http.post<RoomSummary>(`${base}/rooms/group`, { name, memberIds })).data;
}

export async function inviteMember(roomId: string, userId: string): Promise<RoomSummary> {
  return (await http.post<RoomSummary>(`${base}/rooms/${roomId}/members`, { userId })).data;
}

export async function leaveGroup(roomId: string): Promise<void> {
  await http.delete(`${base}/rooms/${roomId}/members/me`);
}

export async function removeMember(roomId: string, userId: string): Promise<RoomSummary> {
  return (await http.delete<RoomSummary>(`${base}/rooms/${roomId}/members/${userId}`)).data;
}

export async function handOver(roomId: string, userId: string): Promise<RoomSummary> {
  return (await http.put<RoomSummary>(`${base}/rooms/${roomId}/owner`, { userId })).data;
}

// ---- search and files ----

/** Newest first. */
export async function searchRoom(roomId: string, q: string): Promise<ChatMessage[]> {
  return (await http.get<{ items: ChatMessage[] }>(`${base}/rooms/${roomId}/search`, { params: { q, limit: 50 } })).data.items;
}

export type SharedFile = Static<typeof FileList>['items'][number];

/** Files shared in my rooms, newest first. */
export async function fetchSharedFiles(): Promise<SharedFile[]> {
  return (await http.get<Static<typeof FileList>>(`${base}/files`)).data.items;
}
