import type { Static } from '@sinclair/typebox';
import type {
  AcceptReply,
  BlockedPerson,
  Mate,
  MatchRequest,
  PartnerCard,
  PartnerSearchQuery,
  QuickMatchReply,
  RecommendationPage,
} from '@studymate/contracts';
import { http } from '../../lib/http';

/** REST side of matching; news of requests and accepts arrives on the notifications queue. */
const base = '/matching';

/** Reasons come back in the UI language. */
type Locale = 'ko' | 'en';

export async function fetchRecommendations(page: number, locale: Locale): Promise<RecommendationPage> {
  return (await http.get<RecommendationPage>(`${base}/recommendations`, { params: { page, locale } })).data;
}

export async function searchPartners(query: PartnerSearchQuery): Promise<PartnerCard[]> {
  // topics=a&topics=b, the repeated form the server's query parser reads as an array.
  return (await http.get<{ items: PartnerCard[] }>(`${base}/search`, { params: query, paramsSerializer: { indexes: null } })).data.items;
}

export async function fetchPerson(userId: string, locale: Locale): Promise<PartnerCard> {
  return (await http.get<PartnerCard>(`${base}/people/${userId}`, { params: { locale } })).data;
}

export async function sendRequest(receiverId: string, message: string): Promise<MatchRequest> {
  return (await http.post<MatchRequest>(`${base}/requests`, { receiverId, message })).data;
}

export async function fetchReceived(locale: Locale): Promise<MatchRequest[]> {
  return (await http.get<{ items: MatchRequest[] }>(`${base}/requests/received`, { params: { locale } })).data.items;
}

export async function fetchSent(locale: Locale): Promise<MatchRequest[]> {
  return (await http.get<{ items: MatchRequest[] }>(`${base}/requests/sent`, { params: { locale } })).data.items;
}

export async function acceptRequest(requestId: string): Promise<Static<typeof AcceptReply>> {
  return (await http.post<Static<typeof AcceptReply>>(`${base}/requests/${requestId}/accept`)).data;
}

export async function declineRequest(requestId: string): Promise<void> {
  await http.post(`${base}/requests/${requestId}/decline`);
}

export async function cancelRequest(requestId: string): Promise<void> {
  await http.delete(`${base}/requests/${requestId}`);
}

export async function fetchMates(locale: Locale): Promise<Mate[]> {
  return (await http.get<{ items: Mate[] }>(`${base}/mates`, { params: { locale } })).data.items;
}

export async function unmatch(userId: string): Promise<void> {
  await http.delete(`${base}/mates/${userId}`);
}

export async function block(userId: string): Promise<void> {
  await http.post(`${base}/blocks`, { userId });
}

export async function unblock(userId: string): Promise<void> {
  await http.delete(`${base}/blocks/${userId}`);
}

export async function fetchBlocked(): Promise<BlockedPerson[]> {
  return (await http.get<{ items: BlockedPerson[] }>(`${base}/blocks`)).data.items;
}

/** Joins the quick-match queue, or checks in again while waiting; `relaxed` after two minutes. */
export async function joinQuickMatch(relaxed = false): Promise<QuickMatchReply> {
  return (await http.post<QuickMatchReply>(`${base}/quick`, undefined, { params: relaxed ? { relaxed } : {} })).data;
}

export async function leaveQuickMatch(): Promise<void> {
  await http.delete(`${base}/quick`);
}

/** Whether I may write to someone (the chat page shows why not instead of the composer). */
export async function fetchContact(userId: string): Promise<ContactState> {
  return (await http.get<{ state: ContactState }>(`${base}/contacts/${userId}`)).data.state;
}
export type ContactState = 'open' | 'read-only' | 'blocked';
