import type {
  ActionBody,
  Announcement,
  AnnouncementReply,
  AdminPerson,
  AdminReport,
  AdminReportDetail,
  AdminUserHits,
  AuditEntry,
  PlatformFigures,
  ReportReason,
  ReportState,
  SanctionKind,
} from '@studymate/contracts';
import { http } from '../../lib/http';

export const fetchQueue = async (filter: { state?: ReportState; reason?: ReportReason }) =>
  (await http.get<{ items: AdminReport[] }>('/admin/reports', { params: filter })).data.items;
export const fetchReport = async (id: string) => (await http.get<AdminReportDetail>(`/admin/reports/${id}`)).data;
export const actOnReport = async (id: string, body: ActionBody) =>
  (await http.post<AdminReport>(`/admin/reports/${id}/actions`, body)).data;
export const lookupPeople = async (q: string) => (await http.get<AdminUserHits>('/admin/users', { params: { q } })).data.items;
export const fetchPerson = async (id: string) => (await http.get<AdminPerson>(`/admin/users/${id}`)).data;
export const sanctionPerson = async (id: string, body: { kind: SanctionKind; reason: string; days?: number }) =>
  void (await http.post(`/admin/users/${id}/sanctions`, body));
export const liftSanctions = async (id: string, reason: string) => void (await http.post(`/admin/users/${id}/lift`, { reason }));
export const fetchAudit = async () => (await http.get<{ items: AuditEntry[] }>('/admin/audit')).data.items;
export const fetchFigures = async (days: number) => (await http.get<PlatformFigures>('/admin/figures', { params: { days } })).data;
export const fetchWords = async () => (await http.get<{ items: { word: string; addedAt: string }[] }>('/admin/words')).data.items;
export const addWord = async (word: string) => void (await http.post('/admin/words', { word }));
export const removeWord = async (word: string) => void (await http.delete(`/admin/words/${encodeURIComponent(word)}`));
export const sendAnnouncement = async (announcement: Announcement) =>
  (await http.post<AnnouncementReply>('/admin/announcements', announcement)).data;
