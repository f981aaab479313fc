import type { NotificationPage, NotificationSettings, NotificationSettingsBody, UnreadCount } from '@studymate/contracts';
import { http } from '../../lib/http';

/** REST side of notifications; new ones and read counts arrive on `/user/queue/notifications`. */
export const fetchPage = async (before?: string) =>
  (await http.get<NotificationPage>('/notifications', { params: before ? { before } : {} })).data;
export const fetchUnread = async () => (await http.get<UnreadCount>('/notifications/unread-count')).data.unread;
export const markRead = async (ids?: string[]) => (await http.post<UnreadCount>('/notifications/read', ids ? { ids } : {})).data.unread;
export const removeNotification = async (id: string) => void (await http.delete(`/notifications/${id}`));
export const fetchSettings = async () => (await http.get<NotificationSettings>('/notifications/settings')).data;
export const saveSettings = async (body: NotificationSettingsBody) =>
  (await http.put<NotificationSettings>('/notifications/settings', body)).data;
