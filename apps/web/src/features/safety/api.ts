import type { MyReport, MyStanding, PrivacySettings, ReportBody } from '@studymate/contracts';
import { http } from '../../lib/http';

export const sendReport = async (body: ReportBody) => (await http.post<MyReport>('/reports', body)).data;
export const fetchMyReports = async () => (await http.get<{ items: MyReport[] }>('/reports/mine')).data.items;
export const fetchPrivacy = async () => (await http.get<PrivacySettings>('/me/privacy')).data;
export const savePrivacy = async (settings: PrivacySettings) => (await http.put<PrivacySettings>('/me/privacy', settings)).data;
export const fetchStanding = async () => (await http.get<MyStanding>('/me/standing')).data;
export const acknowledgeWarning = async (id: string) => void (await http.post(`/me/standing/warnings/${id}/seen`));
